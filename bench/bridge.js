// Bridge benchmarks, each figure side by side with the raw transport: the same payloads
// sent with plain webContents.send / ipcRenderer.invoke through the same Electron stand-in (worker
// windows), no bridge. Bridge and raw alternate inside one process run, so noise hits both alike.
// Scenarios 1-6 (compare.js) add the baseline; streaming and memory are here.
//
//   npm run bench                 (bench/index.js: adds --import of the stand-in and --expose-gc)
//   node --expose-gc --import ./__test__/electron-stand-in/register.js bench/bridge.js
//
// How "delivered" is measured, identically for bridge and raw: every window's page reports each
// value it applied with a tiny raw `ipcRenderer.send('ack', seq)` (bridge: a listener on the
// syncedAtom, so after the proxy atom applied it; raw: the 'raw' channel listener). Main times from
// the set / the first webContents.send until the ack of every window arrived (performance.now() in
// main, one clock). The ack's return trip is in both figures.
import { fileURLToPath } from 'node:url'

import { atom } from 'nanostores'

import { app, BrowserWindow, ipcMain, standIn, webContents } from '../__test__/electron-stand-in/index.js'
import { attribution } from './attribution.js'
import { SCENARIOS as compared } from './compare.js'
import {
  all,
  expectAcks,
  mb,
  memory,
  nextSeq,
  open,
  r3,
  ratio,
  seqCounter,
  session,
  setup,
  sidOf,
  tick
} from './harness.js'
import { serviceCalls } from './services.js'
import { utilityWrites } from './utility.js'

// ---------------------------------------------------------------------------- 6. streaming

export async function streaming(rows, { scale = 1 } = {}) {
  const N = 4
  const APPENDS = Math.max(500, Math.round(10000 * scale))
  const CHUNK = 'tok+ 8b '
  const THROTTLE = 16
  const finalLen = APPENDS * CHUNK.length
  const results = {}
  await session(
    async ipc => {
      const $plain = atom('')
      const $throttled = atom('')
      ipc.registerStore(sidOf('stream'), $plain)
      ipc.registerStore(sidOf('streamT'), $throttled, { throttleMs: THROTTLE })
      const wins = await open(N)
      await all(wins, `window.use('${sidOf('stream')}', ''), window.use('${sidOf('streamT')}', '')`)
      await standIn.idle()
      await all(wins, `window.setCfg({ ack: 'len', lastLen: ${finalLen} })`)
      const contents = wins.map(w => w.webContents)
      // One chunk per event-loop turn (setImmediate), like tokens arriving: nothing coalesces in the
      // unthrottled bridge. raw: the full text per append (the same payloads); raw-delta: only the
      // chunk (what a hand-written streaming protocol would send: the transport's floor).
      async function produce(kind) {
        await standIn.idle()
        standIn.resetStats()
        const done = expectAcks(`L${finalLen}`, N, 120000)
        let text = ''
        const t0 = performance.now()
        for (let i = 0; i < APPENDS; i++) {
          text += CHUNK
          if (kind === 'bridge') $plain.set(text)
          else if (kind === 'throttled') $throttled.set(text)
          else if (kind === 'raw') for (const wc of contents) wc.send('raw', text)
          else for (const wc of contents) wc.send('raw-delta', CHUNK)
          await tick()
        }
        await done
        const ms = performance.now() - t0
        await standIn.idle()
        const s = standIn.stats().mainToRenderer
        return { ms, messages: s.messages, bytes: s.bytes }
      }
      for (const kind of ['raw', 'bridge', 'raw-delta', 'throttled']) results[kind] = await produce(kind)
      $plain.set('')
      $throttled.set('')
    },
    { config: { countBytes: true } }
  )
  const base = { scenario: '6 streaming', windows: N }
  const label = `one store appended ${APPENDS}× (${CHUNK.length} B chunks, one per tick), ${N} windows`
  const { raw, bridge, throttled } = results
  const delta = results['raw-delta']
  rows.push(
    {
      ...base,
      case: `${label}, unthrottled: messages sent`,
      unit: 'messages',
      bridge: bridge.messages,
      raw: raw.messages,
      ratio: ratio(bridge.messages, raw.messages),
      better: 'lower'
    },
    {
      ...base,
      case: `${label}, unthrottled: bytes sent`,
      unit: 'MB',
      bridge: mb(bridge.bytes),
      raw: mb(raw.bytes),
      ratio: ratio(bridge.bytes, raw.bytes),
      better: 'lower'
    },
    {
      ...base,
      case: `${label}, unthrottled: ms until all windows hold the full text`,
      unit: 'ms',
      bridge: r3(bridge.ms),
      raw: r3(raw.ms),
      ratio: ratio(bridge.ms, raw.ms),
      better: 'lower'
    },
    {
      ...base,
      case: `${label}, throttleMs ${THROTTLE}: messages sent`,
      unit: 'messages',
      bridge: throttled.messages,
      raw: raw.messages,
      ratio: ratio(throttled.messages, raw.messages),
      better: 'lower',
      note: 'raw = full text per append, unthrottled'
    },
    {
      ...base,
      case: `${label}, throttleMs ${THROTTLE}: bytes sent`,
      unit: 'MB',
      bridge: mb(throttled.bytes),
      raw: mb(raw.bytes),
      ratio: ratio(throttled.bytes, raw.bytes),
      better: 'lower'
    },
    {
      ...base,
      case: `${label}, throttleMs ${THROTTLE}: ms until all windows hold the full text`,
      unit: 'ms',
      bridge: r3(throttled.ms),
      raw: r3(raw.ms),
      ratio: ratio(throttled.ms, raw.ms),
      better: 'lower'
    },
    {
      ...base,
      case: `${label}: raw deltas only (the transport's floor): messages / MB`,
      unit: 'messages / MB',
      bridge: `${throttled.messages} / ${mb(throttled.bytes)}`,
      raw: `${delta.messages} / ${mb(delta.bytes)}`,
      ratio: ratio(throttled.bytes, delta.bytes),
      note: 'ratio: bytes, throttled bridge vs raw deltas'
    }
  )
  return results
}

// ---------------------------------------------------------------------------- 7. memory

function listenerCounts() {
  let ipcListeners = 0
  for (const name of ipcMain.eventNames()) ipcListeners += ipcMain.listenerCount(name)
  let appListeners = 0
  for (const name of app.eventNames()) appListeners += app.listenerCount(name)
  return {
    ipcMainListeners: ipcListeners,
    ipcMainHandlers: ipcMain._invokeHandlers?.size ?? null,
    appListeners,
    windows: BrowserWindow.getAllWindows().length,
    webContents: webContents.getAllWebContents().length
  }
}

export async function memoryScenario(rows, { scale = 1 } = {}) {
  const UPDATES = Math.max(1000, Math.round(100000 * scale))
  const CYCLES = Math.max(20, Math.round(500 * scale))
  const BATCH = 10
  const hasGc = typeof globalThis.gc === 'function'
  const out = {}

  for (const kind of ['raw', 'bridge']) {
    out[kind] = await session(
      async ipc => {
        const $m = atom({ seq: 0, data: '' })
        if (ipc) ipc.registerStore(sidOf('mem'), $m)
        const wins = await open(2)
        await all(wins, kind === 'bridge' ? `window.use('${sidOf('mem')}', null)` : 'true')
        await standIn.idle()
        const contents = wins.map(w => w.webContents)
        const data = 'x'.repeat(100)
        async function updates(k) {
          const last = seqCounter + k
          await all(wins, `window.setCfg({ ack: 'last', lastSeq: ${last} })`)
          const done = expectAcks(last, wins.length, 120000)
          for (let i = 0; i < k; i++) {
            const value = { seq: nextSeq(), data }
            if (kind === 'bridge') $m.set(value)
            else for (const wc of contents) wc.send('raw', value)
            // a macrotask turn now and then, so acks and GC keep up like in an app
            if (i % 1000 === 999) await tick()
            else await null
          }
          await done
        }
        async function cycles(c) {
          for (let done = 0; done < c; done += BATCH) {
            const batch = await open(Math.min(BATCH, c - done))
            await all(batch, kind === 'bridge' ? `window.use('${sidOf('mem')}', null)` : `true`)
            await standIn.idle()
            for (const w of batch) w.destroy()
            await standIn.closed()
          }
        }
        // stand-in stats keep a Map entry per webContents id: cleared so they do not count as growth
        const snap = async () => {
          standIn.resetStats()
          return {
            ...(await memory()),
            ...listenerCounts(),
            registry: ipc ? ipc.stats() : null,
            inspect: ipc
              ? (i => ({
                  stores: i.stores.length,
                  windows: i.windows.length,
                  subscribers: i.stores.reduce((a, s) => a + s.subscribers.length, 0)
                }))(ipc.inspect())
              : null
          }
        }
        // warm-up: JIT, worker pools, esbuild page bundle cache, stand-in maps
        await updates(Math.round(UPDATES / 2))
        await cycles(Math.max(BATCH, Math.round(CYCLES / 10)))
        const warm = await snap()
        let t0 = performance.now()
        await updates(UPDATES)
        const afterUpdatesMs = performance.now() - t0
        const afterUpdates = await snap()
        t0 = performance.now()
        await cycles(CYCLES)
        const afterCyclesMs = performance.now() - t0
        const afterCycles = await snap()
        return { warm, afterUpdates, afterCycles, afterUpdatesMs, afterCyclesMs }
      },
      { bridge: kind === 'bridge' }
    )
  }

  const pct = (a, b) => r3(((a - b) / b) * 100)
  const base = { scenario: '7 memory' }
  const B = out.bridge
  const R = out.raw
  const note = hasGc ? undefined : 'no --expose-gc: figures include garbage'
  rows.push(
    {
      ...base,
      case: 'main heapUsed after warm-up',
      unit: 'MB',
      bridge: mb(B.warm.heapUsed),
      raw: mb(R.warm.heapUsed),
      ratio: ratio(B.warm.heapUsed, R.warm.heapUsed),
      note
    },
    {
      ...base,
      case: `main heap growth after ${UPDATES} updates (2 windows) vs warm-up`,
      unit: '%',
      bridge: pct(B.afterUpdates.heapUsed, B.warm.heapUsed),
      raw: pct(R.afterUpdates.heapUsed, R.warm.heapUsed),
      ratio: null,
      better: 'lower'
    },
    {
      ...base,
      case: `main heap growth after ${CYCLES} window open/close cycles vs warm-up`,
      unit: '%',
      bridge: pct(B.afterCycles.heapUsed, B.warm.heapUsed),
      raw: pct(R.afterCycles.heapUsed, R.warm.heapUsed),
      ratio: null,
      better: 'lower'
    },
    {
      ...base,
      case: 'main RSS after warm-up',
      unit: 'MB',
      bridge: mb(B.warm.rss),
      raw: mb(R.warm.rss),
      ratio: ratio(B.warm.rss, R.warm.rss)
    },
    {
      ...base,
      case: `main RSS growth after ${UPDATES} updates vs warm-up`,
      unit: '%',
      bridge: pct(B.afterUpdates.rss, B.warm.rss),
      raw: pct(R.afterUpdates.rss, R.warm.rss),
      ratio: null,
      better: 'lower'
    },
    {
      ...base,
      case: `main RSS growth after ${CYCLES} open/close cycles vs warm-up`,
      unit: '%',
      bridge: pct(B.afterCycles.rss, B.warm.rss),
      raw: pct(R.afterCycles.rss, R.warm.rss),
      ratio: null,
      better: 'lower'
    },
    {
      ...base,
      case: `registry (stores/windows/subscriptions/all) warm-up → after ${CYCLES} cycles`,
      unit: 'counts',
      bridge: `${reg(B.warm.registry)} → ${reg(B.afterCycles.registry)}`,
      raw: '—',
      ratio: null
    },
    {
      ...base,
      case: `ipcMain listeners+handlers / app listeners / windows warm-up → after ${CYCLES} cycles`,
      unit: 'counts',
      bridge: `${lis(B.warm)} → ${lis(B.afterCycles)}`,
      raw: `${lis(R.warm)} → ${lis(R.afterCycles)}`,
      ratio: null
    },
    {
      ...base,
      case: `time: ${UPDATES} updates / ${CYCLES} cycles`,
      unit: 's',
      bridge: `${r3(B.afterUpdatesMs / 1000)} / ${r3(B.afterCyclesMs / 1000)}`,
      raw: `${r3(R.afterUpdatesMs / 1000)} / ${r3(R.afterCyclesMs / 1000)}`,
      ratio: ratio(B.afterCyclesMs, R.afterCyclesMs),
      note: 'ratio: cycles'
    }
  )
  return out
}
const reg = s =>
  s
    ? `${s.stores}/${s.windows}/${s.subscriptions}/${s.allSubscribers} (tracked ${s.trackedWindows}w, pending ${s.pendingBroadcasts})`
    : '—'
const lis = s => `${s.ipcMainListeners}+${s.ipcMainHandlers} / ${s.appListeners} / ${s.windows}`

// ---------------------------------------------------------------------------- run

export const SCENARIOS = {
  latency: compared.latency,
  attribution,
  ...compared,
  streaming,
  memory: memoryScenario,
  services: serviceCalls,
  utility: utilityWrites
}

export async function run({ scale = 1, only, log = () => {} } = {}) {
  setup()
  const rows = []
  const timings = {}
  for (const [name, fn] of Object.entries(SCENARIOS)) {
    if (only && !only.includes(name)) continue
    const t0 = performance.now()
    log(`bridge: ${name}…`)
    const before = rows.length
    await fn(rows, { scale })
    timings[name] = r3((performance.now() - t0) / 1000)
    log(`bridge: ${name} done in ${timings[name]} s (${rows.length - before} rows)`)
  }
  return Object.assign(rows, { timings })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const only = process.argv.slice(2).filter(a => !a.startsWith('--'))
  const scale = Number(process.argv.find(a => a.startsWith('--scale='))?.slice(8) ?? 1)
  const rows = await run({ scale, only: only.length ? only : undefined, log: m => console.error(m) })
  console.table(
    rows.map(({ scenario, case: c, unit, bridge, raw, ratio }) => ({ scenario, case: c, unit, bridge, raw, ratio }))
  )
}
