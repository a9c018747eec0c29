// The addon's commit history (enableHistory, disableHistory, recordCommit, history, historyValue,
// historyStats): off by default, bounded by a count per store and an exact byte cap over all
// stores, values kept as the bytes v8.serialize gave, typed errors that change nothing.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import v8 from 'node:v8'

import { StoreRuntime, commit, throwsCode } from './helpers.js'

function runtime(...stores) {
  const rt = new StoreRuntime()
  for (const id of stores) rt.registerStore(id)
  return rt
}

// What the history holds, to compare before and after a failed call.
const state = rt => JSON.stringify({ stats: rt.historyStats(), entries: rt.history() })

test('off by default: recordCommit records nothing', () => {
  const rt = runtime('s')
  assert.equal(rt.historyStats(), null)
  assert.equal(rt.recordCommit('s', { rev: 0, change: 'baseline' }, v8.serialize(1)), null)
  assert.deepEqual(rt.history(), [])
  assert.equal(rt.historyValue('s', 0), null)
  assert.equal(rt.disableHistory(), false)
})

test('a recorded commit: its fields, its value back through v8.deserialize', () => {
  const rt = runtime('s')
  rt.enableHistory()
  assert.deepEqual(rt.historyStats(), { size: 300, maxBytes: 32 * 1024 * 1024, entries: 0, bytes: 0, stores: 0 })
  const value = { list: [1, 2], when: new Date(5), map: new Map([['k', new Set([1])]]), big: 10n }
  assert.equal(rt.recordCommit('s', { rev: 0, change: 'baseline' }, v8.serialize('first')), true)
  commit(rt, 's')
  commit(rt, 's')
  const bytes = v8.serialize(value)
  assert.equal(rt.recordCommit('s', { rev: 2, writer: 7, change: 'restore', restoredFrom: 0 }, bytes), true)
  const [baseline, entry] = rt.history('s')
  assert.equal(typeof entry.time, 'number')
  assert.ok(entry.time >= baseline.time)
  assert.deepEqual(
    { ...entry, time: 0 },
    {
      seq: baseline.seq + 1,
      storeId: 's',
      rev: 2,
      time: 0,
      writer: 7,
      change: 'restore',
      restoredFrom: 0,
      bytes: bytes.length,
      kept: true
    }
  )
  assert.deepEqual(v8.deserialize(rt.historyValue('s', 2)), value)
  assert.equal(v8.deserialize(rt.historyValue('s', 0)), 'first')
  assert.equal(rt.historyValue('s', 1), null, 'rev 1 was not recorded')
  assert.deepEqual(
    rt.history('s').map(e => [e.rev, e.change, e.writer]),
    [
      [0, 'baseline', 0],
      [2, 'restore', 7]
    ]
  )
  // a copy: changing it changes nothing held
  rt.historyValue('s', 2).fill(0)
  assert.deepEqual(v8.deserialize(rt.historyValue('s', 2)), value)
  // not serializable: recorded without a value
  commit(rt, 's')
  assert.deepEqual(
    [rt.recordCommit('s', { rev: 3, change: 'whole' }, null), rt.history('s')[2].kept, rt.historyValue('s', 3)],
    [false, false, null]
  )
})

test('the byte cap is exact over every store and evicts the oldest commit of any store', () => {
  const rt = runtime('a', 'b')
  const value = v8.serialize('x'.repeat(2000))
  rt.enableHistory({ maxBytes: 8192 })
  rt.recordCommit('a', { rev: 0, change: 'baseline' }, value)
  const overhead = rt.historyStats().bytes - value.length
  assert.ok(overhead > 0 && overhead < 200, `the fixed cost per entry: ${overhead}`)
  rt.recordCommit('b', { rev: 0, change: 'baseline' }, value)
  commit(rt, 'a')
  rt.recordCommit('a', { rev: 1, change: 'whole' }, value)
  assert.equal(rt.historyStats().bytes, 3 * (value.length + overhead))
  commit(rt, 'b')
  rt.recordCommit('b', { rev: 1, change: 'whole' }, value) // a fourth does not fit in 8192
  assert.deepEqual(
    rt.history().map(e => [e.storeId, e.rev]),
    [
      ['b', 0],
      ['a', 1],
      ['b', 1]
    ]
  )
  assert.ok(rt.historyStats().bytes <= 8192)
  // larger than the cap: recorded, not kept
  commit(rt, 'a')
  assert.equal(rt.recordCommit('a', { rev: 2, change: 'whole' }, Buffer.alloc(9000)), false)
  const big = rt.history('a').at(-1)
  assert.deepEqual([big.rev, big.kept, big.bytes], [2, false, 9000])
})

test('a count per store; new limits trim at once; unregisterStore and disableHistory drop entries', () => {
  const rt = runtime('a', 'b')
  rt.enableHistory({ size: 3 })
  for (let rev = 0; rev <= 5; rev++) {
    if (rev > 0) {
      commit(rt, 'a')
      commit(rt, 'b')
    }
    rt.recordCommit('a', { rev, change: 'whole' }, v8.serialize(rev))
    rt.recordCommit('b', { rev, change: 'whole' }, v8.serialize(rev))
  }
  assert.deepEqual(
    rt.history('a').map(e => e.rev),
    [3, 4, 5]
  )
  rt.enableHistory({ size: 1 })
  assert.deepEqual(
    rt.history().map(e => [e.storeId, e.rev]),
    [
      ['a', 5],
      ['b', 5]
    ]
  )
  rt.unregisterStore('a')
  assert.deepEqual(rt.historyStats().entries, 1)
  assert.deepEqual(rt.history('a'), [])
  assert.equal(rt.disableHistory(), true)
  assert.equal(rt.historyStats(), null)
})

test('bad arguments: typed errors naming them, the history unchanged', () => {
  const rt = runtime('s')
  rt.enableHistory()
  commit(rt, 's')
  rt.recordCommit('s', { rev: 1, change: 'whole' }, v8.serialize(1))
  const before = state(rt)
  const bytes = v8.serialize(2)
  const throwing = Object.defineProperty({ change: 'whole' }, 'rev', {
    get() {
      throw new Error('getter')
    }
  })
  for (const [args, code, message] of [
    [['nope', { rev: 0, change: 'whole' }, bytes], 'STORE_NOT_FOUND'],
    [['', { rev: 0, change: 'whole' }, bytes], 'INVALID_ID'],
    [['s', { rev: 1, change: 'whole' }, bytes], 'INVALID_ARGUMENT', /above 1/],
    [['s', { rev: 2, change: 'whole' }, bytes], 'INVALID_ARGUMENT', /at most 1/],
    [['s', { rev: 1.5, change: 'whole' }, bytes], 'INVALID_ARGUMENT', /commit\.rev/],
    [['s', { change: 'whole' }, bytes], 'INVALID_ARGUMENT', /commit\.rev/],
    [['s', { rev: 1 }, bytes], 'INVALID_ARGUMENT', /commit\.change/],
    [['s', { rev: 1, change: 'set' }, bytes], 'INVALID_ARGUMENT', /commit\.change/],
    [['s', { rev: 1, change: 'whole', writer: -1 }, bytes], 'INVALID_ARGUMENT', /commit\.writer/],
    [['s', { rev: 1, change: 'restore', restoredFrom: 1 }, bytes], 'INVALID_ARGUMENT', /restoredFrom/],
    [['s', throwing, bytes], 'INVALID_ARGUMENT', /getter/],
    [['s', [1], bytes], 'INVALID_ARGUMENT', /commit/],
    [['s', { rev: 1, change: 'whole' }, 'bytes'], 'INVALID_ARGUMENT', /value/],
    [['s', { rev: 1, change: 'whole' }, [1, 2]], 'INVALID_ARGUMENT', /value/]
  ]) {
    throwsCode(() => rt.recordCommit(...args), code, message ? { message } : {})
    assert.equal(state(rt), before, JSON.stringify(args))
  }
  for (const [options, message] of [
    [{ size: 0 }, /options\.size/],
    [{ size: 100_001 }, /options\.size/],
    [{ maxBytes: 4095 }, /options\.maxBytes/],
    [{ maxBytes: -1 }, /options\.maxBytes/],
    ['big', /options/]
  ]) {
    throwsCode(() => rt.enableHistory(options), 'INVALID_ARGUMENT', { message })
    assert.equal(state(rt), before)
  }
  throwsCode(() => rt.historyValue('s', -1), 'INVALID_ARGUMENT')
  throwsCode(() => rt.history(5), 'INVALID_ID')
})
