// Randomized, seeded runs, for atoms (whole values) and maps (key by key, sent as
// deltas): main and 2–8 windows write the same stores at once,
// deliveries between windows are delayed and reordered at random, windows are
// closed, crashed, reloaded and opened mid-run. Once writes stop:
//   - every live window's value deep-equals main's and carries main's rev
//   - no window ever applied a rev lower than one it had applied
//   - main sent at most one update per commit per window, and one ns:get per page load
//   - nothing is left behind in main or in the addon for closed windows
// Replay a failure with RACE_SEED=<seed printed in the failure> npm run test:js
import assert from 'node:assert/strict'
import { after, test } from 'node:test'

import { BrowserWindow } from 'electron'
import { atom, map } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { openWindows, read, standIn, until } from './harness.js'
import { seededRandom } from '../electron-stand-in/random.cjs'

const RUNS = Number(process.env.RACE_RUNS) || 6
const KINDS = process.env.RACE_KIND ? [process.env.RACE_KIND] : ['atom', 'map']
const firstSeed = Number(process.env.RACE_SEED) || Date.now() % 1e9

const rng = seededRandom

after(() => standIn.configure())

// What main and a window do to a store of each kind: atoms get whole values; maps get
// setKey, deletes and (rarely) whole values, on a few overlapping keys.
const KEYS = ['k0', 'k1', 'k2', 'k3']
const mutations = {
  atom: (_random, by, n) => ({ call: 'set', args: [{ by, n }] }),
  map: (random, by, n) => {
    const roll = random()
    const key = KEYS[Math.floor(random() * KEYS.length)]
    if (roll < 0.7) return { call: 'setKey', args: [key, { by, n }] }
    if (roll < 0.9) return { call: 'setKey', args: [key, undefined] }
    return { call: 'set', args: [{ [key]: { by, n }, whole: n }] }
  }
}

for (const kind of KINDS)
  for (let run = 0; run < RUNS; run++) {
    const seed = firstSeed + run
    test(`randomized ${kind} run, seed ${seed}`, async () => {
      const random = rng(seed)
      const pick = list => list[Math.floor(random() * list.length)]
      standIn.configure({ seed, maxDelayMs: 3, quietPageErrors: true })
      const ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
      const ids = [`${kind}${run}-a`, `${kind}${run}-b`, `${kind}${run}-c`]
      const mains = ids.map((id, i) => {
        const $s = kind === 'map' ? map({ k0: { by: 'init', n: i } }) : atom({ by: 'init', n: i })
        ipc.registerStore(id, $s)
        return $s
      })
      const specs = JSON.stringify(ids.map(id => [id, null, {}, kind]))
      let loads = 0
      const hydrate = async win => {
        loads++
        await read(win, `window.makeMany(${specs})`)
      }
      const crashed = new Set()
      const closed = []
      const inflight = []
      let seq = 0
      const fail = message => `${message} (seed ${seed}; replay: RACE_SEED=${seed} RACE_RUNS=1)`

      try {
        let live = await openWindows(2 + Math.floor(random() * 7))
        for (const win of live) await hydrate(win)
        for (let step = 0; step < 160; step++) {
          const roll = random()
          const usable = live.filter(w => !crashed.has(w))
          if (roll < 0.35) {
            const i = Math.floor(random() * ids.length)
            const { call, args } = mutations[kind](random, 'main', ++seq)
            mains[i][call](...args)
          } else if (roll < 0.8 && usable.length) {
            const win = pick(usable)
            const id = pick(ids)
            const { call, args } = mutations[kind](random, win.webContents.id, ++seq)
            const argList = args.map(a => (a === undefined ? 'undefined' : JSON.stringify(a))).join(', ')
            inflight.push(read(win, `window.stores[${JSON.stringify(id)}].${call}(${argList}), true`).catch(() => {}))
          } else if (roll < 0.85 && live.length > 1) {
            const win = pick(live)
            live = live.filter(w => w !== win)
            crashed.delete(win)
            closed.push(win.webContents.id)
            win.close()
          } else if (roll < 0.9 && usable.length) {
            const win = pick(usable)
            crashed.add(win)
            standIn.crash(win)
          } else if (roll < 0.95 && live.length) {
            const win = pick(live)
            crashed.delete(win)
            inflight.push(
              (async () => {
                win.webContents.reload()
                await until(() => win.isDestroyed() || !win.webContents.isLoading(), { what: 'reload' })
                if (!win.isDestroyed()) await hydrate(win)
              })().catch(() => {})
            )
          } else if (live.length < 8) {
            inflight.push(
              openWindows(1)
                .then(async ([win]) => {
                  live.push(win)
                  await hydrate(win)
                })
                .catch(() => {}) // closed again before it finished loading
            )
          }
          if (random() < 0.3) await new Promise(resolve => setTimeout(resolve, random() * 3))
        }
        await Promise.all(inflight)
        await standIn.idle({ timeoutMs: 20000 })

        const mainState = ipc.inspect()
        const revOf = id => mainState.stores.find(s => s.id === id).rev
        for (const win of live) {
          if (crashed.has(win)) continue
          for (const [i, id] of ids.entries()) {
            const state = await read(win, `window.state(${JSON.stringify(id)})`)
            assert.deepEqual(state.value, mains[i].get(), fail(`window ${win.webContents.id} store ${id} value`))
            assert.equal(state.rev, revOf(id), fail(`window ${win.webContents.id} store ${id} rev`))
            const log = await read(win, `window.revLog[${JSON.stringify(id)}]`)
            for (let k = 1; k < log.length; k++) {
              assert.ok(
                log[k] >= log[k - 1],
                fail(`window ${win.webContents.id} applied rev ${log[k]} after ${log[k - 1]}`)
              )
            }
          }
        }

        const stats = standIn.stats()
        const commits = ids.reduce((sum, id) => sum + revOf(id), 0)
        const windowsEver = BrowserWindow.getAllWindows().length + closed.length
        const updates = stats.mainToRenderer.channels['wf:ns:update']?.messages ?? 0
        assert.ok(updates <= commits * windowsEver, fail(`${updates} updates for ${commits} commits`))
        const gets = stats.rendererToMain.channels['wf:ns:get']?.messages ?? 0
        assert.ok(gets <= loads, fail(`${gets} ns:get for ${loads} page loads`))

        const registered = new Set(mainState.windows.map(w => w.id))
        for (const id of closed) assert.ok(!registered.has(id), fail(`closed window ${id} still registered`))
        for (const store of mainState.stores) {
          for (const id of store.subscribers) assert.ok(!closed.includes(id), fail(`closed window ${id} subscribed`))
        }
        for (const win of crashed) {
          const info = mainState.windows.find(w => w.id === win.webContents.id)
          assert.deepEqual([info.state, info.stores], ['gone', []], fail('crashed window keeps subscriptions'))
        }
        assert.equal(ipc.stats().trackedWindows, live.length, fail('tracked windows'))
      } finally {
        ipc.destroy()
        await standIn.reset()
      }
      const s = ipc.stats()
      assert.equal(s.windows + s.stores + s.subscriptions, 0, fail('registry not empty after destroy'))
    })
  }
