// initNanoStoreIPC lifecycle: main-side syncedAtoms, init/destroy/re-init,
// window registration and cleanup, subscriptions dropped on reload and crash.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { afterEach, test } from 'node:test'

import { BrowserWindow, app, ipcMain } from 'electron'
import { atom } from 'nanostores'

import { initNanoStoreIPC, syncedAtom } from '../../index.js'
import { makeStore, openWindows, read, setInWindow, standIn, storeState, until } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
})

test('syncedAtom in main is a real atom, queued until init, then served to windows', async () => {
  const $queued = syncedAtom('queued', { n: 1 })
  $queued.set({ n: 2 })
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const [win] = await openWindows(1)
  await makeStore(win, 'queued', null)
  await standIn.idle()
  assert.deepEqual((await storeState(win, 'queued')).value, { n: 2 })
  await setInWindow(win, 'queued', { n: 3 })
  await standIn.idle()
  assert.deepEqual($queued.get(), { n: 3 })
})

test('a second syncedAtom with the same id in main throws STORE_EXISTS', () => {
  syncedAtom('twice', 0)
  assert.throws(() => syncedAtom('twice', 1), { name: 'NanoStoreIPCError', code: 'STORE_EXISTS' })
})

test('initNanoStoreIPC twice throws ALREADY_INITIALIZED; after destroy it works again', () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  assert.throws(() => initNanoStoreIPC({ channelPrefix: 'wf' }), { code: 'ALREADY_INITIALIZED' })
  ipc.destroy()
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  assert.equal(ipc.stats().destroyed, false)
})

test('destroy() removes every handler and listener it added', async () => {
  const before = {
    created: app.listenerCount('browser-window-created'),
    hello: ipcMain.listenerCount('wf:ns:hello'),
    sub: ipcMain.listenerCount('wf:ns:sub')
  }
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $s = atom(0)
  ipc.registerStore('d', $s)
  const [win] = await openWindows(1)
  const wc = win.webContents
  const windowListeners = () => ['did-finish-load', 'render-process-gone', 'destroyed'].map(e => wc.listenerCount(e))
  const withBridge = windowListeners()
  assert.equal(app.listenerCount('browser-window-created'), before.created + 1)
  ipc.destroy()
  assert.deepEqual(
    {
      created: app.listenerCount('browser-window-created'),
      hello: ipcMain.listenerCount('wf:ns:hello'),
      sub: ipcMain.listenerCount('wf:ns:sub')
    },
    before
  )
  assert.deepEqual(
    windowListeners(),
    withBridge.map(n => n - 1)
  )
  assert.equal($s.lc, 0, 'no store subscription left')
  // handlers are gone: registering them again does not throw
  ipcMain.handle('wf:ns:get', () => {})
  ipcMain.handle('wf:ns:set', () => {})
  ipcMain.removeHandler('wf:ns:get')
  ipcMain.removeHandler('wf:ns:set')
  assert.throws(() => ipc.registerStore('x', atom(0)), { code: 'DESTROYED' })
  ipc.destroy() // idempotent
})

test('a renderer call after destroy gets a typed error, main state untouched', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $s = atom('kept')
  ipc.registerStore('after', $s)
  const [win] = await openWindows(1)
  await makeStore(win, 'after', null)
  await standIn.idle()
  ipc.destroy()
  await setInWindow(win, 'after', 'changed')
  await standIn.idle()
  assert.equal($s.get(), 'kept')
  const errors = await read(win, 'window.errors')
  assert.equal(errors.length, 1)
  assert.equal(errors[0].code, 'IPC_FAILED')
  assert.equal((await storeState(win, 'after')).value, 'kept', 'rolled back')
})

test('re-init continues revisions: a window that outlived destroy() still applies updates', async () => {
  const $s = syncedAtom('survivor', 0)
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const [win] = await openWindows(1)
  await makeStore(win, 'survivor', 0)
  await standIn.idle()
  $s.set(1)
  $s.set(2)
  await standIn.idle()
  $s.set(3)
  await standIn.idle()
  const revBefore = (await storeState(win, 'survivor')).rev
  ipc.destroy()
  $s.set(4) // while no runtime exists: nobody is told
  await standIn.idle()
  assert.equal((await storeState(win, 'survivor')).value, 3)
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' }) // registers the open window, which resyncs
  await standIn.idle()
  assert.equal((await storeState(win, 'survivor')).value, 4, 'caught up by the resync read')
  $s.set(5)
  await standIn.idle()
  const after = await storeState(win, 'survivor')
  assert.ok(after.rev > revBefore, `rev ${after.rev} > ${revBefore}`)
  assert.equal(after.value, 5)
})

test('windows are registered on creation and forgotten when destroyed', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  ipc.registerStore('w', atom(0))
  const wins = await openWindows(3)
  for (const win of wins) await makeStore(win, 'w', 0)
  await standIn.idle()
  assert.equal(ipc.stats().windows, 3)
  const subscribers = () => ipc.inspect().stores.find(s => s.id === 'w').subscribers
  assert.equal(subscribers().length, 3)
  const closedId = wins[1].webContents.id
  wins[1].close()
  await standIn.idle()
  assert.equal(ipc.stats().windows, 2)
  assert.equal(ipc.stats().trackedWindows, 2)
  assert.equal(subscribers().length, 2)
  assert.ok(!subscribers().includes(closedId))
})

test('a reloaded window drops its old subscriptions and makes new ones', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  ipc.registerStore('r1', atom(1))
  ipc.registerStore('r2', atom(2))
  const [win] = await openWindows(1)
  await makeStore(win, 'r1', 0)
  await makeStore(win, 'r2', 0)
  await standIn.idle()
  const info = () => ipc.inspect().windows.find(w => w.id === win.webContents.id)
  assert.deepEqual(info().stores.sort(), ['r1', 'r2'])
  win.webContents.reload()
  await until(async () => info().stores.length === 0 && info().state === 'ready', { what: 'reload' })
  await makeStore(win, 'r2', 0)
  await standIn.idle()
  assert.deepEqual(info().stores, ['r2'])
  assert.equal((await storeState(win, 'r2')).value, 2)
})

test('a crashed window is marked gone and gets nothing; reloaded, it syncs again', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $c = atom(0)
  ipc.registerStore('crashy', $c)
  const [a, b] = await openWindows(2)
  await makeStore(a, 'crashy', 0)
  await makeStore(b, 'crashy', 0)
  await standIn.idle()
  standIn.crash(b)
  const info = () => ipc.inspect().windows.find(w => w.id === b.webContents.id)
  assert.equal(info().state, 'gone')
  assert.deepEqual(info().stores, [])
  $c.set(1)
  await standIn.idle()
  assert.equal((await storeState(a, 'crashy')).value, 1)
  b.webContents.reload()
  await until(() => info().state === 'ready', { what: 'reload after crash' })
  await makeStore(b, 'crashy', 0)
  await standIn.idle()
  assert.equal((await storeState(b, 'crashy')).value, 1)
  $c.set(2)
  await standIn.idle()
  assert.equal((await storeState(b, 'crashy')).value, 2)
})

test('autoRegisterWindows: false rejects unknown windows until registerWindow()', async () => {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', autoRegisterWindows: false, onError: e => errors.push(e) })
  const $s = atom('main')
  ipc.registerStore('manual', $s)
  const [win] = await openWindows(1)
  await makeStore(win, 'manual', 'initial')
  await standIn.idle()
  assert.ok(errors.some(e => e.code === 'WINDOW_NOT_FOUND'))
  assert.deepEqual(await read(win, 'window.errors.map(e => e.code)'), ['WINDOW_NOT_FOUND'])
  assert.equal((await storeState(win, 'manual')).value, 'initial')
  await setInWindow(win, 'manual', 'hacked')
  await standIn.idle()
  assert.equal($s.get(), 'main')
  assert.equal(ipc.registerWindow(win), true)
  assert.equal(ipc.registerWindow(win), false)
  await standIn.idle()
  assert.equal((await storeState(win, 'manual')).value, 'main', 'the page resynced without a reload')
  $s.set('main 2')
  await standIn.idle()
  assert.equal((await storeState(win, 'manual')).value, 'main 2')
})

test('windows that existed before init are registered and catch up', async () => {
  const [win] = await openWindows(1)
  await makeStore(win, 'late', null) // main has no runtime yet: nothing answers
  await standIn.idle()
  const $late = atom('v')
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  ipc.registerStore('late', $late)
  assert.equal(ipc.stats().windows, 1)
  assert.equal(BrowserWindow.getAllWindows().length, 1)
  await standIn.idle()
  // the resync at init raced the store registration: a later change still arrives
  $late.set('w')
  await standIn.idle()
  assert.deepEqual(ipc.inspect().windows[0].stores, ['late'])
  assert.equal((await storeState(win, 'late')).value, 'w')
})

test('syncedAtom in main with an invalid option throws INVALID_ARGUMENT at the call', () => {
  assert.throws(() => syncedAtom('bad-throttle', 1, { throttleMs: 'fast' }), {
    name: 'NanoStoreIPCError',
    code: 'INVALID_ARGUMENT',
    storeId: 'bad-throttle'
  })
  assert.throws(() => syncedAtom('bad-can-set', 1, { rendererCanSet: 'no' }), { code: 'INVALID_ARGUMENT' })
  // nothing half-registered: the ids are free
  syncedAtom('bad-throttle', 1)
})

test("initNanoStoreIPC() outside Electron's main process throws one typed WRONG_PROCESS error", () => {
  const entry = JSON.stringify(new URL('../../index.js', import.meta.url).href)
  const run = prelude => {
    const env = { ...process.env }
    delete env.NODE_OPTIONS
    const code = `${prelude}
      const { initNanoStoreIPC } = await import(${entry})
      try { initNanoStoreIPC() } catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })) }`
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { env, encoding: 'utf8' }))
  }
  const plain = run('')
  assert.equal(plain.name, 'NanoStoreIPCError')
  assert.equal(plain.code, 'WRONG_PROCESS')
  assert.match(plain.message, /must run in Electron's main process \(process.type is 'undefined' here\)/)
  const renderer = run(`process.type = 'renderer'`)
  assert.equal(renderer.code, 'WRONG_PROCESS')
  assert.match(renderer.message, /'renderer'/)
  // a main process without Electron's modules (e.g. the electron npm package's path export)
  const noElectron = run(`process.type = 'browser'`)
  assert.equal(noElectron.code, 'WRONG_PROCESS')
})
