// Deltas on the wire: syncedMap sends changed keys, appends to strings and arrays
// send the appended part; windows end deep-equal to main, and pay bytes for the
// change, not for the value. Bytes are the stand-in's v8.serialize count per message.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, test } from 'node:test'

import { atom, map } from 'nanostores'

import { initNanoStoreIPC, syncedMap } from '../../index.js'
import { makeStore, openWindows, read, standIn, storeState, until } from './harness.js'

let ipc
beforeEach(() => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  standIn.configure({ countBytes: true })
})
afterEach(async () => {
  ipc.destroy()
  await standIn.reset()
  standIn.configure()
})

const big = n => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, `value ${i} `.repeat(8)]))
const updateStats = () => standIn.stats().mainToRenderer.channels['wf:ns:update'] ?? { messages: 0, bytes: 0 }
const makeMap = (win, id, options = {}) =>
  read(win, `window.make(${JSON.stringify(id)}, {}, ${JSON.stringify(options)}, 'map')`)

test('a setKey in main sends only that key to each window; the windows end equal to main', async () => {
  const $m = map(big(1000))
  ipc.registerStore('big-map', $m)
  const wins = await openWindows(2)
  for (const win of wins) await makeMap(win, 'big-map')
  await standIn.idle()
  standIn.resetStats()
  $m.setKey('key7', 'changed')
  await standIn.idle()
  const { messages, bytes } = updateStats()
  assert.equal(messages, 2)
  assert.ok(bytes / messages < 200, `${bytes / messages} bytes per window for one key of a ~90 KB map`)
  for (const win of wins) {
    const state = await storeState(win, 'big-map')
    assert.deepEqual(state.value, $m.get())
    assert.equal(state.rev, 1)
  }
})

test('setKey(k, undefined) deletes the key everywhere; several setKeys in one tick go out as one delta', async () => {
  const $m = map({ a: 1, b: 2, c: 3 })
  ipc.registerStore('keys', $m)
  const [win] = await openWindows(1)
  await makeMap(win, 'keys')
  await standIn.idle()
  standIn.resetStats()
  $m.setKey('a', undefined)
  $m.setKey('b', 20)
  $m.setKey('d', 4)
  await standIn.idle()
  assert.equal(updateStats().messages, 1)
  assert.deepEqual(await storeState(win, 'keys'), { value: { b: 20, c: 3, d: 4 }, rev: 1 })
  assert.equal(Object.hasOwn((await storeState(win, 'keys')).value, 'a'), false)
})

test("a renderer's setKey sends only its key, is acknowledged, and reaches main and the other windows", async () => {
  const $m = map(big(500))
  ipc.registerStore('shared-map', $m)
  const [a, b] = await openWindows(2)
  await makeMap(a, 'shared-map')
  await makeMap(b, 'shared-map')
  await standIn.idle()
  standIn.resetStats()
  await read(a, `window.stores['shared-map'].setKey('key3', 'from A'), true`)
  await standIn.idle()
  const toMain = standIn.stats().rendererToMain.channels['wf:ns:set']
  assert.equal(toMain.messages, 1)
  assert.ok(toMain.bytes < 200, `the write weighed ${toMain.bytes} bytes`)
  assert.equal($m.get().key3, 'from A')
  for (const win of [a, b]) assert.deepEqual(await storeState(win, 'shared-map'), { value: $m.get(), rev: 1 })
  assert.deepEqual(await read(a, 'window.errors'), [])
})

test('concurrent setKeys of different keys from two windows all survive', async () => {
  standIn.configure({ countBytes: true, seed: 7, maxDelayMs: 4 })
  const $m = map({})
  ipc.registerStore('merge', $m)
  const [a, b] = await openWindows(2)
  await makeMap(a, 'merge')
  await makeMap(b, 'merge')
  await standIn.idle()
  await Promise.all([
    read(a, `for (let i = 0; i < 50; i++) window.stores.merge.setKey('a' + i, i); true`),
    read(b, `for (let i = 0; i < 50; i++) window.stores.merge.setKey('b' + i, i); true`)
  ])
  await standIn.idle()
  assert.equal(Object.keys($m.get()).length, 100)
  for (const win of [a, b]) assert.deepEqual((await storeState(win, 'merge')).value, $m.get())
})

test('a map key set to the same key by two windows ends with the one main applied last, everywhere', async () => {
  const $m = map({ k: 0 })
  ipc.registerStore('same-key', $m)
  const [a, b] = await openWindows(2)
  await makeMap(a, 'same-key')
  await makeMap(b, 'same-key')
  await standIn.idle()
  await Promise.all([
    read(a, `window.stores['same-key'].setKey('k', 'A'), true`),
    read(b, `window.stores['same-key'].setKey('k', 'B'), true`)
  ])
  await standIn.idle()
  for (const win of [a, b]) assert.deepEqual((await storeState(win, 'same-key')).value, $m.get())
})

test('syncedMap in main: listen reports the changed key, and windows hydrate from it', async () => {
  const $prefs = syncedMap('prefs-delta', { theme: 'light' })
  const changed = []
  $prefs.listen((_value, _old, key) => changed.push(key))
  const [win] = await openWindows(1)
  await makeMap(win, 'prefs-delta')
  await standIn.idle()
  await read(win, `window.stores['prefs-delta'].setKey('font', 'mono'), true`)
  await standIn.idle()
  assert.deepEqual($prefs.get(), { theme: 'light', font: 'mono' })
  assert.deepEqual(changed, ['font'])
  await read(
    win,
    `window.keysSeen = []; window.stores['prefs-delta'].listen((v, o, key) => window.keysSeen.push(key)); true`
  )
  $prefs.setKey('theme', 'dark')
  await standIn.idle()
  assert.deepEqual(await read(win, 'window.keysSeen'), ['theme'], 'a one-key delta reaches page listeners with its key')
})

test('setKey on an atom store from a renderer is refused with INVALID_ARGUMENT', async () => {
  ipc.registerStore('plain-atom', atom({ a: 1 }))
  const [win] = await openWindows(1)
  await makeStore(win, 'plain-atom', null)
  await standIn.idle()
  const reply = await read(win, `nanostoreIPC.write('plain-atom', 2, { key: 'a' })`)
  assert.equal(reply.error.code, 'INVALID_ARGUMENT')
  const badKey = await read(win, `nanostoreIPC.write('plain-atom', 2, { key: 5 })`)
  assert.equal(badKey.error.code, 'INVALID_ARGUMENT')
})

test('a string that grows at its end is sent as the appended part; a reload mid-stream ends with the full text', async () => {
  for (const throttleMs of [0, 16]) {
    const id = `stream-${throttleMs}`
    const $text = atom('')
    ipc.registerStore(id, $text, { throttleMs })
    const [a, b] = await openWindows(2)
    for (const win of [a, b]) await makeStore(win, id, '')
    await standIn.idle()
    standIn.resetStats()
    let reloaded = false
    for (let i = 0; i < 400; i++) {
      $text.set(`${$text.get()}chunk ${i} of the streamed answer. `)
      if (i === 200) {
        b.webContents.reload()
        reloaded = true
      }
      if (reloaded && !b.webContents.isLoading() && (await read(b, 'typeof window.make')) === 'function') {
        await makeStore(b, id, '')
        reloaded = false
      }
      await new Promise(resolve => setImmediate(resolve))
    }
    await until(() => !b.webContents.isLoading(), { what: 'reload' })
    if (reloaded) await makeStore(b, id, '')
    await new Promise(resolve => setTimeout(resolve, throttleMs + 20))
    await standIn.idle()
    for (const win of [a, b]) assert.equal((await storeState(win, id)).value, $text.get(), `throttleMs ${throttleMs}`)
    const sent = updateStats().bytes
    // the text once per window, plus the re-read of the reloaded one and an envelope per message
    const final = $text.get().length
    assert.ok(sent < 3 * final + 120 * updateStats().messages, `${sent} bytes for a ${final}-character text`)
  }
})

test('an array that grows at its end sends the new elements; any other change sends the value whole', async () => {
  const first = { n: 1 }
  const $list = atom([first])
  ipc.registerStore('list', $list)
  const [win] = await openWindows(1)
  await makeStore(win, 'list', [])
  // what the wire carries, as the watch path sees it
  await read(win, `window.wire = []; nanostoreIPC.watch(['list'], () => {}, (...update) => wire.push(update)); true`)
  await standIn.idle()
  $list.set([...$list.get(), { n: 2 }, { n: 3 }])
  await standIn.idle()
  assert.deepEqual(await storeState(win, 'list'), { value: [{ n: 1 }, { n: 2 }, { n: 3 }], rev: 1 })
  $list.set([{ n: 0 }, ...$list.get()])
  await standIn.idle()
  assert.deepEqual(await storeState(win, 'list'), { value: [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }], rev: 2 })
  $list.set([{ n: 0 }, { n: 1 }]) // shorter: whole
  await standIn.idle()
  // [kind, id, rev, payload]: 1 = append, 0 = whole
  assert.deepEqual(await read(win, 'window.wire'), [
    [1, 'list', 1, [{ n: 2 }, { n: 3 }]],
    [0, 'list', 2, [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]],
    [0, 'list', 3, [{ n: 0 }, { n: 1 }]]
  ])
})

test('page subscribers of the raw API still get whole values when deltas are on the wire', async () => {
  const $text = atom('abc')
  ipc.registerStore('raw-text', $text)
  const $m = map({ a: 1 })
  ipc.registerStore('raw-map', $m)
  const [win] = await openWindows(1)
  await read(
    win,
    `window.rawSeen = [];
     nanostoreIPC.subscribe('raw-text', s => rawSeen.push(s));
     nanostoreIPC.subscribeAll(s => s.id === 'raw-map' && rawSeen.push(s)); true`
  )
  await standIn.idle()
  $text.set('abcdef')
  $m.setKey('b', 2)
  await standIn.idle()
  $text.set('abcdefghi')
  await standIn.idle()
  const seen = await read(win, 'window.rawSeen')
  assert.deepEqual(seen, [
    { id: 'raw-text', rev: 1, value: 'abcdef' },
    { id: 'raw-map', rev: 1, value: { a: 1, b: 2 } },
    { id: 'raw-text', rev: 2, value: 'abcdefghi' }
  ])
})
