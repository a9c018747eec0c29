// The demo's Electron main process (ESM).
//
// Main is the source of truth for every synced store: it initialises the
// bridge, imports the same stores and services modules the windows bundle, opens
// two windows and, when a window asks for it through $streamRequest, streams an
// answer into $answer chunk by chunk like a language model would.
//
// `--strict` (or DEMO_STRICT=1): the production posture. Windows may not write any
// store (allowRendererSet: false) and only file:// pages may talk to main; every
// change is a service call (src/services.js), checked in main.
//
// `--inspector` (or DEMO_INSPECTOR=1): also open the store inspector, a third window with every
// store, a timeline of commits, service calls and the runtime's log, time travel and pause.
import { app, BrowserWindow } from 'electron'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { initNanoStoreIPC } from 'nanostore-ipc-bridge'
import { chunkText } from './src/answer-text.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const DIST = path.join(here, 'dist')

const strict = process.argv.includes('--strict') || process.env.DEMO_STRICT === '1'
const inspector = process.argv.includes('--inspector') || process.env.DEMO_INSPECTOR === '1'

/** Delay before chunk i: 5..15 ms, deterministic (a model's uneven pace). */
const chunkDelay = i => 5 + ((i * 7) % 11)

function createWindow(name, x) {
  const win = new BrowserWindow({
    title: `Window ${name}`,
    width: 520,
    height: 680,
    x,
    y: 80,
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: path.join(DIST, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false
    }
  })
  // ?name=A tells the page which window it is (`search`, not `query`: same URL, and the
  // test stand-in implements `search`).
  win.loadFile(path.join(DIST, 'index.html'), { search: `name=${name}${strict ? '&strict=1' : ''}` })
  return win
}

/**
 * Stream the fixed answer into $answer: ~200 chunks, one every 5-15 ms. A new
 * request cancels the stream in progress. The store is throttled (see
 * src/stores.js): windows get at most ten updates a second and always the last.
 */
function streamAnswers($streamRequest, $answer) {
  let timer = null
  $streamRequest.listen(request => {
    clearTimeout(timer)
    const id = $answer.get().id + 1
    const chunks = chunkText()
    let i = 0
    let text = ''
    $answer.set({ id, text, done: false, prompt: String(request?.prompt ?? '') })
    const step = () => {
      text += chunks[i++]
      const done = i === chunks.length
      $answer.set({ ...$answer.get(), text, done })
      timer = done ? null : setTimeout(step, chunkDelay(i))
    }
    timer = setTimeout(step, chunkDelay(0))
  })
}

async function start() {
  const ipc = initNanoStoreIPC({
    channelPrefix: 'wf',
    // the inspector window opens with the app (ipc.openInspector() would open it later)
    inspector,
    ...(strict ? { allowRendererSet: false, allowedOrigins: ['file://'] } : {})
  })
  // Imported after init: the stores and services register with the bridge as they are created.
  const stores = await import('./src/stores.js')
  const services = await import('./src/services.js')
  streamAnswers(stores.$streamRequest, stores.$answer)

  const windows = { A: createWindow('A', 60), B: createWindow('B', 600) }
  for (const [name, win] of Object.entries(windows)) {
    win.on('closed', () => {
      delete windows[name]
    })
  }
  return { ipc, stores, services, windows, strict }
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

/**
 * Resolves once the bridge is up and both windows are created, to
 * `{ ipc, stores, services, windows, strict }`: nothing the app needs, but a test
 * harness that runs this file can reach the bridge (`ipc.stats()`) and the windows.
 */
export const demo = app.whenReady().then(start)
demo.catch(err => {
  console.error('[electron-demo] failed to start:', err)
  app.quit()
})
