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

test('a throttled store whose get() throws is reported from the throttle timer, not thrown', async () => {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: e => errors.push(e) })
  const $base = atom(0)
  let broken = false
  const store = {
    get: () => {
      if (broken) throw new Error('get() broke')
      return $base.get()
    },
    listen: cb => $base.listen(cb)
  }
  ipc.registerStore('throttled-broken', store, { throttleMs: 5 })
  const uncaught = []
  const onUncaught = e => uncaught.push(e)
  process.on('uncaughtException', onUncaught)
  try {
    broken = true
    $base.set(1)
    await new Promise(resolve => setTimeout(resolve, 30))
  } finally {
    process.off('uncaughtException', onUncaught)
  }
  assert.deepEqual(uncaught, [])
  assert.deepEqual(
    errors.map(e => [e.code, e.storeId, e.message]),
    [['INTERNAL', 'throttled-broken', 'get() broke']]
  )
})

test('validateSerialization: a refused main value is never committed; a read returns the last committed value and rev', async () => {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', validateSerialization: true, onError: e => errors.push(e) })
  const $s = atom({ ok: 1 })
  ipc.registerStore('refused', $s)
  $s.set({ ok: 2 })
  await nextTask()
  $s.set({ fn() {} })
  await nextTask()
  assert.deepEqual(
    errors.map(e => e.code),
    ['SERIALIZATION_FAILED']
  )
  const [win] = await openWindows(1)
  await makeStore(win, 'refused', null)
  await standIn.idle()
  assert.deepEqual(await storeState(win, 'refused'), { value: { ok: 2 }, rev: 1 })
})

test("maxPayloadBytes limits renderer writes, not main's own sets", async () => {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', validateSerialization: true, onError: e => errors.push(e) })
  const $big = atom('')
  ipc.registerStore('big', $big, { maxPayloadBytes: 64 })
  const [win] = await openWindows(1)
  await makeStore(win, 'big', '')
  await standIn.idle()
  $big.set('x'.repeat(1000))
  await standIn.idle()
  assert.equal((await storeState(win, 'big')).value.length, 1000)
  await read(win, `window.stores.big.set('y'.repeat(1000)), true`)
  await standIn.idle()
  assert.deepEqual(
    errors.map(e => e.code),
    ['PAYLOAD_TOO_LARGE']
  )
  assert.equal($big.get().length, 1000)
  assert.equal($big.get()[0], 'x')
})

test('the runtime-wide maxPayloadBytes applies to stores that set none', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', maxPayloadBytes: 100 })
  ipc.registerStore('defaulted', atom(''))
  ipc.registerStore('own-limit', atom(''), { maxPayloadBytes: 5000 })
  const limits = Object.fromEntries(ipc.inspect().stores.map(s => [s.id, s.maxPayloadBytes]))
  assert.deepEqual(limits, { defaulted: 100, 'own-limit': 5000 })
  const [win] = await openWindows(1)
  await makeStore(win, 'defaulted', '')
  await standIn.idle()
  await read(win, `window.stores.defaulted.set('z'.repeat(500)), true`)
  await standIn.idle()
  assert.deepEqual(
    (await read(win, 'window.errors')).map(e => e.code),
    ['PAYLOAD_TOO_LARGE']
  )
})

test('one store holding a value IPC cannot carry fails alone and by name; the others of the batch hydrate', async () => {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: e => errors.push(e) })
  ipc.registerStore('fine-1', atom('one'))
  ipc.registerStore('holds-fn', atom({ nested: { fn() {} } }))
  ipc.registerStore('fine-2', atom('two'))
  const [win] = await openWindows(1)
  await read(win, `window.makeMany([['fine-1', null], ['holds-fn', null], ['fine-2', null]])`)
  await standIn.idle()
  assert.equal((await storeState(win, 'fine-1')).value, 'one')
  assert.equal((await storeState(win, 'fine-2')).value, 'two')
  const inWindow = await read(win, 'window.errors')
  assert.deepEqual(
    inWindow.map(e => [e.code, e.storeId]),
    [['SERIALIZATION_FAILED', 'holds-fn']]
  )
  assert.match(inWindow[0].message, /holds-fn\.nested\.fn/)
  assert.deepEqual(
    errors.map(e => [e.code, e.storeId, e.path]),
    [['SERIALIZATION_FAILED', 'holds-fn', 'holds-fn.nested.fn']]
  )
})
