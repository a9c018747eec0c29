// Main-side behaviour: throttled stores, validateSerialization, logging.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { makeStore, openWindows, read, sentByMain, standIn, storeState } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
})

const nextTask = () => new Promise(resolve => setImmediate(resolve))

test('throttleMs: far fewer broadcasts, and the last value always arrives', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $text = atom('')
  ipc.registerStore('stream', $text, { throttleMs: 40 })
  const [a, b] = await openWindows(2)
  await makeStore(a, 'stream', '')
  await makeStore(b, 'stream', '')
  await standIn.idle()
  standIn.resetStats()
  let full = ''
  const started = Date.now()
  for (let i = 0; i < 300; i++) {
    full += `chunk ${i} `
    $text.set(full)
    if (i % 10 === 0) await new Promise(resolve => setTimeout(resolve, 2))
    else await nextTask()
  }
  const elapsed = Date.now() - started
  await new Promise(resolve => setTimeout(resolve, 60)) // one throttle window for the trailing send
  await standIn.idle()
  for (const win of [a, b]) assert.equal((await storeState(win, 'stream')).value, full)
  const updates = sentByMain('wf:ns:update').onChannel / 2
  // at most one leading send plus one per started 40 ms window, per window
  assert.ok(updates <= Math.ceil(elapsed / 40) + 2, `${updates} broadcasts in ${elapsed} ms`)
  assert.ok(updates < 300)
})

test('validateSerialization: a main value IPC cannot carry is reported with its path and not sent', async () => {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', validateSerialization: true, onError: e => errors.push(e) })
  const $s = atom({ items: [] })
  ipc.registerStore('settings', $s)
  const [win] = await openWindows(1)
  await makeStore(win, 'settings', null)
  await standIn.idle()
  standIn.resetStats()
  $s.set({ items: [1, 2, 3, { onClick() {} }] })
  await standIn.idle()
  assert.equal(sentByMain('wf:ns:update').onChannel, 0)
  assert.equal(errors.length, 1)
  assert.equal(errors[0].code, 'SERIALIZATION_FAILED')
  assert.equal(errors[0].path, 'settings.items[3].onClick')
  assert.equal(errors[0].kind, 'function')
  assert.equal(errors[0].storeId, 'settings')
  assert.deepEqual((await storeState(win, 'settings')).value, { items: [] })
})

test('without validateSerialization a value that cannot be cloned fails the send with IPC_FAILED', async () => {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: e => errors.push(e) })
  const $s = atom(1)
  ipc.registerStore('fn', $s)
  const [win] = await openWindows(1)
  await makeStore(win, 'fn', 0)
  await standIn.idle()
  $s.set(() => 1)
  await standIn.idle()
  assert.deepEqual(
    errors.map(e => e.code),
    ['IPC_FAILED']
  )
  assert.equal((await storeState(win, 'fn')).value, 1)
})

test('enableLogging: registry events reach the logger', async () => {
  const events = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', enableLogging: true, logger: e => events.push(e) })
  ipc.registerStore('logged', atom(0))
  const [win] = await openWindows(1)
  await makeStore(win, 'logged', 0)
  await standIn.idle()
  const text = events.map(e => `${e.message} ${JSON.stringify(e.fields)}`).join('\n')
  assert.match(text, /logged/, 'store registration is logged')
  assert.match(text, new RegExp(String(win.webContents.id)), 'window registration is logged')
})

test('logging is silent by default', async () => {
  const printed = []
  const original = { debug: console.debug, log: console.log, error: console.error, warn: console.warn }
  for (const k of Object.keys(original)) console[k] = (...args) => printed.push(args)
  try {
    ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
    ipc.registerStore('quiet', atom(0))
    const [win] = await openWindows(1)
    await makeStore(win, 'quiet', 0)
    await standIn.idle()
  } finally {
    Object.assign(console, original)
  }
  assert.deepEqual(printed, [])
})

test('renderer writes are applied in main in the order main receives them', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $log = atom([])
  ipc.registerStore('order', $log)
  const seen = []
  $log.listen(v => seen.push(v.at(-1)))
  const [win] = await openWindows(1)
  await makeStore(win, 'order', [])
  await standIn.idle()
  await read(win, `for (let i = 0; i < 20; i++) window.stores.order.set([...window.stores.order.get(), i]); true`)
  await standIn.idle()
  assert.deepEqual(
    seen,
    Array.from({ length: 20 }, (_, i) => i)
  )
  assert.equal((await storeState(win, 'order')).rev, 20)
})

test("a store's own onError in main hears about its rejected writes", async () => {
  const global = []
  const own = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: e => global.push(e.code) })
  ipc.registerStore('own', atom(1), { rendererCanSet: false, onError: e => own.push(e.code) })
  ipc.registerStore('other', atom(1))
  const [win] = await openWindows(1)
  await makeStore(win, 'own', 0)
  await read(win, `window.nanostoreIPC.write('own', 2).then(() => true)`)
  await read(win, `window.nanostoreIPC.write('nope', 2).then(() => true)`)
  await standIn.idle()
  assert.deepEqual(own, ['RENDERER_WRITE_DISABLED'])
  assert.deepEqual(global, ['RENDERER_WRITE_DISABLED', 'STORE_NOT_FOUND'])
})
