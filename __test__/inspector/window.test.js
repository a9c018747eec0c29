// The inspector window itself: what openInspector() opens (its own sandboxed, context-isolated
// page and preload), that it is never a store window, what closing it and destroy() undo, the
// `inspector` and `history` options, and the log pane's source (the runtime's logger).
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { BrowserWindow } from 'electron'
import { atom } from 'nanostores'

import { defineService, initNanoStoreIPC } from '../../index.js'
import { ErrorCodes } from '../../error/index.js'
import {
  eventsUntil,
  exec,
  feed,
  hello,
  hostilePreload,
  loaded,
  makeStore,
  openInspector,
  openWindows,
  page,
  read,
  reset,
  setInWindow,
  standIn,
  storeState,
  until
} from './harness.js'

let ipc
afterEach(async () => {
  await reset(ipc)
  ipc = undefined
})

const throwsCode = (fn, code, message) =>
  assert.throws(fn, e => e.code === code && (!message || message.test(e.message)), `expected ${code}`)

test('openInspector opens its own sandboxed, context-isolated page and preload, never a store window', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $counter = atom(0)
  ipc.registerStore('counter', $counter)
  const bus = defineService({ id: 'bus', handlers: { async ping() {} } })
  const [a, b] = await openWindows(2)
  await makeStore(a, 'counter', 0)
  await makeStore(b, 'counter', 0)
  await read(b, `window.allSeen = []; window.nanostoreIPC.subscribeAll(s => window.allSeen.push(s)), true`)
  await read(a, `window.nanostoreIPC.subscribeServiceEvent('bus', 'tick', () => {}), true`)
  const before = ipc.stats()

  const win = await openInspector(ipc)
  const wc = win.webContents
  const prefs = wc.getLastWebPreferences()
  assert.equal(prefs.contextIsolation, true)
  assert.equal(prefs.sandbox, true)
  assert.equal(prefs.nodeIntegration, false)
  assert.match(prefs.preload, /inspector[\\/]preload\.cjs$/)
  assert.match(wc.getURL(), /\/inspector\/index\.html$/)
  assert.equal(ipc.openInspector(), win, 'opened already: the same window')

  // not a store window: not registered, not counted, no subscriptions
  const after = ipc.stats()
  assert.equal(after.windows, before.windows)
  assert.equal(after.trackedWindows, before.trackedWindows)
  assert.equal(
    ipc.inspect().windows.some(w => w.id === wc.id),
    false
  )
  throwsCode(() => ipc.registerWindow(win), ErrorCodes.INVALID_ARGUMENT)
  throwsCode(() => ipc.registerWindow(wc), ErrorCodes.INVALID_ARGUMENT)

  // its page gets the inspector's five functions and nothing else: no bridge, no Node
  assert.deepEqual(await exec(win, 'Object.keys(window.nanostoreInspector).sort()'), [
    'hello',
    'onFeed',
    'pause',
    'restore',
    'value'
  ])
  assert.deepEqual(await exec(win, '[typeof window.nanostoreIPC, typeof require, typeof process]'), [
    'undefined',
    'undefined',
    'undefined'
  ])

  // store updates (also to a window subscribed to every store) and service events never reach it:
  // every message main sends it is a feed message
  await hello(win)
  standIn.resetStats()
  const feedBefore = (await feed(win)).length
  $counter.set(1)
  await setInWindow(a, 'counter', 2)
  assert.equal(bus.broadcast('tick', 1), 1)
  await until(async () => (await storeState(b, 'counter')).value === 2)
  await until(async () => (await read(b, 'window.allSeen.length')) >= 2, { what: 'the subscribe-all window' })
  await eventsUntil(win, e => e.type === 'commit' && e.rev === 2)
  const toInspector = standIn.stats().mainToRenderer.windows[wc.id]?.messages ?? 0
  const feedMessages = (await feed(win)).length - feedBefore
  assert.ok(feedMessages > 0)
  assert.equal(toInspector, feedMessages, 'nothing but feed messages')
  assert.deepEqual(standIn.pageErrors(), [])
})

test('closing the inspector removes its channels, stops recording and resumes paused stores; destroy() closes it', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $s = atom('a')
  ipc.registerStore('s', $s)
  const [w] = await openWindows(1)
  const [hostile] = await standIn.openWindows(1, { preload: hostilePreload, page })
  await makeStore(w, 's', '')
  await until(async () => (await storeState(w, 's')).value === 'a')

  let win = await openInspector(ipc)
  await hello(win)
  assert.equal(ipc.stats().history.entries, 1, 'recording: the value it had when the inspector opened')
  assert.deepEqual(await exec(win, "window.nanostoreInspector.pause('s', true)"), { paused: true, rev: 0 })
  $s.set('b')
  await until(() => ipc.stats().history.entries === 2)
  assert.equal((await storeState(w, 's')).value, 'a', 'held while paused')

  const closed = new Promise(resolve => win.once('closed', resolve))
  win.close()
  await closed
  await until(async () => (await storeState(w, 's')).value === 'b', { what: 'the held value after the close' })
  assert.equal(ipc.stats().history, null, 'recording stopped')
  const reply = await read(hostile, `window.raw.invoke('nanostore-ipc-bridge:inspector:hello').catch(e => e.message)`)
  assert.match(reply, /No handler registered/)
  $s.set('c')
  await until(async () => (await storeState(w, 's')).value === 'c', { what: 'updates flow as before' })

  // open again: a new window; destroy() closes it
  win = await openInspector(ipc)
  assert.equal(win.isDestroyed(), false)
  const gone = new Promise(resolve => win.once('closed', resolve))
  ipc.destroy()
  await gone
  assert.equal(win.isDestroyed(), true)
  throwsCode(() => ipc.openInspector(), ErrorCodes.DESTROYED)

  // a new instance opens its own
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  win = await openInspector(ipc)
  assert.ok((await hello(win)).stores.length === 0)
})

test('the inspector option opens it once the app is ready; the history option records without it', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', inspector: true })
  const win = await until(() =>
    BrowserWindow.getAllWindows().find(w => !w.isDestroyed() && /inspector\/index\.html$/.test(w.webContents.getURL()))
  )
  assert.equal(ipc.openInspector(), win)
  ipc.destroy()

  ipc = initNanoStoreIPC({ channelPrefix: 'wf', history: { size: 2 } })
  const $s = atom(0)
  ipc.registerStore('s', $s)
  for (let i = 1; i <= 5; i++) {
    $s.set(i)
    await Promise.resolve()
  }
  await until(() => ipc.stats().history.entries === 2)
  assert.deepEqual({ size: ipc.stats().history.size, stores: ipc.stats().history.stores }, { size: 2, stores: 1 })
  const inspector = await openInspector(ipc)
  const snapshot = await hello(inspector)
  const { rev } = ipc.inspect().stores[0]
  assert.deepEqual(
    snapshot.timeline.map(e => [e.store, e.rev, e.writer, e.change]),
    [
      ['s', rev - 1, 0, 'whole'],
      ['s', rev, 0, 'whole']
    ],
    'commits made before it opened, the last two kept'
  )
  const closed = new Promise(resolve => inspector.once('closed', resolve))
  inspector.close()
  await closed
  assert.equal(ipc.stats().history.entries, 2, 'still recording after the inspector closed')
})

test('bad inspector and history options are typed errors at the call', async () => {
  for (const [options, pattern] of [
    [{ history: { size: 0 } }, /history.*size/],
    [{ history: { maxBytes: 10 } }, /history.*maxBytes/],
    [{ history: { size: 1.5 } }, /history\.size/],
    [{ history: 'yes' }, /history/],
    [{ inspector: 5 }, /inspector/]
  ]) {
    throwsCode(() => initNanoStoreIPC(options), ErrorCodes.INVALID_ARGUMENT, pattern)
  }
  ipc = initNanoStoreIPC()
  for (const options of [null, 'big', { width: 0 }, { height: -5 }, { x: 1.5 }, { width: '800' }]) {
    throwsCode(() => ipc.openInspector(options), ErrorCodes.INVALID_ARGUMENT)
  }
  assert.equal(BrowserWindow.getAllWindows().length, 0, 'no window opened for bad options')
})

test("the log pane gets the runtime's events and main's errors; the app's logger keeps getting them", async () => {
  const logged = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', enableLogging: true, logger: e => logged.push(e) })
  ipc.registerStore('locked', atom(1), { rendererCanSet: false })
  const [w] = await openWindows(1)
  const win = await openInspector(ipc)
  await hello(win)
  ipc.registerStore('late', atom(0))
  const [registered] = await eventsUntil(win, e => e.type === 'log' && e.message === 'store registered')
  assert.equal(registered.level, 'info')
  assert.equal(registered.fields.store, 'late')
  assert.ok(
    logged.some(e => e.message === 'store registered' && e.fields.store === 'late'),
    'the app logger too'
  )

  // a refused write: the runtime's refusal (debug) and main's error (error), with its code
  await read(w, "window.nanostoreIPC.write('locked', 2).then(r => r.error.code)")
  await eventsUntil(win, e => e.type === 'log' && e.message === 'write refused' && e.level === 'debug')
  const [error] = await eventsUntil(win, e => e.type === 'log' && e.level === 'error')
  assert.equal(error.fields.code, ErrorCodes.RENDERER_WRITE_DISABLED)
  assert.equal(error.fields.storeId, 'locked')

  const closed = new Promise(resolve => win.once('closed', resolve))
  win.close()
  await closed
  const count = logged.length
  ipc.registerStore('after', atom(0))
  assert.ok(
    logged.slice(count).some(e => e.message === 'store registered' && e.fields.store === 'after'),
    "the app's logger is back in place"
  )
})

test('a window that loads another page in the inspector window is refused', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  ipc.registerStore('s', atom(1))
  const win = await openInspector(ipc)
  await win.loadFile(page)
  await loaded(win)
  const reply = await exec(win, 'window.nanostoreInspector.hello()')
  assert.equal(reply.error.code, ErrorCodes.SENDER_REJECTED)
  assert.equal((await exec(win, "window.nanostoreInspector.pause('s', true)")).error.code, ErrorCodes.SENDER_REJECTED)
  assert.equal(ipc.stats().windows, 0, 'still not a store window')
})
