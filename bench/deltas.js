// Delta benchmarks: what a change costs on the wire when the bridge sends only the
// change, next to the raw transport sending the whole value.
//   8 a map of 10,000 keys (~1 MB), one key changed per update, 4 windows
//   9 streaming 10,000 small chunks into one string store, 4 windows (unthrottled, throttleMs 16)
//  10 two windows each setting 1,000 different keys of one store at once: keys lost
// Bytes are the stand-in's v8.serialize count of each message (countBytes).
import { serialize } from 'node:v8'

import { atom, map } from 'nanostores'

import { standIn } from '../__test__/electron-stand-in/index.js'
import {
  PREFIX,
  all,
  ex,
  expectAcks,
  mainSent,
  median,
  nextSeq,
  open,
  quantile,
  r3,
  ratio,
  session,
  sidOf,
  sortNum,
  tick
} from './harness.js'

const UPDATE = `${PREFIX}:ns:update`

// ---------------------------------------------------------------------------- 8. one key of a big map

export async function bigMap(rows, { scale = 1 } = {}) {
  const N = 4
  const KEYS = 10000
  const iters = Math.max(10, Math.round(60 * scale))
  const value = i => ({ seq: 0, data: `entry ${i} `.padEnd(90, '.') })
  const whole = Object.fromEntries(Array.from({ length: KEYS }, (_, i) => [`key${i}`, value(i)]))
  const wholeBytes = serialize(whole).length
  await session(
    async ipc => {
      const $m = map(whole)
      const id = sidOf('bigmap')
      ipc.registerStore(id, $m)
      const wins = await open(N)
      await all(wins, `window.useMap('${id}')`)
      await standIn.idle()
      const contents = wins.map(w => w.webContents)
      const times = { bridge: [], raw: [] }
      const bytes = { bridge: 0, raw: 0 }
      const messages = { bridge: 0, raw: 0 }
      let entryBytes = 0
      for (let i = 0; i < iters; i++) {
        for (const kind of i % 2 ? ['bridge', 'raw'] : ['raw', 'bridge']) {
          const seq = nextSeq()
          const key = `key${(i * 7919) % KEYS}`
          const entry = { seq, data: `changed ${seq} `.padEnd(90, '.') }
          entryBytes = serialize([key, entry]).length
          await standIn.idle()
          standIn.resetStats()
          const done = expectAcks(seq, N)
          const t0 = performance.now()
          if (kind === 'bridge') $m.setKey(key, entry)
          else {
            const next = { ...$m.get(), [key]: entry }
            for (const wc of contents) wc.send('raw-map', seq, next)
          }
          await done
          times[kind].push(performance.now() - t0)
          const sent = kind === 'bridge' ? mainSent(UPDATE) : mainSent('raw-map')
          bytes[kind] += sent.bytes
          messages[kind] += sent.messages
        }
      }
      const perWindow = kind => bytes[kind] / messages[kind]
      const base = { scenario: '8 map deltas', windows: N }
      const label = `map of ${KEYS} keys (${(wholeBytes / 1024 / 1024).toFixed(2)} MB), one key changed per update, ${N} windows`
      rows.push(
        {
          ...base,
          case: `${label}: bytes per update per window (changed entry ${entryBytes} B)`,
          unit: 'bytes',
          bridge: Math.round(perWindow('bridge')),
          raw: Math.round(perWindow('raw')),
          ratio: ratio(perWindow('bridge'), perWindow('raw')),
          better: 'lower',
          note: `bridge / changed entry: ${(perWindow('bridge') / entryBytes).toFixed(2)}×`
        },
        {
          ...base,
          case: `${label}: main setKey → all windows applied, p50 (${iters} each)`,
          unit: 'ms',
          bridge: r3(median(times.bridge)),
          raw: r3(median(times.raw)),
          ratio: ratio(median(times.bridge), median(times.raw)),
          better: 'lower',
          note: 'raw sends the whole map'
        },
        {
          ...base,
          case: `${label}: p99`,
          unit: 'ms',
          bridge: r3(quantile(sortNum(times.bridge), 0.99)),
          raw: r3(quantile(sortNum(times.raw), 0.99)),
          ratio: ratio(quantile(sortNum(times.bridge), 0.99), quantile(sortNum(times.raw), 0.99)),
          better: 'lower'
        }
      )
      return { entryBytes, perWindow: perWindow('bridge') }
    },
    { config: { countBytes: true } }
  )
}

// ---------------------------------------------------------------------------- 9. streaming bytes

export async function streamingBytes(rows, { scale = 1 } = {}) {
  const N = 4
  const CHUNKS = Math.max(500, Math.round(10000 * scale))
  const chunks = [
    'tok+ 8b ',
    'a 32-byte chunk of streamed text',
    'a 64-byte chunk of an answer streamed by a model, '.padEnd(64, '.')
  ]
  for (const chunk of chunks) {
    for (const throttleMs of [0, 16]) {
      await session(
        async ipc => {
          const id = sidOf(`stream${throttleMs}`)
          const $text = atom('')
          ipc.registerStore(id, $text, { throttleMs })
          const wins = await open(N)
          await all(wins, `window.use('${id}', '')`)
          await standIn.idle()
          let text = ''
          for (let i = 0; i < CHUNKS; i++) text += chunk
          await all(wins, `window.setCfg({ ack: 'len', lastLen: ${text.length} })`)
          standIn.resetStats()
          const done = expectAcks(`L${text.length}`, N, 120000)
          for (let i = 1; i <= CHUNKS; i++) {
            $text.set(text.slice(0, i * chunk.length))
            await tick()
          }
          await done
          await standIn.idle()
          const sent = mainSent(UPDATE)
          const textBytes = serialize(text).length
          const floor = CHUNKS * serialize([chunk]).length
          rows.push({
            scenario: '9 streaming bytes',
            windows: N,
            case: `${CHUNKS} chunks of ${chunk.length} B into one string, ${N} windows, ${throttleMs ? `throttleMs ${throttleMs}` : 'unthrottled'}: bytes sent per window / the final text`,
            unit: '×',
            bridge: r3(sent.bytes / N / textBytes),
            raw: r3(floor / textBytes),
            ratio: ratio(sent.bytes / N, floor),
            better: 'lower',
            note: `${sent.messages / N} messages per window; raw = each chunk sent alone (the transport's floor)`
          })
        },
        { config: { countBytes: true } }
      )
    }
  }
}

// ---------------------------------------------------------------------------- 10. concurrent keys

export async function concurrentKeys(rows, { scale = 1 } = {}) {
  const KEYS = Math.max(100, Math.round(1000 * scale))
  const lost = {}
  for (const kind of ['map', 'atom']) {
    await session(async ipc => {
      const id = sidOf(`keys-${kind}`)
      const $store = kind === 'map' ? map({}) : atom({})
      ipc.registerStore(id, $store)
      const [a, b] = await open(2)
      const make = kind === 'map' ? `window.useMap('${id}')` : `window.use('${id}', {})`
      await all([a, b], make)
      await standIn.idle()
      await Promise.all([
        ex(a, `window.setKeys('${id}', 'a', ${KEYS}, '${kind}')`),
        ex(b, `window.setKeys('${id}', 'b', ${KEYS}, '${kind}')`)
      ])
      await standIn.idle()
      lost[kind] = 2 * KEYS - Object.keys($store.get()).length
    })
  }
  rows.push({
    scenario: '10 concurrent keys',
    windows: 2,
    case: `two windows each setting ${KEYS} different keys of one store at once: keys lost`,
    unit: 'keys',
    bridge: lost.map,
    raw: lost.atom,
    ratio: null,
    better: 'lower',
    note: 'bridge = syncedMap (setKey); raw column = a whole-object syncedAtom'
  })
}

export const SCENARIOS = { bigMap, streamingBytes, concurrentKeys }

export async function run({ scale = 1, only, log = () => {} } = {}) {
  const rows = []
  for (const [name, fn] of Object.entries(SCENARIOS)) {
    if (only && !only.includes(name)) continue
    log(`deltas: ${name}…`)
    await fn(rows, { scale })
  }
  return rows
}
