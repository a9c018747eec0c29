// The renderer proxy atom against a scripted bridge: rev gating, loop
// prevention, pending writes, acknowledgements and rollbacks.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { syncedAtom } from '../../atom/index.js'

// A bridge whose replies the test releases by hand, in order.
function scriptedBridge() {
  const subscribers = new Map()
  const reads = []
  const writes = []
  const bridge = {
    subscribe(id, cb) {
      subscribers.set(id, cb)
      return () => subscribers.delete(id)
    },
    read(id) {
      return new Promise(resolve => reads.push({ id, resolve }))
    },
    write(id, value) {
      return new Promise(resolve => writes.push({ id, value, resolve }))
    }
  }
  return {
    bridge,
    reads,
    writes,
    push(snapshot) {
      subscribers.get(snapshot.id)?.(snapshot)
    }
  }
}

const tick = () => new Promise(resolve => setImmediate(resolve))

let counter = 0
function setup(initial, options = {}) {
  const s = scriptedBridge()
  const globalName = `bridge${++counter}`
  globalThis[globalName] = s.bridge
  const errors = []
  const $store = syncedAtom(`store-${counter}`, initial, {
    globalName,
    onError: e => errors.push(e),
    ...options
  })
  return { ...s, $store, errors, id: `store-${counter}` }
}

afterEach(() => {
  for (let i = 1; i <= counter; i++) delete globalThis[`bridge${i}`]
})

test('subscribes before reading, and hydrates from the read', async () => {
  const { $store, reads, id } = setup(0)
  assert.equal(reads.length, 1)
  reads[0].resolve({ id, rev: 3, value: 42 })
  await tick()
  assert.equal($store.get(), 42)
})

test('a store main never changed (rev 0) still hydrates', async () => {
  const { $store, reads, id } = setup('renderer initial')
  reads[0].resolve({ id, rev: 0, value: 'main initial' })
  await tick()
  assert.equal($store.get(), 'main initial')
  assert.equal($store.rev, 0)
})

test('an update newer than the read wins; the older read is ignored', async () => {
  const { $store, reads, push, id } = setup(0)
  push({ id, rev: 5, value: 'update' })
  reads[0].resolve({ id, rev: 4, value: 'stale read' })
  await tick()
  assert.equal($store.get(), 'update')
})

test('a snapshot with a rev equal to or lower than the applied one is ignored', async () => {
  const { $store, push, id } = setup(0)
  push({ id, rev: 2, value: 'two' })
  push({ id, rev: 2, value: 'two again' })
  push({ id, rev: 1, value: 'one' })
  assert.equal($store.get(), 'two')
})

test('a value applied from main is not sent back', async () => {
  const { writes, push, id } = setup(0)
  push({ id, rev: 1, value: { a: 1 } })
  await tick()
  assert.equal(writes.length, 0)
})

test('a local set is sent, and the ack moves the rev', async () => {
  const { $store, writes, push, id } = setup(0)
  $store.set(7)
  assert.equal(writes.length, 1)
  assert.deepEqual([writes[0].id, writes[0].value], [id, 7])
  writes[0].resolve({ rev: 10 })
  await tick()
  push({ id, rev: 9, value: 'older than the ack' })
  assert.equal($store.get(), 7)
})

test('writes made before hydration are sent, not dropped', async () => {
  const { $store, writes, reads, id } = setup(0)
  $store.set(1)
  $store.set(2)
  assert.deepEqual(
    writes.map(w => w.value),
    [1, 2]
  )
  writes[0].resolve({ rev: 1 })
  writes[1].resolve({ rev: 2 })
  await tick()
  reads[0].resolve({ id, rev: 2, value: 2 })
  await tick()
  assert.equal($store.get(), 2)
})

test('while a write is pending, newer snapshots do not flicker the value', async () => {
  const { $store, writes, push, id } = setup('a')
  const seen = []
  $store.listen(v => seen.push(v))
  $store.set('mine')
  push({ id, rev: 1, value: 'theirs' })
  assert.equal($store.get(), 'mine')
  writes[0].resolve({ rev: 2 })
  await tick()
  assert.equal($store.get(), 'mine')
  assert.deepEqual(seen, ['mine'])
})

test('a rejected write reports a typed error and rolls back to main', async () => {
  const { $store, writes, errors, id } = setup('main value')
  $store.set('bad')
  writes[0].resolve({
    error: { code: 'RENDERER_WRITE_DISABLED', message: 'no', storeId: id },
    snapshot: { id, rev: 4, value: 'main value 4' }
  })
  await tick()
  assert.equal($store.get(), 'main value 4')
  assert.equal(errors.length, 1)
  assert.equal(errors[0].name, 'NanoStoreIPCError')
  assert.equal(errors[0].code, 'RENDERER_WRITE_DISABLED')
  assert.equal(errors[0].storeId, id)
})

test('a rejected write followed by an accepted one keeps the accepted one', async () => {
  const { $store, writes, id } = setup(0)
  $store.set(1)
  $store.set(2)
  writes[0].resolve({ error: { code: 'SERIALIZATION_FAILED', message: 'x', storeId: id } })
  await tick()
  assert.equal($store.get(), 2)
  writes[1].resolve({ rev: 3 })
  await tick()
  assert.equal($store.get(), 2)
})

test('an update main sent before our ack but after our write shows once the ack lands', async () => {
  // main clamped our write: update rev 5 (clamped) arrives first, then ack rev 5
  const { $store, writes, push, id } = setup(0)
  $store.set(999)
  push({ id, rev: 5, value: 100 })
  writes[0].resolve({ rev: 5 })
  await tick()
  assert.equal($store.get(), 100)
})

test('rendererCanSet: false keeps the store read-only and reports it', async () => {
  const { $store, writes, errors, push, id } = setup(0, { rendererCanSet: false })
  push({ id, rev: 1, value: 5 })
  $store.set(6)
  await tick()
  assert.equal(writes.length, 0)
  assert.equal($store.get(), 5)
  assert.equal(errors[0].code, 'RENDERER_WRITE_DISABLED')
})

test('validateValue rejects locally without sending', async () => {
  const { $store, writes, errors } = setup({ n: 0 }, { validateValue: v => v.n >= 0 })
  $store.set({ n: -1 })
  await tick()
  assert.equal(writes.length, 0)
  assert.deepEqual($store.get(), { n: 0 })
  assert.equal(errors[0].code, 'SERIALIZATION_FAILED')
})

test('a listener that re-sets the store in reaction to main is a local write', async () => {
  const { $store, writes, push, id } = setup(0)
  $store.listen(v => {
    if (v > 10) $store.set(10)
  })
  push({ id, rev: 1, value: 50 })
  await tick()
  assert.deepEqual(
    writes.map(w => w.value),
    [10]
  )
})

test('a failed read is reported with its code', async () => {
  const { reads, errors, id } = setup(0)
  reads[0].resolve({ id, error: { code: 'STORE_NOT_FOUND', message: 'nope', storeId: id } })
  await tick()
  assert.equal(errors[0].code, 'STORE_NOT_FOUND')
})

test('invalid ids throw a typed error synchronously', () => {
  for (const bad of ['', 'x'.repeat(257), 42, null, undefined, {}]) {
    assert.throws(
      () => syncedAtom(bad, 0),
      e => e.name === 'NanoStoreIPCError' && e.code === 'INVALID_ID'
    )
  }
})

test('rev reports the highest main revision seen', async () => {
  const { $store, reads, push, writes, id } = setup(0)
  assert.equal($store.rev, -1)
  push({ id, rev: 3, value: 1 })
  assert.equal($store.rev, 3)
  $store.set(2)
  writes[0].resolve({ rev: 8 })
  reads[0].resolve({ id, rev: 2, value: 0 })
  await tick()
  assert.equal($store.rev, 8)
  assert.equal($store.get(), 2)
})
