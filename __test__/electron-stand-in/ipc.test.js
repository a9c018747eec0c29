// Self-tests: ipcMain / ipcRenderer semantics of the Electron stand-in (see ../../../shared/electron-facts.md).
import { test, afterEach, after } from 'node:test'
import assert from 'node:assert/strict'
import { standIn, ipcMain, BrowserWindow, openProbe, exec, nextMessage, fixture, PRELOAD } from './harness.js'

afterEach(() => standIn.reset())
after(() => standIn.configure())

test('invoke with no handler rejects with the exact Electron text', async () => {
  const [win] = await openProbe()
  const msg = await exec(win, `window.api.invoke('nope').then(() => 'resolved', (e) => e.message)`)
  assert.equal(msg, "Error invoking remote method 'nope': Error: No handler registered for 'nope'")
})

test('a handler that throws reaches the renderer as Error("Error invoking remote method ...: " + String(err)), nothing else', async () => {
  ipcMain.handle('boom', () => {
    const e = new TypeError('it broke')
    e.code = 'E_BROKE'
    e.extra = { a: 1 }
    throw e
  })
  ipcMain.handle('boom-async', async () => {
    throw new RangeError('later')
  })
  ipcMain.handle('boom-string', () => Promise.reject('plain string'))
  const [win] = await openProbe()
  const seen = await exec(
    win,
    `Promise.all(['boom', 'boom-async', 'boom-string'].map((ch) => window.api.invoke(ch).then(
      () => 'resolved',
      (e) => ({ message: e.message, name: e.name, code: e.code, extra: e.extra, isError: e instanceof Error }))))`
  )
  assert.deepEqual(seen, [
    {
      message: "Error invoking remote method 'boom': TypeError: it broke",
      name: 'Error',
      code: undefined,
      extra: undefined,
      isError: true
    },
    {
      message: "Error invoking remote method 'boom-async': RangeError: later",
      name: 'Error',
      code: undefined,
      extra: undefined,
      isError: true
    },
    {
      message: "Error invoking remote method 'boom-string': plain string",
      name: 'Error',
      code: undefined,
      extra: undefined,
      isError: true
    }
  ])
})

test('a second handle on one channel throws; removeHandler is a no-op without a handler; handleOnce answers once', async () => {
  ipcMain.handle('ch', () => 1)
  assert.throws(() => ipcMain.handle('ch', () => 2), { message: "Attempted to register a second handler for 'ch'" })
  ipcMain.removeHandler('never-set')
  ipcMain.handleOnce('once', () => 'first')
  const [win] = await openProbe()
  const r = await exec(
    win,
    `(async () => [await window.api.invoke('ch'), await window.api.invoke('once'), await window.api.invoke('once').catch((e) => e.message)])()`
  )
  assert.deepEqual(r, [1, 'first', "Error invoking remote method 'once': Error: No handler registered for 'once'"])
})

test('removeAllListeners keeps invoke handlers; listenerCount counts on() listeners only', async () => {
  ipcMain.handle('h', () => 'still here')
  ipcMain.on('s', () => {})
  ipcMain.on('s', () => {})
  assert.equal(ipcMain.listenerCount('s'), 2)
  assert.equal(ipcMain.listenerCount('h'), 0)
  ipcMain.removeAllListeners()
  assert.equal(ipcMain.listenerCount('s'), 0)
  const [win] = await openProbe()
  assert.equal(await exec(win, `window.api.invoke('h')`), 'still here')
  ipcMain.removeHandler('h')
  assert.match(await exec(win, `window.api.invoke('h').catch((e) => e.message)`), /No handler registered for 'h'/)
})

test('structured clone renderer → main: Buffer arrives as Uint8Array, class instance as a plain object', async () => {
  const [win] = await openProbe()
  const got = nextMessage('from-probe')
  await exec(win, 'window.probe.sendSpecial()')
  const { args } = await got
  const [point, buf, map, date] = args
  assert.equal(Object.getPrototypeOf(point), Object.prototype)
  assert.deepEqual(point, { x: 1 })
  assert.equal(Buffer.isBuffer(buf), false)
  assert.equal(Object.getPrototypeOf(buf), Uint8Array.prototype)
  assert.deepEqual([...buf], [1, 2, 3])
  assert.ok(map instanceof Map && map.get(1) === 'a')
  assert.ok(date instanceof Date && date.getTime() === 5)

  ipcMain.handle('probe-invoke', (_e, p, b) => ({
    proto: Object.getPrototypeOf(p) === Object.prototype,
    isBuffer: Buffer.isBuffer(b),
    tag: Object.prototype.toString.call(b)
  }))
  assert.deepEqual(await exec(win, 'window.probe.invokeSpecial()'), {
    proto: true,
    isBuffer: false,
    tag: '[object Uint8Array]'
  })
})

test('structured clone main → renderer: Buffer arrives as Uint8Array, class instance as a plain object (seen in the preload)', async () => {
  const [win] = await openProbe()
  class Thing {
    constructor() {
      this.a = 1
    }
    method() {}
  }
  win.webContents.send('to-probe', Buffer.from('hi'), new Thing(), [1, { b: 2 }])
  await standIn.idle()
  const d = await exec(win, 'window.probe.describeLast()')
  assert.deepEqual(d, [
    { tag: '[object Uint8Array]', isBuffer: false, plainProto: false, keys: ['0', '1'] },
    { tag: '[object Object]', isBuffer: false, plainProto: true, keys: ['a'] },
    { tag: '[object Array]', isBuffer: false, plainProto: false, keys: ['0', '1'] }
  ])
})

test('ipcRenderer.send throws synchronously on uncloneable values; invoke returns a rejected promise', async () => {
  const [win] = await openProbe()
  let sent = 0
  ipcMain.on('from-probe', () => sent++)
  ipcMain.handle('probe-invoke', () => 'should not run')
  for (const kind of ['function', 'promise', 'symbol', 'weakmap']) {
    assert.equal(
      await exec(win, `window.probe.trySend(${JSON.stringify(kind)})`),
      'threw Error: An object could not be cloned.',
      kind
    )
    assert.equal(
      await exec(win, `window.probe.tryInvoke(${JSON.stringify(kind)})`),
      'rejected Error: An object could not be cloned.',
      kind
    )
  }
  await standIn.idle()
  assert.equal(sent, 0)
})

test('webContents.send throws synchronously on an uncloneable value; a handler result that cannot be cloned rejects the invoke', async () => {
  const [win] = await openProbe()
  assert.throws(() => win.webContents.send('to-probe', { f() {} }), { message: 'An object could not be cloned.' })
  assert.throws(() => win.webContents.send('to-probe', Symbol('x')), { message: 'An object could not be cloned.' })
  ipcMain.handle('bad-result', () => ({ fn: () => 1 }))
  assert.equal(
    await exec(win, `window.api.invoke('bad-result').catch((e) => e.message)`),
    "Error invoking remote method 'bad-result': Error: An object could not be cloned."
  )
})

test('main-to-renderer messages with no listener at delivery are lost (no buffering), including before the page exists', async () => {
  const win = new BrowserWindow({ show: false, webPreferences: { preload: PRELOAD } })
  win.webContents.send('late', 'before load') // no document yet
  const loading = win.loadFile(fixture('empty-page.js'))
  win.webContents.send('late', 'while loading') // navigation not committed yet
  await loading
  win.webContents.send('late', 'no listener yet')
  await standIn.idle()
  await exec(win, `window.got = []; window.api.on('late', (v) => window.got.push(v)); 1`)
  win.webContents.send('late', 'after listener')
  await standIn.idle()
  assert.deepEqual(await exec(win, 'window.got'), ['after listener'])
  assert.equal(standIn.stats().dropped.channels.late.messages, 2)
})

test('ipcMain events carry sender, senderFrame (url, origin), processId and frameId', async () => {
  const [win] = await openProbe()
  const got = nextMessage('hello')
  ipcMain.handle('who', e => ({
    id: e.sender.id,
    url: e.senderFrame.url,
    origin: e.senderFrame.origin,
    processId: e.processId,
    frameId: e.frameId
  }))
  await exec(win, `window.api.send('hello', 1)`)
  const { event, args } = await got
  assert.deepEqual(args, [1])
  assert.equal(event.sender, win.webContents)
  const url = new URL(fixture('empty-page.js'), 'file://').href
  assert.equal(event.senderFrame.url, url)
  assert.equal(event.senderFrame.origin, 'file://')
  assert.equal(typeof event.processId, 'number')
  assert.equal(typeof event.frameId, 'number')
  assert.equal(event.senderFrame, win.webContents.mainFrame)
  const who = await exec(win, `window.api.invoke('who')`)
  assert.deepEqual(who, {
    id: win.webContents.id,
    url,
    origin: 'file://',
    processId: event.processId,
    frameId: event.frameId
  })
})

test('senderFrame is null once the frame navigated (reload) or was destroyed', async () => {
  const [win] = await openProbe()
  const first = nextMessage('hello')
  await exec(win, `window.api.send('hello')`)
  const { event } = await first
  assert.notEqual(event.senderFrame, null)
  const reloaded = new Promise(r => win.webContents.once('did-finish-load', r))
  win.webContents.reload()
  await reloaded
  assert.equal(event.senderFrame, null)
  const second = nextMessage('hello')
  await exec(win, `window.api.send('hello')`)
  const { event: e2 } = await second
  assert.notEqual(e2.senderFrame, null)
  assert.notEqual(e2.frameId, event.frameId)
  win.destroy()
  assert.equal(e2.senderFrame, null)
})

test('the reply of an invoke travels behind earlier webContents.send to the same window', async () => {
  standIn.configure({ seed: 7, maxDelayMs: 4 })
  ipcMain.handle('h', e => {
    for (let i = 0; i < 20; i++) e.sender.send('to-page', i)
    return 'reply'
  })
  const [win] = await standIn.openWindows(1, { preload: PRELOAD, page: fixture('page.js') })
  const order = await exec(win, `window.api.invoke('h').then((r) => window.received.map((a) => a[0]).concat(r))`)
  standIn.configure()
  assert.deepEqual(order, [...Array(20).keys(), 'reply'])
})

test('ipcRenderer.once, removeAllListeners; listeners get (event, ...args) with event.sender === ipcRenderer', async () => {
  const [win] = await openProbe()
  win.webContents.send('once-ch', 1, 'two')
  win.webContents.send('once-ch', 3)
  await standIn.idle()
  assert.deepEqual(await exec(win, 'window.probe.onceState()'), {
    onceHits: 1,
    eventShape: { senderIsIpcRenderer: true, args: [1, 'two'] },
    listeners: 1
  })
  await exec(win, 'window.probe.removeAllToProbe()')
  assert.equal((await exec(win, 'window.probe.onceState()')).listeners, 0)
  win.webContents.send('to-probe', 'ignored')
  await standIn.idle()
  assert.equal(await exec(win, 'window.probe.describeLast()'), null)
})

test('an unsubscribe closure returned through contextBridge stops delivery', async () => {
  const [win] = await openProbe()
  await exec(win, `window.got = []; window.off = window.api.on('x', (v) => window.got.push(v)); 1`)
  win.webContents.send('x', 1)
  await standIn.idle()
  await exec(win, 'window.off(); 1')
  win.webContents.send('x', 2)
  await standIn.idle()
  assert.deepEqual(await exec(win, 'window.got'), [1])
})

test('the webContents-scoped ipc (wc.ipc) answers before ipcMain and receives sends', async () => {
  const [win] = await openProbe()
  ipcMain.handle('scoped', () => 'global')
  win.webContents.ipc.handle('scoped', () => 'scoped')
  assert.equal(await exec(win, `window.api.invoke('scoped')`), 'scoped')
  const got = new Promise(r => win.webContents.ipc.once('s', (_e, v) => r(v)))
  await exec(win, `window.api.send('s', 5)`)
  assert.equal(await got, 5)
})
