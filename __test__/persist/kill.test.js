// kill -9: a child app keeps setting a persisted store and flushing; it is killed with
// SIGKILL at random moments. After each kill, a restart (initNanoStoreIPC with the same
// directory) loads without any error (whole file, lock released), and the value is one the
// child really set, no older than the last one a flush() confirmed.
//
// Each child is a full Node main process in the stand-in (~0.5-1 s to start), so this runs
// PERSIST_JS_KILLS (default 12) kills in independent lanes; the native write path alone is
// killed 200 times by `cargo test` (src/persist/crash.rs). PERSIST_SEED replays a run.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { valueAt } from './fixtures/values.js'
import { cleanDirs, runChild, tempDir } from './helpers.js'

afterEach(cleanDirs)

function xorshift(seed) {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 2 ** 32
  }
}

// What a restart loads, through the product: a fresh store registered with persist.
function restartAndLoad(dir) {
  const errors = []
  const $counter = atom(null)
  const ipc = initNanoStoreIPC({ persist: { dir }, onError: e => errors.push(e) })
  try {
    ipc.registerStore('counter', $counter, { persist: true })
    return { value: $counter.get(), errors }
  } finally {
    ipc.destroy()
  }
}

test('kill -9 at random moments: every restart loads a whole value the app set, at least the last flushed one', {
  timeout: 600_000
}, async () => {
  const seed = Number(process.env.PERSIST_SEED) || Math.floor(Math.random() * 2 ** 31)
  const kills = Number(process.env.PERSIST_JS_KILLS) || 12
  const lanes = 3
  const started = Date.now()
  console.log(`kill -9 test: PERSIST_SEED=${seed} PERSIST_JS_KILLS=${kills}`)
  const random = xorshift(seed)
  const everSet = new Set()
  let confirmedFlushes = 0

  async function lane(laneIndex, rounds) {
    const dir = tempDir(`kill-${laneIndex}`)
    // The newest step a flush() confirmed in this directory: steps only grow, so no
    // restart may ever load an older one.
    let confirmed = 0
    for (let round = 0; round < rounds; round++) {
      const base = (laneIndex * 1000 + round) * 1_000_000 + 1
      const childSeed = Math.floor(random() * 2 ** 31)
      const early = random() < 0.1
      const delay = Math.floor(random() * (early ? 400 : 150))
      const context = `seed ${seed}, lane ${laneIndex}, round ${round} (child seed ${childSeed}, ${early ? 'from spawn' : 'after its first set'} + ${delay} ms)`
      let armed = false
      const arm = child => {
        armed = true
        setTimeout(() => child.kill('SIGKILL'), delay)
      }
      const run = await runChild('app.js', ['kill', dir, String(childSeed), String(base)], {
        onLine: (line, child) => {
          if (!armed && line.startsWith('set ')) arm(child)
        },
        onSpawn: child => early && arm(child)
      })
      assert.equal(run.signal, 'SIGKILL', `${context}: the child ended on its own: ${run.stderr}`)
      for (const line of run.lines) {
        const [what, n] = line.split(' ')
        if (what === 'set') everSet.add(Number(n))
        if (what === 'flushed') {
          confirmed = Math.max(confirmed, Number(n))
          confirmedFlushes++
        }
        assert.ok(!line.startsWith('error '), `${context}: the child reported ${line}`)
      }
      const { value, errors } = restartAndLoad(dir)
      assert.deepEqual(
        errors.map(e => `${e.code} ${e.message}`),
        [],
        `${context}: the restart reported errors`
      )
      if (confirmed > 0) assert.ok(value !== null, `${context}: step ${confirmed} was flushed, nothing loaded`)
      if (value !== null) {
        assert.ok(everSet.has(value.n), `${context}: loaded step ${value.n}, which no child set`)
        assert.deepEqual(value, valueAt(value.n), `${context}: step ${value.n} is not whole`)
        assert.ok(value.n >= confirmed, `${context}: loaded step ${value.n}, older than flushed step ${confirmed}`)
      }
    }
  }

  const perLane = Math.ceil(kills / lanes)
  await Promise.all(
    Array.from({ length: lanes }, (_, i) => lane(i, Math.min(perLane, Math.max(0, kills - i * perLane))))
  )
  console.log(
    `kill -9 test: ${kills} kills, ${confirmedFlushes} flushes confirmed before them, ${Date.now() - started} ms`
  )
})
