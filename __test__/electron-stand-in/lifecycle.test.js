// Self-tests: app, BrowserWindow and webContents lifecycle of the Electron stand-in.
import { test, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { once } from 'node:events'
import { standIn, app, BrowserWindow, ipcMain, webContents, openProbe, exec, fixture, PRELOAD } from './harness.js'

afterEach(() => standIn.reset())

test("require('electron') and import from 'electron' give the same singletons; process looks like Electron's main", async () => {
  const electronEsm = await import('electron')
  const electronCjs = createRequire(import.meta.url)('electron')
  for (const key of ['app', 'BrowserWindow', 'ipcMain', 'webContents']) {
    assert.ok(electronEsm[key], key)
    assert.equal(electronEsm[key], electronCjs[key], key)
  }
  assert.equal(electronEsm.app, app)
  assert.equal(electronEsm.standIn, undefined, 'test control is not part of the electron module')
  assert.equal(process.type, 'browser')
  assert.match(process.versions.electron, /^\d+\.\d+\.\d+/)
  await app.whenReady()
  assert.equal(app.isReady(), true)
})

test("'browser-window-created' fires synchronously inside the BrowserWindow constructor", () => {
  const seen = []
  app.on('browser-window-created', (_event, win) => seen.push(win))
  const win = new BrowserWindow({ show: false })
  assert.equal(seen.length, 1)
  assert.equal(seen[0], win)
  win.destroy()
})

test('window ids and webContents ids count up for the run; webContents.id stays readable after destruction', async () => {
  const a = new BrowserWindow({ show: false })
  const b = new BrowserWindow({ show: false })
  assert.ok(b.id > a.id)
  const wcA = a.webContents
  const wcB = b.webContents
  assert.ok(wcB.id > wcA.id)
  const idA = wcA.id
  a.destroy()
  assert.equal(wcA.isDestroyed(), true)
  assert.equal(wcA.id, idA)
  await standIn.reset()
  const c = new BrowserWindow({ show: false })
  assert.ok(c.id > b.id, 'ids keep counting up across reset()')
  assert.ok(c.webContents.id > wcB.id)
})

test("'closed' fires with the window already destroyed; webContents 'destroyed' first; send then throws 'Object has been destroyed'", async () => {
  const [win] = await openProbe()
  const wc = win.webContents
  const order = []
  wc.on('destroyed', () => {
    order.push('destroyed')
    assert.equal(wc.isDestroyed(), true)
    assert.throws(
      () => wc.send('x', 1),
      e => e instanceof TypeError && e.message === 'Object has been destroyed'
    )
  })
  win.on('closed', () => {
    order.push(`closed isDestroyed=${win.isDestroyed()}`)
  })
  app.on('window-all-closed', () => order.push('window-all-closed'))
  win.close()
  await once(win, 'closed')
  assert.deepEqual(order, ['destroyed', 'closed isDestroyed=true', 'window-all-closed'])
  assert.throws(() => wc.send('x', 1), { name: 'TypeError', message: 'Object has been destroyed' })
  assert.throws(() => win.webContents, { message: 'Object has been destroyed' })
  await assert.rejects(wc.executeJavaScript('1'), { message: 'Object has been destroyed' })
})

test("close() emits a preventable 'close' first; destroy() does not", async () => {
  const win = new BrowserWindow({ show: false })
  win.once('close', e => e.preventDefault())
  win.close()
  await new Promise(r => setImmediate(r))
  assert.equal(win.isDestroyed(), false)
  let closeEvents = 0
  win.on('close', () => closeEvents++)
  win.destroy()
  assert.equal(win.isDestroyed(), true)
  assert.equal(closeEvents, 0)
})

test('getAllWindows, fromWebContents, fromId; webContents.fromId, getAllWebContents', async () => {
  const [a, b] = await openProbe('empty-page.js', 2)
  assert.deepEqual(BrowserWindow.getAllWindows(), [a, b])
  assert.equal(BrowserWindow.fromWebContents(b.webContents), b)
  assert.equal(BrowserWindow.fromId(a.id), a)
  assert.equal(webContents.fromId(a.webContents.id), a.webContents)
  assert.deepEqual(webContents.getAllWebContents(), [a.webContents, b.webContents])
  const wcA = a.webContents
  a.destroy()
  assert.deepEqual(BrowserWindow.getAllWindows(), [b])
  assert.equal(BrowserWindow.fromWebContents(wcA), null)
  assert.equal(BrowserWindow.fromId(a.id), null)
  assert.equal(webContents.fromId(wcA.id), undefined)
})

test("loadFile resolves on 'did-finish-load'; reload runs preload and page again and fires it again", async () => {
  const win = new BrowserWindow({ show: false, webPreferences: { preload: PRELOAD } })
  const events = []
  for (const name of ['did-start-loading', 'did-start-navigation', 'did-finish-load'])
    win.webContents.on(name, () => events.push(name))
  let finishedBeforeResolve = false
  win.webContents.once('did-finish-load', () => (finishedBeforeResolve = true))
  await win.loadFile(fixture('page.js'))
  assert.equal(finishedBeforeResolve, true)
  await exec(win, 'window.marker = "old page"; 1')
  const again = once(win.webContents, 'did-finish-load')
  win.reload()
  await again
  assert.deepEqual(events, [
    'did-start-loading',
    'did-start-navigation',
    'did-finish-load',
    'did-start-loading',
    'did-start-navigation',
    'did-finish-load'
  ])
  assert.equal(await exec(win, 'typeof window.marker'), 'undefined', 'a fresh main world')
  assert.equal(await exec(win, 'typeof window.api.on'), 'function', 'the preload ran again')
  win.webContents.send('to-page', 'after reload')
  await standIn.idle()
  assert.deepEqual(await exec(win, 'window.received'), [['after reload']])
})

test('loadFile of a missing file rejects with ERR_FILE_NOT_FOUND and emits did-fail-load', async () => {
  const win = new BrowserWindow({ show: false })
  const failed = once(win.webContents, 'did-fail-load')
  await assert.rejects(
    win.loadFile(fixture('does-not-exist.html')),
    e => e.code === 'ERR_FILE_NOT_FOUND' && /ERR_FILE_NOT_FOUND \(-6\) loading 'file:\/\//.test(e.message)
  )
  const [, errorCode] = await failed
  assert.equal(errorCode, -6)
})

test("'render-process-gone' with { reason, exitCode }: not destroyed, isCrashed, sends are dropped silently, reload brings it back", async () => {
  const [win] = await standIn.openWindows(1, { preload: PRELOAD, page: fixture('page.js') })
  const wc = win.webContents
  const gone = once(wc, 'render-process-gone')
  standIn.crash(wc, 'oom')
  const [, details] = await gone
  assert.equal(details.reason, 'oom')
  assert.equal(typeof details.exitCode, 'number')
  assert.equal(wc.isDestroyed(), false)
  assert.equal(wc.isCrashed(), true)
  assert.equal(win.isDestroyed(), false)
  wc.send('to-page', 'into the void') // no throw
  assert.equal(standIn.stats().dropped.channels['to-page'].messages, 1)
  const back = once(wc, 'did-finish-load')
  wc.reload()
  await back
  assert.equal(wc.isCrashed(), false)
  wc.send('to-page', 'alive')
  await standIn.idle()
  assert.deepEqual(await exec(win, 'window.received'), [['alive']])
})

test('invokes pending in a window that navigates or crashes are not answered into the new page', async () => {
  let release
  ipcMain.handle('slow', () => new Promise(r => (release = r)))
  const [win] = await openProbe()
  await exec(win, `window.result = 'pending'; window.api.invoke('slow').then((v) => (window.result = v)); 1`)
  await new Promise(r => setTimeout(r, 20))
  const back = once(win.webContents, 'did-finish-load')
  win.reload()
  await back
  release('late answer')
  await standIn.idle()
  assert.equal(await exec(win, 'typeof window.result'), 'undefined')
})

test('reset() closes every window, removes ipcMain handlers/listeners and app listeners', async () => {
  await openProbe('empty-page.js', 2)
  ipcMain.handle('h', () => 1)
  ipcMain.on('s', () => {})
  app.on('browser-window-created', () => {})
  await standIn.reset()
  assert.equal(BrowserWindow.getAllWindows().length, 0)
  assert.equal(webContents.getAllWebContents().length, 0)
  assert.equal(ipcMain.listenerCount('s'), 0)
  assert.equal(app.listenerCount('browser-window-created'), 0)
  ipcMain.handle('h', () => 2) // would throw if the handler were still registered
})

test('app.quit() emits before-quit, closes every window, emits will-quit and quit', async () => {
  await openProbe()
  const seen = []
  for (const name of ['before-quit', 'window-all-closed', 'will-quit', 'quit']) app.on(name, () => seen.push(name))
  app.quit()
  assert.deepEqual(seen, ['before-quit', 'window-all-closed', 'will-quit', 'quit'])
  assert.equal(BrowserWindow.getAllWindows().length, 0)
})

test('executeJavaScript during a load waits for it; a load replaced by another rejects with ERR_ABORTED', async () => {
  const win = new BrowserWindow({ show: false, webPreferences: { preload: PRELOAD } })
  const first = win.loadFile(fixture('empty-page.js'))
  const second = win.loadFile(fixture('page.js'))
  const early = win.webContents.executeJavaScript('Array.isArray(window.received)')
  await assert.rejects(first, e => e.code === 'ERR_ABORTED' && /ERR_ABORTED \(-3\) loading/.test(e.message))
  await second
  assert.equal(await early, true)
  assert.equal(win.webContents.getURL(), new URL(fixture('page.js'), 'file://').href)
})

test('a crash while a load is still building its document aborts that load', async () => {
  const win = new BrowserWindow({ show: false, webPreferences: { preload: PRELOAD } })
  const loading = win.loadFile(fixture('stamp-page.js'))
  standIn.crash(win)
  await assert.rejects(loading)
  await standIn.idle()
  assert.equal(win.webContents.isCrashed(), true, 'no page came back to life')
  await assert.rejects(win.webContents.executeJavaScript('1'))
})
