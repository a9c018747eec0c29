// Randomized, seeded runs: 2–6 windows call services at once (plain calls, slow calls
// cancelled at random, streams left early), listen and stop listening to events while
// main broadcasts, and windows are reloaded, closed and opened mid-call, with random
// delivery delays. Once everything settled:
//   - every call whose window stayed got its right answer
//   - nothing is left in main (open calls, windows) nor in the runtime's service and
//     event tables: only live windows, each with exactly the events it listens to
//   - every stream's generator in main was stopped or finished
//   - a final broadcast reaches each listening window exactly once
// Replay a failure with SERVICES_RACE_SEED=<seed printed in the failure>.
import assert from 'node:assert/strict'
import { after, afterEach, test } from 'node:test'

import { math, record } from './fixtures/services.js'
import { js, openWindows, standIn, start, until } from './harness.js'
import { seededRandom } from '../electron-stand-in/random.cjs'

const RUNS = Number(process.env.SERVICES_RACE_RUNS) || 4
const firstSeed = Number(process.env.SERVICES_RACE_SEED) || Date.now() % 1e9
const EVENTS = ['a', 'b', 'c']

const rng = seededRandom

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
})
after(() => standIn.configure())

for (let run = 0; run < RUNS; run++) {
  const seed = firstSeed + run
  test(`randomized calls, events and window churn, seed ${seed}`, async () => {
    const random = rng(seed)
    const pick = list => list[Math.floor(random() * list.length)]
    const fail = message => `${message} (seed ${seed}; replay: SERVICES_RACE_SEED=${seed} SERVICES_RACE_RUNS=1)`
    standIn.configure({ seed, maxDelayMs: 3, quietPageErrors: true })
    record.closedStreams = 0
    record.openedStreams = 0
    ;({ ipc } = start())
    let live = await openWindows(2 + Math.floor(random() * 5))
    const gone = new Set() // windows closed or reloaded: their pending results do not count
    const checks = []

    const track = (win, promise, check) => {
      const generation = win
      checks.push(
        promise.then(
          result => ({ win: generation, result, check }),
          error => ({ win: generation, error, check })
        )
      )
    }

    for (let step = 0; step < 150; step++) {
      const roll = random()
      const win = pick(live)
      if (roll < 0.3) {
        const a = Math.floor(random() * 1000)
        const b = Math.floor(random() * 1000)
        track(win, js(win, `window.call('math', 'add', [${a}, ${b}])`), r => r.value === a + b)
      } else if (roll < 0.42) {
        const ms = Math.floor(random() * 20)
        const cancelAt = Math.floor(random() * 20)
        track(
          win,
          js(
            win,
            `window.callAndCancel('math', 'wait', [${ms}, 's${step}'], ${cancelAt}, '${random() < 0.5 ? 'cancel' : 'signal'}')`
          ),
          r => r.value === `s${step}` || r.error?.code === 'CALL_ABORTED'
        )
      } else if (roll < 0.52) {
        const take = 1 + Math.floor(random() * 10)
        track(win, js(win, `window.consume('math', 'forever', [], ${take})`), r => r.items?.length === take)
      } else if (roll < 0.64) {
        track(win, js(win, `window.listen('math', '${pick(EVENTS)}')`), r => typeof r === 'number')
      } else if (roll < 0.72) {
        track(win, js(win, 'window.unlisten([...window.handles()].at(-1) ?? 0)'), r => r === true)
      } else if (roll < 0.86) {
        math.broadcast(pick(EVENTS), { step })
      } else if (roll < 0.91 && live.length > 1) {
        gone.add(win)
        live = live.filter(w => w !== win)
        win.close()
      } else if (roll < 0.96) {
        gone.add(win)
        win.webContents.reload()
        // the same BrowserWindow lives on with a new page: track it under a new identity
        const fresh = { webContents: win.webContents, close: () => win.close(), original: win }
        live = live.map(w => (w === win ? fresh : w))
      } else if (live.length < 7) {
        live.push(...(await openWindows(1)))
      }
      if (random() < 0.2) await new Promise(resolve => setTimeout(resolve, random() * 4))
    }

    const outcomes = await Promise.all(checks)
    await standIn.idle()
    for (const { win, result, error, check } of outcomes) {
      if (gone.has(win)) continue
      assert.ok(
        !error && check(result),
        fail(`a call in a window that stayed: ${JSON.stringify(result ?? String(error))}`)
      )
    }

    // nothing left behind in main or in the runtime's tables
    await until(() => ipc.stats().openCalls === 0, { what: fail('main to close every call') })
    await until(() => record.closedStreams === record.openedStreams, {
      what: fail(`every stream's generator to stop (${record.closedStreams}/${record.openedStreams})`)
    })
    const liveIds = live.map(w => w.webContents.id).sort((x, y) => x - y)
    const stats = ipc.stats()
    assert.equal(stats.windows, live.length, fail('windows in the runtime'))
    assert.deepEqual(
      ipc.inspect().windows.map(w => w.id),
      liveIds,
      fail('only live windows are known')
    )
    const expected = {}
    const windowsNow = ipc.inspect().windows
    for (const win of live) {
      assert.equal(await js(win, 'window.openCalls()'), 0, fail('a preload kept a call'))
      const listening = await js(win, 'window.listening()')
      for (const eventName of listening) {
        ;(expected[eventName] ||= []).push({ id: win.webContents.id, count: 1 })
      }
      assert.deepEqual(
        windowsNow.find(w => w.id === win.webContents.id).events,
        listening.sort().map(eventName => ({ serviceId: 'math', eventName, count: 1 })),
        fail(`window ${win.webContents.id}'s events in the runtime`)
      )
    }
    const math$ = ipc.inspect().services.find(s => s.id === 'math')
    const actual = Object.fromEntries(math$.events.map(e => [e.name, e.windows]))
    for (const list of Object.values(expected)) list.sort((x, y) => x.id - y.id)
    assert.deepEqual(actual, expected, fail('the event table holds exactly what live windows listen to'))
    assert.equal(
      stats.eventSubscriptions,
      Object.values(expected).reduce((n, list) => n + list.length, 0),
      fail('event subscription count')
    )

    // a final broadcast per event reaches each listening window once
    for (const win of live) await js(win, 'window.events.length = 0')
    standIn.resetStats()
    for (const eventName of EVENTS) math.broadcast(eventName, 'final')
    await standIn.idle()
    for (const win of live) {
      const listening = await js(win, 'window.listening()')
      const got = await js(win, 'window.events.map(e => e.eventName)')
      const handles = await js(win, 'window.handlesByEvent()')
      const want = listening.flatMap(e => Array(handles[e]).fill(e)).sort()
      assert.deepEqual(got.sort(), want, fail(`window ${win.webContents.id} got each final event once per listener`))
      assert.equal(
        standIn.stats().mainToRenderer.windows[win.webContents.id]?.messages ?? 0,
        listening.length,
        fail('one message per listened event')
      )
    }
    assert.deepEqual(standIn.pageErrors(), [], fail('no page error'))
  })
}
