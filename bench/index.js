// `npm run bench`: the bridge next to the raw transport (bench/bridge.js), plus the stand-in's raw
// throughput (bench/transport.js), the addon micro-bench (bench/native.js), persistence
// (bench/persist.js) and the inspector's recording (bench/inspector.js) when present.
// Writes bench/results/results.md and bench/results/results.json. Never part of `npm test`.
//
//   npm run bench                          everything (~1-2 min on 2 cores)
//   npm run bench -- --scale=0.2           fewer iterations (quick look; noisier)
//   npm run bench -- --only=latency,memory bridge scenarios: latency attribution throughput
//                                          storesInOneTick writeRoundTrip hydration selective
//                                          manyStores streaming
//                                          memory services utility bigMap streamingBytes concurrentKeys
//                                          (skips transport/native)
//   npm run bench -- --out=/tmp/x          write results elsewhere (default bench/results)
//
// It re-runs itself under `node --expose-gc --import ./__test__/electron-stand-in/register.js`, so
// `import 'electron'` in the product code gets the Electron stand-in and memory figures are taken
// after a full gc.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const register = join(root, '__test__/electron-stand-in/register.js')

if (process.env.NANOSTORE_IPC_BENCH_CHILD !== '1') {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', pathToFileURL(register).href, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit', cwd: root, env: { ...process.env, NANOSTORE_IPC_BENCH_CHILD: '1' } }
  )
  process.exit(child.status ?? 1)
}

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .filter(a => a.startsWith('--'))
    .map(a => {
      const [k, v = 'true'] = a.slice(2).split('=')
      return [k, v]
    })
)
const scale = Number(args.scale ?? 1)
const only = args.only ? args.only.split(',') : undefined
const outDir = args.out ? resolve(args.out) : join(here, 'results')
const log = m => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${m}`)
const started = performance.now()

function git(...a) {
  const r = spawnSync('git', a, { cwd: root, encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trimEnd() : null
}
// What was measured: the commit, and uncommitted changes to product code if any.
const source = {
  commit: git('rev-parse', '--short', 'HEAD'),
  dirtyProductFiles: (
    git(
      'status',
      '--porcelain',
      '--',
      'index.js',
      'main',
      'atom',
      'preload',
      'error',
      'protocol',
      'hub',
      'src',
      'native.cjs'
    ) ?? ''
  )
    .split('\n')
    .filter(Boolean)
    .map(l => l.slice(3))
}

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  totalMemGB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  loadavgAtStart: os.loadavg().map(x => Number(x.toFixed(2)))
}

// Optional sibling benches: import dynamically, skip with a note when missing or failing.
async function optional(file, label) {
  if (only) return { rows: [], note: `${label}: skipped (--only)` }
  try {
    const mod = await import(pathToFileURL(join(here, file)).href)
    if (typeof mod.run !== 'function') return { rows: [], note: `${label}: ${file} exports no run(); skipped` }
    log(`${label}…`)
    const rows = await mod.run({ scale, log })
    return { rows, note: null }
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(file)) {
      return { rows: [], note: `${label}: bench/${file} not present; skipped` }
    }
    return { rows: [], note: `${label}: bench/${file} failed (${error?.message}); skipped` }
  }
}

const { run: runBridge } = await import('./bridge.js')
log(`bridge scenarios (scale ${scale})…`)
const bridgeRows = await runBridge({ scale, only, log })
const { run: runDeltas } = await import('./deltas.js')
bridgeRows.push(...(await runDeltas({ scale, only, log })))
const transport = await optional('transport.js', 'stand-in raw transport')
const native = await optional('native.js', 'addon micro-bench')
const persistence = await optional('persist.js', 'persistence')
const inspector = await optional('inspector.js', 'inspector')
const seconds = Number(((performance.now() - started) / 1000).toFixed(1))
machine.loadavgAtEnd = os.loadavg().map(x => Number(x.toFixed(2)))

// ---------------------------------------------------------------------------- targets

function find(pred) {
  return bridgeRows.filter(pred)
}
function targets() {
  const out = []
  const target = (name, rows, ok, show = r => `${r.ratio}×`) => {
    if (!rows.length) return
    const missed = rows.filter(r => !ok(r))
    out.push({
      target: name,
      met: missed.length === 0,
      detail: missed.length
        ? `missed in ${missed.length} of ${rows.length}: ${missed.map(r => `${r.case} ${show(r)}`).join('; ')}`
        : `all ${rows.length} met; worst ${show(rows.reduce((a, r) => (r.ratio > a.ratio ? r : a)))}`
    })
  }
  const small = r => r.payloadBytes !== undefined && r.payloadBytes <= 10 * 1024
  const lat = find(r => r.scenario === '1 latency' && small(r) && r.windows <= 16)
  target(
    'Main set until every window applied it, p50 and p99, 100 B and 10 KB, 1/4/16 windows: ≤ 1.05× the floor',
    lat,
    r => r.ratio <= 1.05
  )
  const tp = find(r => r.scenario === '2 throughput')
  target(
    'Sustained main updates to 4 windows, 100 B and 10 KB: time per update ≤ 1.05× the floor',
    tp,
    r => r.ratio <= 1.05
  )
  const wr = find(r => r.scenario === '3 write round trip' && r.stat === 'p50')
  target('Renderer write until acknowledged, p50: ≤ 1.05× a raw invoke round trip', wr, r => r.ratio <= 1.05)
  const hy = find(r => r.scenario === '4 hydration' && r.unit === 'ms' && !r.phase)
  target("Hydration of 1,000 stores by a new window: ≤ 2× the floor's time", hy, r => r.ratio <= 2)
  const rt = find(r => r.scenario === '4 hydration' && r.unit === 'round trips')
  target(
    'Hydration in one round trip',
    rt,
    r => r.bridge === 1,
    r => `${r.bridge} round trips`
  )
  const vsBase = find(r => typeof r.vsBaseline === 'number' && !r.phase) // phases explain a row, they are not one
  target(
    'At least as fast as the baseline in every row (bridge / baseline ≤ 1)',
    vsBase,
    r => r.vsBaseline <= 1,
    r => `${r.vsBaseline}× the baseline`
  )
  const moreWork = vsBase.filter(
    r =>
      r.scenario === '5 selective delivery' ||
      r.scenario === '2 burst' ||
      r.scenario === '2 stores in one tick' ||
      r.scenario === '4 hydration' ||
      r.windows >= 16
  )
  target(
    'Strictly better where the baseline does more work (many windows, many stores, bursts)',
    moreWork,
    r => r.vsBaseline < 1,
    r => `${r.vsBaseline}× the baseline`
  )
  const sc = find(r => r.scenario === '6 scale')
  target(
    'Main time per commit and memory per window do not grow with registered stores (10,000 vs 100: ≤ 1.25×)',
    sc,
    r => r.ratio <= 1.25
  )
  const mapBytes = find(r => r.scenario === '8 map deltas' && r.unit === 'bytes')
  target(
    'Map of 10,000 keys, one key changed: bytes per update per window ≤ 2× the changed entry + a fixed envelope (64 B)',
    mapBytes,
    r => r.bridge <= 2 * Number(/changed entry (\d+) B/.exec(r.case)[1]) + 64,
    r => `${r.bridge} B`
  )
  const mapLat = find(r => r.scenario === '8 map deltas' && r.unit === 'ms' && /p50/.test(r.case))
  target(
    'Map of 10,000 keys, one key changed: latency at least 10× lower than the whole-map send',
    mapLat,
    r => r.ratio <= 0.1
  )
  const stream = find(r => r.scenario === '9 streaming bytes')
  target(
    'Streaming chunks into a string: bytes per window ≤ 2× the final text, throttled or not',
    stream,
    r => r.bridge <= 2,
    r => `${r.bridge}×`
  )
  const lost = find(r => r.scenario === '10 concurrent keys')
  target(
    'Concurrent setKeys of different keys from two windows: 0 lost',
    lost,
    r => r.bridge === 0,
    r => `${r.bridge} lost`
  )
  const mem = find(r => r.scenario === '7 memory')
  if (mem.length) {
    const growth = mem.filter(r => r.unit === '%' && /heap growth/.test(r.case))
    target(
      'Heap growth after warm-up under 5% (100k updates, 500 open/close cycles)',
      growth,
      r => r.bridge < 5,
      r => `${r.bridge}%`
    )
    const reg = mem.find(r => /^registry/.test(r.case))
    const lis = mem.find(r => /^ipcMain listeners/.test(r.case))
    const same = v => {
      const [a, b] = String(v).split(' → ')
      return a === b
    }
    if (reg && lis) {
      out.push({
        target: 'No retained windows, listeners or registry entries after the cycles',
        met: same(reg.bridge) && same(lis.bridge),
        detail: `registry ${reg.bridge}; listeners ${lis.bridge}`
      })
    }
  }
  return out
}
const targetRows = targets()

// ---------------------------------------------------------------------------- output

const date = new Date().toISOString()
const cell = v => (v === undefined || v === null ? '' : String(v).replace(/\|/g, '\\|'))
function table(rows, columns) {
  if (!rows.length) return '_no rows_\n'
  columns ??= [...new Set(rows.flatMap(r => Object.keys(r)))]
  return (
    `| ${columns.join(' | ')} |\n| ${columns.map(() => '---').join(' | ')} |\n` +
    rows.map(r => `| ${columns.map(c => cell(r[c])).join(' | ')} |`).join('\n') +
    '\n'
  )
}

const header =
  `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemGB} GB, ${machine.platform}, Node ${machine.node}. ` +
  `Date: ${date}. Load average at start ${machine.loadavgAtStart.join(' ')}, at end ${machine.loadavgAtEnd.join(' ')}. ` +
  `Scale ${scale}${only ? `, only ${only.join(',')}` : ''}; total ${seconds} s. ` +
  `Code: ${source.commit ?? 'unknown commit'}${source.dirtyProductFiles.length ? ` + uncommitted changes to ${source.dirtyProductFiles.join(', ')}` : ''}.`

let md = `# nanostore-ipc-bridge benchmarks\n\n${header}\n\n`
md +=
  'Everything runs in the Electron stand-in (worker-thread windows, sandboxed preload, contextBridge). ' +
  '**raw** is the same payloads sent with plain `webContents.send` / `ipcRenderer.invoke` through the same ' +
  'stand-in with no bridge, alternating with the bridge in the same process. Delivery is timed in main from the ' +
  "set (or the first raw send) until every window's page acknowledged the value it applied with a tiny raw " +
  '`send`; both figures include that ack. ratio = bridge / raw (for throughput: raw rate / bridge rate), so ' +
  "> 1 means the bridge costs more. Stand-in timings are not Electron's (no Mojo, no Chromium).\n\n"
md +=
  'Iterations (at scale 1): latency 2,000 samples per case for 100 B and 10 KB (1,000 with 16 windows), 60 ' +
  '(30) for 1 MB, after 100 warm-up rounds, bridge and raw alternating with the order flipped every round; ' +
  'throughput median of 5 alternating runs of 30,000 (100 B) / 8,000 (10 KB) updates; coalescing 100,000 sets; ' +
  'write round trip 1,000 alternating pairs; hydration median of 9 fresh windows each; selective delivery ' +
  '50 rounds × 16 stores; streaming 10,000 appends; memory 100,000 updates and 500 open/close cycles (10 windows ' +
  'at a time), after a warm-up of 50,000 updates and 50 cycles, figures after two `gc()` calls. Memory "raw" runs the same ' +
  "updates and cycles with no bridge initialized, so raw growth is the stand-in's and Node's own.\n\n"
md += `## Bridge vs the floor (raw) and the baseline\n\n${table(
  bridgeRows.map(r => ({ ...r, floor: r.raw })),
  ['scenario', 'case', 'unit', 'bridge', 'floor', 'baseline', 'ratio', 'vsBaseline', 'note']
)}\n`
md += `## Targets\n\n${table(
  targetRows.map(t => ({ target: t.target, result: t.met ? 'met' : '**missed**', detail: t.detail })),
  ['target', 'result', 'detail']
)}\n`
md += `## Stand-in raw transport (bench/transport.js)\n\n${transport.note ?? table(transport.rows)}\n`
md += `## Addon micro-bench (bench/native.js)\n\n${native.note ?? table(native.rows)}\n`
md += `## Persistence (bench/persist.js)\n\n${persistence.note ?? table(persistence.rows, ['scenario', 'case', 'persist', 'baseline', 'note'])}\n`
md += `## Inspector: commit history on and off (bench/inspector.js)\n\n${inspector.note ?? table(inspector.rows, ['scenario', 'case', 'off', 'history', 'inspector', 'note'])}\n`
md += `Reproduce: \`npm install && npm run bench\` (writes bench/results/). Scenario timings (s): ${Object.entries(
  bridgeRows.timings
)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ')}.\n`

const json = {
  date,
  machine,
  source,
  scale,
  only: only ?? null,
  seconds,
  method: 'see bench/bridge.js header',
  timings: bridgeRows.timings,
  targets: targetRows,
  bridge: [...bridgeRows],
  transport: transport.note ? { skipped: transport.note } : transport.rows,
  native: native.note ? { skipped: native.note } : native.rows,
  persistence: persistence.note ? { skipped: persistence.note } : persistence.rows,
  inspector: inspector.note ? { skipped: inspector.note } : inspector.rows
}

mkdirSync(outDir, { recursive: true })
writeFileSync(join(outDir, 'results.md'), md)
writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(json, null, 2)}\n`)
console.log(md)
log(`wrote ${relative(process.cwd(), join(outDir, 'results.md'))} and results.json`)
