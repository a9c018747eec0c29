// Service call benchmarks, bridge next to raw (see bench/bridge.js for the method):
//   - a call's round trip: bench.echo(payload) from the page, through defineService's
//     proxy, the preload, the sender check, the native call authorization, the handler
//     and the reply, against ipcRenderer.invoke('echo-raw', payload) to a handler that
//     returns it, alternating in one window;
//   - a stream of small chunks (for await over an async generator handler, with credit)
//     against raw webContents.send of the same chunks.
// Runs as the `services` scenario of `npm run bench` (bench/bridge.js), or alone:
//   node --expose-gc --import ./__test__/electron-stand-in/register.js bench/services.js
import { fileURLToPath } from 'node:url'

import { ipcMain, standIn } from '../__test__/electron-stand-in/index.js'
import './fixtures/service.js' // registers the service in main, like an app's shared module
import { ex, preloadBundle, quantile, r3, ratio, session, sizeLabel, sortNum } from './harness.js'

const PAGE = fileURLToPath(new URL('./fixtures/service-page.js', import.meta.url))

export async function serviceCalls(rows, { scale = 1 } = {}) {
  const preload = preloadBundle()
  await session(async () => {
    ipcMain.handle('echo-raw', (_event, value) => value)
    ipcMain.on('raw-chunks', (event, n, size) => {
      const data = 'x'.repeat(size)
      for (let i = 0; i < n; i++) event.sender.send('raw-chunk', data)
    })
    const [win] = await standIn.openWindows(1, { preload, page: PAGE })
    for (const size of [
      { bytes: 100, iters: 2000 },
      { bytes: 10 * 1024, iters: 2000 }
    ]) {
      const iters = Math.max(20, Math.round(size.iters * scale))
      await ex(win, `window.callRoundTrips(1000, ${size.bytes})`) // warm-up (JIT)
      const res = await ex(win, `window.callRoundTrips(${iters}, ${size.bytes})`)
      const b = sortNum(res.bridge)
      const r = sortNum(res.raw)
      for (const [q, name] of [
        [0.5, 'p50'],
        [0.99, 'p99']
      ]) {
        rows.push({
          scenario: '8 service call',
          case: `service call round trip vs raw invoke, 1 window, ${sizeLabel(size.bytes)}, ${name}`,
          unit: 'ms',
          bridge: r3(quantile(b, q)),
          raw: r3(quantile(r, q)),
          ratio: ratio(quantile(b, q), quantile(r, q)),
          samples: iters,
          windows: 1,
          payloadBytes: size.bytes,
          stat: name,
          better: 'lower'
        })
      }
    }
    const n = Math.max(100, Math.round(10000 * scale))
    await ex(win, 'window.streamChunks(1000, 100)') // warm-up
    const runs = []
    for (let i = 0; i < 5; i++) runs.push(await ex(win, `window.streamChunks(${n}, 100)`))
    const b = quantile(sortNum(runs.map(x => x.bridge)), 0.5)
    const r = quantile(sortNum(runs.map(x => x.raw)), 0.5)
    rows.push({
      scenario: '8 service call',
      case: `stream of ${n} chunks of 100 B until all arrived (median of 5): ms`,
      unit: 'ms',
      bridge: r3(b),
      raw: r3(r),
      ratio: ratio(b, r),
      samples: 5,
      windows: 1,
      payloadBytes: 100,
      better: 'lower',
      note: 'bridge: for await with credit every 32 chunks; raw: webContents.send per chunk, no flow control'
    })
  })
}

export async function run({ scale = 1 } = {}) {
  const rows = []
  await serviceCalls(rows, { scale })
  return rows
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const scale = Number(process.argv.find(a => a.startsWith('--scale='))?.slice(8) ?? 1)
  console.table(await run({ scale }))
}
