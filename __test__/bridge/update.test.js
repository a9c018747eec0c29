// Atomic read-modify-write: $store.update(fn) and the conditional write under it
// (ns:set with { ifRev }: applied only while main's store is at that revision, else
// REV_CONFLICT with main's snapshot). Concurrent updates from several windows under
// random delivery delays lose nothing.
// Replay the randomized test with UPDATE_RACE_SEED=<seed printed in its name>.
import assert from 'node:assert/strict'
import { after, afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC, syncedAtom } from '../../index.js'
import { makeStore, openWindows, read, sentByWindows, standIn, storeState, until } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
})
after(() => standIn.configure())

const start = () => (ipc = initNanoStoreIPC({ channelPrefix: 'wf' }))

test('a conditional write applies at the expected revision and is refused with REV_CONFLICT otherwise', async () => {
  start()
  const $s = atom('a')
  ipc.registerStore('cond', $s)
  const [win] = await openWindows(1)
  assert.deepEqual(await read(win, `window.nanostoreIPC.set('cond', 'b', { ifRev: 0 })`), { rev: 1 })
  assert.equal($s.get(), 'b')
  const stale = await read(win, `window.nanostoreIPC.write('cond', 'c', { ifRev: 0 })`)
  assert.equal(stale.error.code, 'REV_CONFLICT')
  assert.equal(stale.error.storeId, 'cond')
  assert.deepEqual(stale.snapshot, { id: 'cond', rev: 1, value: 'b' }, "main's latest comes with the refusal")
  assert.equal($s.get(), 'b', 'nothing applied')
  const rejected = await read(win, `window.nanostoreIPC.set('cond', 'c', { ifRev: 0 }).catch(e => e.message)`)
  assert.match(rejected, /^REV_CONFLICT: /)
  for (const ifRev of [`'1'`, '-1', '1.5', 'null']) {
    const bad = await read(win, `window.nanostoreIPC.write('cond', 'd', { ifRev: ${ifRev} })`)
    if (ifRev === 'null') assert.equal(bad.error?.code, 'INVALID_ARGUMENT', 'null is not a revision')
    else assert.equal(bad.error?.code, 'INVALID_ARGUMENT', ifRev)
  }
  assert.equal($s.get(), 'b')
  assert.equal(ipc.inspect().stores.find(s => s.id === 'cond').rev, 1)
})

test("a change main has not broadcast yet counts: the conditional write compares main's latest revision", async () => {
  start()
  const $s = atom(0)
  // throttled: main's second set waits 10 s before it is committed and broadcast
  ipc.registerStore('tick', $s, { throttleMs: 10_000 })
  const [win] = await openWindows(1)
  $s.set(1)
  await until(() => ipc.inspect().stores.find(s => s.id === 'tick').rev === 1, { what: 'the first commit' })
  $s.set(2)
  assert.equal(ipc.stats().pendingBroadcasts, 1)
  const reply = await read(win, `window.nanostoreIPC.write('tick', 100, { ifRev: 1 })`)
  assert.equal(reply.error?.code, 'REV_CONFLICT')
  assert.deepEqual(reply.snapshot, { id: 'tick', rev: 2, value: 2 })
  assert.equal($s.get(), 2)
})

test('update(fn) in a window applies fn to the latest value and resolves with what main committed', async () => {
  start()
  const $c = atom(10)
  ipc.registerStore('upd', $c)
  const [a, b] = await openWindows(2)
  await makeStore(a, 'upd', 0)
  await makeStore(b, 'upd', 0)
  await standIn.idle()
  assert.equal(await read(a, `window.stores.upd.update(n => n * 2)`), 20)
  assert.equal($c.get(), 20)
  await standIn.idle()
  assert.deepEqual(await storeState(b, 'upd'), { value: 20, rev: 1 })
  assert.equal(await read(b, `window.stores.upd.update(n => n + 1)`), 21)
  await standIn.idle()
  for (const win of [a, b]) assert.deepEqual(await storeState(win, 'upd'), { value: 21, rev: 2 })
  // an atom that has not seen main's value yet (created in the same tick) reads it first
  assert.equal(await read(b, `window.make('upd', 0) && window.stores.upd.update(n => n + 1)`), 22)
  assert.deepEqual(await read(a, 'window.errors'), [], 'update reports nothing through onError')
})

test("update(fn): a conflict re-runs fn on main's value; maxAttempts bounds it with REV_CONFLICT", async () => {
  start()
  const $c = atom(0)
  ipc.registerStore('conf', $c)
  const [win] = await openWindows(1)
  await makeStore(win, 'conf', 0)
  await standIn.idle()
  // fn itself makes main move on (a plain write sent before the conditional one)
  const retried = await read(
    win,
    `(async () => {
      const seen = []
      const value = await window.stores.conf.update(n => {
        seen.push(n)
        if (seen.length === 1) window.nanostoreIPC.write('conf', 100)
        return n + 1
      })
      return { value, seen }
    })()`
  )
  assert.deepEqual(retried, { value: 101, seen: [0, 100] })
  assert.equal($c.get(), 101)
  const gaveUp = await read(
    win,
    `window.stores.conf.update(n => { window.nanostoreIPC.write('conf', n + 50); return n + 1 }, { maxAttempts: 3 })
       .then(() => 'resolved', e => [e.name, e.code, e.storeId, e.message])`
  )
  assert.deepEqual(gaveUp.slice(0, 3), ['NanoStoreIPCError', 'REV_CONFLICT', 'conf'])
  assert.match(gaveUp[3], /gave up after 3 conflicting attempts/)
  await standIn.idle()
  assert.deepEqual(await storeState(win, 'conf'), {
    value: $c.get(),
    rev: ipc.inspect().stores.find(s => s.id === 'conf').rev
  })
})

test('update(fn): fn throwing, a read-only store and a bad argument reject, and nothing is sent', async () => {
  start()
  ipc.registerStore('ro', atom(1), { rendererCanSet: false })
  ipc.registerStore('rw', atom(1))
  const [win] = await openWindows(1)
  await makeStore(win, 'ro', 0, { rendererCanSet: false })
  await makeStore(win, 'rw', 0)
  await standIn.idle()
  standIn.resetStats()
  const codes = await read(
    win,
    `Promise.all([
      window.stores.rw.update(() => { throw new Error('boom') }).catch(e => e.message),
      window.stores.ro.update(n => n + 1).catch(e => e.code),
      window.stores.rw.update('not a function').catch(e => e.code),
      window.stores.rw.update(n => n, { maxAttempts: 0 }).catch(e => e.code)
    ])`
  )
  assert.deepEqual(codes, ['boom', 'RENDERER_WRITE_DISABLED', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT'])
  await standIn.idle()
  assert.equal(sentByWindows('wf:ns:set'), 0)
  assert.deepEqual(await storeState(win, 'ro'), { value: 1, rev: 0 }, 'a refused value is never shown')
})

test("update(fn): a value main refuses rejects with main's code and the window rolls back", async () => {
  start()
  ipc.registerStore('checked', atom(1), { validateValue: v => v < 100 })
  const [win] = await openWindows(1)
  await makeStore(win, 'checked', 0)
  await standIn.idle()
  assert.equal(await read(win, `window.stores.checked.update(() => 500).catch(e => e.code)`), 'SERIALIZATION_FAILED')
  await standIn.idle()
  assert.deepEqual(await storeState(win, 'checked'), { value: 1, rev: 0 })
})

test('update(fn) in main applies at once; a plain atom outside Electron too', async () => {
  start()
  const $main = syncedAtom('main-update', { n: 1 })
  const [win] = await openWindows(1)
  await makeStore(win, 'main-update', null)
  await standIn.idle()
  const pending = $main.update(v => ({ n: v.n + 1 }))
  assert.deepEqual($main.get(), { n: 2 }, 'applied before update() returns')
  assert.deepEqual(await pending, { n: 2 })
  await standIn.idle()
  assert.deepEqual((await storeState(win, 'main-update')).value, { n: 2 })
  await assert.rejects(
    $main.update(() => {
      throw new Error('nope')
    }),
    /nope/
  )

  const type = process.type
  delete process.type
  try {
    const $plain = syncedAtom('plain-update', 1)
    assert.equal(await $plain.update(n => n + 1), 2)
    assert.equal($plain.get(), 2)
  } finally {
    process.type = type
  }
})

const RUNS = Number(process.env.UPDATE_RACE_RUNS) || 1
const firstSeed = Number(process.env.UPDATE_RACE_SEED) || Date.now() % 1e9
for (let run = 0; run < RUNS; run++) {
  const seed = firstSeed + run
  test(`4 windows × 250 concurrent update(n => n + 1) under random delays end at exactly 1,000, seed ${seed}`, async () => {
    const fail = message => `${message} (seed ${seed}; replay: UPDATE_RACE_SEED=${seed} UPDATE_RACE_RUNS=1)`
    standIn.configure({ seed, maxDelayMs: 2 })
    start()
    const $counter = atom(0)
    const id = `counter-${run}`
    ipc.registerStore(id, $counter)
    const wins = await openWindows(4)
    for (const win of wins) await makeStore(win, id, 0)
    await standIn.idle()
    const results = await Promise.all(
      wins.map(win =>
        read(
          win,
          `Promise.all(Array.from({ length: 250 }, () => window.stores[${JSON.stringify(id)}].update(n => n + 1)))`
        )
      )
    )
    await standIn.idle()
    assert.equal($counter.get(), 1000, fail('main'))
    for (const win of wins) {
      assert.deepEqual(await storeState(win, id), { value: 1000, rev: 1000 }, fail(`window ${win.webContents.id}`))
      assert.deepEqual(await read(win, 'window.errors'), [], fail('no error reported'))
    }
    // every update committed its own value: together they are exactly 1..1000
    const committed = results.flat().sort((x, y) => x - y)
    assert.deepEqual(
      committed,
      Array.from({ length: 1000 }, (_, i) => i + 1),
      fail('committed values')
    )
    // and each window's own updates committed in the order it made them
    for (const list of results) {
      assert.ok(
        list.every((v, i) => i === 0 || v > list[i - 1]),
        fail('per-window order')
      )
    }
    await until(() => ipc.stats().pendingBroadcasts === 0, { what: fail('main to flush') })
  })
}
