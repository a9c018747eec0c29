// Self-tests: WebContentsView and 'web-contents-created' (see README "Views").
import { test, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { standIn, app, BrowserWindow, ipcMain, webContents, fixture, PROBE_PRELOAD } from './harness.js'
import { WebContentsView } from './index.js'

afterEach(() => standIn.reset())

test("'web-contents-created' fires synchronously for every webContents, a window's before its 'browser-window-created'", () => {
  const order = []
  app.on('web-contents-created', (_e, wc) => order.push(`wc ${wc.id}`))
  app.on('browser-window-created', (_e, win) => order.push(`win ${win.webContents.id}`))
  const win = new BrowserWindow({ show: false })
  assert.deepEqual(order, [`wc ${win.webContents.id}`, `win ${win.webContents.id}`])
  const view = new WebContentsView()
  assert.deepEqual(order.at(-1), `wc ${view.webContents.id}`, 'a view creates its webContents in the constructor')
  assert.equal(order.length, 3, "no 'browser-window-created' for a view")
})

test("a view's webContents is a webContents of its own: own id, type 'window', preload and page, IPC with itself as sender", async () => {
  const win = await standIn.openWindow({ preload: PROBE_PRELOAD, page: fixture('page.js') })
  const view = new WebContentsView({ webPreferences: { preload: PROBE_PRELOAD } })
  win.contentView.addChildView(view)
  view.setBounds({ x: 0, y: 0, width: 100, height: 50 })
  assert.deepEqual(view.getBounds(), { x: 0, y: 0, width: 100, height: 50 })
  const wc = view.webContents
  assert.notEqual(wc.id, win.webContents.id)
  assert.equal(wc.getType(), 'window')
  assert.ok(webContents.getAllWebContents().includes(wc))
  await wc.loadFile(fixture('page.js'))
  const senders = []
  ipcMain.handle('who', e => {
    senders.push(e.sender)
    return e.sender.id
  })
  assert.equal(await wc.executeJavaScript(`window.api.invoke('who')`), wc.id)
  assert.equal(await win.webContents.executeJavaScript(`window.api.invoke('who')`), win.webContents.id)
  assert.deepEqual(senders, [wc, win.webContents])
  wc.send('to-page', 'only the view')
  await standIn.idle()
  assert.deepEqual(await wc.executeJavaScript('window.received'), [['only the view']])
  assert.deepEqual(await win.webContents.executeJavaScript('window.received'), [])
})

test('BrowserWindow.fromWebContents(view.webContents): null until added, the window after (also after removeChildView), null once the window is gone', () => {
  const win = new BrowserWindow({ show: false })
  const view = new WebContentsView()
  assert.equal(BrowserWindow.fromWebContents(view.webContents), null)
  win.contentView.addChildView(view)
  assert.equal(BrowserWindow.fromWebContents(view.webContents), win)
  assert.deepEqual(win.contentView.children, [view])
  win.contentView.removeChildView(view)
  assert.deepEqual(win.contentView.children, [])
  assert.equal(BrowserWindow.fromWebContents(view.webContents), win)
  win.destroy()
  assert.equal(BrowserWindow.fromWebContents(view.webContents), null)
  assert.throws(() => new WebContentsView({ webContents: win.webContents }), { name: 'TypeError' })
})

test("closing the window does not destroy a view's webContents; view.webContents.close() destroys it alone ('destroyed', then view.webContents is null)", async () => {
  const win = await standIn.openWindow({ preload: PROBE_PRELOAD, page: fixture('page.js') })
  const view = new WebContentsView({ webPreferences: { preload: PROBE_PRELOAD } })
  win.contentView.addChildView(view)
  const wc = view.webContents
  await wc.loadFile(fixture('page.js'))

  // the view goes first: the window lives on
  const other = new WebContentsView({ webPreferences: { preload: PROBE_PRELOAD } })
  win.contentView.addChildView(other)
  const otherWc = other.webContents
  await otherWc.loadFile(fixture('page.js'))
  const destroyed = once(otherWc, 'destroyed')
  otherWc.close()
  await destroyed
  assert.equal(otherWc.isDestroyed(), true)
  assert.equal(other.webContents, null)
  assert.equal(win.isDestroyed(), false)
  assert.equal(await win.webContents.executeJavaScript('1 + 1'), 2)

  // the window goes: the view's webContents stays alive and keeps its page
  win.close()
  await once(win, 'closed')
  assert.equal(wc.isDestroyed(), false)
  assert.equal(view.webContents, wc)
  assert.equal(await wc.executeJavaScript('window.loadedAt ?? "page"'), 'page')
  wc.send('to-page', 'still here')
  await standIn.idle()
  assert.deepEqual(await wc.executeJavaScript('window.received'), [['still here']])
})

test('standIn.reset() destroys the webContents of views too', async () => {
  const view = new WebContentsView()
  const wc = view.webContents
  await standIn.reset()
  assert.equal(wc.isDestroyed(), true)
  assert.equal(view.webContents, null)
})
