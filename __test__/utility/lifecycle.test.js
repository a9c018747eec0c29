// A utility process's life as a participant: dropped from main and the runtime when it exits
// (killed, crashed, process.exit) with its subscriptions, event listeners and service calls;
// a restarted child hydrates again; unregister, destroy() and registering again.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { openWindows, standIn, storeState, until } from '../bridge/harness.js'
import { greeter } from './fixtures/shared.js'
import { exited, forkChild } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = null
  await standIn.reset()
})

const start = (options = {}) => (ipc = initNanoStoreIPC({ channelPrefix: 'wf', ...options }))

async function connected() {
  const forked = forkChild()
  assert.equal(ipc.registerUtilityProcess(forked.child), true)
  await forked.exec('await ctx.bridge.ready; return true')
  return forked
}

// The child watches `ids`, listens to greeter's 'tick' and runs a ticks() stream in main.
async function busy(forked, ids) {
  await forked.exec(`
    ctx.makeMany(${JSON.stringify(ids.map(id => [id, null]))})
    ctx.greeter.on('tick', () => {})
    ctx.stream = (async () => { for await (const _ of ctx.greeter.ticks()) {} })().catch(() => {})
    return true
  `)
  const subscribed = () => ipc.inspect().windows.find(w => w.kind === 'utility')?.stores ?? []
  await until(
    () => greeter.open === 1 && ipc.stats().eventSubscriptions === 1 && ids.every(id => subscribed().includes(id)),
    {
      what: 'the child busy in main'
    }
  )
}

// Nothing of participant `id` in main or in the addon (`live`: utility processes still running).
function assertGone(id, what, live = 0) {
  const state = ipc.inspect()
  assert.ok(!state.windows.some(w => w.id === id), `${what}: still registered`)
  for (const store of state.stores) assert.ok(!store.subscribers.includes(id), `${what}: subscribed to ${store.id}`)
  for (const service of state.services) {
    for (const event of service.events) {
      assert.ok(!event.windows.some(w => w.id === id), `${what}: listens to ${service.id}.${event.name}`)
    }
  }
  const stats = ipc.stats()
  assert.deepEqual(
    [stats.utilityProcesses, stats.openCalls, stats.eventSubscriptions, greeter.open],
    [live, 0, 0, 0],
    `${what}: stats`
  )
}

for (const [how, end] of [
  ['killed from outside (SIGKILL)', child => standIn.killUtilityProcess(child)],
  ['kill()ed by main', child => child.kill()],
  ['exits on its own (process.exit)', (_child, exec) => exec('process.exit(3)').catch(() => {})],
  ['crashes (an uncaught exception)', (_child, exec) => exec('setImmediate(() => { throw new Error("boom") })')]
]) {
  test(`a utility process that ${how} is dropped: nothing of it left in main, the addon or the service tables`, async () => {
    start()
    ipc.registerStore('a', atom(1))
    ipc.registerStore('b', atom(2))
    const forked = await connected()
    await busy(forked, ['a', 'b'])
    const id = ipc.inspect().windows.find(w => w.kind === 'utility').id
    assert.deepEqual(
      ipc.inspect().stores.map(s => [s.id, s.subscribers]),
      [
        ['a', [id]],
        ['b', [id]],
        ['early', [id]]
      ]
    )
    const code = exited(forked.child)
    await end(forked.child, forked.exec)
    await code
    await until(() => ipc.stats().openCalls === 0 && greeter.open === 0, { what: 'the stream stopped in main' })
    assertGone(id, how)
    assert.equal(standIn.openPorts(), 0, 'no port end left open')
  })
}

test('a restarted utility process hydrates again under a new id, while windows keep syncing', async () => {
  start()
  const $s = atom('v1')
  ipc.registerStore('s', $s)
  const [win] = await openWindows(1)
  await win.webContents.executeJavaScript(`window.make('s', null), true`)
  const first = await connected()
  await first.exec(`ctx.make('s', null); return true`)
  await until(() => first.exec(`return ctx.state('s').value === 'v1'`))
  const firstId = ipc.inspect().windows.find(w => w.kind === 'utility').id
  const gone = exited(first.child)
  standIn.killUtilityProcess(first.child)
  await gone
  $s.set('v2') // while no child runs
  const second = await connected()
  await second.exec(`ctx.make('s', null); return true`)
  await until(() => second.exec(`return ctx.state('s').value === 'v2'`), { what: 'the new child hydrated' })
  const secondId = ipc.inspect().windows.find(w => w.kind === 'utility').id
  assert.notEqual(secondId, firstId)
  assertGone(firstId, 'the first child', 1)
  await second.exec(`ctx.stores.s.set('from the new child')`)
  await until(async () => (await storeState(win, 's')).value === 'from the new child', { what: 'the window' })
  assert.equal($s.get(), 'from the new child')
  assert.equal(ipc.stats().utilityProcesses, 1)
})

test('unregisterUtilityProcess: the child is dropped and its writes fail with IPC_FAILED; registered again, it resyncs', async () => {
  start()
  const $s = atom(0)
  ipc.registerStore('s', $s)
  const forked = await connected()
  await forked.exec(`ctx.make('s', null); return true`)
  await until(() => forked.exec(`return ctx.state('s').value === 0`))
  const id = ipc.inspect().windows.find(w => w.kind === 'utility').id
  assert.equal(ipc.unregisterUtilityProcess(forked.child), true)
  assert.equal(ipc.unregisterUtilityProcess(forked.child), false)
  assert.equal(ipc.inspect().windows.length, 0)
  await standIn.idle()
  await forked.exec(`ctx.stores.s.set(5); return true`)
  await until(async () => (await forked.exec('return ctx.errors')).length === 1, { what: 'the refused write' })
  assert.deepEqual(await forked.exec('return ctx.errors.map(e => e.code)'), ['IPC_FAILED'])
  assert.equal(await forked.exec(`return ctx.stores.s.get()`), 0, 'rolled back')
  assert.equal($s.get(), 0)
  $s.set(1)
  // registered again: a new port, hello and a resync (subscriptions and reads sent again)
  assert.equal(ipc.registerUtilityProcess(forked.child), true)
  await until(() => forked.exec(`return ctx.state('s').value === 1`), { what: 'resynced' })
  const again = ipc.inspect().windows.find(w => w.kind === 'utility')
  assert.notEqual(again.id, id)
  assert.deepEqual([again.stores, again.state], [['early', 's'], 'ready'])
  $s.set(2)
  await until(() => forked.exec(`return ctx.state('s').value === 2`), { what: 'updates again' })
})

test('destroy() drops every utility process and closes its port; a new instance registering it resyncs it', async () => {
  start()
  const $s = atom('a')
  ipc.registerStore('s', $s)
  const forked = await connected()
  await busy(forked, ['s'])
  ipc.destroy()
  assert.deepEqual([ipc.stats().windows, ipc.stats().utilityProcesses, ipc.stats().openCalls], [0, 0, 0])
  await until(() => greeter.open === 0, { what: 'the stream stopped' })
  assert.equal(standIn.openPorts(), 0)
  start()
  ipc.registerStore('s', $s)
  $s.set('b')
  assert.equal(ipc.registerUtilityProcess(forked.child), true)
  await until(() => forked.exec(`return ctx.state('s').value === 'b'`), { what: 'resynced' })
  await until(() => ipc.stats().eventSubscriptions === 1, { what: 'its event listener sent again' })
})

test('registerUtilityProcess: bad arguments are typed errors, a second registration returns false', async () => {
  start()
  for (const bad of [undefined, null, 42, {}, { postMessage() {} }]) {
    assert.throws(() => ipc.registerUtilityProcess(bad), { code: 'INVALID_ARGUMENT' })
  }
  const { child } = forkChild()
  for (const options of [null, 7, { name: '' }, { name: 3 }]) {
    assert.throws(() => ipc.registerUtilityProcess(child, options), { code: 'INVALID_ARGUMENT' })
  }
  assert.equal(ipc.stats().windows, 0, 'nothing registered by a refused call')
  assert.equal(ipc.registerUtilityProcess(child, { name: 'indexer' }), true)
  assert.equal(ipc.registerUtilityProcess(child), false)
  assert.deepEqual(
    ipc.inspect().windows.map(w => [w.kind, w.name]),
    [['utility', 'indexer']]
  )
  assert.equal(ipc.unregisterWindow({ id: ipc.inspect().windows[0].id }), false, 'not a window')
  ipc.destroy()
  assert.throws(() => ipc.registerUtilityProcess(child), { code: 'DESTROYED' })
})
