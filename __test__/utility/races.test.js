// Randomized, seeded runs: main, two windows and a utility process write the same stores at
// once (atoms: whole values; maps: keys), window deliveries are delayed and reordered at random,
// and the utility process is killed mid-run (and at random again) and restarted. Once writes stop:
//   - the two windows and the running child hold main's value at main's revision
//   - none of them ever applied a revision lower than one it had applied
//   - nothing is left of the killed children in main or in the addon: not registered, not
//     subscribed, not listening to events, no call running, no port open
// Replay a failure with UTILITY_RACE_SEED=<seed> UTILITY_RACE_RUNS=1 UTILITY_RACE_KIND=<atom|map> (in the
// test's name and its failure).
import assert from 'node:assert/strict'
import { after, afterEach, test } from 'node:test'

import { atom, map } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { openWindows, read, standIn, until } from '../bridge/harness.js'
import { greeter } from './fixtures/shared.js'
import { exited, forkChild } from './harness.js'
import { seededRandom } from '../electron-stand-in/random.cjs'

const RUNS = Number(process.env.UTILITY_RACE_RUNS) || 2
const KINDS = process.env.UTILITY_RACE_KIND ? [process.env.UTILITY_RACE_KIND] : ['atom', 'map']
const firstSeed = Number(process.env.UTILITY_RACE_SEED) || Date.now() % 1e9

const rng = seededRandom

after(() => standIn.configure())
afterEach(() => standIn.reset())

const KEYS = ['k0', 'k1', 'k2']
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
const callCode = (id, { call, args }) =>
  `ctx.stores[${JSON.stringify(id)}].${call}(${args.map(a => (a === undefined ? 'undefined' : JSON.stringify(a))).join(', ')})`

for (const kind of KINDS)
  for (let run = 0; run < RUNS; run++) {
    const seed = firstSeed + run
    test(`randomized ${kind} run with a utility process killed and restarted, seed ${seed}`, async () => {
      const random = rng(seed)
      const pick = list => list[Math.floor(random() * list.length)]
      const fail = message =>
        `${message} (seed ${seed}; replay: UTILITY_RACE_SEED=${seed} UTILITY_RACE_RUNS=1 UTILITY_RACE_KIND=${kind})`
      standIn.configure({ seed, maxDelayMs: 3, quietPageErrors: true })
      const ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
      const ids = [`u${kind}${run}-a`, `u${kind}${run}-b`]
      const mains = ids.map((id, i) => {
        const $s = kind === 'map' ? map({ k0: { by: 'init', n: i } }) : atom({ by: 'init', n: i })
        ipc.registerStore(id, $s)
        return $s
      })
      const specs = JSON.stringify(ids.map(id => [id, null, {}, kind]))
      const inflight = []
      const killed = []
      let seq = 0
      let child = null // { child, exec, stop }

      // A child watching the stores, listening to an event and running a stream in main.
      const startChild = async () => {
        const forked = forkChild()
        ipc.registerUtilityProcess(forked.child)
        child = forked
        await forked.exec(`
          ctx.makeMany(${specs})
          ctx.greeter.on('tick', () => {})
          const controller = new AbortController()
          ctx.stopTicks = () => controller.abort()
          ctx.ticking = (async () => { for await (const _ of ctx.greeter.withSignal(controller.signal).ticks()) {} })()
            .catch(() => {})
          return true
        `)
      }
      const killChild = async () => {
        const { child: proc } = child
        const id = ipc.inspect().windows.find(w => w.kind === 'utility')?.id
        if (id !== undefined) killed.push(id)
        child = null
        const gone = exited(proc)
        standIn.killUtilityProcess(proc)
        await gone
      }

      try {
        const wins = await openWindows(2)
        for (const win of wins) await read(win, `window.makeMany(${specs})`)
        await startChild()
        for (let step = 0; step < 150; step++) {
          const roll = random()
          // Whatever the seed draws, the child is killed by step 60 and running again by step 90.
          if (step === 60 && killed.length === 0 && child) {
            await killChild()
          } else if (step === 90 && !child) {
            await startChild()
          } else if (roll < 0.25) {
            const i = Math.floor(random() * ids.length)
            const { call, args } = mutations[kind](random, 'main', ++seq)
            mains[i][call](...args)
          } else if (roll < 0.5) {
            const win = pick(wins)
            const code = callCode(pick(ids), mutations[kind](random, win.webContents.id, ++seq)).replace(
              'ctx.stores',
              'window.stores'
            )
            inflight.push(read(win, `${code}, true`).catch(() => {}))
          } else if (roll < 0.8) {
            if (child)
              inflight.push(child.exec(callCode(pick(ids), mutations[kind](random, 'child', ++seq))).catch(() => {}))
          } else if (roll < 0.83) {
            if (child) await killChild()
          } else if (roll < 0.9) {
            if (!child) await startChild()
          }
          if (random() < 0.3) await new Promise(resolve => setTimeout(resolve, random() * 3))
        }
        if (!child) await startChild()
        await Promise.all(inflight)
        await child.exec('ctx.stopTicks(); await ctx.ticking; return true')
        await until(() => ipc.stats().openCalls === 0 && greeter.open === 0, { what: fail('streams stopped') })
        await standIn.idle({ timeoutMs: 20000 })

        assert.ok(killed.length >= 1, fail('the child was killed at least once'))
        const state = ipc.inspect()
        const revOf = id => state.stores.find(s => s.id === id).rev
        const holders = [
          ...wins.map(win => ({ name: `window ${win.webContents.id}`, run: code => read(win, code) })),
          { name: 'the utility process', run: code => child.exec(`return ${code.replace(/window\./g, 'ctx.')}`) }
        ]
        for (const holder of holders) {
          for (const [i, id] of ids.entries()) {
            const value = await holder.run(`window.state(${JSON.stringify(id)})`)
            assert.deepEqual(value.value, mains[i].get(), fail(`${holder.name} store ${id} value`))
            assert.equal(value.rev, revOf(id), fail(`${holder.name} store ${id} rev`))
            const log = await holder.run(`window.revLog[${JSON.stringify(id)}]`)
            for (let k = 1; k < log.length; k++) {
              assert.ok(log[k] >= log[k - 1], fail(`${holder.name} applied rev ${log[k]} after ${log[k - 1]}`))
            }
          }
        }

        const registered = new Set(state.windows.map(w => w.id))
        for (const id of killed) {
          assert.ok(!registered.has(id), fail(`killed child ${id} still registered`))
          for (const store of state.stores) {
            assert.ok(!store.subscribers.includes(id), fail(`killed child ${id} subscribed to ${store.id}`))
          }
          for (const service of state.services) {
            for (const event of service.events) {
              assert.ok(!event.windows.some(w => w.id === id), fail(`killed child ${id} listens to ${event.name}`))
            }
          }
        }
        const stats = ipc.stats()
        assert.deepEqual(
          [stats.utilityProcesses, stats.trackedWindows, stats.eventSubscriptions],
          [1, 3, 1],
          fail('one child and two windows tracked, one event listener (the live child)')
        )
        assert.equal(standIn.openPorts(), 2, fail("only the live child's port pair is open"))
      } finally {
        ipc.destroy()
        await standIn.reset()
      }
      const s = ipc.stats()
      assert.equal(s.windows + s.stores + s.subscriptions, 0, fail('registry not empty after destroy'))
    })
  }
