#!/usr/bin/env node
// npm `install` hook of nanostore-ipc-bridge: the source-build fallback.
//
// 1. If the native addon already loads through native.cjs (the prebuilt
//    nanostore-ipc-bridge-<platform> optional dependency, or a binary built earlier),
//    there is nothing to do, and it prints nothing.
// 2. Otherwise it builds the addon from the Rust sources in the package: with the napi
//    CLI in this repository (exactly `npm run build`), with plain cargo in a user's
//    node_modules, then checks that it loads.
// 3. When it cannot (NANOSTORE_IPC_BRIDGE_SKIP_BUILD set, no cargo, a failed build) it
//    records why in native/install-status.json and says what to install and the one
//    command to run afterwards; the loader repeats that message when the package is
//    loaded. In a user's install it exits 0 even then: a failing install script makes
//    npm roll back the whole install, leaving nothing that `npm rebuild` could fix.
//    In this repository (napi CLI present) a failure exits 1.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const { PACKAGE, STATUS_FILE, diagnose, platformSuffix } = createRequire(import.meta.url)('../native/diagnose.cjs')

/** Loads native.cjs in a child process (a fresh module cache, no stale failed require). */
function loads() {
  const probe =
    `const n = require(${JSON.stringify(join(root, 'native.cjs'))});` +
    `if (typeof n.StoreRuntime !== 'function' || typeof n.checkSerializable !== 'function') process.exit(3);`
  const r = spawnSync(process.execPath, ['-e', probe], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8'
  })
  return { ok: r.status === 0, error: (r.stderr || '').trim() }
}

function log(msg) {
  process.stderr.write(`[${PACKAGE}] ${msg}\n`)
}

function napiCli() {
  try {
    const pkgPath = require.resolve('@napi-rs/cli/package.json')
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'))
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin && (pkg.bin.napi || Object.values(pkg.bin)[0])
    if (!bin) return null
    const p = join(dirname(pkgPath), bin)
    return existsSync(p) ? p : null
  } catch {
    return null
  }
}

function record(outcome, detail) {
  const status = { outcome, platform: platformSuffix(), detail }
  writeFileSync(STATUS_FILE, `${JSON.stringify(status, null, 2)}\n`)
  return status
}

function clearRecord() {
  rmSync(STATUS_FILE, { force: true })
}

/** Could not provide the addon: record why, say what to do; fail only in this repository. */
function giveUp(outcome, detail, inRepository) {
  const { reason, fix } = diagnose({ status: record(outcome, detail) })
  log(`cannot provide the native addon for ${platformSuffix()}: ${reason}.`)
  log(`To fix it, ${fix}.`)
  if (!inRepository) log('The package is installed; loading it in the main process fails until then.')
  return inRepository ? 1 : 0
}

function main() {
  const first = loads()
  if (first.ok) {
    clearRecord()
    return 0
  }
  const cli = process.env.NANOSTORE_IPC_BRIDGE_BUILD === 'cargo' ? null : napiCli()
  const inRepository = cli !== null

  if (process.env.NANOSTORE_IPC_BRIDGE_SKIP_BUILD) {
    return giveUp('skipped', 'NANOSTORE_IPC_BRIDGE_SKIP_BUILD is set', inRepository)
  }
  if (!existsSync(join(root, 'Cargo.toml')) || !existsSync(join(root, 'src', 'lib.rs'))) {
    log(first.error.split('\n').slice(0, 5).join('\n'))
    return giveUp('build-failed', 'the Rust sources are missing from the package', inRepository)
  }
  const cargo = spawnSync('cargo', ['--version'], { stdio: 'ignore' })
  if (cargo.status !== 0) return giveUp('no-toolchain', 'cargo not found', inRepository)

  log(`no prebuilt binary loads on ${platformSuffix()}: building from source (release, about a minute)…`)
  const failure = cli ? buildWithNapiCli(cli) : buildWithCargo()
  if (failure) return giveUp('build-failed', failure, inRepository)
  const after = loads()
  if (!after.ok) {
    log(after.error)
    return giveUp('build-failed', 'the built binary does not load', inRepository)
  }
  clearRecord()
  log('native addon built')
  return 0
}

// In this repository (devDependencies installed): the napi CLI, as `npm run build` does.
// Returns null on success, else what failed.
function buildWithNapiCli(cli) {
  const args = [cli, 'build', '--platform', '--release', '--js', 'native.cjs', '--dts', 'native.d.ts']
  const build = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
  return build.status === 0 ? null : `napi build exited with ${build.status ?? build.signal}`
}

// In a user's node_modules the napi CLI (a devDependency) is absent: build with cargo
// and put the library where the committed native.cjs looks for it.
function buildWithCargo() {
  const build = spawnSync('cargo', ['build', '--release', '--locked'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit']
  })
  if (build.status !== 0) return `cargo build exited with ${build.status ?? build.signal}`
  const lib = {
    linux: 'libnanostore_ipc_bridge.so',
    darwin: 'libnanostore_ipc_bridge.dylib',
    win32: 'nanostore_ipc_bridge.dll'
  }[process.platform]
  const target = join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'release', lib ?? '')
  if (!lib || !existsSync(target)) return `cargo built, but ${target} is missing`
  copyFileSync(target, join(root, `${PACKAGE}.${platformSuffix()}.node`))
  // the build tree is tens of MB that nothing loads again
  if (!process.env.CARGO_TARGET_DIR) rmSync(join(root, 'target'), { recursive: true, force: true })
  return null
}

process.exitCode = main()
