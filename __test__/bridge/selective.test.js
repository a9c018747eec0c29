// Selective delivery: a window receives a store's updates only while something
// in it subscribes to that store; subscriptions are reference-counted in the
// preload, which keeps one IPC listener per channel however many atoms exist.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { makeStore, openWindows, preloadFor, read, sentByMain, sentByWindows, standIn, storeState } from './harness.js'

let ipc
beforeEach(() => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
})
afterEach(async () => {
  ipc.destroy()
  await standIn.reset()
})

test('each window gets exactly the updates of the stores it uses', async () => {
  const stores = Array.from({ length: 4 }, (_, i) => {
    const $s = atom(0)
    ipc.registerStore(`only-${i}`, $s)
    return $s
  })
  const wins = await openWindows(4)
  for (const [i, win] of wins.entries()) await makeStore(win, `only-${i}`, 0)
  await standIn.idle()
  standIn.resetStats()
  stores[2].set(1)
  await standIn.idle()
  const { perWindow, onChannel } = sentByMain('wf:ns:update')
  assert.equal(onChannel, 1)
  assert.deepEqual(perWindow, { [wins[2].webContents.id]: 1 })
  assert.equal((await storeState(wins[2], 'only-2')).value, 1)
})

test('subscriptions are reference-counted per window', async () => {
  const $s = atom(0)
  ipc.registerStore('counted', $s)
  const [win] = await openWindows(1)
  await read(
    win,
    `window.u1 = nanostoreIPC.subscribe('counted', () => {});
     window.u2 = nanostoreIPC.subscribe('counted', () => {}); true`
  )
  await standIn.idle()
  const subscribers = () => ipc.inspect().stores.find(s => s.id === 'counted').subscribers
  assert.deepEqual(subscribers(), [win.webContents.id])
  await read(win, 'u1(), u1(), true') // a second call of one unsubscribe is a no-op
  await standIn.idle()
  assert.deepEqual(subscribers(), [win.webContents.id], 'one subscriber left')
  await read(win, 'u2(), true')
  await standIn.idle()
  assert.deepEqual(subscribers(), [])
})

test('subscribe and unsubscribe in one tick send nothing', async () => {
  ipc.registerStore('blink', atom(0))
  const [win] = await openWindows(1)
  await standIn.idle()
  standIn.resetStats()
  await read(win, `nanostoreIPC.subscribe('blink', () => {})(), true`)
  await standIn.idle()
  assert.equal(sentByWindows('wf:ns:sub'), 0)
})

test('one IPC listener per channel, however many stores a page uses', async () => {
  const ids = Array.from({ length: 50 }, (_, i) => `listener-${i}`)
  for (const id of ids) ipc.registerStore(id, atom(0))
  const preload = preloadFor(
    { channelPrefix: 'wf' },
    `contextBridge.exposeInMainWorld('debug', { updateListeners: () => ipcRenderer.listenerCount('wf:ns:update') })`
  )
  const [win] = await openWindows(1, { preload })
  await read(win, `window.makeMany(${JSON.stringify(ids.map(id => [id, 0]))})`)
  await standIn.idle()
  assert.equal(await read(win, 'window.debug.updateListeners()'), 1)
})

test('subscribeAll receives every store, and stops when unsubscribed', async () => {
  const $a = atom(0)
  const $b = atom(0)
  ipc.registerStore('all-a', $a)
  ipc.registerStore('all-b', $b)
  const [win] = await openWindows(1)
  await read(win, `window.got = []; window.off = nanostoreIPC.subscribeAll(s => got.push(s.id)); true`)
  await standIn.idle()
  assert.equal(ipc.inspect().windows[0].all, true)
  $a.set(1)
  $b.set(1)
  await standIn.idle()
  assert.deepEqual((await read(win, 'window.got')).sort(), ['all-a', 'all-b'])
  await read(win, 'off(), true')
  await standIn.idle()
  assert.equal(ipc.inspect().windows[0].all, false)
  standIn.resetStats()
  $a.set(2)
  await standIn.idle()
  assert.equal(sentByMain('wf:ns:update').onChannel, 0)
})
