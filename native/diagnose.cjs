// Why the native addon is missing on this machine, and the one command that fixes it.
// Shared by the loader (native/index.cjs, at run time) and the install script
// (scripts/install.js, at install time), so both say the same thing.
//
// The install script records what it did in native/install-status.json:
//   { outcome: 'skipped' | 'no-toolchain' | 'build-failed', platform, detail }
// No file means it never ran (npm 11 runs a dependency's install script only once
// approved; --ignore-scripts never runs it) or it found a binary that loads.
'use strict'

const { existsSync, readFileSync } = require('node:fs')
const { join } = require('node:path')

const PACKAGE = 'nanostore-ipc-bridge'
const ROOT = join(__dirname, '..')
const STATUS_FILE = join(__dirname, 'install-status.json')
const ERROR_CODE = 'NATIVE_ADDON_MISSING'
const RUST =
  'Rust (https://rustup.rs; on macOS also `xcode-select --install`, on Windows the Visual Studio C++ build tools)'

/** The suffix napi-rs names binaries and platform packages with: linux-x64-gnu, darwin-arm64, win32-x64-msvc. */
function platformSuffix() {
  const base = `${process.platform}-${process.arch}`
  if (process.platform === 'win32') return `${base}-msvc`
  if (process.platform !== 'linux') return base
  return `${base}-${isMusl() ? 'musl' : 'gnu'}`
}

function isMusl() {
  const header = process.report?.getReport?.().header
  if (header?.glibcVersionRuntime) return false
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl')
  } catch {
    return true
  }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

function readStatus() {
  return readJson(STATUS_FILE)
}

/** Name and version of the prebuilt package this platform would use, if one is published. */
function prebuiltPackage(platform) {
  const pkg = readJson(join(ROOT, 'package.json')) ?? {}
  const name = `${PACKAGE}-${platform}`
  const version = pkg.optionalDependencies?.[name]
  return version ? { name, version } : null
}

function installed(name) {
  try {
    require.resolve(`${name}/package.json`, { paths: [ROOT] })
    return true
  } catch {
    return false
  }
}

function firstLine(error) {
  const message = error && typeof error.message === 'string' ? error.message : String(error ?? '')
  return message.split('\n')[0]
}

// napi-rs chains every candidate it tried (wasm fallbacks, packages not installed) as causes:
// the one worth showing is the binary that exists and failed (wrong libc, a truncated file, …).
function loadFailure(error) {
  const messages = []
  for (let e = error; e && messages.length < 50; e = e.cause) messages.push(firstLine(e))
  return messages.find(m => !/^Cannot find (module|native binding)/.test(m)) ?? messages.at(-1) ?? 'unknown error'
}

/**
 * What went wrong and what to do, as { reason, fix } (fix: the command to run).
 * `loadError`: what requiring the binding threw (its first line is shown when a binary
 * exists but does not load).
 */
function diagnose({ status = readStatus(), loadError } = {}) {
  const platform = platformSuffix()
  const prebuilt = prebuiltPackage(platform)
  const localBinary = join(ROOT, `${PACKAGE}.${platform}.node`)
  const rebuild = `npm rebuild ${PACKAGE}`

  if (existsSync(localBinary) || (prebuilt && installed(prebuilt.name))) {
    return {
      reason: `the ${platform} binary is installed but does not load: ${loadFailure(loadError)}`,
      fix: `install ${RUST}, then run \`${rebuild}\` to build one from source`
    }
  }
  if (prebuilt) {
    return {
      reason:
        `the prebuilt binary package ${prebuilt.name} (an optional dependency) is not installed: ` +
        'npm skips optional dependencies with --omit=optional, and a package-lock.json written on another ' +
        'platform may not list it',
      fix: `run \`npm install ${prebuilt.name}@${prebuilt.version}\``
    }
  }
  const none = `no prebuilt binary is published for ${platform}`
  if (status?.outcome === 'skipped') {
    return {
      reason: `${none}, and the source build was skipped at install (NANOSTORE_IPC_BRIDGE_SKIP_BUILD was set)`,
      fix: `install ${RUST} if needed, then run \`${rebuild}\``
    }
  }
  if (status?.outcome === 'no-toolchain') {
    return {
      reason: `${none}, and building it from source needs Rust: cargo was not found when the package was installed`,
      fix: `install ${RUST}, then run \`${rebuild}\``
    }
  }
  if (status?.outcome === 'build-failed') {
    return {
      reason: `${none}, and the source build at install failed (${status.detail}); npm's log of the install has its output`,
      fix: `fix the cause, then run \`${rebuild}\``
    }
  }
  return {
    reason:
      `${none}, and the source build never ran: npm did not run this package's install script ` +
      '(npm 11 runs a dependency install script only once it is approved; --ignore-scripts never runs it)',
    fix: `install ${RUST}, then run \`npm install-scripts approve ${PACKAGE}\` and \`${rebuild}\``
  }
}

/** The error the loader throws: code NATIVE_ADDON_MISSING, the napi-rs load errors as its cause. */
function missingAddonError(loadError) {
  const { reason, fix } = diagnose({ loadError })
  const versions = process.versions.electron
    ? `Electron ${process.versions.electron}, Node ${process.versions.node}`
    : `Node ${process.versions.node}`
  const error = new Error(
    `${PACKAGE}: cannot load its native addon for ${platformSuffix()} (${versions}).\n` +
      `  why: ${reason}.\n` +
      `  fix: ${fix}.`
  )
  error.code = ERROR_CODE
  error.cause = loadError
  return error
}

module.exports = {
  ERROR_CODE,
  PACKAGE,
  STATUS_FILE,
  diagnose,
  missingAddonError,
  platformSuffix,
  prebuiltPackage,
  readStatus
}
