// Where one main update's time goes (1 window, 100 B): the latency scenario's trip cut in four
// legs, bridge, floor and baseline alternating as there, medians of every leg.
//   main       the set → main's first webContents.send (main's clock)
//   to window  that send → the window's ipcRenderer delivering the message (the preload's
//              prepended listener, bench/fixtures/preload-raw-api.js)
//   in window  delivered → the page's listener applied the value (the window's clock): the
//              preload, the contextBridge crossing, the store, the listener
//   ack        applied → main got the page's ack
// "main" and "in window" are read on one clock each (performance.now() of that thread); the two
// legs between threads are read on two, put on main's by the difference of their timeOrigins, so
// an error in that offset shifts a leg alike for the three contenders: bridge − floor is exact.
import { ipcMain } from '../__test__/electron-stand-in/index.js'
import { all, median, nextSeq, open, r3, session } from './harness.js'
import { KINDS, row, rotation, threeWays } from './compare.js'

const LEGS = {
  main: 'main: the set until the first webContents.send',
  toWindow: 'to the window: that send until its ipcRenderer delivered it',
  inWindow: 'in the window: delivered until the page applied it (preload, contextBridge, store)',
  ack: "back: the page's ack until main got it"
}

export async function attribution(rows, { scale = 1 } = {}) {
  await session(async (ipc, baseline) => {
    const wins = await open(1)
    const { set } = await threeWays(ipc, baseline, wins, 'legs', { seq: 0, data: '' })
    await all(wins, `window.setCfg({ ack: 'timed' })`)
    // The window's clock on main's: add this (ms).
    const offset = (await all(wins, 'performance.timeOrigin'))[0] - performance.timeOrigin
    // The first send after the set: main's last step before the transport.
    const wc = wins[0].webContents
    const send = wc.send.bind(wc)
    let firstSend = 0
    wc.send = (...args) => {
      if (firstSend === 0) firstSend = performance.now()
      return send(...args)
    }
    let waiting = null // { seq, resolve }
    const onTimedAck = (_event, seq, delivered, applied) => {
      const got = performance.now()
      if (waiting?.seq === seq) waiting.resolve({ delivered: delivered + offset, applied: applied + offset, got })
    }
    ipcMain.on('tack', onTimedAck)
    const data = 'x'.repeat(100)
    const iters = Math.max(100, Math.round(2000 * scale))
    const warm = Math.min(200, iters)
    const legs = Object.fromEntries(KINDS.map(kind => [kind, { main: [], toWindow: [], inWindow: [], ack: [] }]))
    for (let i = 0; i < warm + iters; i++) {
      for (const kind of rotation(i)) {
        const seq = nextSeq()
        const acked = new Promise(resolve => {
          waiting = { seq, resolve }
        })
        firstSend = 0
        const t0 = performance.now()
        set[kind]({ seq, data })
        const { delivered, applied, got } = await acked
        if (i < warm) continue
        const leg = legs[kind]
        leg.main.push(firstSend - t0)
        leg.toWindow.push(delivered - firstSend)
        leg.inWindow.push(applied - delivered)
        leg.ack.push(got - applied)
      }
    }
    ipcMain.removeListener('tack', onTimedAck)
    const µs = (kind, leg) => r3(median(legs[kind][leg]) * 1000)
    for (const [leg, label] of Object.entries(LEGS)) {
      rows.push(
        row(
          {
            scenario: '1 latency, where the time goes',
            case: `main set → 1 window applied, 100 B: ${label} (µs, median of ${iters})`,
            unit: 'µs',
            samples: iters,
            windows: 1,
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
