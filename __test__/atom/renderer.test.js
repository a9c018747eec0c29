// The renderer proxy atom on the preload's real bridge (preload/src/bridge.js, the
// `watch` path the shipped preload uses), with main scripted by hand on a fake
// ipcRenderer: rev gating, loop prevention, pending writes, acknowledgements,
// rollbacks, batching and the nanostores mount lifecycle.
import assert from 'node:assert/strict'
import { afterEach, mock, test } from 'node:test'

import { syncedAtom, syncedMap } from '../../atom/index.js'
import { createBridge } from '../../preload/src/bridge.js'
import { channelsFor } from '../../protocol/index.js'

const ch = channelsFor('t')

// An ipcRenderer whose main the test plays: sends are recorded, invokes wait until
// the test answers them, updates are pushed to the preload's listener.
function scriptedMain() {
  const sent = []
  const invokes = []
  const listeners = new Map()
  const ipcRenderer = {
    send: (channel, ...args) => sent.push({ channel, args }),
    invoke: (channel, ...args) => new Promise((resolve, reject) => invokes.push({ channel, args, resolve, reject })),
    on: (channel, listener) => listeners.set(channel, listener)
  }
  const pendingOn = channel => invokes.filter(i => i.channel === channel && !i.done)
  const take = channel => {
    const next = pendingOn(channel)[0]
    assert.ok(next, `expected a pending invoke on ${channel}`)
    next.done = true
    return next
  }
  return {
    ipcRenderer,
    sent,
    invokes,
    // Main's update for one store, given as pages see it, sent in its wire form.
    push: update => listeners.get(ch.update)?.({}, ...toWire(update)),
    // One wire message as main sends it: several updates, four slots each.
    pushWire: message => listeners.get(ch.update)?.({}, ...message),
    // The ids of every ns:get sent so far, and answer the oldest one with `answer(ids)`.
    reads: () => invokes.filter(i => i.channel === ch.get).map(i => i.args[0]),
    answerRead: answer => {
      const read = take(ch.get)
      // answered as main does: flat pairs (rev, value, or -1 and the error data)
      read.resolve({
        reads: answer(read.args[0], read.args[1]).flatMap(r => (r.error ? [-1, r.error] : [r.rev, r.value]))
      })
    },
    failRead: error => take(ch.get).reject(error),
    writes: () => invokes.filter(i => i.channel === ch.set).map(i => i.args[1]),
    answerWrite: reply => take(ch.set).resolve(reply),
    subs: () => sent.filter(s => s.channel === ch.sub).map(s => s.args[0])
  }
}

const tick = () => new Promise(resolve => setImmediate(resolve))

// protocol/delta.js: [kind, id, rev, payload]; kind 0 whole, 1 append, 2 map keys.
function toWire(update) {
  if ('append' in update) return [1, update.id, update.rev, update.append]
  if ('keys' in update) return [2, update.id, update.rev, update.keys]
  return [0, update.id, update.rev, update.value]
}

let counter = 0
const globals = []
afterEach(() => {
  for (const name of globals.splice(0)) delete globalThis[name]
  mock.timers.reset()
})

// A bridge on a scripted main; `mount: false` leaves the atoms without listeners.
function bridgeOnScriptedMain() {
  const main = scriptedMain()
  const globalName = `bridge${++counter}`
  globalThis[globalName] = createBridge(main.ipcRenderer, ch)
  globals.push(globalName)
  const errors = []
  const make = (id, initial, options = {}, kind = 'atom') =>
    (kind === 'map' ? syncedMap : syncedAtom)(id, initial, { globalName, onError: e => errors.push(e), ...options })
  return { main, errors, make, bridge: globalThis[globalName] }
}

function setup(initial, options = {}) {
  const s = bridgeOnScriptedMain()
  const id = `store-${counter}`
  const $store = s.make(id, initial, options)
  $store.listen(() => {}) // mounted: it syncs
  return { ...s, $store, id }
}

test('hydrates from the first read once mounted', async () => {
  const { $store, main, id } = setup(0)
  await tick()
  assert.deepEqual(main.reads(), [[id]])
  assert.deepEqual(main.subs(), [{ add: [id] }])
  main.answerRead(ids => ids.map(i => ({ id: i, rev: 3, value: 42 })))
  await tick()
  assert.equal($store.get(), 42)
})

test('a store main never changed (rev 0) still hydrates', async () => {
  const { $store, main } = setup('renderer initial')
  await tick()
  main.answerRead(ids => ids.map(id => ({ id, rev: 0, value: 'main initial' })))
  await tick()
  assert.equal($store.get(), 'main initial')
  assert.equal($store.rev, 0)
})

test('an update newer than the read wins; the older read is ignored', async () => {
  const { $store, main, id } = setup(0)
  await tick()
  main.push({ id, rev: 5, value: 'update' })
  main.answerRead(ids => ids.map(i => ({ id: i, rev: 4, value: 'stale read' })))
  await tick()
  assert.equal($store.get(), 'update')
})

test('a snapshot with a rev equal to or lower than the applied one is ignored', async () => {
  const { $store, main, id } = setup(0)
  await tick()
  main.push({ id, rev: 2, value: 'two' })
  main.push({ id, rev: 2, value: 'two again' })
  main.push({ id, rev: 1, value: 'one' })
  assert.equal($store.get(), 'two')
})

test('a value applied from main is not sent back', async () => {
  const { main, id } = setup(0)
  await tick()
  main.push({ id, rev: 1, value: { a: 1 } })
  await tick()
  assert.deepEqual(main.writes(), [])
})

test('a local set is sent, and the ack moves the rev', async () => {
  const { $store, main, id } = setup(0)
  await tick()
  $store.set(7)
  assert.deepEqual(main.writes(), [7])
  main.answerWrite({ rev: 10 })
  await tick()
  main.push({ id, rev: 9, value: 'older than the ack' })
  assert.equal($store.get(), 7)
  assert.equal($store.rev, 10)
})

test('setting the value the atom already holds sends nothing (nanostores no-op)', async () => {
  const { $store, main } = setup(5)
  $store.set(5)
  await tick()
  assert.deepEqual(main.writes(), [])
})

test('writes made before hydration are sent, not dropped', async () => {
  const { $store, main } = setup(0)
  $store.set(1)
  $store.set(2)
  assert.deepEqual(main.writes(), [1, 2])
  main.answerWrite({ rev: 1 })
  main.answerWrite({ rev: 2 })
  await tick()
  main.answerRead(ids => ids.map(id => ({ id, rev: 2, value: 2 })))
  await tick()
  assert.equal($store.get(), 2)
})

test('while a write is pending, newer snapshots do not flicker the value', async () => {
  const { $store, main, id } = setup('a')
  await tick()
  const seen = []
  $store.listen(v => seen.push(v))
  $store.set('mine')
  main.push({ id, rev: 1, value: 'theirs' })
  assert.equal($store.get(), 'mine')
  main.answerWrite({ rev: 2 })
  await tick()
  assert.equal($store.get(), 'mine')
  assert.deepEqual(seen, ['mine'])
})

test('a rejected write reports a typed error and rolls back to main', async () => {
  const { $store, main, errors, id } = setup('main value')
  $store.set('bad')
  main.answerWrite({
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
  const { $store, main, id } = setup(0)
  $store.set(1)
  $store.set(2)
  main.answerWrite({ error: { code: 'SERIALIZATION_FAILED', message: 'x', storeId: id } })
  await tick()
  assert.equal($store.get(), 2)
  main.answerWrite({ rev: 3 })
  await tick()
  assert.equal($store.get(), 2)
})

test('a write that IPC rejects (the clone failed) comes back as SERIALIZATION_FAILED and rolls back', async () => {
  const { $store, main, errors, id } = setup(1)
  $store.set({ bad: true })
  main.invokes.find(i => i.channel === ch.set).reject(new Error('An object could not be cloned.'))
  await tick()
  assert.equal($store.get(), 1)
  assert.deepEqual(
    errors.map(e => [e.code, e.storeId]),
    [['SERIALIZATION_FAILED', id]]
  )
})

test('an update main sent before our ack but after our write shows once the ack lands', async () => {
  // main changed our write in a listener: update rev 5 arrives first, then the ack with rev 5
  const { $store, main, id } = setup(0)
  await tick()
  $store.set(999)
  main.push({ id, rev: 5, value: 100 })
  main.answerWrite({ rev: 5 })
  await tick()
  assert.equal($store.get(), 100)
})

test('rendererCanSet: false keeps the store read-only: the value is never shown, and it is reported', async () => {
  const { $store, main, errors, id } = setup(0, { rendererCanSet: false })
  await tick()
  main.push({ id, rev: 1, value: 5 })
  const seen = []
  $store.listen(v => seen.push(v))
  $store.set(6)
  await tick()
  assert.deepEqual(main.writes(), [])
  assert.equal($store.get(), 5)
  assert.deepEqual(seen, [])
  assert.equal(errors[0].code, 'RENDERER_WRITE_DISABLED')
})

test('validateValue rejects locally without sending', async () => {
  const { $store, main, errors } = setup({ n: 0 }, { validateValue: v => v.n >= 0 })
  $store.set({ n: -1 })
  await tick()
  assert.deepEqual(main.writes(), [])
  assert.deepEqual($store.get(), { n: 0 })
  assert.equal(errors[0].code, 'SERIALIZATION_FAILED')
})

test('a listener that re-sets the store in reaction to main is a local write', async () => {
  const { $store, main, id } = setup(0)
  await tick()
  $store.listen(v => {
    if (v > 10) $store.set(10)
  })
  main.push({ id, rev: 1, value: 50 })
  await tick()
  assert.deepEqual(main.writes(), [10])
})

test('a listener that sets again during a local set: main receives both writes in order', async () => {
  const { $store, main } = setup(0)
  $store.listen(v => {
    if (v === 1) $store.set(2)
  })
  $store.set(1)
  assert.deepEqual(main.writes(), [1, 2])
  assert.equal($store.get(), 2)
})

test('a failed read is reported with its code', async () => {
  const { main, errors, id } = setup(0)
  await tick()
  main.answerRead(ids => ids.map(i => ({ id: i, error: { code: 'STORE_NOT_FOUND', message: 'nope', storeId: id } })))
  await tick()
  assert.equal(errors[0].code, 'STORE_NOT_FOUND')
})

test('invalid ids, invalid options and function values throw a typed error synchronously', () => {
  for (const bad of ['', 'x'.repeat(257), 42, null, undefined, {}]) {
    assert.throws(
      () => syncedAtom(bad, 0),
      e => e.name === 'NanoStoreIPCError' && e.code === 'INVALID_ID'
    )
  }
  for (const options of [{ throttleMs: 'fast' }, { throttleMs: -1 }, { rendererCanSet: 1 }, { onError: 'x' }, 5]) {
    assert.throws(
      () => syncedAtom('opts', 0, options),
      e => e.code === 'INVALID_ARGUMENT' && e.storeId === 'opts'
    )
  }
  assert.throws(
    () => syncedAtom('fn', () => 1),
    e => e.code === 'INVALID_ARGUMENT'
  )
})

test('rev reports the highest main revision seen', async () => {
  const { $store, main, id } = setup(0)
  assert.equal($store.rev, -1)
  await tick()
  main.push({ id, rev: 3, value: 1 })
  assert.equal($store.rev, 3)
  $store.set(2)
  main.answerWrite({ rev: 8 })
  main.answerRead(ids => ids.map(i => ({ id: i, rev: 2, value: 0 })))
  await tick()
  assert.equal($store.rev, 8)
  assert.equal($store.get(), 2)
})

// ---- batching and lifecycle

test('atoms mounted in one tick share one subscription message and one read', async () => {
  const { main, make } = bridgeOnScriptedMain()
  const atoms = ['a', 'b', 'c'].map(id => make(id, 0))
  for (const $a of atoms) $a.listen(() => {})
  await tick()
  assert.deepEqual(main.reads(), [['a', 'b', 'c']])
  assert.deepEqual(main.subs(), [{ add: ['a', 'b', 'c'] }])
  main.answerRead(ids => ids.map((id, i) => ({ id, rev: 1, value: i + 10 })))
  await tick()
  assert.deepEqual(
    atoms.map($a => $a.get()),
    [10, 11, 12]
  )
})

test('an atom without listeners does not sync until it is mounted', async () => {
  const { main, make } = bridgeOnScriptedMain()
  const $lazy = make('lazy', 'initial')
  await tick()
  assert.deepEqual(main.reads(), [])
  assert.deepEqual(main.subs(), [])
  const off = $lazy.subscribe(() => {})
  await tick()
  assert.deepEqual(main.reads(), [['lazy']])
  off()
})

test('unmounting stops the sync: the window unsubscribes and later updates are not applied', async () => {
  mock.timers.enable({ apis: ['setTimeout'] })
  const { main, make } = bridgeOnScriptedMain()
  const $s = make('mounted', 0)
  const off = $s.listen(() => {})
  await tick()
  main.answerRead(ids => ids.map(id => ({ id, rev: 1, value: 1 })))
  await tick()
  off()
  mock.timers.tick(999)
  await tick()
  assert.deepEqual(main.subs(), [{ add: ['mounted'] }], 'still mounted during nanostores’ unmount delay')
  mock.timers.tick(1)
  await tick()
  assert.deepEqual(main.subs(), [{ add: ['mounted'] }, { remove: ['mounted'] }])
  main.push({ id: 'mounted', rev: 2, value: 2 })
  assert.equal($s.value, 1, 'not applied while unmounted')
  // mounted again: a fresh read catches up
  $s.listen(() => {})
  await tick()
  assert.deepEqual(main.reads().at(-1), ['mounted'])
  main.answerRead(ids => ids.map(id => ({ id, rev: 2, value: 2 })))
  await tick()
  assert.equal($s.get(), 2)
})

test('two atoms of one id: unmounting one keeps the other synced', async () => {
  mock.timers.enable({ apis: ['setTimeout'] })
  const { main, make } = bridgeOnScriptedMain()
  const $one = make('shared', 0)
  const $two = make('shared', 0)
  const offOne = $one.listen(() => {})
  $two.listen(() => {})
  await tick()
  main.answerRead(ids => ids.map(id => ({ id, rev: 1, value: 1 })))
  await tick()
  offOne()
  mock.timers.tick(1000)
  await tick()
  assert.deepEqual(main.subs(), [{ add: ['shared'] }], 'the id stays subscribed')
  main.push({ id: 'shared', rev: 2, value: 2 })
  assert.equal($two.get(), 2)
})

test('get() without listeners mounts the atom briefly, as in nanostores: it syncs, then unsubscribes', async () => {
  mock.timers.enable({ apis: ['setTimeout'] })
  const { main, make } = bridgeOnScriptedMain()
  const $brief = make('brief', 0)
  assert.equal($brief.get(), 0)
  await tick()
  assert.deepEqual(main.reads(), [['brief']])
  mock.timers.tick(1000)
  await tick()
  assert.deepEqual(main.subs(), [{ add: ['brief'] }, { remove: ['brief'] }])
})

// ---- the preload bridge itself

test('watch([]) calls back with an empty array', async () => {
  const { bridge } = bridgeOnScriptedMain()
  const got = await new Promise(resolve => bridge.watch([], resolve, () => {}))
  // no pairs for no ids
  assert.deepEqual(got, [])
})

test('one watch in a tick is read as it is, a repeated id answered twice; reads of one tick from several callers are merged, each id asked once', async () => {
  const { bridge, main } = bridgeOnScriptedMain()
  const first = new Promise(resolve => bridge.watch(['a', 'b', 'a'], resolve, () => {}))
  await tick()
  assert.deepEqual(main.reads(), [['a', 'b', 'a']])
  main.answerRead(ids => ids.map((id, i) => ({ id, rev: i + 1, value: `${id}${i}` })))
  assert.deepEqual(await first, [1, 'a0', 2, 'b1', 3, 'a2'])

  const both = Promise.all([bridge.read('x'), bridge.read('y'), bridge.read('x')])
  const watched = new Promise(resolve => bridge.watch(['y', 'z'], resolve, () => {}))
  await tick()
  assert.deepEqual(main.reads().at(-1), ['x', 'y', 'z'])
  main.answerRead(ids =>
    ids.map(id =>
      id === 'z' ? { id, error: { code: 'STORE_NOT_FOUND', message: 'nope', storeId: id } } : { id, rev: 7, value: id }
    )
  )
  assert.deepEqual(await both, [
    { id: 'x', rev: 7, value: 'x' },
    { id: 'y', rev: 7, value: 'y' },
    { id: 'x', rev: 7, value: 'x' }
  ])
  assert.deepEqual(await watched, [7, 'y', -1, { code: 'STORE_NOT_FOUND', message: 'nope', storeId: 'z' }])
})

test('a lone read whose invoke fails fails each of its ids, by name', async () => {
  const { bridge, main } = bridgeOnScriptedMain()
  const got = new Promise(resolve => bridge.watch(['p', 'q'], resolve, () => {}))
  await tick()
  main.failRead(new Error('main went away'))
  assert.deepEqual(await got, [
    -1,
    { code: 'IPC_FAILED', message: 'main went away', storeId: 'p' },
    -1,
    { code: 'IPC_FAILED', message: 'main went away', storeId: 'q' }
  ])
})

test('a read whose reply cannot be cloned is asked again with verify: only the bad store fails, by name', async () => {
  const { main, make, errors } = bridgeOnScriptedMain()
  const good = make('good', 0)
  const bad = make('bad', 0)
  good.listen(() => {})
  bad.listen(() => {})
  await tick()
  main.failRead(new Error("Error invoking remote method 't:ns:get': Error: An object could not be cloned."))
  await tick()
  const retry = main.invokes.filter(i => i.channel === ch.get).at(-1)
  assert.deepEqual(retry.args, [['good', 'bad'], { verify: true }])
  main.answerRead(ids =>
    ids.map(id =>
      id === 'bad'
        ? { id, error: { code: 'SERIALIZATION_FAILED', message: 'bad.fn: functions cannot be cloned', storeId: id } }
        : { id, rev: 1, value: 'hydrated' }
    )
  )
  await tick()
  assert.equal(good.get(), 'hydrated')
  assert.deepEqual(
    errors.map(e => [e.code, e.storeId]),
    [['SERIALIZATION_FAILED', 'bad']]
  )
})

test('subscribe/unsubscribe within one tick sends nothing; subscribeAll toggles the all flag', async () => {
  const { bridge, main } = bridgeOnScriptedMain()
  bridge.subscribe('x', () => {})()
  await tick()
  assert.deepEqual(main.subs(), [])
  const off = bridge.subscribeAll(() => {})
  await tick()
  off()
  await tick()
  assert.deepEqual(main.subs(), [{ all: true }, { all: false }])
})

// ---- deltas and maps

function setupMap(initial, options = {}) {
  const s = bridgeOnScriptedMain()
  const id = `map-${counter}`
  const $map = s.make(id, initial, options, 'map')
  $map.listen(() => {})
  return { ...s, $map, id }
}

test('a delta applies on top of the value at exactly its base rev', async () => {
  const { $store, main, id } = setup('')
  await tick()
  main.answerRead(ids => ids.map(i => ({ id: i, rev: 4, value: 'Hello' })))
  await tick()
  main.push({ id, rev: 5, base: 4, append: ', world' })
  assert.equal($store.get(), 'Hello, world')
  main.push({ id, rev: 6, base: 5, append: '!' })
  assert.deepEqual([$store.get(), $store.rev], ['Hello, world!', 6])
  assert.equal(main.reads().length, 1, 'no extra read')
})

test('deltas that arrive before the first read are left to it, no extra read', async () => {
  const { $store, main, id } = setup('')
  await tick()
  main.push({ id, rev: 5, base: 4, append: 'x' })
  assert.equal($store.get(), '')
  main.answerRead(ids => ids.map(i => ({ id: i, rev: 5, value: 'abcx' })))
  await tick()
  main.push({ id, rev: 6, base: 5, append: 'y' })
  assert.equal($store.get(), 'abcxy')
  assert.equal(main.reads().length, 1)
})

test('a delta whose base this window never saw (a missed revision) makes it read the store whole', async () => {
  const { $store, main, id } = setup('')
  await tick()
  main.answerRead(ids => ids.map(i => ({ id: i, rev: 1, value: 'a' })))
  await tick()
  main.push({ id, rev: 3, base: 2, append: 'c' })
  main.push({ id, rev: 4, base: 3, append: 'd' })
  assert.equal($store.get(), 'a', 'not applied on the wrong base')
  await tick()
  assert.deepEqual(main.reads(), [[id], [id]], 'one whole read, not one per delta')
  main.answerRead(ids => ids.map(i => ({ id: i, rev: 4, value: 'abcd' })))
  await tick()
  assert.deepEqual([$store.get(), $store.rev], ['abcd', 4])
})

test("a map shows another window's keys at once while its own setKey is pending", async () => {
  const { $map, main, id } = setupMap({})
  await tick()
  main.answerRead(ids => ids.map(i => ({ id: i, rev: 1, value: { a: 1 } })))
  await tick()
  $map.setKey('mine', 'pending')
  assert.deepEqual(main.invokes.at(-1).args, [id, 'pending', { key: 'mine' }])
  main.push({ id, rev: 2, base: 1, keys: ['theirs', 2, 'a', undefined] })
  assert.deepEqual($map.get(), { mine: 'pending', theirs: 2 })
  const notified = []
  $map.listen(v => notified.push(v))
  main.answerWrite({ rev: 3 })
  await tick()
  assert.deepEqual([$map.get(), $map.rev], [{ mine: 'pending', theirs: 2 }, 3])
  assert.deepEqual(notified, [], 'a clean ack changes nothing on screen')
  main.push({ id, rev: 4, base: 3, keys: ['more', 4] })
  assert.deepEqual($map.get(), { mine: 'pending', theirs: 2, more: 4 })
})

test('a rejected setKey drops only that key; the other pending one stays', async () => {
  const { $map, main, errors, id } = setupMap({})
  await tick()
  main.answerRead(ids => ids.map(i => ({ id: i, rev: 1, value: { a: 1 } })))
  await tick()
  $map.setKey('bad', 1)
  $map.setKey('good', 2)
  main.answerWrite({
    error: { code: 'SERIALIZATION_FAILED', message: 'no', storeId: id },
    snapshot: { id, rev: 1, value: { a: 1 } }
  })
  await tick()
  assert.deepEqual($map.get(), { a: 1, good: 2 })
  main.answerWrite({ rev: 2 })
  await tick()
  assert.deepEqual([$map.get(), $map.rev, errors.map(e => e.code)], [{ a: 1, good: 2 }, 2, ['SERIALIZATION_FAILED']])
})

test('setKey follows nanostores: undefined deletes, the same value or a missing key is a no-op', async () => {
  const { $map, main } = setupMap({ a: 1 })
  $map.setKey('a', 1)
  $map.setKey('missing', undefined)
  assert.deepEqual(main.writes(), [])
  $map.setKey('a', undefined)
  assert.deepEqual($map.get(), {})
  $map.setKey(7, 'seven')
  assert.deepEqual($map.get(), { 7: 'seven' })
  assert.deepEqual(
    main.invokes.filter(i => i.channel === ch.set).map(i => i.args.slice(1)),
    [
      [undefined, { key: 'a' }],
      ['seven', { key: '7' }]
    ]
  )
})

test('an ack of a setKey past a revision this window missed makes it read the map whole, showing the write meanwhile', async () => {
  const { $map, main, id } = setupMap({})
  await tick()
  main.answerRead(ids => ids.map(i => ({ id: i, rev: 1, value: { a: 1 } })))
  await tick()
  $map.setKey('b', 2)
  main.answerWrite({ rev: 3 }) // rev 2 never arrived
  await tick()
  assert.deepEqual($map.get(), { a: 1, b: 2 })
  assert.deepEqual(main.reads().at(-1), [id])
  main.answerRead(ids => ids.map(i => ({ id: i, rev: 3, value: { a: 10, b: 2 } })))
  await tick()
  assert.deepEqual([$map.get(), $map.rev], [{ a: 10, b: 2 }, 3])
})

test('a map key named __proto__ stays an ordinary key through deltas', async () => {
  const { $map, main, id } = setupMap({})
  await tick()
  main.answerRead(ids => ids.map(i => ({ id: i, rev: 1, value: {} })))
  await tick()
  main.push({ id, rev: 2, base: 1, keys: ['__proto__', { polluted: true }] })
  assert.equal(Object.getPrototypeOf($map.get()), Object.prototype)
  assert.deepEqual(Object.keys($map.get()), ['__proto__'])
  assert.equal({}.polluted, undefined)
})

test('syncedMap rejects a non-object initial value', () => {
  const { make } = bridgeOnScriptedMain()
  for (const bad of [null, 5, 'x', [1]]) {
    assert.throws(
      () => make('bad-map', bad, {}, 'map'),
      e => e.code === 'INVALID_ARGUMENT'
    )
  }
})

test('one message carrying updates of several stores reaches each of them', async () => {
  const { main, make } = bridgeOnScriptedMain()
  const $a = make('multi-a', 0)
  const $b = make('multi-b', 0)
  $a.listen(() => {})
  $b.listen(() => {})
  await tick()
  main.answerRead(ids => ids.map(id => ({ id, rev: 1, value: 'x' })))
  await tick()
  main.pushWire([0, 'multi-a', 2, 'whole', 1, 'multi-b', 2, 'yz', 0, 'nobody', 5, 'ignored'])
  assert.deepEqual([$a.get(), $b.get(), $a.rev, $b.rev], ['whole', 'xyz', 2, 2])
})

test('stores unmounted together (each from its own nanostores timer) cost one unsubscription message', async () => {
  mock.timers.enable({ apis: ['setTimeout'] })
  const { main, make } = bridgeOnScriptedMain()
  const offs = Array.from({ length: 50 }, (_, i) => make(`unmount-${i}`, 0).listen(() => {}))
  await tick()
  for (const off of offs) off()
  mock.timers.tick(1000)
  await tick()
  const subs = main.subs()
  assert.equal(subs.length, 2)
  assert.equal(subs[1].remove.length, 50)
})
