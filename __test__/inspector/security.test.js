// The inspector's channels answer only the inspector's page. A compromised window (raw IPC
// access, registered as a store window or not) that calls them is refused with SENDER_REJECTED
// and changes nothing: no restore, no pause, no snapshot, no value; a send on the feed channel is
// ignored. With no inspector open the channels do not exist.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { ErrorCodes } from '../../error/index.js'
import { INSPECTOR_CHANNELS } from '../../inspector/protocol.js'
import {
  ask,
  hello,
  hostilePreload,
  makeStore,
  openInspector,
  openWindows,
  page,
  read,
  reset,
  standIn,
  storeState,
  until
} from './harness.js'

let ipc
afterEach(async () => {
  await reset(ipc)
  ipc = undefined
})

const invoke = (win, ...args) =>
  read(win, `window.raw.invoke(...${JSON.stringify(args)}).catch(e => ({ rejected: e.message }))`)

test('a hostile window calling the inspector channels is refused and changes nothing', async () => {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: e => errors.push(e) })
  const $s = atom('safe')
  ipc.registerStore('s', $s)
  const [w] = await openWindows(1)
  await makeStore(w, 's', '')
  $s.set('newer')
  await until(async () => (await storeState(w, 's')).value === 'newer')
  const [hostile] = await standIn.openWindows(1, { preload: hostilePreload, page })
  assert.ok(
    ipc.inspect().windows.some(x => x.id === hostile.webContents.id),
    'a registered store window'
  )

  // no inspector: no channels
  assert.match((await invoke(hostile, INSPECTOR_CHANNELS.restore, 's', 0)).rejected, /No handler registered/)

  const win = await openInspector(ipc)
  await hello(win)
  await ask(win, 'pause', 's', false)
  const before = { inspect: JSON.stringify(ipc.inspect()), history: ipc.stats().history, value: $s.get() }
  const calls = [
    [INSPECTOR_CHANNELS.hello],
    [INSPECTOR_CHANNELS.value, 's', 0],
    [INSPECTOR_CHANNELS.value, 's'],
    [INSPECTOR_CHANNELS.restore, 's', 0],
    [INSPECTOR_CHANNELS.pause, 's', true]
  ]
  errors.length = 0
  for (const args of calls) {
    const reply = await invoke(hostile, ...args)
    assert.equal(reply.error?.code, ErrorCodes.SENDER_REJECTED, `${args[0]} → ${JSON.stringify(reply)}`)
    assert.equal(reply.value, undefined)
    assert.equal(reply.stores, undefined)
  }
  assert.equal(errors.length, calls.length, 'each refusal is reported in main')
  assert.ok(errors.every(e => e.code === ErrorCodes.SENDER_REJECTED))
  // a send on the feed channel (main → inspector only) goes nowhere
  await read(hostile, `window.raw.send(${JSON.stringify(INSPECTOR_CHANNELS.feed)}, { events: [] }), true`)

  assert.equal($s.get(), before.value, 'not restored')
  assert.equal(JSON.stringify(ipc.inspect()), before.inspect)
  assert.deepEqual(ipc.stats().history, before.history)
  $s.set('after')
  await until(async () => (await storeState(w, 's')).value === 'after', { what: 'delivery, not paused' })
  assert.equal((await ask(win, 'hello')).stores[0].paused, false)
})

test('a window that is not registered at all is refused too', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', autoRegisterWindows: false, onError: () => {} })
  const $s = atom(1)
  ipc.registerStore('s', $s)
  const win = await openInspector(ipc)
  await hello(win)
  const [hostile] = await standIn.openWindows(1, { preload: hostilePreload, page })
  assert.equal(ipc.stats().windows, 0)
  for (const args of [
    [INSPECTOR_CHANNELS.restore, 's', 0],
    [INSPECTOR_CHANNELS.pause, 's', true],
    [INSPECTOR_CHANNELS.hello]
  ]) {
    assert.equal((await invoke(hostile, ...args)).error?.code, ErrorCodes.SENDER_REJECTED)
  }
  assert.equal($s.get(), 1)
  assert.equal((await ask(win, 'hello')).stores[0].paused, false)
})
