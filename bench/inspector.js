// Inspector benchmark: what recording commits costs. The JS-thread time of a set (main's
// set + its coalesced commit) with history off (no inspector: nothing tapped), with history on
// (the `history` option: v8.serialize of the value, copied into the native ring) and with the
// inspector open (history, plus the timeline event, the value preview and the feed to its window);
// what the history holds after a long run against its caps; and the time of a restore.
//
//   node bench/inspector.js [--scale=0.2]     prints a table (re-runs itself in the stand-in)
//   import { run } from './inspector.js'; await run({ scale })   returns the rows (bench/index.js)
//
// Numbers are printed, never asserted. No window is subscribed, so a commit sends nothing and
// the figures are main's own work (with windows, their sends come on top, the same in each mode).
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { runStandalone } from './standalone.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')

const median = xs => [...xs].sort((a, b) => a - b)[xs.length >> 1]
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

// The inspector window's page loaded (its preload answers), so its feed has somewhere to go.
async function openInspector(ipc) {
  const win = ipc.openInspector()
  const deadline = Date.now() + 10_000
  while (!win.webContents.getURL() || win.webContents.isLoading()) {
    if (Date.now() > deadline) throw new Error('the inspector window did not load')
    await new Promise(resolve => setTimeout(resolve, 5))
  }
  await win.webContents.executeJavaScript('window.nanostoreInspector.hello().then(() => true)')
  return win
}

const MODES = {
  off: { options: {}, open: false },
  history: { options: { history: true }, open: false },
  inspector: { options: {}, open: true }
}

// 1. JS-thread time per set + commit, in each mode, alternating runs.
async function perSet(rows, { scale, atom }) {
  for (const bytes of [100, 10_000]) {
    const n = Math.max(200, Math.round((bytes > 1000 ? 2000 : 10_000) * scale))
    const values = Array.from({ length: 64 }, (_, i) => settingsValue(i, bytes))
    const samples = { off: [], history: [], inspector: [] }
    for (let round = 0; round < 5; round++) {
      for (const [mode, { options, open }] of Object.entries(MODES)) {
        await withBridge(options, async ipc => {
          const $s = atom(values[0])
          ipc.registerStore('s', $s)
          if (open) await openInspector(ipc)
          for (let i = 0; i < 200; i++) {
            $s.set(values[i & 63])
            await null
          }
          const t = performance.now()
          for (let i = 0; i < n; i++) {
            $s.set(values[i & 63])
            await null // the coalescing promise job commits it
          }
          samples[mode].push(((performance.now() - t) * 1000) / n)
        })
      }
    }
    const [off, on, open] = ['off', 'history', 'inspector'].map(m => median(samples[m]))
    rows.push({
      scenario: 'JS-thread time per set',
      case: `set + commit of a ~${bytes >= 1000 ? `${bytes / 1000} KB` : `${bytes} B`} value, median of 5 × ${n}`,
      off: `${fixed(off)} µs`,
      history: `${fixed(on)} µs`,
      inspector: `${fixed(open)} µs`,
      note: `recording adds ${fixed(on - off)} µs (v8.serialize + the copy into the ring); the open inspector ${fixed(open - off)} µs`
    })
  }
}

// 2. What the history holds after many commits of many stores: the caps at work.
async function held(rows, { scale, atom }) {
  const stores = 50
  const sets = Math.max(2000, Math.round(30_000 * scale))
  const values = Array.from({ length: 64 }, (_, i) => settingsValue(i, 10_000))
  const cases = [
    { limits: true, label: 'defaults (300 per store, 32 MiB)' },
    { limits: { size: 50, maxBytes: 4 * 1024 * 1024 }, label: '50 per store, 4 MiB' }
  ]
  for (const { limits, label } of cases) {
    await withBridge({ history: limits }, async ipc => {
      const $stores = Array.from({ length: stores }, (_, i) => {
        const $s = atom(values[0])
        ipc.registerStore(`s${i}`, $s)
        return $s
      })
      const t = performance.now()
      for (let i = 0; i < sets; i++) {
        $stores[i % stores].set(values[i & 63])
        await null
      }
      const ms = performance.now() - t
      const h = ipc.stats().history
      rows.push({
        scenario: 'held by the history',
        case: `${sets.toLocaleString('en-US')} sets of ~10 KB values over ${stores} stores, ${label}`,
        off: '',
        history: `${h.entries.toLocaleString('en-US')} commits, ${fixed(h.bytes / 2 ** 20, 1)} MiB`,
        inspector: '',
        note: `cap ${fixed(h.maxBytes / 2 ** 20, 1)} MiB; ${fixed((ms * 1000) / sets, 1)} µs per set with recording`
      })
    })
  }
}

// 3. A restore: the value read back from the ring, deserialized, set and committed.
async function restore(rows, { scale, atom }) {
  const runs = Math.max(50, Math.round(500 * scale))
  for (const bytes of [100, 10_000]) {
    const values = Array.from({ length: 64 }, (_, i) => settingsValue(i, bytes))
    await withBridge({}, async ipc => {
      const $s = atom(values[0])
      ipc.registerStore('s', $s)
      const win = await openInspector(ipc)
      for (let i = 1; i < 64; i++) {
        $s.set(values[i])
        await null
      }
      const samples = []
      for (let r = 0; r < runs; r++) {
        // one of the last 50 commits (each restore is one more; the ring keeps 300)
        const past = ipc.inspect().stores[0].rev - 1 - (r % 50)
        const t = performance.now()
        const reply = await win.webContents.executeJavaScript(`window.nanostoreInspector.restore('s', ${past})`)
        samples.push(performance.now() - t)
        if (reply.error) throw new Error(reply.error.message)
      }
      rows.push({
        scenario: 'restore round trip',
        case: `inspector page → main → new commit, ~${bytes >= 1000 ? `${bytes / 1000} KB` : `${bytes} B`} value, median of ${runs}`,
        off: '',
        history: '',
        inspector: `${fixed(median(samples), 3)} ms`,
        note: 'executeJavaScript + invoke round trip in the stand-in included'
      })
    })
  }
}

export async function run({ scale = 1, log = () => {} } = {}) {
  const { atom } = await import('nanostores')
  const rows = []
  log('inspector: JS-thread time per set…')
  await perSet(rows, { scale, atom })
  log('inspector: what the history holds…')
  await held(rows, { scale, atom })
  log('inspector: restore…')
  await restore(rows, { scale, atom })
  return rows
}

await runStandalone(
  import.meta.url,
  run,
  r => `${r.scenario} | ${r.case}\n  off: ${r.off}  history: ${r.history}  inspector: ${r.inspector}\n  ${r.note}`
)
