// Views (WebContentsView) are participants like windows: their webContents are registered as
// they are created (app 'web-contents-created'), sync stores on their own, and are dropped when
// their webContents closes, not when the window they were shown in closes.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { afterEach, test } from 'node:test'

import { WebContentsView, app } from 'electron'
import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { makeStore, openWindows, page, preload, read, setInWindow, standIn, storeState, until } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = null
  await standIn.reset()
})

async function openView(win) {
  const view = new WebContentsView({ webPreferences: { preload } })
  win.contentView.addChildView(view)
  await view.webContents.loadFile(page)
  return view
}

// The harness's helpers take a window: a view's webContents, as one.
const shown = view => ({ webContents: view.webContents })
const registered = () => ipc.inspect().windows.map(w => [w.id, w.kind])

test('a WebContentsView is registered as it is created and syncs on its own: hydration, updates, acked writes', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $s = atom('main')
  const $other = atom(0)
  ipc.registerStore('s', $s)
  ipc.registerStore('other', $other)
  const [win] = await openWindows(1)
  const view = new WebContentsView({ webPreferences: { preload } })
  const viewId = view.webContents.id
  assert.deepEqual(registered(), [
    [win.webContents.id, 'window'],
    [viewId, 'window']
  ])
  win.contentView.addChildView(view)
  await view.webContents.loadFile(page)
  await makeStore(shown(view), 's', null)
  await makeStore(win, 'other', null)
  await until(async () => (await storeState(shown(view), 's')).value === 'main', { what: 'the view hydrated' })
  $s.set('next')
  $other.set(1)
  await until(async () => (await storeState(shown(view), 's')).value === 'next', { what: 'the update' })
  await setInWindow(shown(view), 's', 'from the view')
  await until(() => $s.get() === 'from the view', { what: "the view's write" })
  await standIn.idle()
  const state = ipc.inspect()
  assert.deepEqual(state.windows.find(w => w.id === viewId).stores, ['s'], 'the view subscribed to its store only')
  assert.deepEqual(state.stores.find(s => s.id === 'other').subscribers, [win.webContents.id])
  assert.equal((await storeState(shown(view), 's')).rev, state.stores.find(s => s.id === 's').rev)
  assert.deepEqual(await read(shown(view), 'window.errors'), [])
})

test("closing a view drops it (nothing left); closing its window does not drop the view's webContents", async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $s = atom(0)
  ipc.registerStore('s', $s)
  const [win] = await openWindows(1)
  const kept = await openView(win)
  const closing = await openView(win)
  for (const target of [win, shown(kept), shown(closing)]) await makeStore(target, 's', null)
  await until(() => ipc.inspect().stores[0].subscribers.length === 3, { what: 'three subscribers' })
  const closingId = closing.webContents.id
  const destroyed = once(closing.webContents, 'destroyed')
  closing.webContents.close()
  await destroyed
  assert.ok(!registered().some(([id]) => id === closingId), 'the closed view is forgotten')
  assert.ok(!ipc.inspect().stores[0].subscribers.includes(closingId))
  // the window goes; its view lives on (Electron: a view's webContents is closed on its own)
  const winId = win.webContents.id
  win.close()
  await once(win, 'closed')
  assert.deepEqual(registered(), [[kept.webContents.id, 'window']])
  $s.set(1)
  await until(async () => (await storeState(shown(kept), 's')).value === 1, { what: 'the view still syncs' })
  assert.deepEqual(ipc.inspect().stores[0].subscribers, [kept.webContents.id])
  assert.ok(!ipc.inspect().stores[0].subscribers.includes(winId))
  assert.equal(ipc.stats().trackedWindows, 1)
})

test('views created before initNanoStoreIPC() are registered by it; autoRegisterWindows: false registers none', async () => {
  const [win] = await openWindows(1)
  const early = await openView(win)
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  assert.deepEqual(registered().sort(), [
    [win.webContents.id, 'window'],
    [early.webContents.id, 'window']
  ])
  ipc.destroy()
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', autoRegisterWindows: false })
  const late = new WebContentsView({ webPreferences: { preload } })
  assert.deepEqual(registered(), [])
  assert.equal(ipc.registerWindow(late.webContents), true)
  assert.deepEqual(registered(), [[late.webContents.id, 'window']])
})

test("only a window's or a view's webContents is registered: not a <webview> guest, devtools or a background page", () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const fake = (id, type) => ({
    id,
    getType: () => type,
    send() {},
    once() {},
    on() {},
    removeListener() {},
    isDestroyed: () => false,
    isLoading: () => true,
    isCrashed: () => false,
    getURL: () => ''
  })
  app.emit('web-contents-created', {}, fake(9001, 'webview'))
  app.emit('web-contents-created', {}, fake(9002, 'remote'))
  app.emit('web-contents-created', {}, fake(9003, 'backgroundPage'))
  app.emit('web-contents-created', {}, fake(9004, 'browserView'))
  assert.deepEqual(registered(), [[9004, 'window']])
})
