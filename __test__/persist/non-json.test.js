// Values JSON cannot hold are refused with PERSIST_UNSERIALIZABLE naming the store and the
// path; the file keeps the last value it could; memory and windows keep the new value.
// With serialize/deserialize such values round-trip.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { findNonJson } from '../../main/persist-value.js'
import { standIn } from '../bridge/harness.js'
import { cleanDirs, openWindows, readStored, seenIn, tempDir, watchIn } from './helpers.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
  cleanDirs()
})

test('a value JSON cannot hold is PERSIST_UNSERIALIZABLE with store and path; the file keeps the last good value', async () => {
  const dir = tempDir('non-json')
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', persist: { dir }, onError: e => errors.push(e) })
  const $prefs = atom({ items: [] })
  ipc.registerStore('prefs', $prefs, { persist: true })
  $prefs.set({ items: [{ at: 'noon' }] })
  await ipc.flush()
  const cycle = { name: 'loop' }
  cycle.self = cycle
  const refused = [
    [{ items: [{ at: 'noon' }, { at: new Date(0) }] }, 'prefs.items[1].at', 'date'],
    [{ items: new Map() }, 'prefs.items', 'map'],
    [{ items: [1n] }, 'prefs.items[0]', 'bigint'],
    [{ items: [], note: undefined }, 'prefs.note', 'undefined'],
    [{ 'a b': { run() {} } }, 'prefs["a b"].run', 'function'],
    [{ items: [Number.NaN] }, 'prefs.items[0]', 'number'],
    [{ items: [cycle] }, 'prefs.items[0].self', 'cycle'],
    [undefined, 'prefs', 'undefined']
  ]
  const [win] = await openWindows(1)
  await watchIn(win, [['prefs', null]])
  for (const [value, path, kind] of refused) {
    errors.length = 0
    $prefs.set(value)
    await ipc.flush()
    // (A function also fails the broadcast to the window: IPC_FAILED, not ours.)
    const persistErrors = errors.filter(e => e.code.startsWith('PERSIST_'))
    assert.equal(persistErrors.length, 1, `${path}: one error`)
    assert.equal(
      persistErrors[0],
      errors.find(e => e.code === 'PERSIST_UNSERIALIZABLE')
    )
    assert.equal(errors[0].storeId, 'prefs')
    assert.equal(errors[0].path, path)
    assert.equal(errors[0].kind, kind)
    assert.ok(errors[0].message.includes(path), errors[0].message)
    assert.deepEqual(readStored(dir).stores.prefs.value, { items: [{ at: 'noon' }] }, `${path}: the file is unchanged`)
    assert.equal($prefs.get(), value, 'memory keeps the value')
  }
  // Windows got every value IPC carries (the Date, the Map, the BigInt, ...), as usual.
  await standIn.idle()
  const seen = await seenIn(win, 'prefs')
  assert.deepEqual(seen.at(-1), [undefined, refused.length + 1])
  // A shared (not cyclic) reference is fine.
  const shared = { x: 1 }
  $prefs.set({ a: shared, b: shared })
  await ipc.flush()
  assert.deepEqual(readStored(dir).stores.prefs.value, { a: { x: 1 }, b: { x: 1 } })
})

test('serialize/deserialize store what JSON cannot; a serialize that does not return a string is refused', async () => {
  const dir = tempDir('serialize')
  const errors = []
  ipc = initNanoStoreIPC({ persist: { dir }, onError: e => errors.push(e) })
  const persist = {
    serialize: map => JSON.stringify([...map]),
    deserialize: text => new Map(JSON.parse(text))
  }
  const $recent = atom(new Map())
  ipc.registerStore('recent', $recent, { persist })
  $recent.set(
    new Map([
      ['a', 1],
      ['b', 2]
    ])
  )
  await ipc.flush()
  assert.deepEqual(readStored(dir).stores.recent, { version: 0, text: '[["a",1],["b",2]]' })
  ipc.destroy()
  ipc = initNanoStoreIPC({ persist: { dir }, onError: e => errors.push(e) })
  const $again = atom(new Map())
  ipc.registerStore('recent', $again, { persist })
  assert.deepEqual(
    $again.get(),
    new Map([
      ['a', 1],
      ['b', 2]
    ])
  )
  const $odd = atom(1)
  ipc.registerStore('odd', $odd, { persist: { serialize: v => v * 2, deserialize: Number } })
  $odd.set(2)
  await ipc.flush()
  assert.deepEqual(
    errors.map(e => [e.code, e.storeId, e.kind]),
    [['PERSIST_UNSERIALIZABLE', 'odd', 'number']]
  )
})

test('findNonJson walks deep values without recursion and names paths in JS syntax', () => {
  let deep = 'leaf'
  for (let i = 0; i < 100_000; i++) deep = [deep]
  assert.equal(findNonJson(deep, 'd'), null)
  let bad = () => {}
  for (let i = 0; i < 3; i++) bad = { 'k-1': [bad] }
  assert.deepEqual(findNonJson(bad, 's'), { path: 's["k-1"][0]["k-1"][0]["k-1"][0]', kind: 'function' })
  // A hole reads as undefined (JSON would write null).
  const holey = [1, 2, 3]
  delete holey[1]
  assert.deepEqual(findNonJson(holey, 'h'), { path: 'h[1]', kind: 'undefined' })
  assert.deepEqual(findNonJson(Object.create(null), 'n'), null)
  assert.deepEqual(findNonJson(new (class Point {})(), 'p'), { path: 'p', kind: 'class-instance' })
})
