// Native core benchmark: ns per call of the hot paths, and the validator next to
// structuredClone (the check a pure-JS runtime would use) on the same input.
//
//   node bench/native.js                     prints a table
//   node bench/native.js --addon=old.node    the same, for another build of the addon (before / after)
//   import { run } from './native.js'; run()   returns the rows
//
// Numbers are printed, never asserted (tests do not time anything). Each case runs in a loop of
// its own, so no call site sees two callees (that would slow every case down a little).
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const addonArg = process.argv.find(a => a.startsWith('--addon='))
const addon = addonArg ? resolve(addonArg.slice('--addon='.length)) : join(here, '..', 'native.cjs')

/** A store-like value with exactly `nodes` values (containers and primitives). */
export function makeValue(nodes) {
  const items = []
  const value = { items }
  let count = 2 // value, items
  let i = 0
  while (count + 10 <= nodes) {
    // 10 nodes: the record, id, title, done, tags, 2 tags, meta, score, owner
    items.push({
      id: i,
      title: `item ${i}`,
      done: i % 2 === 0,
      tags: ['a', 'b'],
      meta: { score: i * 1.5, owner: `u${i % 7}` }
    })
    count += 10
    i++
  }
  while (count < nodes) {
    items.push(count)
    count++
  }
  return value
}

/** ns per call: median of `rounds` timed batches, each sized to run about `targetMs`. */
function nsPerCall(loop, { targetMs = 60, rounds = 5 } = {}) {
  loop(50) // warm-up
  let iters = 1
  for (;;) {
    const t = process.hrtime.bigint()
    loop(iters)
    const ms = Number(process.hrtime.bigint() - t) / 1e6
    if (ms >= targetMs / 4 || iters >= 1 << 24) {
      iters = Math.max(1, Math.round((iters * targetMs) / Math.max(ms, 0.001)))
      break
    }
    iters *= 4
  }
  const samples = []
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint()
    loop(iters)
    samples.push(Number(process.hrtime.bigint() - t) / iters)
  }
  samples.sort((a, b) => a - b)
  return samples[samples.length >> 1]
}

export function run() {
  const { StoreRuntime, checkSerializable, commitStore, authorizeStoreWrite } = require(addon)
  const rows = []

  for (const windows of [1, 16]) {
    const rt = new StoreRuntime()
    const handle = rt.registerStore('s')
    const slot = rt.slot
    for (let w = 1; w <= windows; w++) {
      rt.registerWindow(w)
      rt.subscribe(w, ['s'])
    }
    const label = `${windows} subscribed window${windows > 1 ? 's' : ''}`
    // The commit by id: the recipients written into one reused Float64Array.
    const out = new Float64Array(windows + 1)
    const byId = nsPerCall(n => {
      for (let i = 0; i < n; i++) rt.commitInto('s', undefined, out)
    })
    rows.push({ name: `commitInto, ${label}`, value: Math.round(byId), unit: 'ns/call' })
    // main/'s broadcast path: a plain function of two numbers; the recipients are read once.
    if (commitStore(slot, handle) < 0) rt.recipientsInto(handle, out)
    const byHandle = nsPerCall(n => {
      for (let i = 0; i < n; i++) commitStore(slot, handle)
    })
    rows.push({ name: `commitStore, ${label}`, value: Math.round(byHandle), unit: 'ns/call' })
  }

  {
    const rt = new StoreRuntime()
    const handle = rt.registerStore('s')
    const slot = rt.slot
    rt.registerWindow(1)
    const byId = nsPerCall(n => {
      for (let i = 0; i < n; i++) rt.authorizeWrite(1, 's')
    })
    rows.push({ name: 'authorizeWrite', value: Math.round(byId), unit: 'ns/call' })
    const byHandle = nsPerCall(n => {
      for (let i = 0; i < n; i++) authorizeStoreWrite(slot, 1, handle)
    })
    rows.push({ name: 'authorizeStoreWrite', value: Math.round(byHandle), unit: 'ns/call' })
  }

  for (const nodes of [10, 1000, 100000]) {
    const value = makeValue(nodes)
    if (!checkSerializable(value).ok) throw new Error('benchmark value must be serializable')
    const opts = nodes >= 100000 ? { targetMs: 300, rounds: 5 } : {}
    const validator = nsPerCall(n => {
      for (let i = 0; i < n; i++) checkSerializable(value)
    }, opts)
    const clone = nsPerCall(n => {
      for (let i = 0; i < n; i++) structuredClone(value)
    }, opts)
    const ratio = validator / clone
    rows.push({
      name: `checkSerializable, ${nodes} nodes`,
      value: Math.round(validator),
      unit: 'ns/call',
      nodes,
      structuredClone: Math.round(clone),
      ratio: Number(ratio.toFixed(2)),
      nsPerNode: Number((validator / nodes).toFixed(1))
    })
  }
  return rows
}

function print(rows) {
  const lines = [`native core (${addon}), node ${process.version}, ${process.platform}-${process.arch}`]
  for (const r of rows) {
    let line = `${r.name.padEnd(36)} ${String(r.value).padStart(10)} ${r.unit}`
    if (r.structuredClone !== undefined) {
      line += `   structuredClone ${String(r.structuredClone).padStart(10)} ns   ratio ${r.ratio.toFixed(2)}`
    }
    lines.push(line)
  }
  process.stdout.write(`${lines.join('\n')}\n`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  print(run())
}
