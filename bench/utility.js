// A utility process's write until every window has it, bridge next to raw (see bench/bridge.js for
// how "has it" is measured: every page acknowledges what it applied):
//   bridge  syncedAtom.set(value) in the child: sent to main over the bridge's port, applied,
//           committed by the addon, sent to each window (ns:update), applied by each page's proxy atom
//   raw     port.postMessage(value) in the child on a plain MessagePort; main forwards it with
//           webContents.send to each window
// Main times from the command it posts to the child (on a port of their own) until every window's
// ack: both figures include that command's trip, which the `hop` row measures alone (child answers
// at once). Runs as the `utility` scenario of `npm run bench`, or alone:
//   node --expose-gc --import ./__test__/electron-stand-in/register.js bench/utility.js
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

import { atom } from 'nanostores'

import { MessageChannelMain, utilityProcess } from '../__test__/electron-stand-in/index.js'
import {
  all,
  expectAcks,
  nextSeq,
  open,
  quantile,
  r3,
  ratio,
  session,
  setup,
  sidOf,
  sizeLabel,
  sortNum
} from './harness.js'

const CHILD = fileURLToPath(new URL('./fixtures/utility.js', import.meta.url))

export async function utilityWrites(rows, { scale = 1 } = {}) {
  for (const n of [1, 4]) {
    await session(async ipc => {
      const wins = await open(n)
      const id = sidOf(`utility${n}`)
      ipc.registerStore(id, atom(null))
      await all(wins, `window.use(${JSON.stringify(id)}, null)`)
      const child = utilityProcess.fork(CHILD, [], { stdio: 'inherit' })
      ipc.registerUtilityProcess(child, { name: 'bench' })
      const { port1: commands, port2 } = new MessageChannelMain()
      const hops = new Map()
      commands.on('message', ({ data }) => {
        if (data.hop !== undefined) return hops.get(data.hop)?.()
        if (data.ready) return
        for (const win of wins) win.webContents.send('raw', data)
      })
      commands.start()
      const ready = once(commands, 'message')
      child.postMessage({ bench: 'commands' }, [port2])
      await ready

      const once1 = (kind, size) => {
        const seq = nextSeq()
        const t0 = performance.now()
        const done = kind === 'hop' ? new Promise(resolve => hops.set(seq, resolve)) : expectAcks(seq, n)
        commands.postMessage({ kind, id, seq, size })
        return done.then(() => {
          hops.delete(seq)
          return performance.now() - t0
        })
      }
      for (const size of [100, 10 * 1024]) {
        const iters = Math.max(20, Math.round(1000 * scale))
        const times = { bridge: [], raw: [], hop: [] }
        const kinds = ['bridge', 'raw', 'hop']
        for (let i = 0; i < 100; i++) for (const kind of kinds) await once1(kind, size) // warm-up
        for (let i = 0; i < iters; i++) {
          for (let k = 0; k < 3; k++) {
            const kind = kinds[(i + k) % 3]
            times[kind].push(await once1(kind, size))
          }
        }
        const b = sortNum(times.bridge)
        const r = sortNum(times.raw)
        const h = sortNum(times.hop)
        for (const [q, stat] of [
          [0.5, 'p50'],
          [0.99, 'p99']
        ]) {
          rows.push({
            scenario: '11 utility process write',
            case: `utilityProcess write until every window applied it, ${n} window${n > 1 ? 's' : ''}, ${sizeLabel(size)}, ${stat}`,
            unit: 'ms',
            bridge: r3(quantile(b, q)),
            raw: r3(quantile(r, q)),
            ratio: ratio(quantile(b, q), quantile(r, q)),
            samples: iters,
            windows: n,
            payloadBytes: size,
            stat,
            better: 'lower',
            note: `raw: a MessagePort post, then webContents.send per window; both include main's command to the child (alone: ${r3(quantile(h, q))} ms)`
          })
        }
      }
      commands.close()
      child.kill()
    })
  }
}

export async function run({ scale = 1 } = {}) {
  setup()
  const rows = []
  await utilityWrites(rows, { scale })
  return rows
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const scale = Number(process.argv.find(a => a.startsWith('--scale='))?.slice(8) ?? 1)
  console.table(
    (await run({ scale })).map(({ case: c, bridge, raw, ratio, note }) => ({ case: c, bridge, raw, ratio, note }))
  )
}
