// Shared setup for the bridge's integration tests in the Electron stand-in:
// bundled preloads (a sandboxed preload can only require 'electron', so apps
// bundle theirs; so do we), a page that creates syncedAtoms on request, and
// readers for what each window holds.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { buildSync } from 'esbuild'

import { standIn } from '../electron-stand-in/index.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const artifacts = fileURLToPath(new URL('../.artifacts/', import.meta.url))
export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
export const page = `${fixtures}page.js`
export const hostilePreload = `${fixtures}hostile-preload.cjs`

// One CommonJS file: exposeNanoStoreIPC(options) with the package's preload inlined,
// then `extra` (preload code a test needs, with ipcRenderer and contextBridge in scope).
export function preloadFor(options = {}, extra = '') {
  const source =
    `const { exposeNanoStoreIPC } = require('nanostore-ipc-bridge/preload')\n` +
    `const { ipcRenderer, contextBridge } = require('electron')\n` +
    `exposeNanoStoreIPC(${JSON.stringify(options)})\n` +
    extra
  // keyed by the preload's own source too: a stale bundle would test old code
  const hash = createHash('sha1')
    .update(source)
    .update(readFileSync(`${root}preload/index.cjs`))
  const file = `${artifacts}preload-${hash.digest('hex').slice(0, 10)}.cjs`
  if (!existsSync(file)) {
    mkdirSync(artifacts, { recursive: true })
    buildSync({
      stdin: { contents: source, resolveDir: root, loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      outfile: file,
      logLevel: 'silent'
    })
  }
  return file
}

export const preload = preloadFor({ channelPrefix: 'wf' })

export function openWindows(n, options = {}) {
  return standIn.openWindows(n, { preload, page, ...options })
}

// Creates syncedAtom(id, initial, options) in a window (see fixtures/page.js).
export function makeStore(win, id, initial, options = {}) {
  return win.webContents.executeJavaScript(
    `window.make(${JSON.stringify(id)}, ${JSON.stringify(initial)}, ${JSON.stringify(options)})`
  )
}

export function makeStores(win, specs) {
  return win.webContents.executeJavaScript(`window.makeMany(${JSON.stringify(specs)})`)
}

export function read(win, expression) {
  return win.webContents.executeJavaScript(expression)
}

// { value, rev } of a store in a window.
export function storeState(win, id) {
  return read(win, `window.state(${JSON.stringify(id)})`)
}

export function setInWindow(win, id, value) {
  return read(win, `window.stores[${JSON.stringify(id)}].set(${JSON.stringify(value)}), true`)
}

export function errorsIn(win) {
  return read(win, 'window.errors')
}

// Polls a condition with a bounded timeout: for state that arrives by IPC.
export async function until(check, { timeoutMs = 5000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    last = await check()
    if (last) return last
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

// Messages main sent since the last standIn.resetStats(): per window id, and on a channel.
export function sentByMain(channel) {
  const stats = standIn.stats().mainToRenderer
  const perWindow = {}
  for (const [wcId, w] of Object.entries(stats.windows)) perWindow[wcId] = w.messages
  return { perWindow, onChannel: stats.channels[channel]?.messages ?? 0 }
}

export function sentByWindows(channel) {
  return standIn.stats().rendererToMain.channels[channel]?.messages ?? 0
}

export { standIn }
