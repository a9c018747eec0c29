// Persistence benchmark: startup load of 1,000 persisted stores, JS-thread cost of a set with
// persistence on and off, and what reaches the disk for a burst and for a steady stream of
// changes, each next to writing the same values with fs.writeFileSync(JSON) per change (what
// many apps do) in the same run.
//
//   node bench/persist.js [--scale=0.2]     prints a table (re-runs itself in the stand-in)
//   import { run } from './persist.js'; await run({ scale })   returns the rows (bench/index.js)
//
// Numbers are printed, never asserted. Timings are the main (JS) thread's; the writer thread's
// own I/O (temp file, fsync, rename, directory fsync) runs beside it and is counted in bytes
// and writes.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { runStandalone } from './standalone.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')

const FILE = 'nanostore-ipc-bridge.json'
const median = xs => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
const fixed = (x, digits = 2) => Number(x.toFixed(digits))

// A settings-like value of about `bytes` bytes of JSON, different for each i.
function settingsValue(i, bytes) {
  const items = []
  const value = { rev: i, theme: i % 2 ? 'dark' : 'light', items }
  while (JSON.stringify(value).length < bytes) items.push({ id: items.length, label: `item ${items.length}`, on: true })
  return value
}

async function withBridge(options, fn) {
  const { initNanoStoreIPC } = await import(pathToFileURL(join(root, 'index.js')).href)
  const ipc = initNanoStoreIPC(options)
  try {
    return await fn(ipc)
  } finally {
    ipc.destroy()
  }
}

// 1. Startup: initNanoStoreIPC + registering 1,000 persisted stores from a saved file.
async function load(rows, { scale, atom }) {
  const stores = 1000
  const dir = mkdtempSync(join(tmpdir(), 'nsipc-bench-load-'))
  try {
    await withBridge({ persist: { dir } }, async ipc => {
      for (let i = 0; i < stores; i++) {
        const $s = atom(null)
        ipc.registerStore(`s${i}`, $s, { persist: true })
        $s.set(settingsValue(i, 200))
      }
      await ipc.flush()
    })
    const fileBytes = statSync(join(dir, FILE)).size
    const runs = Math.max(3, Math.round(9 * scale))
    const timed = async persist => {
      const samples = []
      for (let r = 0; r < runs; r++) {
        const atoms = Array.from({ length: stores }, () => atom(null))
        const t = performance.now()
        await withBridge(persist ? { persist: { dir } } : {}, ipc => {
          for (let i = 0; i < stores; i++) ipc.registerStore(`s${i}`, atoms[i], persist ? { persist: true } : {})
          samples.push(performance.now() - t)
          if (persist && atoms[stores - 1].get()?.rev !== stores - 1) throw new Error('not loaded')
        })
      }
      return median(samples)
    }
    const withPersist = await timed(true)
    const without = await timed(false)
    rows.push({
      scenario: 'load at startup',
      case: `initNanoStoreIPC + registerStore × ${stores} (${Math.round(fileBytes / 1024)} KB file), median of ${runs}`,
      persist: `${fixed(withPersist, 1)} ms`,
      baseline: `${fixed(without, 1)} ms without persist`,
      note: `${fixed(((withPersist - without) * 1000) / stores, 1)} µs per store for reading, checking and applying the saved value`
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// 2. JS-thread time of one committed set: persist on / off / fs.writeFileSync per change.
async function jsThread(rows, { scale, atom }) {
  const dir = mkdtempSync(join(tmpdir(), 'nsipc-bench-set-'))
  try {
    for (const bytes of [100, 10_000]) {
      const n = Math.max(200, Math.round((bytes > 1000 ? 2000 : 10_000) * scale))
      const values = Array.from({ length: 64 }, (_, i) => settingsValue(i, bytes))
      const measure = async (options, register, after) =>
        withBridge(options, async ipc => {
          const $s = atom(values[0])
          ipc.registerStore('s', $s, register)
          const samples = []
          for (let rep = 0; rep < 5; rep++) {
            const t = performance.now()
            for (let i = 0; i < n; i++) {
              $s.set(values[i & 63])
              await null // the coalescing microtask commits it (and hands it to the writer)
              after?.(values[i & 63])
            }
            samples.push(((performance.now() - t) * 1000) / n)
            if (options.persist) await ipc.flush()
          }
          return median(samples)
        })
      const off = await measure({}, {})
      const on = await measure({ persist: { dir } }, { persist: true })
      const file = join(dir, 'plain.json')
      const sync = await measure({}, {}, value => writeFileSync(file, JSON.stringify(value)))
      rows.push({
        scenario: 'JS-thread time per set',
        case: `set + commit of a ~${bytes >= 1000 ? `${bytes / 1000} KB` : `${bytes} B`} value, median of 5 × ${n}`,
        persist: `${fixed(on)} µs`,
        baseline: `${fixed(off)} µs persist off; ${fixed(sync)} µs with fs.writeFileSync per change`,
        note: `persistence adds ${fixed(on - off)} µs (value check + JSON.stringify + hand-over); writeFileSync adds ${fixed(sync - off)} µs`
      })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// 3 and 4. Bytes reaching the disk: the writer vs fs.writeFileSync(JSON) per change.
async function bytesWritten(rows, { scale, atom }) {
  const size = 1000
  const scenarios = [
    { name: '10,000 sets in a burst', sets: 10_000, intervalMs: 0 },
    {
      name: `one set per 10 ms over ${fixed(10 * Math.min(1, scale), 1)} s`,
      sets: Math.max(50, Math.round(1000 * Math.min(1, scale))),
      intervalMs: 10
    }
  ]
  for (const sc of scenarios) {
    const dir = mkdtempSync(join(tmpdir(), 'nsipc-bench-bytes-'))
    try {
      const values = Array.from({ length: 64 }, (_, i) => settingsValue(i, size))
      const stats = await withBridge({ persist: { dir } }, async ipc => {
        const $s = atom(values[0])
        ipc.registerStore('s', $s, { persist: true })
        const t = performance.now()
        for (let i = 0; i < sc.sets; i++) {
          $s.set(values[i & 63])
          if (sc.intervalMs) await sleep(sc.intervalMs)
          else await null
        }
        await ipc.flush()
        return { ...ipc.stats().persist, ms: performance.now() - t }
      })
      let plainBytes = 0
      const plainFile = join(dir, 'plain.json')
      const t = performance.now()
      let jsMs = 0
      for (let i = 0; i < sc.sets; i++) {
        const t0 = performance.now()
        const text = JSON.stringify(values[i & 63])
        writeFileSync(plainFile, text)
        jsMs += performance.now() - t0
        plainBytes += Buffer.byteLength(text)
        if (sc.intervalMs) await sleep(sc.intervalMs)
      }
      const plainMs = performance.now() - t
      rows.push({
        scenario: 'bytes written',
        case: `${sc.name} of a ~1 KB value (${fixed(stats.ms / 1000, 1)} s / ${fixed(plainMs / 1000, 1)} s)`,
        persist: `${stats.bytes.toLocaleString('en-US')} B in ${stats.writes} writes (each fsynced, renamed)`,
        baseline: `${plainBytes.toLocaleString('en-US')} B in ${sc.sets.toLocaleString('en-US')} writeFileSync (no fsync), ${fixed(jsMs, 1)} ms of JS thread`,
        note: `${fixed(plainBytes / Math.max(1, stats.bytes), 1)}× fewer bytes, ${fixed(sc.sets / Math.max(1, stats.writes), 1)}× fewer writes`
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export async function run({ scale = 1, log = () => {} } = {}) {
  const { atom } = await import('nanostores')
  const rows = []
  log('persistence: load…')
  await load(rows, { scale, atom })
  log('persistence: JS-thread time per set…')
  await jsThread(rows, { scale, atom })
  log('persistence: bytes written…')
  await bytesWritten(rows, { scale, atom })
  return rows
}

await runStandalone(
  import.meta.url,
  run,
  r => `${r.scenario} | ${r.case}\n  persist: ${r.persist}\n  baseline: ${r.baseline}\n  ${r.note}`
)
