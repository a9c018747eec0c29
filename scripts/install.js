#!/usr/bin/env node
// npm `install` hook of nanostore-ipc-bridge.
//
// 1. If the native addon already loads through native.cjs (a local
//    nanostore-ipc-bridge.<platform>.node, or the prebuilt
//    nanostore-ipc-bridge-<platform> package), there is nothing to do.
// 2. Otherwise build it from source with the napi CLI, in release mode, exactly like
//    `npm run build` (it regenerates native.cjs / native.d.ts, identical to the committed
//    ones), then check that it loads.
//
// Set NANOSTORE_IPC_BRIDGE_SKIP_BUILD=1 to skip step 2 (for example when packaging on a
// machine of another platform). The script only prints when it builds or fails.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))

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
  process.stderr.write(`[nanostore-ipc-bridge] ${msg}\n`)
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

function main() {
  const first = loads()
  if (first.ok) return 0

  if (process.env.NANOSTORE_IPC_BRIDGE_SKIP_BUILD) {
    log('no loadable native binary; skipping the build (NANOSTORE_IPC_BRIDGE_SKIP_BUILD is set)')
    return 0
  }
  if (!existsSync(join(root, 'Cargo.toml')) || !existsSync(join(root, 'src', 'lib.rs'))) {
    log(`no prebuilt binary for ${process.platform}-${process.arch} and no Rust sources to build from`)
    log(first.error.split('\n').slice(0, 5).join('\n'))
    return 1
  }
  const cargo = spawnSync('cargo', ['--version'], { stdio: 'ignore' })
  if (cargo.status !== 0) {
    log(`no prebuilt binary for ${process.platform}-${process.arch}, and cargo (Rust) is not installed to build one.`)
    log('Install Rust (https://rustup.rs) and run `npm rebuild nanostore-ipc-bridge`.')
    return 1
  }
  log(`no prebuilt binary for ${process.platform}-${process.arch}: building from source (release)…`)
  const built = buildWithNapiCli() ?? buildWithCargo()
  if (!built) return 1
  const after = loads()
  if (!after.ok) {
    log('built, but the binary does not load:')
    log(after.error)
    return 1
  }
  log('native addon built')
  return 0
}

// In this repository (devDependencies installed): the napi CLI, as `npm run build` does.
function buildWithNapiCli() {
  if (process.env.NANOSTORE_IPC_BRIDGE_BUILD === 'cargo') return null
  const cli = napiCli()
  if (!cli) return null
  const args = [cli, 'build', '--platform', '--release', '--js', 'native.cjs', '--dts', 'native.d.ts']
  const build = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
  if (build.status !== 0) {
    log(`build failed (exit ${build.status ?? build.signal})`)
    return false
  }
  return true
}

// In a user's node_modules the napi CLI (a devDependency) is absent: build with cargo
// and put the library where the committed native.cjs looks for it.
function buildWithCargo() {
  const build = spawnSync('cargo', ['build', '--release', '--locked'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit']
  })
  if (build.status !== 0) {
    log(`cargo build failed (exit ${build.status ?? build.signal})`)
    return false
  }
  const lib = {
    linux: 'libnanostore_ipc_bridge.so',
    darwin: 'libnanostore_ipc_bridge.dylib',
    win32: 'nanostore_ipc_bridge.dll'
  }[process.platform]
  const target = join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'release', lib ?? '')
  if (!lib || !existsSync(target)) {
    log(`cargo built, but ${target} is missing`)
    return false
  }
  copyFileSync(target, join(root, `nanostore-ipc-bridge.${platformSuffix()}.node`))
  // the build tree is tens of MB that nothing loads again
  if (!process.env.CARGO_TARGET_DIR) rmSync(join(root, 'target'), { recursive: true, force: true })
  return true
}

// The suffix native.cjs expects: linux-x64-gnu, darwin-arm64, win32-x64-msvc, ...
function platformSuffix() {
  const base = `${process.platform}-${process.arch}`
  if (process.platform === 'win32') return `${base}-msvc`
  if (process.platform !== 'linux') return base
  const glibc = process.report?.getReport?.().header?.glibcVersionRuntime
  return `${base}-${glibc ? 'gnu' : 'musl'}`
}

process.exitCode = main()
