// Packaging of the native addon: loader, types, per-platform packages, install hook, profile.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { root } from './helpers.js'

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

const PLATFORMS = {
  'x86_64-unknown-linux-gnu': { dir: 'linux-x64-gnu', os: 'linux', cpu: 'x64' },
  'x86_64-unknown-linux-musl': { dir: 'linux-x64-musl', os: 'linux', cpu: 'x64' },
  'aarch64-unknown-linux-gnu': { dir: 'linux-arm64-gnu', os: 'linux', cpu: 'arm64' },
  'aarch64-unknown-linux-musl': { dir: 'linux-arm64-musl', os: 'linux', cpu: 'arm64' },
  'x86_64-apple-darwin': { dir: 'darwin-x64', os: 'darwin', cpu: 'x64' },
  'aarch64-apple-darwin': { dir: 'darwin-arm64', os: 'darwin', cpu: 'arm64' },
  'x86_64-pc-windows-msvc': { dir: 'win32-x64-msvc', os: 'win32', cpu: 'x64' },
  'aarch64-pc-windows-msvc': { dir: 'win32-arm64-msvc', os: 'win32', cpu: 'arm64' }
}

test('napi config declares the desktop targets and each has its npm/ package', () => {
  assert.equal(pkg.napi.binaryName, 'nanostore-ipc-bridge')
  assert.deepEqual([...pkg.napi.targets].sort(), Object.keys(PLATFORMS).sort())
  assert.deepEqual(
    readdirSync(join(root, 'npm')).sort(),
    Object.values(PLATFORMS)
      .map(p => p.dir)
      .sort()
  )
  for (const { dir, os, cpu } of Object.values(PLATFORMS)) {
    const sub = JSON.parse(readFileSync(join(root, 'npm', dir, 'package.json'), 'utf8'))
    assert.equal(sub.name, `nanostore-ipc-bridge-${dir}`)
    assert.equal(sub.version, pkg.version, `${dir} version follows the root package`)
    assert.deepEqual(sub.os, [os])
    assert.deepEqual(sub.cpu, [cpu])
    assert.equal(sub.main, `nanostore-ipc-bridge.${dir}.node`)
    assert.deepEqual(sub.files, [sub.main])
  }
})

test('the generated loader and types are committed and consistent', () => {
  const loader = readFileSync(join(root, 'native.cjs'), 'utf8')
  assert.match(loader, /nanostore-ipc-bridge\.linux-x64-gnu\.node/)
  assert.match(loader, /nanostore-ipc-bridge-linux-x64-gnu/)
  assert.match(loader, /module\.exports\.StoreRuntime/)
  assert.match(loader, /module\.exports\.checkSerializable/)
  assert.match(loader, /module\.exports\.errorCodes/)
  const dts = readFileSync(join(root, 'native.d.ts'), 'utf8')
  for (const m of [
    'registerStore(id: StoreId, options?: StoreOptions',
    'unregisterStore(id: StoreId)',
    'storeInfo(id: StoreId): StoreInfo | null',
    'storeIds(): Array<string>',
    'registerWindow(windowId: WindowId): boolean',
    'setWindowState(windowId: WindowId, state: WindowStateArg)',
    "export type WindowState = 'loading' | 'ready' | 'gone'",
    'forgetWindow(windowId: WindowId): boolean',
    'windowInfo(windowId: WindowId): WindowInfo | null',
    'windowIds(): Array<number>',
    'subscribe(windowId: WindowId, storeIds: StoreIds): Array<string>',
    'unsubscribe(windowId: WindowId, storeIds: StoreIds)',
    'subscribeAll(windowId: WindowId, enabled: Enabled)',
    'resetWindow(windowId: WindowId)',
    'commitInto(storeId: StoreId, skipWindowId: SkipWindowId | undefined | null, out: Float64Array): number',
    'authorizeWrite(windowId: WindowId, storeId: StoreId): void',
    'stats(): RuntimeStats',
    'setLogger(cb?: LogCallback',
    'checkStoreValue(storeId: StoreId, value: unknown): CheckResult',
    'export declare function checkSerializable(value: unknown',
    'export type CheckResult = CheckPassed | CheckFailed',
    'export declare function errorCodes(): Array<string>',
    'enableHistory(options?: HistoryOptions | undefined | null): void',
    'disableHistory(): boolean',
    'recordCommit(storeId: StoreId, commit: CommitRecord, value?: Uint8Array | null): boolean | null',
    'history(storeId?: StoreId | undefined | null): Array<HistoryEntry>',
    'historyValue(storeId: StoreId, rev: Rev): Uint8Array | null',
    'historyStats(): HistoryStats | null',
    "export type CommitChange = 'whole' | 'append' | 'keys' | 'baseline' | 'restore' | 'resume'",
    'export type StoreId = string',
    'export type WindowId = number'
  ]) {
    assert.ok(dts.includes(m), `native.d.ts declares ${m}`)
  }
  assert.ok(!/\bcommit\(/.test(dts), 'commitInto is the one commit')
  assert.ok(!dts.includes('const enum'), 'string enums are plain unions (napi.constEnum: false)')
  for (const hook of ['__panicForTests', '__proxyDetection', '__checkSerializableByKey']) {
    assert.ok(!dts.includes(hook), `${hook} stays out of the types`)
  }
  assert.ok(pkg.files.includes('native.cjs') && pkg.files.includes('native.d.ts'))
})

test('native.d.ts compiles against typed use and rejects misuse (tsc, strict)', () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const project = join(root, '__test__', 'native', 'types', 'tsconfig.json')
  const r = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stdout + r.stderr)
})

test('npm install hook: scripts/install.js is the install script and is silent when the binary loads', () => {
  assert.equal(pkg.scripts.install, 'node scripts/install.js')
  assert.ok(pkg.files.includes('scripts/install.js'))
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'install.js')], { cwd: root, encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout, '')
  assert.equal(r.stderr, '')
})

test('release profile unwinds (a panic must never abort the Electron main process)', () => {
  const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8')
  const release = cargo.split('[profile.release]')[1].split(/\n\[/)[0]
  assert.match(release, /panic = "unwind"/)
  assert.doesNotMatch(cargo, /panic = "abort"/)
  assert.ok(existsSync(join(root, 'build.rs')))
})
