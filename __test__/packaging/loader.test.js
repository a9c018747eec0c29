// native/index.cjs (the loader main requires) and scripts/install.js (the source-build fallback)
// in a copy of the package as npm installs it, without a loadable binary: each cause of a missing
// addon gives one NATIVE_ADDON_MISSING error naming the platform, why, and the command that fixes
// it; the install script never fails a user's install and records why it could not build.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const { platformSuffix } = createRequire(import.meta.url)('../../native/diagnose.cjs')
const platform = platformSuffix()
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const temp = mkdtempSync(join(tmpdir(), 'nanostore-ipc-bridge-loader-'))
after(() => rmSync(temp, { recursive: true, force: true }))

let copies = 0
/** The package's loader files as installed, with no binary; `manifest` edits its package.json. */
function installedCopy({ manifest = p => p, status, withSources = false } = {}) {
  const dir = join(temp, `copy-${++copies}`)
  mkdirSync(join(dir, 'native'), { recursive: true })
  for (const file of ['native.cjs', 'native/index.cjs', 'native/diagnose.cjs', 'scripts/install.js']) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    copyFileSync(join(root, file), join(dir, file))
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest(structuredClone(pkg))))
  if (status) writeFileSync(join(dir, 'native', 'install-status.json'), JSON.stringify(status))
  if (withSources) {
    copyFileSync(join(root, 'Cargo.toml'), join(dir, 'Cargo.toml'))
    cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true })
  }
  return dir
}

/** What requiring the loader in a fresh Node throws: { code, message, cause } (or the exports). */
function load(dir) {
  const probe =
    `try { const n = require(${JSON.stringify(join(dir, 'native', 'index.cjs'))});` +
    ` console.log(JSON.stringify({ exports: Object.keys(n).sort() })) }` +
    ` catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, cause: e.cause && e.cause.message })) }`
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: dir, encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout)
}

function assertMessage(error, ...parts) {
  assert.equal(error.code, 'NATIVE_ADDON_MISSING', JSON.stringify(error))
  assert.match(error.message, new RegExp(`^nanostore-ipc-bridge: cannot load its native addon for ${platform} \\(`))
  for (const part of parts) assert.ok(error.message.includes(part), `${part}\n  in: ${error.message}`)
  assert.doesNotMatch(error.message, /npm has a bug|optional dependencies \(https/, 'not napi-rs generic text')
  assert.match(error.cause, /Cannot find native binding/, 'the napi-rs load errors stay as the cause')
}

/** PATH without any directory holding cargo; node's own directory stays. */
function pathWithoutCargo() {
  const nodeDir = dirname(process.execPath)
  assert.ok(!existsSync(join(nodeDir, 'cargo')), 'node and cargo live in different directories')
  const rest = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(d => d && d !== nodeDir && !existsSync(join(d, 'cargo')))
  return [nodeDir, ...rest].join(delimiter)
}

function install(dir, env = {}) {
  return spawnSync(process.execPath, [join(dir, 'scripts', 'install.js')], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NANOSTORE_IPC_BRIDGE_SKIP_BUILD: '', ...env }
  })
}

function status(dir) {
  const file = join(dir, 'native', 'install-status.json')
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null
}

test('in this repository the loader gives the addon', () => {
  const native = createRequire(import.meta.url)('../../native/index.cjs')
  assert.equal(typeof native.StoreRuntime, 'function')
  assert.equal(typeof native.checkSerializable, 'function')
})

test('install script never ran, no prebuilt for the platform: approve the script, then npm rebuild', () => {
  assertMessage(
    load(installedCopy()),
    `no prebuilt binary is published for ${platform}`,
    'the source build never ran',
    'https://rustup.rs',
    '`npm install-scripts approve nanostore-ipc-bridge`',
    '`npm rebuild nanostore-ipc-bridge`'
  )
})

test('build skipped with NANOSTORE_IPC_BRIDGE_SKIP_BUILD: says so, and npm rebuild', () => {
  assertMessage(
    load(installedCopy({ status: { outcome: 'skipped', platform } })),
    'the source build was skipped at install (NANOSTORE_IPC_BRIDGE_SKIP_BUILD was set)',
    '`npm rebuild nanostore-ipc-bridge`'
  )
})

test('no cargo at install: install Rust, then npm rebuild', () => {
  assertMessage(
    load(installedCopy({ status: { outcome: 'no-toolchain', platform } })),
    'cargo was not found when the package was installed',
    'install Rust (https://rustup.rs',
    'then run `npm rebuild nanostore-ipc-bridge`'
  )
})

test('a failed build: its cause, and npm rebuild', () => {
  assertMessage(
    load(installedCopy({ status: { outcome: 'build-failed', platform, detail: 'cargo build exited with 101' } })),
    'the source build at install failed (cargo build exited with 101)',
    '`npm rebuild nanostore-ipc-bridge`'
  )
})

test('a published platform whose optional dependency is missing: install that package', () => {
  const withPrebuilt = p => ({ ...p, optionalDependencies: { [`nanostore-ipc-bridge-${platform}`]: p.version } })
  assertMessage(
    load(installedCopy({ manifest: withPrebuilt })),
    `the prebuilt binary package nanostore-ipc-bridge-${platform} (an optional dependency) is not installed`,
    `\`npm install nanostore-ipc-bridge-${platform}@${pkg.version}\``
  )
})

test('a binary that is there but does not load: its own error, and a source build', () => {
  const dir = installedCopy()
  writeFileSync(join(dir, `nanostore-ipc-bridge.${platform}.node`), 'not a shared object')
  const error = load(dir)
  assertMessage(error, `the ${platform} binary is installed but does not load: `, '`npm rebuild nanostore-ipc-bridge`')
  const reason = error.message.split('\n')[1]
  assert.ok(reason.includes(`nanostore-ipc-bridge.${platform}.node`), `the failing file is named: ${reason}`)
  assert.doesNotMatch(reason, /Cannot find module/)
})

test('install.js without cargo in a user install: exits 0, records it, says what to install and run', () => {
  const dir = installedCopy({ withSources: true })
  const r = install(dir, { PATH: pathWithoutCargo() })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout, '')
  assert.deepEqual(status(dir), { outcome: 'no-toolchain', platform, detail: 'cargo not found' })
  for (const part of [platform, 'https://rustup.rs', 'npm rebuild nanostore-ipc-bridge', 'The package is installed']) {
    assert.ok(r.stderr.includes(part), `${part}\n  in: ${r.stderr}`)
  }
  assertMessage(load(dir), 'cargo was not found')
})

test('install.js with NANOSTORE_IPC_BRIDGE_SKIP_BUILD: exits 0 and records the skip', () => {
  const dir = installedCopy({ withSources: true })
  const r = install(dir, { NANOSTORE_IPC_BRIDGE_SKIP_BUILD: '1' })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(status(dir).outcome, 'skipped')
  assert.match(r.stderr, /NANOSTORE_IPC_BRIDGE_SKIP_BUILD/)
})

test('install.js where a binary loads: silent, and a stale record is removed', () => {
  const dir = installedCopy({ withSources: true, status: { outcome: 'no-toolchain', platform } })
  copyFileSync(join(root, `nanostore-ipc-bridge.${platform}.node`), join(dir, `nanostore-ipc-bridge.${platform}.node`))
  const r = install(dir, { PATH: pathWithoutCargo() })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout + r.stderr, '')
  assert.equal(status(dir), null)
  assert.deepEqual(
    load(dir).exports.filter(k => !k.startsWith('__')),
    [
      'CommitChange',
      'Persistence',
      'StoreRuntime',
      'ValidationKind',
      'WindowState',
      'authorizeStoreWrite',
      'checkSerializable',
      'commitStore',
      'errorCodes'
    ]
  )
})
