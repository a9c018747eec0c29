// Several stores changed in one tick: each window gets one ns:update message with all of its
// updates (at most MAX_UPDATES_PER_MESSAGE each), in commit order; a value that cannot be
// cloned fails alone, reported once.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { atom, map } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { MAX_UPDATES_PER_MESSAGE } from '../../main/broadcast.js'
import { makeStores, openWindows, read, sentByMain, standIn, storeState } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
})

test('stores changed in one tick reach each window in one message, each window only its own stores', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const atoms = ['a', 'b', 'c', 'd'].map(id => [id, atom(0)])
  for (const [id, $s] of atoms) ipc.registerStore(id, $s)
  const $m = map({ x: 1, y: 2 })
  ipc.registerStore('m', $m)
  const [all, some, none] = await openWindows(3)
  await makeStores(all, [...atoms.map(([id]) => [id, -1]), ['m', null, {}, 'map']])
  await makeStores(some, [
    ['b', -1],
    ['m', null, {}, 'map']
  ])
  await makeStores(none, [['unrelated', -1]])
  ipc.registerStore('unrelated', atom('still'))
  await standIn.idle()
  standIn.resetStats()

  for (const [i, [, $s]] of atoms.entries()) $s.set(10 + i)
  $m.setKey('y', 20)
  atoms[0][1].set(100) // the same store again in the same tick: still one update
  await standIn.idle()

  const { perWindow, onChannel } = sentByMain('wf:ns:update')
  assert.equal(onChannel, 2, 'one message per window that uses a changed store')
  assert.equal(perWindow[all.webContents.id], 1)
  assert.equal(perWindow[some.webContents.id], 1)
  assert.equal(perWindow[none.webContents.id] ?? 0, 0)
  assert.deepEqual(await storeState(all, 'a'), { value: 100, rev: 1 })
  for (const [i, id] of ['b', 'c', 'd'].entries()) {
    assert.deepEqual(await storeState(all, id), { value: 11 + i, rev: 1 })
  }
  assert.deepEqual(await storeState(all, 'm'), { value: { x: 1, y: 20 }, rev: 1 })
  assert.deepEqual(await storeState(some, 'b'), { value: 11, rev: 1 })
  assert.deepEqual(await storeState(some, 'm'), { value: { x: 1, y: 20 }, rev: 1 })
  // every store applied its update once, nothing missed a revision (no whole re-read)
  assert.deepEqual(await read(all, 'window.revLog'), { a: [0, 1], b: [0, 1], c: [0, 1], d: [0, 1], m: [0, 1] })
  assert.deepEqual(await read(all, 'window.errors'), [])
})

test(`more than ${MAX_UPDATES_PER_MESSAGE} stores in one tick go out in messages of at most ${MAX_UPDATES_PER_MESSAGE} updates`, async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const n = 2 * MAX_UPDATES_PER_MESSAGE + 7
  const stores = Array.from({ length: n }, (_, i) => [`s${i}`, atom(0)])
  for (const [id, $s] of stores) ipc.registerStore(id, $s)
  const [win] = await openWindows(1)
  await makeStores(
    win,
    stores.map(([id]) => [id, -1])
  )
  await standIn.idle()
  standIn.resetStats()
  for (const [i, [, $s]] of stores.entries()) $s.set(i + 1)
  await standIn.idle()
  assert.equal(sentByMain('wf:ns:update').onChannel, 3)
  const values = await read(win, `Object.values(window.stores).map(s => [s.get(), s.rev])`)
  assert.deepEqual(
    values,
    stores.map((_, i) => [i + 1, 1])
  )
})

test('a value that cannot be cloned among several changed in one tick fails alone, reported once', async () => {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: e => errors.push(e) })
  const $a = atom(0)
  const $bad = atom(0)
  const $c = atom(0)
  ipc.registerStore('p', $a)
  ipc.registerStore('bad', $bad)
  ipc.registerStore('q', $c)
  const wins = await openWindows(3)
  for (const win of wins) {
    await makeStores(win, [
      ['p', -1],
      ['bad', -1],
      ['q', -1]
    ])
  }
  await standIn.idle()
  $a.set(1)
  $bad.set(() => 1)
  $c.set(3)
  await standIn.idle()
  assert.deepEqual(
    errors.map(e => [e.code, e.storeId]),
    [['IPC_FAILED', 'bad']]
  )
  for (const win of wins) {
    assert.deepEqual(await storeState(win, 'p'), { value: 1, rev: 1 })
    assert.deepEqual(await storeState(win, 'q'), { value: 3, rev: 1 })
    assert.deepEqual(await storeState(win, 'bad'), { value: 0, rev: 0 })
  }
})
