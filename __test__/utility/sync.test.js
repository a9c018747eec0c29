// A utility process as a participant: syncedAtom, syncedMap and defineService in the child
// work as in a window (hydration in one round trip, selective delivery, acked writes with typed
// errors, revision order, service calls, streams and events), beside windows.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { atom, map } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { connectNanoStoreIPC } from '../../utility/index.js'
import { makeStore, openWindows, read, setInWindow, standIn, storeState, until } from '../bridge/harness.js'
import { greeter } from './fixtures/shared.js'
import { NO_CONNECT, forkChild } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = null
  await standIn.reset()
})

const start = (options = {}) => (ipc = initNanoStoreIPC({ channelPrefix: 'wf', ...options }))

async function connected(options) {
  const forked = forkChild()
  assert.equal(ipc.registerUtilityProcess(forked.child, options), true)
  await forked.exec('await ctx.bridge.ready; return true')
  return forked
}

test('a utility process hydrates 1,000 stores in one round trip, then follows main in revision order', async () => {
  start()
  const ids = Array.from({ length: 1000 }, (_, i) => `h${i}`)
  const mains = ids.map((id, i) => {
    const $s = atom({ i })
    ipc.registerStore(id, $s)
    return $s
  })
  const { exec } = await connected()
  const before = await exec('return ctx.posted.length')
  await exec(`ctx.makeMany(${JSON.stringify(ids.map(id => [id, null]))})`)
  await until(() => exec(`return ctx.state('h999').rev === 0 && ctx.state('h0').value?.i === 0`), {
    what: 'hydration'
  })
  const invokes = await exec(`return ctx.posted.slice(${before}).filter(([kind]) => kind === 'invoke')`)
  assert.deepEqual(invokes, [['invoke', 'get']], 'one ns:get for 1,000 stores')
  for (let n = 1; n <= 20; n++) mains[7].set({ i: 7, n })
  mains[8].set({ i: 8, n: 1 })
  await until(() => exec(`return ctx.state('h7').value.n === 20 && ctx.state('h8').value.n === 1`))
  const state = await exec(`return [ctx.state('h7'), ctx.revLog.h7]`)
  assert.equal(state[0].rev, ipc.inspect().stores.find(s => s.id === 'h7').rev)
  for (let k = 1; k < state[1].length; k++) assert.ok(state[1][k] > state[1][k - 1], `revs ${state[1]}`)
})

test('selective delivery: the child receives updates of the stores it watches only', async () => {
  start()
  const $x = atom(0)
  const $y = atom(0)
  ipc.registerStore('x', $x)
  ipc.registerStore('y', $y)
  const { exec } = await connected()
  await exec(`ctx.make('x', 0)`) // make() listens: the store is mounted
  await until(() => exec(`return ctx.state('x').rev >= 0`))
  $x.set(1)
  $y.set(1)
  $y.set(2)
  await standIn.idle()
  await until(() => exec(`return ctx.state('x').value === 1`))
  const updates = await exec(`return ctx.received.filter(([key]) => key === 'update').flatMap(([, ids]) => ids)`)
  assert.deepEqual(updates, ['x'])
  const child = ipc.inspect().windows.find(w => w.kind === 'utility')
  assert.deepEqual(child.stores, ['early', 'x'], "x, and fixtures/shared.js's store the child watches from its start")
})

test('writes from a utility process: applied by main, acknowledged with their revision, seen by windows', async () => {
  start()
  const $text = atom('')
  const $prefs = map({ theme: 'light' })
  ipc.registerStore('text', $text)
  ipc.registerStore('prefs', $prefs)
  const [win] = await openWindows(1)
  await makeStore(win, 'text', '')
  const { exec } = await connected()
  await exec(`ctx.make('text', ''); ctx.make('prefs', {}, {}, 'map'); ctx.stores.text.listen(() => {})`)
  await exec(`ctx.stores.text.set('from the child'); ctx.stores.prefs.setKey('theme', 'dark')`)
  await until(() => $text.get() === 'from the child' && $prefs.get().theme === 'dark', { what: 'main applied' })
  await until(async () => (await storeState(win, 'text')).value === 'from the child', { what: 'window' })
  await standIn.idle()
  const rev = ipc.inspect().stores.find(s => s.id === 'text').rev
  assert.deepEqual(await exec(`return ctx.state('text')`), { value: 'from the child', rev })
  // and the other way: a window's write reaches the child
  await setInWindow(win, 'text', 'from the window')
  await until(() => exec(`return ctx.state('text').value === 'from the window'`))
  assert.deepEqual(await exec('return ctx.errors'), [])
})

test('update() from a utility process and a window at once loses no increment', async () => {
  start()
  const $n = atom(0)
  ipc.registerStore('n', $n)
  const [win] = await openWindows(1)
  await makeStore(win, 'n', 0)
  const { exec } = await connected()
  await exec(`ctx.make('n', 0); ctx.stores.n.listen(() => {})`)
  await Promise.all([
    exec(`await Promise.all(Array.from({ length: 25 }, () => ctx.stores.n.update(n => n + 1))); return true`),
    read(win, `Promise.all(Array.from({ length: 25 }, () => window.stores.n.update(n => n + 1))).then(() => true)`)
  ])
  assert.equal($n.get(), 50)
})

test('refused writes from a utility process come back as typed errors and roll back; main is unchanged', async () => {
  const errors = []
  start({ onError: e => errors.push(e.code) })
  const $ro = atom('main')
  const $checked = atom(1)
  const $text = atom('main')
  ipc.registerStore('ro', $ro, { rendererCanSet: false })
  ipc.registerStore('checked', $checked, { validateValue: v => typeof v === 'number' })
  ipc.registerStore('text', $text)
  const { exec } = await connected()
  await exec(`
    for (const id of ['ro', 'checked', 'text', 'missing']) { ctx.make(id, null); ctx.stores[id].listen(() => {}) }
  `)
  await until(() => exec(`return ctx.state('text').rev >= 0`))
  await exec(`
    ctx.stores.ro.set('child')
    ctx.stores.checked.set('not a number')
    ctx.stores.text.set(() => 'a function cannot be cloned')
  `)
  await until(async () => (await exec('return ctx.errors')).length >= 4, {
    what: 'four errors',
    timeoutMs: 2000
  }).catch(async e => {
    throw new Error(`${e.message}: ${JSON.stringify(await exec('return ctx.errors'))}`)
  })
  const seen = await exec('return ctx.errors.map(e => [e.code, e.storeId])')
  assert.deepEqual(
    seen.sort(),
    [
      ['RENDERER_WRITE_DISABLED', 'ro'],
      ['SERIALIZATION_FAILED', 'checked'],
      ['SERIALIZATION_FAILED', 'text'],
      ['STORE_NOT_FOUND', 'missing']
    ].sort()
  )
  await standIn.idle()
  assert.deepEqual([$ro.get(), $checked.get(), $text.get()], ['main', 1, 'main'])
  assert.deepEqual(
    await exec(`return ['ro', 'checked', 'text'].map(id => ctx.stores[id].get())`),
    ['main', 1, 'main'],
    'rolled back'
  )
  assert.ok(errors.includes('RENDERER_WRITE_DISABLED') && errors.includes('SERIALIZATION_FAILED'), errors.join())
})

test('services from a utility process: calls, typed errors, streams, cancel and events', async () => {
  start()
  const [win] = await openWindows(1)
  const { exec } = await connected({ name: 'worker' })
  assert.equal(await exec(`return ctx.greeter.hello('child')`), 'hello child')
  const who = await exec('return ctx.greeter.whoAmI()')
  const id = ipc.inspect().windows.find(w => w.kind === 'utility').id
  assert.deepEqual(who, { windowId: id, frameUrl: 'utility:worker', origin: 'utility:' })
  await assert.rejects(exec('return ctx.greeter.fail()'), { code: 'GREETER_NOPE', message: 'nope' })
  assert.deepEqual(
    await exec('const out = []; for await (const n of ctx.greeter.count(5)) out.push(n); return out'),
    [1, 2, 3, 4, 5]
  )
  // leaving a stream early stops the generator in main
  await exec('for await (const n of ctx.greeter.ticks()) if (n === 3) break')
  await until(() => greeter.open === 0 && ipc.stats().openCalls === 0, { what: 'the stream stopped in main' })
  // events reach the child while it listens, and no window that does not
  await exec(`ctx.ticks = []; ctx.offTick = ctx.greeter.on('tick', n => ctx.ticks.push(n)); return true`)
  await until(() => ipc.inspect().services.find(s => s.id === 'greeter').events.length === 1, { what: 'listening' })
  assert.equal(greeter.broadcast('tick', 1), 1)
  await until(() => exec('return ctx.ticks.length === 1'))
  await exec('ctx.offTick()')
  await until(() => ipc.inspect().services.find(s => s.id === 'greeter').events.length === 0, { what: 'stopped' })
  assert.equal(greeter.broadcast('tick', 2), 0)
  assert.deepEqual(await exec('return ctx.ticks'), [1])
  assert.deepEqual(await read(win, 'window.errors'), [])
})

test('stores created before connectNanoStoreIPC() (a shared module imported above it) sync once it runs', async () => {
  start()
  // fixtures/shared.js made syncedAtom('early', 'initial') in main too: main holds it
  const { $early } = await import('./fixtures/shared.js')
  $early.set('main value')
  const { exec } = await connected()
  await exec(`ctx.stores.early.listen(() => {}); return true`)
  await until(() => exec(`return ctx.state('early').value === 'main value'`), { what: 'hydrated' })
  await exec(`ctx.stores.early.set('child value')`)
  await until(() => $early.get() === 'child value')
  $early.set('initial')
})

test('a utility process that never connects warns that its stores do not sync', async () => {
  const { utilityProcess } = await import('electron')
  const child = utilityProcess.fork(NO_CONNECT, [], { stdio: 'pipe' })
  let stderr = ''
  child.stderr.on('data', chunk => {
    stderr += chunk
  })
  await until(() => stderr.includes('connectNanoStoreIPC() was not called'), { timeoutMs: 10000, what: 'the warning' })
})

test('connectNanoStoreIPC(): WRONG_PROCESS outside a utility process, INVALID_ARGUMENT for bad options, one bridge per process', async () => {
  assert.throws(() => connectNanoStoreIPC(), { code: 'WRONG_PROCESS' })
  start()
  const { exec } = await connected()
  const again = await exec(`
    const { connectNanoStoreIPC } = await import('nanostore-ipc-bridge/utility')
    const codes = []
    for (const options of [null, { globalName: 3 }, { globalName: 'other' }]) {
      try { connectNanoStoreIPC(options) } catch (e) { codes.push(e.code) }
    }
    return [connectNanoStoreIPC() === ctx.bridge, codes]
  `)
  assert.deepEqual(again, [true, ['INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'ALREADY_INITIALIZED']])
})
