// Bridge benchmarks, each figure side by side with the raw transport: the same payloads
// sent with plain webContents.send / ipcRenderer.invoke through the same Electron stand-in (worker
// windows), no bridge. Bridge and raw alternate inside one process run, so noise hits both alike.
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
import {
  KB,
  MB,
  PREFIX,
  UPDATE,
  all,
  ex,
  expectAcks,
  mainSent,
  mb,
  median,
  memory,
  nextSeq,
  open,
  quantile,
  r3,
  ratio,
  seqCounter,
  session,
  setup,
  sidOf,
  sizeLabel,
  sortNum,
  tick
} from './harness.js'

// ---------------------------------------------------------------------------- 1. latency

export async function latency(rows, { scale = 1 } = {}) {
  const SIZES = [
    { bytes: 100, iters: 2000 },
    { bytes: 10 * KB, iters: 2000 },
    { bytes: MB, iters: 60 }
  ]
  for (const n of [1, 4, 16]) {
    await session(async ipc => {
      const $s = atom({ seq: 0, data: '' })
      ipc.registerStore(sidOf('lat'), $s)
      const wins = await open(n)
      await all(wins, `window.use('${sidOf('lat')}', null)`)
      await standIn.idle()
      await all(wins, `window.setCfg({ ack: 'all' })`)
      const contents = wins.map(w => w.webContents)
      for (const size of SIZES) {
        const data = 'x'.repeat(size.bytes)
        const iters = Math.max(5, Math.round((size.iters * scale) / (n === 16 ? 2 : 1)))
        const warm = Math.min(100, iters)
        const bridge = []
        const raw = []
        for (let i = 0; i < warm + iters; i++) {
          for (const kind of i % 2 ? ['bridge', 'raw'] : ['raw', 'bridge']) {
            const seq = nextSeq()
            const value = { seq, data }
            const done = expectAcks(seq, n)
            const t0 = performance.now()
            if (kind === 'bridge') $s.set(value)
            else for (const wc of contents) wc.send('raw', value)
            await done
            const dt = performance.now() - t0
            if (i >= warm) (kind === 'bridge' ? bridge : raw).push(dt)
          }
        }
        const b = sortNum(bridge)
        const r = sortNum(raw)
        for (const [q, name] of [
          [0.5, 'p50'],
          [0.99, 'p99']
        ]) {
          rows.push({
            scenario: '1 latency',
            case: `main set → ${n} window(s) applied, ${sizeLabel(size.bytes)}, ${name}`,
            unit: 'ms',
            bridge: r3(quantile(b, q)),
            raw: r3(quantile(r, q)),
            ratio: ratio(quantile(b, q), quantile(r, q)),
            samples: iters,
            windows: n,
            payloadBytes: size.bytes,
            stat: name,
            better: 'lower'
          })
        }
      }
    })
  }
}

// ---------------------------------------------------------------------------- 2. throughput

export async function throughput(rows, { scale = 1 } = {}) {
  const N = 4
  await session(async ipc => {
    const $t = atom({ seq: 0, data: '' })
    ipc.registerStore(sidOf('tp'), $t)
    const wins = await open(N)
    await all(wins, `window.use('${sidOf('tp')}', null)`)
    await standIn.idle()
    const contents = wins.map(w => w.webContents)

    // Sustained: K distinct updates, one per microtask turn (the bridge flushes per microtask, so
    // none coalesce), delivered to 4 windows; raw: the same values, webContents.send to each window.
    async function runOnce(kind, k, data) {
      const first = seqCounter + 1
      const last = first + k - 1
      await all(wins, `window.setCfg({ ack: 'last', lastSeq: ${last} })`)
      const done = expectAcks(last, N)
      const t0 = performance.now()
      for (let i = 0; i < k; i++) {
        const value = { seq: nextSeq(), data }
        if (kind === 'bridge') $t.set(value)
        else for (const wc of contents) wc.send('raw', value)
        await null
      }
      await done
      const seconds = (performance.now() - t0) / 1000
      const counts = await all(wins, `window.counts.${kind}`)
      if (counts.some(c => c !== k)) throw new Error(`bench: ${kind} delivered ${counts} of ${k} updates`)
      return k / seconds
    }
    for (const size of [
      { bytes: 100, k: 30000 },
      { bytes: 10 * KB, k: 8000 }
    ]) {
      const data = 'x'.repeat(size.bytes)
      const k = Math.max(100, Math.round(size.k * scale))
      await runOnce('bridge', 500, data) // warm-up
      await runOnce('raw', 500, data)
      const b = []
      const r = []
      for (let rep = 0; rep < 5; rep++) {
        if (rep % 2) {
          b.push(await runOnce('bridge', k, data))
          r.push(await runOnce('raw', k, data))
        } else {
          r.push(await runOnce('raw', k, data))
          b.push(await runOnce('bridge', k, data))
        }
      }
      rows.push({
        scenario: '2 throughput',
        case: `main updates/s delivered to ${N} windows, ${sizeLabel(size.bytes)} (median of 5 × ${k})`,
        unit: 'updates/s',
        bridge: Math.round(median(b)),
        raw: Math.round(median(r)),
        ratio: ratio(median(r), median(b)), // cost ratio: raw rate / bridge rate (>1 = bridge slower)
        windows: N,
        payloadBytes: size.bytes,
        better: 'higher',
        note: 'ratio = raw/bridge (time per update)'
      })
    }

    // Coalescing: one producer sets one store 100k times in a tight loop.
    const K = Math.max(1000, Math.round(100000 * scale))
    const data = 'x'.repeat(100)
    async function burst(kind) {
      await standIn.idle()
      const first = seqCounter + 1
      const last = first + K - 1
      await all(wins, `window.setCfg({ ack: 'last', lastSeq: ${last} })`)
      const before = await memory()
      standIn.resetStats()
      const done = expectAcks(last, N, 120000)
      const t0 = performance.now()
      for (let i = 0; i < K; i++) {
        const value = { seq: nextSeq(), data }
        if (kind === 'bridge') $t.set(value)
        else for (const wc of contents) wc.send('raw', value)
      }
      const loopMs = performance.now() - t0
      const peak = process.memoryUsage()
      const pending = kind === 'bridge' ? ipc.stats().pendingBroadcasts : null
      await done
      const ms = performance.now() - t0
      const messages = mainSent(kind === 'bridge' ? UPDATE : 'raw').messages
      const counts = await all(wins, `window.counts.${kind}`)
      const finals = await all(wins, kind === 'bridge' ? `window.value('${sidOf('tp')}').seq` : `window.rawValue.seq`)
      return {
        ms,
        loopMs,
        messages,
        delivered: Math.max(...counts),
        finalOk: finals.every(s => s === last),
        pending,
        heapGrowth: peak.heapUsed - before.heapUsed,
        rssGrowth: peak.rss - before.rss
      }
    }
    const rb = await burst('raw')
    const bb = await burst('bridge')
    const base = { scenario: '2 coalescing', windows: N, payloadBytes: 100 }
    const caseName = `${K} sets of one store in one tick, 4 windows`
    rows.push(
      {
        ...base,
        case: `${caseName}: time until every window holds the last value`,
        unit: 'ms',
        bridge: r3(bb.ms),
        raw: r3(rb.ms),
        ratio: ratio(bb.ms, rb.ms),
        better: 'lower'
      },
      {
        ...base,
        case: `${caseName}: messages sent`,
        unit: 'messages',
        bridge: bb.messages,
        raw: rb.messages,
        ratio: ratio(bb.messages, rb.messages),
        better: 'lower'
      },
      {
        ...base,
        case: `${caseName}: updates applied per window`,
        unit: 'updates',
        bridge: bb.delivered,
        raw: rb.delivered,
        ratio: ratio(bb.delivered, rb.delivered),
        better: 'lower'
      },
      {
        ...base,
        case: `${caseName}: final value correct in every window`,
        unit: 'bool',
        bridge: bb.finalOk,
        raw: rb.finalOk,
        ratio: null
      },
      {
        ...base,
        case: `${caseName}: main-side producer loop (sets / sends)`,
        unit: 'ms',
        bridge: r3(bb.loopMs),
        raw: r3(rb.loopMs),
        ratio: ratio(bb.loopMs, rb.loopMs),
        better: 'lower'
      },
      {
        ...base,
        case: `${caseName}: broadcasts the bridge holds after the loop`,
        unit: 'pending',
        bridge: bb.pending,
        raw: '—',
        ratio: null,
        note: 'one dirty entry per store, whatever the number of sets'
      },
      {
        ...base,
        case: `${caseName}: main heap growth while producing`,
        unit: 'MB',
        bridge: mb(bb.heapGrowth),
        raw: mb(rb.heapGrowth),
        ratio: null,
        better: 'lower',
        note: 'heapUsed right after the loop minus before (no gc); raw queues every message'
      },
      {
        ...base,
        case: `${caseName}: main RSS growth while producing`,
        unit: 'MB',
        bridge: mb(bb.rssGrowth),
        raw: mb(rb.rssGrowth),
        ratio: null,
        better: 'lower'
      }
    )
  })
}

// ---------------------------------------------------------------------------- 3. renderer write

export async function writeRoundTrip(rows, { scale = 1 } = {}) {
  for (const n of [1, 4]) {
    await session(async ipc => {
      const $w = atom({ seq: 0, data: '' })
      ipc.registerStore(sidOf('w'), $w)
      const wins = await open(n)
      await all(wins, `window.use('${sidOf('w')}', null)`)
      await standIn.idle()
      await all(wins, `window.setCfg({ ack: 'none' })`)
      const writer = wins[0]
      const others = wins.slice(1).map(w => w.webContents)
      // Raw: an invoke echo that also forwards the value to the other windows, as the bridge does.
      let rawRev = 0
      ipcMain.handle('echo', (_event, value) => {
        for (const wc of others) wc.send('raw', value)
        return { rev: ++rawRev }
      })
      for (const size of [
        { bytes: 100, iters: 1000 },
        { bytes: 10 * KB, iters: 1000 }
      ]) {
        const iters = Math.max(20, Math.round(size.iters * scale))
        await ex(writer, `window.writeRoundTrips('${sidOf('w')}', 100, ${size.bytes})`) // warm-up
        const res = await ex(writer, `window.writeRoundTrips('${sidOf('w')}', ${iters}, ${size.bytes})`)
        const b = sortNum(res.bridge)
        const r = sortNum(res.raw)
        for (const [q, name] of [
          [0.5, 'p50'],
          [0.99, 'p99']
        ]) {
          rows.push({
            scenario: '3 write round trip',
            case: `renderer write until acknowledged, ${n} window(s), ${sizeLabel(size.bytes)}, ${name}`,
            unit: 'ms',
            bridge: r3(quantile(b, q)),
            raw: r3(quantile(r, q)),
            ratio: ratio(quantile(b, q), quantile(r, q)),
            samples: iters,
            windows: n,
            payloadBytes: size.bytes,
            stat: name,
            better: 'lower',
            note: n > 1 ? 'raw echo also forwards the value to the other windows' : undefined
          })
        }
      }
    })
  }
}

// ---------------------------------------------------------------------------- 4. hydration

export async function hydration(rows, { scale = 1 } = {}) {
  const STORES = 1000
  const REPS = Math.max(2, Math.round(9 * scale))
  await session(async ipc => {
    const values = []
    for (let i = 0; i < STORES; i++) {
      const value = { i, label: `store ${i}`, on: i % 2 === 0 }
      values.push(value)
      ipc.registerStore(`${sidOf('h')}_${i}`, atom(value))
    }
    ipcMain.handle('getMany', (_event, ids) => ids.map(id => values[Number(id.slice(id.lastIndexOf('_') + 1))]))
    const b = []
    const r = []
    const bm = []
    const rm = []
    const roundTrips = []
    let ok = true
    for (let rep = 0; rep < REPS; rep++) {
      for (const kind of rep % 2 ? ['bridge', 'raw'] : ['raw', 'bridge']) {
        const [win] = await open(1)
        await standIn.idle()
        standIn.resetStats()
        const ms = await ex(
          win,
          kind === 'bridge'
            ? `window.hydrate(${STORES}, '${sidOf('h')}_')`
            : `window.rawHydrate(${STORES}, '${sidOf('h')}_')`
        )
        await standIn.idle()
        const s = standIn.stats()
        const messages = s.mainToRenderer.messages + s.rendererToMain.messages
        if (kind === 'bridge') {
          b.push(ms)
          bm.push(messages)
          roundTrips.push(s.rendererToMain.channels[`${PREFIX}:ns:get`]?.messages ?? 0)
          ok &&= await ex(win, `window.hydrated.every((s, i) => s.get() !== null && s.get().i === i && s.rev === 0)`)
        } else {
          r.push(ms)
          rm.push(messages)
        }
        win.destroy()
        await standIn.closed()
      }
    }
    if (!ok) throw new Error("bench: hydration left a store without main's value")
    const base = { scenario: '4 hydration', windows: 1 }
    rows.push(
      {
        ...base,
        case: `new window creates ${STORES} stores: ms until all hold main's values (median of ${REPS})`,
        unit: 'ms',
        bridge: r3(median(b)),
        raw: r3(median(r)),
        ratio: ratio(median(b), median(r)),
        better: 'lower',
        note: 'raw: one batched invoke for all ids'
      },
      {
        ...base,
        case: `new window creates ${STORES} stores: IPC messages (both directions)`,
        unit: 'messages',
        bridge: Math.max(...bm),
        raw: Math.max(...rm),
        ratio: ratio(Math.max(...bm), Math.max(...rm)),
        better: 'lower'
      },
      {
        ...base,
        case: `new window creates ${STORES} stores: round trips (invokes)`,
        unit: 'round trips',
        bridge: Math.max(...roundTrips),
        raw: 1,
        ratio: ratio(Math.max(...roundTrips), 1),
        better: 'lower'
      }
    )
  })
}

// ---------------------------------------------------------------------------- 5. selective delivery

export async function selective(rows, { scale = 1 } = {}) {
  const N = 16
  const ROUNDS = Math.max(5, Math.round(50 * scale))
  await session(async ipc => {
    const stores = []
    for (let i = 0; i < N; i++) {
      const $s = atom({ seq: 0 })
      ipc.registerStore(sidOf(`sel${i}`), $s)
      stores.push($s)
    }
    const wins = await open(N)
    await Promise.all(wins.map((w, i) => ex(w, `window.use('${sidOf(`sel${i}`)}', null)`)))
    await standIn.idle()
    await all(wins, `window.setCfg({ ack: 'all' })`)
    const contents = wins.map(w => w.webContents)
    const b = []
    const r = []
    let bMsgs = 0
    let rMsgs = 0
    let updates = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < N; i++) {
        for (const kind of (round + i) % 2 ? ['bridge', 'raw'] : ['raw', 'bridge']) {
          const seq = nextSeq()
          const done = expectAcks(seq, 1)
          standIn.resetStats()
          const t0 = performance.now()
          if (kind === 'bridge') stores[i].set({ seq })
          else contents[i].send('raw', { seq })
          await done
          const dt = performance.now() - t0
          const s = standIn.stats().mainToRenderer
          if (kind === 'bridge') {
            b.push(dt)
            bMsgs += s.channels[UPDATE]?.messages ?? 0
            updates++
          } else {
            r.push(dt)
            rMsgs += s.channels.raw?.messages ?? 0
          }
        }
      }
    }
    const base = { scenario: '5 selective delivery', windows: N }
    rows.push(
      {
        ...base,
        case: `${N} windows each using 1 of ${N} stores: messages sent per update`,
        unit: 'messages',
        bridge: r3(bMsgs / updates),
        raw: r3(rMsgs / updates),
        ratio: ratio(bMsgs, rMsgs),
        better: 'lower',
        note: 'sending every update to every window would be 16; raw sends to the one window that uses the store',
        samples: updates
      },
      {
        ...base,
        case: `${N} windows each using 1 of ${N} stores: latency p50`,
        unit: 'ms',
        bridge: r3(median(b)),
        raw: r3(median(r)),
        ratio: ratio(median(b), median(r)),
        better: 'lower',
        samples: updates
      }
    )
  })
}

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
  latency,
  throughput,
  writeRoundTrip,
  hydration,
  selective,
  streaming,
  memory: memoryScenario
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
