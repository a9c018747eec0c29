// Shared by the bridge benchmarks: the benchmark page and preload, windows, acks from
// pages (how "delivered" is measured), sessions (a fresh stand-in and bridge per
// scenario), statistics and formatting.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { BrowserWindow, ipcMain, standIn } from '../__test__/electron-stand-in/index.js'
import { preloadFor } from '../__test__/bridge/harness.js'
import { initBaseline } from './baseline/main.js'
import { initNanoStoreIPC } from '../index.js'

export const PAGE = fileURLToPath(new URL('./fixtures/page.js', import.meta.url))
const PRELOAD_RAW_API = fileURLToPath(new URL('./fixtures/preload-raw-api.js', import.meta.url))
const PRELOAD_BASELINE = fileURLToPath(new URL('./baseline/preload.js', import.meta.url))
export const PREFIX = 'b'
export const UPDATE = `${PREFIX}:ns:update`

export const KB = 1024
export const MB = 1024 * 1024

// ---------------------------------------------------------------------------- helpers

// The bridge's preload plus a raw API and the baseline's API, bundled the way the tests
// bundle theirs: every contender crosses the same contextBridge.
export function preloadBundle() {
  const extra = readFileSync(PRELOAD_RAW_API, 'utf8') + readFileSync(PRELOAD_BASELINE, 'utf8')
  return preloadFor({ channelPrefix: PREFIX }, extra)
}

let PRELOAD
// Builds the benchmark preload once; open() needs it.
export const setup = () => {
  PRELOAD = preloadBundle()
  standIn.configure({ quietPageErrors: false })
}
export const open = n => standIn.openWindows(n, { preload: PRELOAD, page: PAGE })
export const ex = (win, code) => win.webContents.executeJavaScript(code)
export const all = (wins, code) => Promise.all(wins.map(w => ex(w, code)))
export const tick = () => new Promise(resolve => setImmediate(resolve))

export function quantile(sorted, q) {
  if (!sorted.length) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]
}
export const sortNum = a => [...a].sort((x, y) => x - y)
export const median = a => quantile(sortNum(a), 0.5)
export const r3 = x => (Number.isFinite(x) ? Number(x.toFixed(3)) : x)
export const ratio = (b, r) => (r > 0 && Number.isFinite(b) ? Number((b / r).toFixed(2)) : null)
export const sizeLabel = b => (b >= MB ? `${b / MB} MB` : b >= KB ? `${b / KB} KB` : `${b} B`)

// Acks from pages: expectAcks(seq, n) resolves once n windows acknowledged seq.
let waiters = new Map()
export function listenAcks() {
  waiters = new Map()
  ipcMain.on('ack', (_event, seq) => {
    const w = waiters.get(seq)
    if (w && ++w.got === w.need) {
      waiters.delete(seq)
      w.resolve()
    }
  })
}
export function expectAcks(seq, need, timeoutMs = 60000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(seq)
      reject(new Error(`bench: no ack for ${seq} from ${need} window(s) within ${timeoutMs} ms`))
    }, timeoutMs)
    waiters.set(seq, {
      need,
      got: 0,
      resolve: () => {
        clearTimeout(timer)
        resolve()
      }
    })
  })
}

export let seqCounter = 0
export const nextSeq = () => ++seqCounter

// A fresh stand-in and (optionally) a fresh bridge instance for one scenario. Store ids are unique
// per session (sid), so no scenario depends on revisions carried over from an earlier one.
let SID = 0
let sid = ''
export const sidOf = name => `${name}.${sid}`
export async function session(fn, { bridge = true, config } = {}) {
  sid = String(++SID)
  standIn.configure()
  if (config) standIn.configure(config)
  await standIn.reset()
  const ipc = bridge ? initNanoStoreIPC({ channelPrefix: PREFIX }) : null
  const baseline = initBaseline({ ipcMain, BrowserWindow })
  listenAcks()
  try {
    const result = await fn(ipc, baseline)
    const errors = standIn.pageErrors()
    if (errors.length) throw new Error(`bench: page errors: ${JSON.stringify(errors.slice(0, 3))}`)
    return result
  } finally {
    ipc?.destroy()
    baseline.destroy()
    await standIn.reset()
    standIn.configure()
  }
}

export function mainSent(channel) {
  const s = standIn.stats().mainToRenderer
  return channel ? (s.channels[channel] ?? { messages: 0, bytes: 0 }) : s
}

export function gcNow() {
  if (typeof globalThis.gc !== 'function') return false
  globalThis.gc()
  globalThis.gc()
  return true
}
export async function memory() {
  gcNow()
  await tick()
  gcNow()
  const m = process.memoryUsage()
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers }
}
export const mb = b => r3(b / MB)
