// Main ↔ windows synchronization through the real preload, in the stand-in.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import {
  makeStore,
  openWindows,
  preloadFor,
  read,
  sentByMain,
  sentByWindows,
  setInWindow,
  standIn,
  storeState,
  until
} from './harness.js'

let ipc
beforeEach(() => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
})
afterEach(async () => {
  ipc.destroy()
  await standIn.reset()
})

test('a main set reaches every window that uses the store', async () => {
  const $counter = atom(0)
  ipc.registerStore('counter', $counter)
  const wins = await openWindows(3)
  for (const win of wins) await makeStore(win, 'counter', -1)
  await standIn.idle()
  for (const win of wins) assert.deepEqual(await storeState(win, 'counter'), { value: 0, rev: 0 })
  $counter.set(5)
  await standIn.idle()
  for (const win of wins) assert.deepEqual(await storeState(win, 'counter'), { value: 5, rev: 1 })
})

test('a renderer write reaches main and the other windows, and is acknowledged with its rev', async () => {
  const $settings = atom({ theme: 'light' })
  ipc.registerStore('settings', $settings)
  const [a, b] = await openWindows(2)
  await makeStore(a, 'settings', null)
  await makeStore(b, 'settings', null)
  await standIn.idle()
  await setInWindow(a, 'settings', { theme: 'dark' })
  await standIn.idle()
  assert.deepEqual($settings.get(), { theme: 'dark' })
  assert.deepEqual(await storeState(b, 'settings'), { value: { theme: 'dark' }, rev: 1 })
  assert.deepEqual(await storeState(a, 'settings'), { value: { theme: 'dark' }, rev: 1 })
  assert.deepEqual(await read(a, 'window.errors'), [])
})

test('a renderer write costs one update per other subscribed window plus its acknowledgement', async () => {
  const $n = atom(0)
  ipc.registerStore('n', $n)
  const wins = await openWindows(4)
  for (const win of wins) await makeStore(win, 'n', 0)
  await standIn.idle()
  standIn.resetStats()
  await setInWindow(wins[0], 'n', 1)
  await standIn.idle()
  const { perWindow, onChannel } = sentByMain('wf:ns:update')
  assert.equal(onChannel, 3, 'the writer gets no echo of its own value')
  assert.equal(perWindow[wins[0].webContents.id], 1, 'the writer gets exactly its acknowledgement')
  for (const win of wins.slice(1)) assert.equal(perWindow[win.webContents.id], 1)
  assert.equal(sentByWindows('wf:ns:set'), 1)
})

test('several main sets in one tick broadcast once, with the latest value', async () => {
  const $n = atom(0)
  ipc.registerStore('burst', $n)
  const [win] = await openWindows(1)
  await makeStore(win, 'burst', 0)
  await standIn.idle()
  standIn.resetStats()
  for (let i = 1; i <= 100; i++) $n.set(i)
  await standIn.idle()
  assert.equal(sentByMain('wf:ns:update').onChannel, 1)
  assert.deepEqual(await storeState(win, 'burst'), { value: 100, rev: 1 })
})

test('a window creating many stores hydrates them in one round trip', async () => {
  const ids = Array.from({ length: 200 }, (_, i) => `many-${i}`)
  for (const [i, id] of ids.entries()) ipc.registerStore(id, atom(i))
  const [win] = await openWindows(1)
  await standIn.idle()
  standIn.resetStats()
  await read(win, `window.makeMany(${JSON.stringify(ids.map(id => [id, null]))})`)
  await standIn.idle()
  assert.equal(sentByWindows('wf:ns:get'), 1, 'one invoke for all reads')
  assert.equal(sentByWindows('wf:ns:sub'), 1, 'one message for all subscriptions')
  const values = await read(win, `${JSON.stringify(ids)}.map(id => window.stores[id].get())`)
  assert.deepEqual(
    values,
    ids.map((_, i) => i)
  )
})

test('writes made before the first snapshot arrives are applied, in order', async () => {
  const $list = atom([])
  ipc.registerStore('early', $list)
  const [win] = await openWindows(1)
  await read(win, `window.make('early', []), window.stores.early.set(['a']), window.stores.early.set(['a', 'b']), true`)
  await standIn.idle()
  assert.deepEqual($list.get(), ['a', 'b'])
  assert.deepEqual(await storeState(win, 'early'), { value: ['a', 'b'], rev: 2 })
})

test('the page API works: get, set, subscribe, subscribeAll', async () => {
  const $a = atom(1)
  const $b = atom('x')
  ipc.registerStore('a', $a)
  ipc.registerStore('b', $b)
  const [win] = await openWindows(1)
  await read(
    win,
    `window.seen = []; window.all = [];
     window.unsubA = nanostoreIPC.subscribe('a', s => seen.push(s));
     window.unsubAll = nanostoreIPC.subscribeAll(s => all.push(s.id + '=' + s.value)); true`
  )
  await standIn.idle()
  assert.deepEqual(await read(win, `nanostoreIPC.get('a')`), { id: 'a', rev: 0, value: 1 })
  assert.deepEqual(await read(win, `nanostoreIPC.set('a', 2)`), { rev: 1 })
  $b.set('y')
  await standIn.idle()
  assert.deepEqual(await read(win, 'window.all'), ['b=y'])
  $a.set(3)
  await standIn.idle()
  assert.deepEqual(await read(win, 'window.seen'), [{ id: 'a', rev: 2, value: 3 }])
  await read(win, 'unsubA(), unsubAll(), true')
  await standIn.idle()
  standIn.resetStats()
  $a.set(4)
  $b.set('z')
  await standIn.idle()
  assert.equal(sentByMain('wf:ns:update').onChannel, 0, 'no subscriber left, nothing sent')
  await assert.rejects(read(win, `nanostoreIPC.get('missing')`), /STORE_NOT_FOUND/)
})

test('without a prefix the channels are ns:get, ns:set, ns:update', async () => {
  ipc.destroy()
  ipc = initNanoStoreIPC()
  const $n = atom(0)
  ipc.registerStore('plain', $n)
  const [win] = await openWindows(1, { preload: preloadFor({}) })
  await makeStore(win, 'plain', 0)
  await standIn.idle()
  $n.set(1)
  await until(async () => (await storeState(win, 'plain')).value === 1, { what: 'update on ns:update' })
  const channels = Object.keys(standIn.stats().mainToRenderer.channels)
  assert.ok(channels.includes('ns:update'), channels.join())
})

test('a custom globalName on both sides', async () => {
  const $n = atom(7)
  ipc.registerStore('named', $n)
  const [win] = await openWindows(1, { preload: preloadFor({ channelPrefix: 'wf', globalName: 'myBridge' }) })
  await read(win, `window.make('named', 0, { globalName: 'myBridge' })`)
  await standIn.idle()
  assert.deepEqual(await storeState(win, 'named'), { value: 7, rev: 0 })
  assert.equal(await read(win, 'typeof window.nanostoreIPC'), 'undefined')
})

test('more stores in one tick than one batch holds still all hydrate, in few round trips', async () => {
  const ids = Array.from({ length: 10050 }, (_, i) => `huge-${i}`)
  for (const [i, id] of ids.entries()) ipc.registerStore(id, atom(i))
  const [win] = await openWindows(1)
  await standIn.idle()
  standIn.resetStats()
  await read(win, `window.makeMany(${JSON.stringify(ids.map(id => [id, null]))}), true`)
  await standIn.idle({ timeoutMs: 30000 })
  assert.equal(sentByWindows('wf:ns:get'), 2, 'two reads of at most 10,000 ids')
  assert.equal(sentByWindows('wf:ns:sub'), 2, 'two subscription messages of at most 10,000 ids')
  const wrong = await read(win, `${JSON.stringify(ids)}.filter((id, i) => window.stores[id].get() !== i).length`)
  assert.equal(wrong, 0)
  assert.deepEqual(await read(win, 'window.errors'), [])
})
