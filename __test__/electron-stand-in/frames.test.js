// Self-tests: sub-frames (<iframe>) with their own origin, nodeIntegrationInSubFrames, senderFrame of a
// sub-frame, frame.ipc, frame.send / sendToFrame, detached frames (see README "Frames").
import { test, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { standIn, ipcMain, fixture } from './harness.js'
import { webFrameMain } from './index.js'

afterEach(() => standIn.reset())

const PRELOAD = fixture('frames/frame-preload.cjs')
const TOP = fixture('frames/top.html')

async function openFramed(webPreferences = {}) {
  standIn.serve('https://third.example', fixture('frames/third'))
  const preloads = []
  ipcMain.on('preload-ran', (_e, isMainFrame) => preloads.push(isMainFrame))
  const win = await standIn.openWindow({ preload: PRELOAD, page: TOP, webPreferences })
  const main = win.webContents.mainFrame
  const byName = name => main.frames.find(f => f.name === name)
  return { win, main, third: byName('third'), same: byName('same'), preloads }
}

test('an <iframe> is a sub-frame with its own url and origin; cross-origin frames get their own process; frames, framesInSubtree, parent, top, fromId', async () => {
  const { win, main, third, same } = await openFramed()
  assert.equal(main.frames.length, 2)
  assert.equal(main.framesInSubtree.length, 3)
  assert.equal(third.url, 'https://third.example/frame.html')
  assert.equal(third.origin, 'https://third.example')
  assert.equal(main.origin, 'file://')
  assert.equal(same.origin, 'file://')
  assert.equal(same.processId, main.processId, 'same origin: same renderer process')
  assert.notEqual(third.processId, main.processId, 'cross-origin: its own process (site isolation)')
  assert.equal(third.parent, main)
  assert.equal(third.top, main)
  assert.equal(main.parent, null)
  assert.equal(new Set([main, third, same].map(f => f.frameTreeNodeId)).size, 3)
  assert.equal(new Set([main, third, same].map(f => f.routingId)).size, 3)
  assert.equal(webFrameMain.fromId(third.processId, third.routingId), third)
  assert.equal(
    await third.executeJavaScript('[window.kind, location.origin]').then(JSON.stringify),
    '["third","https://third.example"]'
  )
  assert.equal(await same.executeJavaScript('window.kind'), 'same')
  assert.equal(
    await win.webContents.executeJavaScript('window.kind'),
    'top',
    'webContents.executeJavaScript runs in the main frame'
  )
})

test('without nodeIntegrationInSubFrames the preload runs in the main frame only', async () => {
  const { third, preloads } = await openFramed()
  await standIn.idle()
  assert.deepEqual(preloads, [true])
  assert.equal(await third.executeJavaScript('typeof window.api'), 'undefined')
})

test('with nodeIntegrationInSubFrames the preload runs in every frame, each in its own isolated world, with process.isMainFrame', async () => {
  const { main, third, same, preloads } = await openFramed({ nodeIntegrationInSubFrames: true })
  await standIn.idle()
  assert.deepEqual(preloads.sort(), [false, false, true])
  assert.equal(await third.executeJavaScript('window.api.marker()'), 'sub')
  assert.equal(await same.executeJavaScript('window.api.marker()'), 'sub')
  assert.equal(await main.executeJavaScript('window.api.marker()'), 'main')
})

test("IPC from a sub-frame: senderFrame is that frame (its own origin, not the window's), frameId/processId/frameTreeNodeId are the frame's; frame.ipc first", async () => {
  const { win, main, third } = await openFramed({ nodeIntegrationInSubFrames: true })
  const seen = []
  third.ipc.on('hello', () => seen.push('frame.ipc'))
  win.webContents.ipc.on('hello', () => seen.push('webContents.ipc'))
  let event = null
  ipcMain.on('hello', e => {
    seen.push('ipcMain')
    event = e
  })
  await third.executeJavaScript(`window.api.send('hello')`)
  await standIn.idle()
  assert.deepEqual(seen, ['frame.ipc', 'webContents.ipc', 'ipcMain'])
  assert.equal(event.sender, win.webContents)
  assert.equal(event.senderFrame, third)
  assert.notEqual(event.senderFrame, main)
  assert.equal(event.senderFrame.origin, 'https://third.example')
  assert.equal(event.frameId, third.routingId)
  assert.equal(event.processId, third.processId)
  assert.equal(event.frameTreeNodeId, third.frameTreeNodeId)

  third.ipc.handle('who', () => 'frame handler')
  ipcMain.handle('who', () => 'ipcMain handler')
  assert.equal(await third.executeJavaScript(`window.api.invoke('who')`), 'frame handler')
  assert.equal(await main.executeJavaScript(`window.api.invoke('who')`), 'ipcMain handler')
})

test('frame.send and webContents.sendToFrame reach that frame only; an unknown frame id gives false', async () => {
  const { win, main, third } = await openFramed({ nodeIntegrationInSubFrames: true })
  third.send('to-frame', 1)
  assert.equal(
    win.webContents.sendToFrame(third.routingId, 'to-frame', 2),
    false,
    'a number is a routing id in the main frame process'
  )
  assert.equal(win.webContents.sendToFrame([third.processId, third.routingId], 'to-frame', 3), true)
  assert.equal(win.webContents.sendToFrame([third.processId, 99999], 'to-frame', 4), false)
  await standIn.idle()
  assert.deepEqual(await third.executeJavaScript('window.received'), [1, 3])
  assert.equal(await main.executeJavaScript('window.received === undefined'), true)
})

test('a removed sub-frame is detached: senderFrame of its earlier events becomes null; a navigation of the window detaches every sub-frame', async () => {
  const { win, main, third, same } = await openFramed({ nodeIntegrationInSubFrames: true })
  let event = null
  ipcMain.on('hello', e => {
    event = e
  })
  await third.executeJavaScript(`window.api.send('hello')`)
  await standIn.idle()
  assert.equal(event.senderFrame, third)
  standIn.removeFrame(third)
  assert.equal(third.detached, true)
  assert.equal(event.senderFrame, null)
  assert.deepEqual(main.frames, [same])
  assert.throws(() => third.send('to-frame', 1), {
    message: 'Render frame was disposed before WebFrameMain could be accessed'
  })
  await win.loadFile(TOP)
  assert.equal(same.detached, true)
  assert.equal(main.detached, true)
  assert.equal(win.webContents.mainFrame.frames.length, 2, 'the new document has new frames')
})
