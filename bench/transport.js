// Raw transport of the Electron stand-in (no bridge): what a benchmark of the bridge is compared to.
//   node bench/transport.js
// - one-way throughput: webContents.send main → window(s), until every window has received its share
// - invoke round trip: ipcRenderer.invoke echo, sequential per window, all windows at once (p50/p99)
// Payloads: a string of 100 B and of 100 KB; 1 and 8 windows.
import { fileURLToPath } from 'node:url'
import { standIn, ipcMain } from '../__test__/electron-stand-in/index.js'

const fixture = name => fileURLToPath(new URL(`../__test__/electron-stand-in/fixtures/${name}`, import.meta.url))
const PRELOAD = fixture('preload.cjs')
const PAGE = fixture('bench-page.js')

const SIZES = [
  { label: '100 B', bytes: 100, sends: 100000, roundTrips: 2000 },
  { label: '100 KB', bytes: 100 * 1024, sends: 8000, roundTrips: 400 }
]
const WINDOWS = [1, 8]

function quantile(sorted, q) {
  if (!sorted.length) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]
}

async function throughput(wins, size, total) {
  const perWindow = Math.ceil(total / wins.length)
  await Promise.all(wins.map(w => w.webContents.executeJavaScript(`window.expect(${perWindow})`)))
  const payload = 'x'.repeat(size)
  let done = 0
  const finished = new Promise(resolve => {
    const onDone = () => {
      if (++done === wins.length) {
        ipcMain.removeListener('done', onDone)
        resolve()
      }
    }
    ipcMain.on('done', onDone)
  })
  const contents = wins.map(w => w.webContents)
  const t0 = performance.now()
  for (let i = 0; i < perWindow; i++) {
    for (const wc of contents) wc.send('m', payload)
  }
  await finished
  const seconds = (performance.now() - t0) / 1000
  const messages = perWindow * wins.length
  return { messages, seconds, msgPerSec: messages / seconds, MBPerSec: (messages * size) / 1e6 / seconds }
}

async function roundTrips(wins, size, n) {
  const perWindow = Math.max(1, Math.ceil(n / wins.length))
  const all = (
    await Promise.all(wins.map(w => w.webContents.executeJavaScript(`window.roundTrips(${perWindow}, ${size})`)))
  ).flat()
  all.sort((a, b) => a - b)
  return { calls: all.length, p50Ms: quantile(all, 0.5), p99Ms: quantile(all, 0.99) }
}

const round = (x, d = 3) => Number(x.toFixed(d))

export async function run({ scale = 1 } = {}) {
  const rows = []
  standIn.configure()
  try {
    for (const n of WINDOWS) {
      await standIn.reset()
      ipcMain.handle('echo', (_e, v) => v)
      const wins = await standIn.openWindows(n, { preload: PRELOAD, page: PAGE })
      // warm up (JIT, worker message ports)
      await throughput(wins, 100, 2000)
      await roundTrips(wins, 100, 200)
      for (const s of SIZES) {
        const t = await throughput(wins, s.bytes, Math.max(n, Math.round(s.sends * scale)))
        rows.push({
          bench: 'send main→window',
          payload: s.label,
          windows: n,
          messages: t.messages,
          seconds: round(t.seconds),
          msgPerSec: Math.round(t.msgPerSec),
          MBPerSec: round(t.MBPerSec, 1)
        })
        const r = await roundTrips(wins, s.bytes, Math.max(n, Math.round(s.roundTrips * scale)))
        rows.push({
          bench: 'invoke round trip',
          payload: s.label,
          windows: n,
          calls: r.calls,
          p50Ms: round(r.p50Ms),
          p99Ms: round(r.p99Ms)
        })
      }
    }
  } finally {
    await standIn.reset()
  }
  return rows
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run()
  console.log(`Electron stand-in raw transport (${standIn.backend()} backend, node ${process.version})`)
  console.table(rows)
}
