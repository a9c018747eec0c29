// The bridge against the transport's floor and against the baseline, in one run:
//   bridge    syncedAtom / registerStore through nanostore-ipc-bridge
//   raw       the floor: the same payloads with plain webContents.send / ipcRenderer.invoke
//             through the same stand-in and contextBridge, no bridge
//   baseline  the bridge's design as first specified, written plainly (bench/baseline/):
//             every update to every window, one invoke per store to hydrate, no coalescing
// The three alternate inside each scenario (the order rotates every round), so noise hits
// all alike. Delivery is timed in main from the set until every window's page acked the
// value it applied (a tiny raw send); the ack's trip is in every figure.
import { atom } from 'nanostores'

import { ipcMain, standIn } from '../__test__/electron-stand-in/index.js'
import {
  KB,
  PREFIX,
  all,
  ex,
  expectAcks,
  mainSent,
  median,
  memory,
  nextSeq,
  open,
  quantile,
  r3,
  ratio,
  seqCounter,
  session,
  sidOf,
  sizeLabel,
  sortNum
} from './harness.js'

const UPDATE = `${PREFIX}:ns:update`
export const KINDS = ['bridge', 'raw', 'baseline']
// The order of the three in round i.
export const rotation = i => KINDS.map((_, k) => KINDS[(i + k) % KINDS.length])

// A row with the three figures and both ratios (bridge / floor, bridge / baseline).
export function row(base, values, extra = {}) {
  return {
    ...base,
    bridge: values.bridge,
    raw: values.raw,
    baseline: values.baseline,
    ratio: ratio(values.bridge, values.raw),
    vsBaseline: ratio(values.bridge, values.baseline),
    ...extra
  }
}

// One synced value, three ways: a bridge store, raw sends, a baseline store, with every
// window using the bridge's and the baseline's.
export async function threeWays(ipc, baseline, wins, name, initial) {
  const ids = { bridge: sidOf(name), baseline: sidOf(`${name}-base`) }
  const $bridge = atom(initial)
  const $baseline = atom(initial)
  ipc.registerStore(ids.bridge, $bridge)
  baseline.register(ids.baseline, $baseline)
  await all(wins, `window.use('${ids.bridge}', null), window.useBaseline('${ids.baseline}', null)`)
  await standIn.idle()
  const contents = wins.map(w => w.webContents)
  return {
    ids,
    set: {
      bridge: value => $bridge.set(value),
      raw: value => {
        for (const wc of contents) wc.send('raw', value)
      },
      baseline: value => $baseline.set(value)
    }
  }
}

// ---------------------------------------------------------------------------- 1. latency

export async function latency(rows, { scale = 1 } = {}) {
  for (const n of [1, 4, 16, 64]) {
    await session(async (ipc, baseline) => {
      const wins = await open(n)
      const { set } = await threeWays(ipc, baseline, wins, 'lat', { seq: 0, data: '' })
      await all(wins, `window.setCfg({ ack: 'all' })`)
      for (const bytes of [100, 10 * KB]) {
        const data = 'x'.repeat(bytes)
        const iters = Math.max(10, Math.round((1500 * scale) / Math.max(1, n / 4)))
        const warm = Math.min(100, iters)
        const samples = { bridge: [], raw: [], baseline: [] }
        for (let i = 0; i < warm + iters; i++) {
          for (const kind of rotation(i)) {
            const seq = nextSeq()
            const done = expectAcks(seq, n)
            const t0 = performance.now()
            set[kind]({ seq, data })
            await done
            if (i >= warm) samples[kind].push(performance.now() - t0)
          }
        }
        for (const [q, stat] of [
          [0.5, 'p50'],
          [0.99, 'p99']
        ]) {
          const at = kind => r3(quantile(sortNum(samples[kind]), q))
          rows.push(
            row(
              {
                scenario: '1 latency',
                case: `main set → ${n} window(s) applied, ${sizeLabel(bytes)}, ${stat}`,
                unit: 'ms',
                samples: iters,
                windows: n,
                payloadBytes: bytes,
                stat,
                better: 'lower'
              },
              { bridge: at('bridge'), raw: at('raw'), baseline: at('baseline') }
            )
          )
        }
      }
    })
  }
}

// ---------------------------------------------------------------------------- 2. throughput and bursts

export async function throughput(rows, { scale = 1 } = {}) {
  const N = 4
  await session(async (ipc, baseline) => {
    const wins = await open(N)
    const { ids, set } = await threeWays(ipc, baseline, wins, 'tp', { seq: 0, data: '' })

    // Sustained: k distinct updates, one per microtask turn (the bridge flushes per microtask, so
    // none coalesce), delivered to 4 windows.
    async function sustained(kind, k, data) {
      const last = seqCounter + k
      await all(wins, `window.setCfg({ ack: 'last', lastSeq: ${last} })`)
      const done = expectAcks(last, N)
      const t0 = performance.now()
      for (let i = 0; i < k; i++) {
        set[kind]({ seq: nextSeq(), data })
        await null
      }
      await done
      const seconds = (performance.now() - t0) / 1000
      const counts = await all(wins, `window.counts.${kind}`)
      if (counts.some(c => c !== k)) throw new Error(`bench: ${kind} delivered ${counts} of ${k} updates`)
      return (seconds * 1e6) / k // µs per update
    }
    for (const { bytes, k } of [
      { bytes: 100, k: 20000 },
      { bytes: 10 * KB, k: 6000 }
    ]) {
      const data = 'x'.repeat(bytes)
      const count = Math.max(100, Math.round(k * scale))
      for (const kind of KINDS) await sustained(kind, 300, data) // warm-up
      const times = { bridge: [], raw: [], baseline: [] }
      for (let rep = 0; rep < 5; rep++) {
        for (const kind of rotation(rep)) times[kind].push(await sustained(kind, count, data))
      }
      const med = kind => r3(median(times[kind]))
      rows.push(
        row(
          {
            scenario: '2 throughput',
            case: `main updates delivered to ${N} windows, ${sizeLabel(bytes)}: µs per update (median of 5 × ${count})`,
            unit: 'µs/update',
            windows: N,
            payloadBytes: bytes,
            better: 'lower'
          },
          { bridge: med('bridge'), raw: med('raw'), baseline: med('baseline') },
          { note: `updates/s: ${KINDS.map(kind => `${kind} ${Math.round(1e6 / med(kind))}`).join(', ')}` }
        )
      )
    }

    // A burst: one producer sets one store K times in one tick.
    const K = Math.max(1000, Math.round(100000 * scale))
    const data = 'x'.repeat(100)
    async function burst(kind) {
      await standIn.idle()
      const last = seqCounter + K
      await all(wins, `window.setCfg({ ack: 'last', lastSeq: ${last} })`)
      standIn.resetStats()
      const done = expectAcks(last, N, 180000)
      const t0 = performance.now()
      for (let i = 0; i < K; i++) set[kind]({ seq: nextSeq(), data })
      await done
      const ms = performance.now() - t0
      const channel = { bridge: UPDATE, raw: 'raw', baseline: 'base:update' }[kind]
      const finals = await all(
        wins,
        kind === 'raw' ? 'window.rawValue.seq' : `window.value('${kind === 'bridge' ? ids.bridge : ids.baseline}').seq`
      )
      if (finals.some(s => s !== last)) throw new Error(`bench: ${kind} burst ended on ${finals}, not ${last}`)
      return { ms, messages: mainSent(channel).messages }
    }
    const bursts = {}
    for (const kind of KINDS) bursts[kind] = await burst(kind)
    const base = { scenario: '2 burst', windows: N, payloadBytes: 100 }
    const name = `${K} sets of one store in one tick, ${N} windows`
    rows.push(
      row(
        { ...base, case: `${name}: ms until every window holds the last value`, unit: 'ms', better: 'lower' },
        { bridge: r3(bursts.bridge.ms), raw: r3(bursts.raw.ms), baseline: r3(bursts.baseline.ms) }
      ),
      row(
        { ...base, case: `${name}: messages sent`, unit: 'messages', better: 'lower' },
        { bridge: bursts.bridge.messages, raw: bursts.raw.messages, baseline: bursts.baseline.messages }
      )
    )
  })
}

// ---------------------------------------------------------------------------- 2b. several stores in one tick

// An app that sets several stores together (a form, a route change): 10 stores of 100 B set in
// one tick, 4 windows using all of them; until every window applied the last one (windows apply
// a sender's messages in order, so the last ack means all were applied).
export async function storesInOneTick(rows, { scale = 1 } = {}) {
  const N = 4
  const STORES = 10
  const ROUNDS = Math.max(20, Math.round(400 * scale))
  await session(async (ipc, baseline) => {
    const wins = await open(N)
    const sets = []
    for (let s = 0; s < STORES; s++) sets.push((await threeWays(ipc, baseline, wins, `tick${s}`, { seq: 0 })).set)
    await all(wins, `window.setCfg({ ack: 'all' })`)
    const data = 'x'.repeat(100)
    const channel = { bridge: UPDATE, raw: 'raw', baseline: 'base:update' }
    const samples = { bridge: [], raw: [], baseline: [] }
    const messages = { bridge: 0, raw: 0, baseline: 0 }
    for (let i = 0; i < ROUNDS; i++) {
      for (const kind of rotation(i)) {
        await standIn.idle()
        standIn.resetStats()
        let seq
        const t0 = performance.now()
        for (const set of sets) set[kind]({ seq: (seq = nextSeq()), data })
        await expectAcks(seq, N)
        samples[kind].push(performance.now() - t0)
        messages[kind] = Math.max(messages[kind], mainSent(channel[kind]).messages)
      }
    }
    const base = { scenario: '2 stores in one tick', windows: N, payloadBytes: 100, better: 'lower' }
    const label = `${STORES} stores of 100 B set in one tick, ${N} windows`
    const at = (kind, q) => r3(quantile(sortNum(samples[kind]), q))
    rows.push(
      row(
        { ...base, case: `${label}: ms until every window applied all, p50 (${ROUNDS} rounds)`, unit: 'ms' },
        {
          bridge: at('bridge', 0.5),
          raw: at('raw', 0.5),
          baseline: at('baseline', 0.5)
        }
      ),
      row({ ...base, case: `${label}: messages sent`, unit: 'messages' }, messages)
    )
  })
}

// ---------------------------------------------------------------------------- 3. renderer write

export async function writeRoundTrip(rows, { scale = 1 } = {}) {
  for (const n of [1, 4]) {
    await session(async (ipc, baseline) => {
      const wins = await open(n)
      const { ids } = await threeWays(ipc, baseline, wins, 'w', { seq: 0, data: '' })
      await all(wins, `window.setCfg({ ack: 'none' })`)
      const writer = wins[0]
      const others = wins.slice(1).map(w => w.webContents)
      // Raw: an invoke echo that also forwards the value to the other windows, as the bridge does.
      let rawRev = 0
      ipcMain.handle('echo', (_event, value) => {
        for (const wc of others) wc.send('raw', value)
        return { rev: ++rawRev }
      })
      const idsJson = JSON.stringify(ids)
      for (const bytes of [100, 10 * KB]) {
        const iters = Math.max(20, Math.round(800 * scale))
        await ex(writer, `window.writeRoundTrips(${idsJson}, 60, ${bytes})`) // warm-up
        const times = await ex(writer, `window.writeRoundTrips(${idsJson}, ${iters}, ${bytes})`)
        for (const [q, stat] of [
          [0.5, 'p50'],
          [0.99, 'p99']
        ]) {
          const at = kind => r3(quantile(sortNum(times[kind]), q))
          rows.push(
            row(
              {
                scenario: '3 write round trip',
                case: `renderer write until acknowledged, ${n} window(s), ${sizeLabel(bytes)}, ${stat}`,
                unit: 'ms',
                samples: iters,
                windows: n,
                payloadBytes: bytes,
                stat,
                better: 'lower',
                note: n > 1 ? 'raw echo also forwards the value to the other windows' : undefined
              },
              { bridge: at('bridge'), raw: at('raw'), baseline: at('baseline') }
            )
          )
        }
      }
    })
  }
}

// ---------------------------------------------------------------------------- 4. hydration

const PHASES = {
  made: 'of which the page making its stores (before any IPC)',
  wait: 'then until the first value arrived',
  apply: 'then until every store applied its value'
}

export async function hydration(rows, { scale = 1 } = {}) {
  const STORES = 1000
  const REPS = Math.max(3, Math.round(9 * scale))
  await session(async (ipc, baseline) => {
    const values = []
    for (let i = 0; i < STORES; i++) {
      const value = { i, label: `store ${i}`, on: i % 2 === 0 }
      values.push(value)
      ipc.registerStore(`${sidOf('h')}_${i}`, atom(value))
      baseline.register(`${sidOf('hb')}_${i}`, atom(value))
    }
    ipcMain.handle('getMany', (_event, ids) => ids.map(id => values[Number(id.slice(id.lastIndexOf('_') + 1))]))
    const ms = { bridge: [], raw: [], baseline: [] }
    const phases = Object.fromEntries(KINDS.map(kind => [kind, { made: [], wait: [], apply: [] }]))
    const messages = { bridge: 0, raw: 0, baseline: 0 }
    const roundTrips = { bridge: 0, raw: 0, baseline: 0 }
    const call = {
      bridge: `window.hydrate(${STORES}, '${sidOf('h')}_')`,
      raw: `window.rawHydrate(${STORES}, '${sidOf('h')}_')`,
      baseline: `window.baselineHydrate(${STORES}, '${sidOf('hb')}_')`
    }
    const invokeChannel = { bridge: `${PREFIX}:ns:get`, raw: 'getMany', baseline: 'base:get' }
    for (let rep = 0; rep < REPS; rep++) {
      for (const kind of rotation(rep)) {
        const [win] = await open(1)
        await standIn.idle()
        standIn.resetStats()
        ms[kind].push(await ex(win, call[kind]))
        const p = await ex(win, 'window.phases')
        phases[kind].made.push(p.made)
        phases[kind].wait.push(p.firstValue - p.made)
        phases[kind].apply.push(p.all - p.firstValue)
        await standIn.idle()
        const s = standIn.stats()
        messages[kind] = Math.max(messages[kind], s.mainToRenderer.messages + s.rendererToMain.messages)
        roundTrips[kind] = Math.max(roundTrips[kind], s.rendererToMain.channels[invokeChannel[kind]]?.messages ?? 0)
        if (kind === 'bridge') {
          const ok = await ex(
            win,
            'window.hydrated.every((s, i) => s.get() !== null && s.get().i === i && s.rev === 0)'
          )
          if (!ok) throw new Error("bench: hydration left a store without main's value")
        }
        win.destroy()
        await standIn.closed()
      }
    }
    const base = { scenario: '4 hydration', windows: 1, better: 'lower' }
    const label = `new window creates ${STORES} stores`
    rows.push(
      row(
        { ...base, case: `${label}: ms until all hold main's values (median of ${REPS})`, unit: 'ms' },
        { bridge: r3(median(ms.bridge)), raw: r3(median(ms.raw)), baseline: r3(median(ms.baseline)) },
        { note: 'raw: one batched invoke for all ids' }
      ),
      ...['made', 'wait', 'apply'].map(phase =>
        row(
          {
            ...base,
            case: `${label}: ${PHASES[phase]} (median)`,
            unit: 'ms',
            phase
          },
          {
            bridge: r3(median(phases.bridge[phase])),
            raw: r3(median(phases.raw[phase])),
            baseline: r3(median(phases.baseline[phase]))
          }
        )
      ),
      row({ ...base, case: `${label}: IPC messages (both directions)`, unit: 'messages' }, messages),
      row({ ...base, case: `${label}: round trips (invokes)`, unit: 'round trips' }, roundTrips)
    )
  })
}

// ---------------------------------------------------------------------------- 5. selective delivery

export async function selective(rows, { scale = 1 } = {}) {
  const N = 16
  const ROUNDS = Math.max(5, Math.round(40 * scale))
  await session(async (ipc, baseline) => {
    const stores = { bridge: [], baseline: [] }
    const wins = await open(N)
    for (let i = 0; i < N; i++) {
      const $s = atom({ seq: 0 })
      const $b = atom({ seq: 0 })
      ipc.registerStore(sidOf(`sel${i}`), $s)
      baseline.register(sidOf(`selb${i}`), $b)
      stores.bridge.push($s)
      stores.baseline.push($b)
    }
    await Promise.all(
      wins.map((w, i) =>
        ex(w, `window.use('${sidOf(`sel${i}`)}', null), window.useBaseline('${sidOf(`selb${i}`)}', null)`)
      )
    )
    await standIn.idle()
    await all(wins, `window.setCfg({ ack: 'all' })`)
    const contents = wins.map(w => w.webContents)
    const set = {
      bridge: (i, v) => stores.bridge[i].set(v),
      raw: (i, v) => contents[i].send('raw', v),
      baseline: (i, v) => stores.baseline[i].set(v)
    }
    const channel = { bridge: UPDATE, raw: 'raw', baseline: 'base:update' }
    const times = { bridge: [], raw: [], baseline: [] }
    const messages = { bridge: 0, raw: 0, baseline: 0 }
    let updates = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < N; i++) {
        updates++
        for (const kind of rotation(round + i)) {
          const seq = nextSeq()
          const done = expectAcks(seq, 1)
          await standIn.idle()
          standIn.resetStats()
          const t0 = performance.now()
          set[kind](i, { seq })
          await done
          times[kind].push(performance.now() - t0)
          await standIn.idle()
          messages[kind] += mainSent(channel[kind]).messages
        }
      }
    }
    const base = { scenario: '5 selective delivery', windows: N, samples: updates }
    const label = `${N} windows each using 1 of ${N} stores`
    const perUpdate = kind => r3(messages[kind] / updates)
    rows.push(
      row(
        { ...base, case: `${label}: messages sent per update`, unit: 'messages', better: 'lower' },
        { bridge: perUpdate('bridge'), raw: perUpdate('raw'), baseline: perUpdate('baseline') }
      ),
      row(
        { ...base, case: `${label}: latency p50`, unit: 'ms', better: 'lower' },
        { bridge: r3(median(times.bridge)), raw: r3(median(times.raw)), baseline: r3(median(times.baseline)) }
      )
    )
  })
}

// ---------------------------------------------------------------------------- 6. scale

// Main's cost of one commit, and its memory per window, with 100 or 10,000 stores registered
// and each window subscribed to 100 of them: neither may grow with the registered stores. One
// session: the same windows and subscriptions, 9,900 more stores registered and unregistered
// between rounds, so the registered count is the only difference.
export async function manyStores(rows, { scale = 1 } = {}) {
  const WINDOWS = 8
  const PER_WINDOW = 100
  const COMMITS = Math.max(300, Math.round(3000 * scale))
  const samples = { 100: [], 10000: [] }
  const heap = { 100: [], 10000: [] }
  await session(async ipc => {
    const stores = []
    const register = (from, to) => {
      for (let i = from; i < to; i++) {
        const $s = atom(i)
        ipc.registerStore(`${sidOf('many')}_${i}`, $s)
        stores[i] = $s
      }
    }
    register(0, 100)
    // windows with the bridge's subscriptions: heap per window, measured against the same windows' heap
    // before they subscribed (a stand-in window costs main heap of its own)
    const measureWindows = async registered => {
      const wins = await open(WINDOWS)
      await standIn.idle()
      const before = await memory()
      // window w uses stores [w * 10, w * 10 + 100): 170 stores with 1–8 windows each
      await Promise.all(
        wins.map((win, w) =>
          ex(
            win,
            `(() => { for (let i = 0; i < ${PER_WINDOW}; i++) window.use('${sidOf('many')}_' + (${w * 10} + i), null); return true })()`
          )
        )
      )
      await standIn.idle()
      const after = await memory()
      heap[registered].push((after.heapUsed - before.heapUsed) / WINDOWS)
      await all(wins, `window.setCfg({ ack: 'none' })`)
      return wins
    }
    // main-side time of one commit: set a subscribed store, let the flush commit and send it
    const measureCommits = registered => {
      const times = samples[registered]
      return (async () => {
        for (let i = 0; i < COMMITS; i++) {
          const t0 = performance.now()
          stores[i % PER_WINDOW].set(-i - 1)
          await null // the flush runs in this promise job
          times.push((performance.now() - t0) * 1000)
          if (i % 300 === 299) await standIn.idle()
        }
        await standIn.idle()
      })()
    }
    for (let round = 0; round < 2; round++) {
      for (const registered of [100, 10000]) {
        if (registered === 10000) register(100, 10000)
        const wins = await measureWindows(registered)
        await measureCommits(registered)
        for (const win of wins) win.destroy()
        await standIn.closed()
        if (registered === 10000) for (let i = 100; i < 10000; i++) ipc.unregisterStore(`${sidOf('many')}_${i}`)
      }
    }
  })
  const med = registered => median(samples[registered])
  const kb = registered => median(heap[registered]) / 1024
  const base = { scenario: '6 scale', windows: WINDOWS, better: 'lower' }
  rows.push(
    {
      ...base,
      case: `main time per commit (set + flush + sends; median of ${2 * COMMITS}), ${WINDOWS} windows × ${PER_WINDOW} subscribed stores: 100 vs 10,000 registered`,
      unit: 'µs',
      bridge: `${r3(med(100))} → ${r3(med(10000))}`,
      ratio: ratio(med(10000), med(100)),
      note: 'ratio = 10,000 / 100 registered (1 = does not grow with registered stores)'
    },
    {
      ...base,
      case: `main heap per window for its ${PER_WINDOW} subscriptions: 100 vs 10,000 registered`,
      unit: 'KB',
      bridge: `${r3(kb(100))} → ${r3(kb(10000))}`,
      ratio: ratio(kb(10000), kb(100)),
      note: 'heap after gc, after minus before the windows subscribed (median of 2)'
    }
  )
}

export const SCENARIOS = { latency, throughput, storesInOneTick, writeRoundTrip, hydration, selective, manyStores }
