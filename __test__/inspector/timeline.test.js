// What the inspector sees, through the feed and the snapshot its page gets: commits with their
// revision, writer and change (whole, appended, map keys), refused writes with their codes,
// service calls with caller, duration and result, store states (options, subscribers, rates),
// past values from the native history, and what the history's limits keep.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, test } from 'node:test'
import v8 from 'node:v8'

import { atom, map } from 'nanostores'

import { defineService, initNanoStoreIPC } from '../../index.js'
import { forkChild } from '../utility/harness.js'
import { ErrorCodes } from '../../error/index.js'
import {
  ask,
  events,
  eventsUntil,
  exec,
  hello,
  latestStore,
  makeStore,
  openInspector,
  openWindows,
  read,
  reset,
  setInWindow,
  storeState,
  until
} from './harness.js'

let ipc
afterEach(async () => {
  await reset(ipc)
  ipc = undefined
})

const commits = async (win, store) => (await events(win, 'commit')).filter(e => e.store === store)

test('commits from main and two windows: revision, writer, and the change as it went on the wire', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $text = atom('Hello')
  const $prefs = map({ theme: 'light', size: 12 })
  const $n = atom(0)
  ipc.registerStore('text', $text)
  ipc.registerStore('prefs', $prefs)
  ipc.registerStore('n', $n)
  const [a, b] = await openWindows(2)
  for (const w of [a, b]) {
    await makeStore(w, 'text', '')
    await makeStore(w, 'n', 0)
    await read(w, `window.make('prefs', {}, {}, 'map'), true`)
  }
  const win = await openInspector(ipc)
  const snapshot = await hello(win)
  assert.deepEqual(
    snapshot.timeline.map(e => [e.store, e.change]).sort(),
    [
      ['n', 'baseline'],
      ['prefs', 'baseline'],
      ['text', 'baseline']
    ],
    'the values the stores held when recording started'
  )
  const idA = a.webContents.id
  const idB = b.webContents.id

  $text.set('Hello, world') // an append
  await Promise.resolve()
  await setInWindow(a, 'n', 1)
  await setInWindow(b, 'n', 2)
  await read(b, "window.stores.prefs.setKey('theme', 'dark'), true")
  $prefs.setKey('size', undefined) // a deleted key
  await until(async () => (await storeState(a, 'prefs')).value.theme === 'dark')

  const [text] = await eventsUntil(win, e => e.type === 'commit' && e.store === 'text')
  assert.equal(text.change, 'append')
  assert.equal(text.writer, 0)
  assert.equal(text.delta, ', world')
  assert.equal(text.sent, 2)
  const n = await eventsUntil(win, e => e.type === 'commit' && e.store === 'n', { count: 2 })
  assert.deepEqual(
    n.map(e => [e.rev, e.writer, e.change, e.value]),
    [
      [1, idA, 'whole', 1],
      [2, idB, 'whole', 2]
    ]
  )
  assert.deepEqual(n[0].writerLabel, { kind: 'window', title: '', url: a.webContents.getURL() })
  const keys = await eventsUntil(win, e => e.type === 'commit' && e.store === 'prefs', { count: 2 })
  assert.deepEqual(
    keys.map(e => [e.writer, e.change, e.delta]),
    [
      [idB, 'keys', { $: 'keys', size: 1, items: [['theme', 'dark']] }],
      [0, 'keys', { $: 'keys', size: 1, items: [['size', { $: 'deleted' }]] }]
    ]
  )

  // each past value, from the native history (v8.serialize: what IPC would carry)
  assert.deepEqual(await ask(win, 'value', 'text', 0), { rev: 0, value: 'Hello', bytes: v8.serialize('Hello').length })
  assert.deepEqual((await ask(win, 'value', 'prefs', 1)).value, {
    $: 'object',
    size: 2,
    items: [
      ['theme', 'dark'],
      ['size', 12]
    ]
  })
  assert.equal((await ask(win, 'value', 'n')).value, 2, 'no rev: the current value')
  const { timeline } = await ask(win, 'hello')
  assert.ok(
    timeline.every((e, i) => i === 0 || e.seq > timeline[i - 1].seq),
    'recording order over every store'
  )
  const state = await latestStore(win, 'n')
  assert.equal(state.rev, 2)
  assert.deepEqual(state.subscribers, [idA, idB])
  assert.deepEqual(state.options, { throttleMs: 0, rendererCanSet: true, persist: null, maxPayloadBytes: 0 })
})

test('refused writes carry their code and writer; the store is unchanged', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: () => {} })
  ipc.registerStore('locked', atom('x'), { rendererCanSet: false })
  ipc.registerStore('checked', atom(1), { validateValue: v => typeof v === 'number' })
  const $c = atom(5)
  ipc.registerStore('c', $c)
  const [w] = await openWindows(1)
  const win = await openInspector(ipc)
  await hello(win)
  await read(w, "window.nanostoreIPC.write('locked', 'y')")
  await read(w, "window.nanostoreIPC.write('checked', 'not a number')")
  await read(w, "window.nanostoreIPC.write('c', 6, { ifRev: 41 })")
  await read(w, "window.nanostoreIPC.write('missing', 1)")
  const refused = await eventsUntil(win, e => e.type === 'refused', { count: 4 })
  assert.deepEqual(
    refused.map(e => [e.store, e.code, e.writer]),
    [
      ['locked', ErrorCodes.RENDERER_WRITE_DISABLED, w.webContents.id],
      ['checked', ErrorCodes.SERIALIZATION_FAILED, w.webContents.id],
      ['c', ErrorCodes.REV_CONFLICT, w.webContents.id],
      ['missing', ErrorCodes.STORE_NOT_FOUND, w.webContents.id]
    ]
  )
  assert.match(refused[2].message, /revision 0/)
  assert.equal($c.get(), 5)
  assert.deepEqual(await commits(win, 'c'), [])
  // a page that (re)loads gets them in its snapshot
  const snapshot = await exec(win, 'window.nanostoreInspector.hello()')
  assert.equal(snapshot.timeline.filter(e => e.type === 'refused').length, 4)
})

test('service calls: caller, duration, result or error code, refused calls included', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  defineService({
    id: 'math',
    handlers: {
      async double(n) {
        return n * 2
      },
      async fail() {
        throw Object.assign(new Error('nope'), { code: 'MATH_NOPE' })
      }
    }
  })
  const [w] = await openWindows(1)
  const win = await openInspector(ipc)
  await hello(win)
  assert.equal(await read(w, "window.nanostoreIPC.callService('math', 'double', 21)"), 42)
  await read(w, "window.nanostoreIPC.callService('math', 'fail').catch(e => e.message)")
  await read(w, "window.nanostoreIPC.callService('math', 'toString').catch(e => e.message)")
  const calls = await eventsUntil(win, e => e.type === 'call', { count: 3 })
  assert.deepEqual(
    calls.map(c => [c.service, c.method, c.writer, c.code]),
    [
      ['math', 'double', w.webContents.id, null],
      ['math', 'fail', w.webContents.id, 'MATH_NOPE'],
      ['math', 'toString', w.webContents.id, ErrorCodes.METHOD_NOT_FOUND]
    ]
  )
  assert.ok(calls.every(c => typeof c.durationMs === 'number' && c.durationMs >= 0))
  // the service list counts them
  await until(async () => {
    const services = (await exec(win, 'window.feed')).flatMap(m => m.services ?? [])
    return services.some(s => s.id === 'math' && s.calls.calls === 3 && s.calls.errors === 2)
  })
})

test('rates: updates and bytes per second sent to windows, per store', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $s = atom('')
  ipc.registerStore('rated', $s)
  const [a, b] = await openWindows(2)
  await makeStore(a, 'rated', '')
  await makeStore(b, 'rated', '')
  const win = await openInspector(ipc)
  await hello(win)
  for (let i = 0; i < 10; i++) {
    $s.set(`value ${i}`)
    await Promise.resolve()
  }
  const state = await until(async () => {
    const s = await latestStore(win, 'rated')
    return s?.updatesPerSecond > 0 ? s : null
  })
  assert.ok(state.bytesPerSecond > 0)
  assert.equal(state.rev, 10)
  assert.equal(state.bytes, v8.serialize('value 9').length, 'the size of the value')
})

test("the history's limits: a count per store and a byte cap; what is gone cannot be restored", async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', history: { size: 3, maxBytes: 64 * 1024 } })
  const $s = atom(0)
  const $big = atom('')
  const $fn = atom(null)
  ipc.registerStore('s', $s)
  ipc.registerStore('big', $big)
  ipc.registerStore('fn', $fn)
  const win = await openInspector(ipc)
  await hello(win)
  for (let i = 1; i <= 6; i++) {
    $s.set(i)
    await Promise.resolve()
  }
  $big.set('x'.repeat(100 * 1024)) // larger than the whole cap
  $fn.set(() => 1) // not serializable (IPC cannot carry it either)
  await Promise.resolve()
  const big = (await eventsUntil(win, e => e.type === 'commit' && e.store === 'big'))[0]
  assert.deepEqual([big.kept, big.bytes > 100 * 1024], [false, true])
  const fn = (await eventsUntil(win, e => e.type === 'commit' && e.store === 'fn'))[0]
  assert.deepEqual([fn.kept, fn.bytes], [false, 0])
  const snapshot = await exec(win, 'window.nanostoreInspector.hello()')
  const rev = ipc.inspect().stores.find(st => st.id === 's').rev
  assert.deepEqual(
    snapshot.timeline.filter(e => e.store === 's').map(e => e.rev),
    [rev - 2, rev - 1, rev]
  )
  const gone = await ask(win, 'restore', 's', rev - 4)
  assert.equal(gone.error.code, ErrorCodes.INVALID_ARGUMENT)
  assert.match(gone.error.message, /not in the history/)
  assert.equal((await ask(win, 'restore', 'big', big.rev)).error.code, ErrorCodes.INVALID_ARGUMENT)
  assert.equal($s.get(), 6)
  assert.ok(ipc.stats().history.bytes <= 64 * 1024)
})

test('store options as the inspector shows them: throttleMs, rendererCanSet, persist, maxPayloadBytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'inspector-persist-'))
  try {
    ipc = initNanoStoreIPC({ channelPrefix: 'wf', persist: { dir } })
    ipc.registerStore('saved', atom(1), { persist: { version: 2 }, throttleMs: 50, maxPayloadBytes: 100 })
    ipc.registerStore('plain', atom(1), { rendererCanSet: false })
    const win = await openInspector(ipc)
    const { stores } = await hello(win)
    assert.deepEqual(Object.fromEntries(stores.map(s => [s.id, s.options])), {
      plain: { throttleMs: 0, rendererCanSet: false, persist: null, maxPayloadBytes: 0 },
      saved: { throttleMs: 50, rendererCanSet: true, persist: 'saved, version 2', maxPayloadBytes: 100 }
    })
  } finally {
    await reset(ipc)
    ipc = undefined
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a utility process as a writer: named by its name and pid, with an id of its own', async () => {
  ipc = initNanoStoreIPC()
  ipc.registerStore('fromChild', atom(0))
  const forked = forkChild()
  assert.equal(ipc.registerUtilityProcess(forked.child, { name: 'indexer' }), true)
  await forked.exec('await ctx.bridge.ready; return true')
  const win = await openInspector(ipc)
  await hello(win)
  await forked.exec("ctx.make('fromChild', 0); ctx.stores.fromChild.set(5); return true")
  const [fromChild] = await eventsUntil(win, e => e.type === 'commit' && e.store === 'fromChild')
  assert.ok(fromChild.writer >= 2 ** 50, `a utility process id: ${fromChild.writer}`)
  assert.equal(fromChild.writerLabel.kind, 'utility')
  assert.match(fromChild.writerLabel.title, /^utility process indexer \(pid \d+\)$/)
  await until(async () => (await latestStore(win, 'fromChild'))?.subscribers?.includes(fromChild.writer))
})
