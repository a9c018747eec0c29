// Where one main update's time goes (100 B, 1 and 16 windows): the latency scenario's trip cut in
// legs, bridge, floor and baseline alternating as there, medians of every leg.
//   main       the set → main's first webContents.send (main's clock)
//   sends      that first send → the last send returned (16 windows: main's loop over them)
//   to window  the first send → a window's ipcRenderer delivering the message (the preload's
//              prepended listener, bench/fixtures/preload-raw-api.js); a median over windows
//   in window  delivered → the page's listener applied the value (the window's clock): the
//              preload, the contextBridge crossing, the store, the listener
//   ack        applied → main got the page's ack
// "main", "sends" and "in window" are read on one clock each (performance.now() of that thread);
// the legs between threads are read on two, put on main's by the difference of their
// timeOrigins, so an error in that offset shifts a leg alike for the three contenders:
// bridge − floor is exact.
import { ipcMain } from '../__test__/electron-stand-in/index.js'
import { all, median, nextSeq, open, r3, session } from './harness.js'
import { KINDS, row, rotation, threeWays } from './compare.js'

const LEGS = {
  main: 'main: the set until the first webContents.send',
  sends: "main's sends: the first until the last returned",
  toWindow: 'to a window: the first send until its ipcRenderer delivered it',
  inWindow: 'in a window: delivered until the page applied it (preload, contextBridge, store)',
  ack: "back: a page's ack until main got it"
}

export async function attribution(rows, { scale = 1 } = {}) {
  for (const n of [1, 16]) await legsWith(n, rows, scale)
}

async function legsWith(n, rows, scale) {
  await session(async (ipc, baseline) => {
    const wins = await open(n)
    const { set } = await threeWays(ipc, baseline, wins, 'legs', { seq: 0, data: '' })
    await all(wins, `window.setCfg({ ack: 'timed' })`)
    // Each window's clock on main's: add this (ms).
    const origins = await all(wins, 'performance.timeOrigin')
    const offsets = new Map(wins.map((win, i) => [win.webContents.id, origins[i] - performance.timeOrigin]))
    // Main's first and last send after the set: its last step before the transport.
    let firstSend = 0
    let lastSent = 0
    for (const win of wins) {
      const wc = win.webContents
      const send = wc.send.bind(wc)
      wc.send = (...args) => {
        if (firstSend === 0) firstSend = performance.now()
        send(...args)
        lastSent = performance.now()
      }
    }
    let waiting = null // { seq, acks, resolve }
    const onTimedAck = (event, seq, delivered, applied) => {
      const got = performance.now()
      const offset = offsets.get(event.sender.id)
      if (waiting?.seq !== seq) return
      waiting.acks.push({ delivered: delivered + offset, applied: applied + offset, got })
      if (waiting.acks.length === n) waiting.resolve()
    }
    ipcMain.on('tack', onTimedAck)
    const data = 'x'.repeat(100)
    const iters = Math.max(50, Math.round((2000 * scale) / (n > 1 ? 4 : 1)))
    const warm = Math.min(200, iters)
    const legs = Object.fromEntries(
      KINDS.map(kind => [kind, { main: [], sends: [], toWindow: [], inWindow: [], ack: [] }])
    )
    for (let i = 0; i < warm + iters; i++) {
      for (const kind of rotation(i)) {
        const acks = []
        const acked = new Promise(resolve => {
          waiting = { seq: nextSeq(), acks, resolve }
        })
        firstSend = 0
        const t0 = performance.now()
        set[kind]({ seq: waiting.seq, data })
        await acked
        if (i < warm) continue
        const leg = legs[kind]
        leg.main.push(firstSend - t0)
        leg.sends.push(lastSent - firstSend)
        for (const { delivered, applied, got } of acks) {
          leg.toWindow.push(delivered - firstSend)
          leg.inWindow.push(applied - delivered)
          leg.ack.push(got - applied)
        }
      }
    }
    ipcMain.removeListener('tack', onTimedAck)
    const µs = (kind, leg) => r3(median(legs[kind][leg]) * 1000)
    for (const [leg, label] of Object.entries(LEGS)) {
      if (leg === 'sends' && n === 1) continue
      const perWindow = n > 1 && leg !== 'main' && leg !== 'sends' ? ', median over windows' : ''
      rows.push(
        row(
          {
            scenario: '1 latency, where the time goes',
            case: `main set → ${n} window(s) applied, 100 B: ${label} (µs, median of ${iters}${perWindow})`,
            unit: 'µs',
            samples: iters,
            windows: n,
            phase: leg,
            better: 'lower'
          },
          { bridge: µs('bridge', leg), raw: µs('raw', leg), baseline: µs('baseline', leg) },
          { note: `bridge − floor ${r3(µs('bridge', leg) - µs('raw', leg))} µs` }
        )
      )
    }
  })
}
