// Time travel: a restore is a new commit of a past value, broadcast as usual, and the history
// keeps every commit before it; a paused store keeps committing in main while its windows keep
// what they hold, and resuming (or closing the inspector) sends the current value. A randomized
// run mixes window writes, main writes, restores, pauses and resumes: every window ends with
// main's value and revision, and the history holds each commit once, in revision order
// (printed seed; INSPECTOR_RACE_SEED=<n> INSPECTOR_RACE_RUNS=1 replays one run).
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { atom, map } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { ErrorCodes } from '../../error/index.js'
import {
  ask,
  eventsUntil,
  hello,
  makeStore,
  openInspector,
  openWindows,
  read,
  reset,
  setInWindow,
  standIn,
  storeState,
  until
} from './harness.js'

let ipc
afterEach(async () => {
  standIn.configure()
  await reset(ipc)
  ipc = undefined
})

const valueIn = async (win, id) => (await storeState(win, id)).value

test('a restore is a new commit every window follows; the history before it stays', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $c = atom(0)
  const $m = map({ a: 1, b: 2 })
  ipc.registerStore('c', $c)
  ipc.registerStore('m', $m)
  const [a, b] = await openWindows(2)
  for (const w of [a, b]) {
    await makeStore(w, 'c', 0)
    await read(w, `window.make('m', {}, {}, 'map'), true`)
  }
  const win = await openInspector(ipc)
  await hello(win)
  await setInWindow(a, 'c', 10)
  await setInWindow(b, 'c', 20)
  $c.set(30)
  $m.setKey('a', 5)
  await read(a, "window.stores.m.setKey('c', 3), true")
  await until(async () => (await valueIn(b, 'c')) === 30 && (await valueIn(b, 'm')).c === 3)

  const reply = await ask(win, 'restore', 'c', 1) // window A's 10
  assert.deepEqual(reply, { rev: 4 })
  for (const w of [a, b]) {
    await until(async () => (await storeState(w, 'c')).rev === 4, { what: 'both windows at rev 4' })
    assert.equal(await valueIn(w, 'c'), 10)
  }
  assert.equal($c.get(), 10)
  const [restored] = await eventsUntil(win, e => e.type === 'commit' && e.change === 'restore')
  assert.deepEqual([restored.rev, restored.restoredFrom, restored.writer], [4, 1, 0])
  const snapshot = await ask(win, 'hello')
  assert.deepEqual(
    snapshot.timeline.filter(e => e.store === 'c').map(e => [e.rev, e.change]),
    [
      [0, 'baseline'],
      [1, 'whole'],
      [2, 'whole'],
      [3, 'whole'],
      [4, 'restore']
    ],
    'history is never rewritten'
  )
  assert.equal((await ask(win, 'value', 'c', 3)).value, 30)

  // a map: the restored keys go out as a delta, and every window holds main's value
  assert.deepEqual(await ask(win, 'restore', 'm', 0), { rev: 3 })
  for (const w of [a, b]) {
    await until(async () => (await storeState(w, 'm')).rev === 3)
    assert.deepEqual(await valueIn(w, 'm'), { a: 1, b: 2 })
  }
  assert.deepEqual($m.get(), { a: 1, b: 2 })
})

test('restore and pause refuse bad requests with typed errors and change nothing', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: () => {} })
  const $c = atom(1)
  ipc.registerStore('checked', $c)
  const win = await openInspector(ipc)
  await hello(win)
  const before = JSON.stringify(ipc.inspect())
  const cases = [
    ['restore', ['nope', 0], ErrorCodes.STORE_NOT_FOUND],
    ['restore', ['checked', 7], ErrorCodes.INVALID_ARGUMENT],
    ['restore', ['checked', -1], ErrorCodes.INVALID_ARGUMENT],
    ['restore', ['checked', 1.5], ErrorCodes.INVALID_ARGUMENT],
    ['restore', ['checked', '0'], ErrorCodes.INVALID_ARGUMENT],
    ['restore', ['', 0], ErrorCodes.INVALID_ID],
    ['restore', [42, 0], ErrorCodes.INVALID_ID],
    ['pause', ['checked', 'yes'], ErrorCodes.INVALID_ARGUMENT],
    ['pause', ['nope', true], ErrorCodes.STORE_NOT_FOUND],
    ['value', ['checked', 99], ErrorCodes.INVALID_ARGUMENT],
    ['value', [{}], ErrorCodes.INVALID_ID]
  ]
  for (const [method, args, code] of cases) {
    const reply = await ask(win, method, ...args)
    assert.equal(reply.error?.code, code, `${method}(${JSON.stringify(args)}) → ${JSON.stringify(reply)}`)
  }
  assert.equal(JSON.stringify(ipc.inspect()), before)
  assert.equal($c.get(), 1)
  assert.equal((await ask(win, 'hello')).stores[0].paused, false)
})

test('a paused store: windows keep what they hold, main moves on; resuming sends the current value', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $c = atom('start')
  const $other = atom(0)
  ipc.registerStore('held', $c)
  ipc.registerStore('other', $other)
  const [a, b] = await openWindows(2)
  for (const w of [a, b]) {
    await makeStore(w, 'held', '')
    await makeStore(w, 'other', 0)
  }
  await until(async () => (await valueIn(b, 'held')) === 'start')
  const win = await openInspector(ipc)
  await hello(win)

  // nothing held: resuming commits nothing
  assert.deepEqual(await ask(win, 'pause', 'held', true), { paused: true, rev: 0 })
  assert.deepEqual(await ask(win, 'pause', 'held', false), { paused: false, rev: 0 })
  assert.equal(ipc.inspect().stores.find(s => s.id === 'held').rev, 0)

  await ask(win, 'pause', 'held', true)
  $c.set('start and more') // main's append
  await Promise.resolve()
  await setInWindow(a, 'held', 'from A') // A's write: A shows it, B does not get it
  $other.set(1) // other stores are not held
  await until(async () => (await valueIn(b, 'other')) === 1)
  assert.deepEqual(await storeState(b, 'held'), { value: 'start', rev: 0 })
  assert.deepEqual(await storeState(a, 'held'), { value: 'from A', rev: 2 })
  const held = await eventsUntil(win, e => e.type === 'commit' && e.store === 'held', { count: 2 })
  assert.deepEqual(
    held.map(e => [e.rev, e.held, e.sent]),
    [
      [1, true, 0],
      [2, true, 0]
    ]
  )
  // a window that reads the store now gets main's value: only broadcasts are held
  assert.equal((await read(b, "window.nanostoreIPC.get('held')")).value, 'from A')

  assert.deepEqual(await ask(win, 'pause', 'held', false), { paused: false, rev: 3 }, 'rev 3: the resume')
  for (const w of [a, b]) {
    await until(async () => (await storeState(w, 'held')).rev === 3, { what: 'the resume commit' })
    assert.equal(await valueIn(w, 'held'), 'from A')
  }
  const [resume] = await eventsUntil(win, e => e.type === 'commit' && e.change === 'resume')
  assert.deepEqual([resume.rev, resume.sent, resume.value], [3, 2, 'from A'], 'sent whole to both')
})

// ---- randomized

const RUNS = Number(process.env.INSPECTOR_RACE_RUNS ?? 3)

function random(seed) {
  let s = seed >>> 0 || 1
  return n => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) % n
  }
}

test('randomized: writes from windows and main, restores, pauses and resumes end with every window on main', {
  timeout: 120_000
}, async t => {
  const first = Number(process.env.INSPECTOR_RACE_SEED ?? Date.now() % 1_000_000)
  for (let run = 0; run < RUNS; run++) {
    const seed = first + run
    t.diagnostic(`INSPECTOR_RACE_SEED=${seed}`)
    try {
      await raceRun(seed)
    } catch (error) {
      error.message = `seed ${seed}: ${error.message}`
      throw error
    } finally {
      standIn.configure()
      await reset(ipc)
      ipc = undefined
    }
  }
})

async function raceRun(seed) {
  const next = random(seed)
  standIn.configure({ seed, maxDelayMs: 3 })
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: () => {} })
  const $v = atom(0)
  ipc.registerStore('v', $v)
  const windows = await openWindows(3)
  for (const w of windows) await makeStore(w, 'v', 0)
  const win = await openInspector(ipc)
  await hello(win)
  // a store registered again resumes its revisions: recording starts at the one it has now
  const base = ipc.inspect().stores[0].rev
  let value = 1000
  const pending = []
  for (let step = 0; step < 60; step++) {
    const action = next(10)
    if (action < 4) {
      const w = windows[next(windows.length)]
      pending.push(setInWindow(w, 'v', value++))
    } else if (action < 6) {
      $v.set(value++)
    } else if (action < 8) {
      const rev = ipc.inspect().stores[0].rev
      pending.push(ask(win, 'restore', 'v', base + next(rev - base + 1)))
    } else {
      pending.push(ask(win, 'pause', 'v', next(2) === 0))
    }
    if (next(4) === 0) await new Promise(resolve => setTimeout(resolve, next(3)))
  }
  const replies = await Promise.all(pending)
  for (const reply of replies) {
    // every revision since recording started is in the history, held or not: none may fail
    if (reply && typeof reply === 'object' && 'error' in reply) assert.fail(`refused: ${JSON.stringify(reply)}`)
  }
  await ask(win, 'pause', 'v', false)
  const { rev } = ipc.inspect().stores[0]
  for (const w of windows) {
    await until(async () => (await storeState(w, 'v')).rev === rev, {
      what: `window ${w.webContents.id} at rev ${rev}`
    })
    assert.equal(await valueIn(w, 'v'), $v.get())
  }
  const history = (await ask(win, 'hello')).timeline.filter(e => e.type === 'commit').map(e => e.rev)
  assert.deepEqual(
    history,
    Array.from({ length: rev - base + 1 }, (_, i) => base + i),
    'each commit recorded once, in revision order'
  )
}
