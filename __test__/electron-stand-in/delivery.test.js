// Self-tests: seeded delays (reordering between windows, never within one window's direction),
// stats, and idle().
import { test, afterEach, after } from 'node:test'
import assert from 'node:assert/strict'
import v8 from 'node:v8'
import { standIn, ipcMain, openProbe, exec, fixture, PRELOAD, randomSeed } from './harness.js'

afterEach(async () => {
  await standIn.reset()
  standIn.configure()
})
after(() => standIn.configure())

const isSorted = xs => xs.every((x, i) => i === 0 || xs[i - 1] <= x)

test('main → windows under random delays: order kept per window, windows reordered against each other', async () => {
  const seed = randomSeed()
  const ctx = `(seed ${seed}; rerun with STAND_IN_SEED=${seed})`
  standIn.configure({ seed, maxDelayMs: 6 })
  const wins = await standIn.openWindows(3, { preload: PRELOAD, page: fixture('stamp-page.js') })
  const N = 300
  for (let k = 0; k < N; k++) wins[k % 3].webContents.send('to-page', k)
  await standIn.idle()
  const all = []
  for (const [i, win] of wins.entries()) {
    const got = await exec(win, 'window.received')
    const ks = got.map(([k]) => k)
    assert.deepEqual(
      ks,
      [...Array(N).keys()].filter(k => k % 3 === i),
      `window ${i} lost or reordered messages ${ctx}`
    )
    all.push(...got)
  }
  all.sort((a, b) => a[1] - b[1])
  assert.equal(isSorted(all.map(([k]) => k)), false, `deliveries to different windows were not reordered ${ctx}`)
})

test('a seeded delay can deliver a later message to one window well before an earlier one to another', async () => {
  // With delays off, worker scheduling reorders windows by far less than a millisecond; here the
  // seeded delays (0..30 ms) must make some message sent second arrive >= 5 ms before the first.
  const seed = 42
  standIn.configure({ seed, maxDelayMs: 30 })
  const [a, b] = await standIn.openWindows(2, { preload: PRELOAD, page: fixture('stamp-page.js') })
  const T = 12
  for (let t = 0; t < T; t++) {
    a.webContents.send('to-page', t)
    b.webContents.send('to-page', t)
    await standIn.idle()
  }
  const atA = (await exec(a, 'window.received')).map(([, at]) => at)
  const atB = (await exec(b, 'window.received')).map(([, at]) => at)
  assert.equal(atA.length, T)
  assert.equal(atB.length, T)
  const inversions = atA.filter((at, t) => atB[t] + 5 < at).length
  assert.ok(inversions >= 1, `no message to window B overtook the earlier one to window A by 5 ms (seed ${seed})`)
})

test('windows → main under random delays: send and invoke keep their order per window, windows get interleaved differently', async () => {
  const seed = randomSeed()
  const ctx = `(seed ${seed}; rerun with STAND_IN_SEED=${seed})`
  // Delays up to 40 ms spread each window's deliveries over ~40 ms, so windows whose
  // sends start a few ms apart (a loaded machine) still overlap and interleave.
  standIn.configure({ seed, maxDelayMs: 40 })
  const wins = await standIn.openWindows(3, { preload: PRELOAD, page: fixture('stamp-page.js') })
  const arrivals = []
  ipcMain.on('seq', (e, i, sentAt) => arrivals.push({ wc: e.sender.id, i, sentAt }))
  ipcMain.handle('seq-invoke', (e, i, sentAt) => {
    arrivals.push({ wc: e.sender.id, i, sentAt })
    return i
  })
  const N = 150
  await Promise.all(wins.map(w => exec(w, `window.sendSeq(${N})`)))
  await standIn.idle()
  assert.equal(arrivals.length, 3 * N, ctx)
  for (const w of wins) {
    const mine = arrivals.filter(a => a.wc === w.webContents.id).map(a => a.i)
    assert.deepEqual(mine, [...Array(N).keys()], `window ${w.webContents.id}: order not kept ${ctx}`)
  }
  // the arrival order differs from the order the messages were sent in (across windows)
  assert.equal(isSorted(arrivals.map(a => a.sentAt)), false, `no reordering between windows ${ctx}`)
})

test('without delays a window still sees exactly the order main sent in, mixing sends and invoke replies', async () => {
  ipcMain.handle('h', (e, n) => {
    e.sender.send('to-page', `before ${n}`)
    return `reply ${n}`
  })
  const [win] = await standIn.openWindows(1, { preload: PRELOAD, page: fixture('page.js') })
  const r = await exec(
    win,
    `(async () => { const out = []; window.api.on('to-page', (v) => out.push(v));
      await Promise.all([1, 2, 3].map((n) => window.api.invoke('h', n).then((v) => out.push(v)))); return out; })()`
  )
  assert.deepEqual(r, ['before 1', 'reply 1', 'before 2', 'reply 2', 'before 3', 'reply 3'])
})

test('under random delays too, main handles each message in a task of its own: a reply goes out before the next message is handled', async () => {
  // Messages due together used to be handled in one timer callback: a second invoke's handler
  // (and what it sent) ran before the first one's reply, which Electron never does.
  const seed = randomSeed()
  standIn.configure({ seed, maxDelayMs: 4 })
  ipcMain.handle('h', (e, n) => {
    e.sender.send('to-page', `before ${n}`)
    return `reply ${n}`
  })
  const [win] = await standIn.openWindows(1, { preload: PRELOAD, page: fixture('page.js') })
  const N = 40
  const r = await exec(
    win,
    `(async () => { const out = []; window.api.on('to-page', (v) => out.push(v));
      await Promise.all([...Array(${N}).keys()].map((n) => window.api.invoke('h', n).then((v) => out.push(v)))); return out; })()`
  )
  assert.deepEqual(
    r,
    [...Array(N).keys()].flatMap(n => [`before ${n}`, `reply ${n}`]),
    `(seed ${seed}; rerun with STAND_IN_SEED=${seed})`
  )
})

test('stats(): messages and bytes per channel and per window in both directions; resetStats()', async () => {
  standIn.configure({ countBytes: true })
  const [a, b] = await standIn.openWindows(2, { preload: PRELOAD, page: fixture('page.js') })
  ipcMain.handle('h', (_e, v) => v * 2)
  for (let i = 0; i < 3; i++) a.webContents.send('a', i)
  b.webContents.send('b', 'x')
  await exec(a, `window.api.send('c', { v: 1 }); window.api.send('c', { v: 2 }); window.api.invoke('h', 5)`)
  await standIn.idle()
  const s = standIn.stats()
  const size = args => v8.serialize(args).length
  const A = a.webContents.id
  const B = b.webContents.id
  assert.equal(s.countBytes, true)
  assert.deepEqual(s.mainToRenderer.channels, {
    a: { messages: 3, bytes: size([0]) + size([1]) + size([2]) },
    b: { messages: 1, bytes: size(['x']) },
    h: { messages: 1, bytes: size(10) }
  })
  assert.equal(s.mainToRenderer.messages, 5)
  assert.equal(s.mainToRenderer.windows[A].messages, 4)
  assert.equal(s.mainToRenderer.windows[B].messages, 1)
  // renderer → main is measured on the copy main received (v8 encodes a deserialized array differently)
  const received = args => size(structuredClone(args))
  assert.deepEqual(s.rendererToMain.channels, {
    c: { messages: 2, bytes: received([{ v: 1 }]) + received([{ v: 2 }]) },
    h: { messages: 1, bytes: received([5]) }
  })
  assert.deepEqual(Object.keys(s.rendererToMain.windows), [String(A)])
  assert.equal(s.rendererToMain.bytes, s.rendererToMain.windows[A].bytes)
  standIn.resetStats()
  assert.equal(standIn.stats().mainToRenderer.messages, 0)
  standIn.configure({ countBytes: false })
  a.webContents.send('a', 'big'.repeat(1000))
  assert.equal(standIn.stats().mainToRenderer.bytes, 0)
  assert.equal(standIn.stats().mainToRenderer.messages, 1)
})

test('idle() waits for page timers, async handlers and ping-pong chains; setInterval does not count', async () => {
  const got = []
  ipcMain.on('later', (_e, v) => got.push(v))
  await standIn.openWindows(1, { preload: PRELOAD, page: fixture('timers-page.js') })
  await standIn.idle()
  assert.deepEqual(got, ['done'])

  let rounds = 0
  ipcMain.on('ping', (e, n) => {
    rounds++
    if (n < 20) e.sender.send('pong', n + 1)
  })
  ipcMain.handle('slow', async () => {
    await new Promise(r => setTimeout(r, 40))
    return 'slow done'
  })
  const [win] = await openProbe()
  await exec(
    win,
    `window.api.on('pong', (n) => window.api.send('ping', n)); window.api.send('ping', 0);
     window.slow = null; window.api.invoke('slow').then((v) => (window.slow = v));
     setInterval(() => {}, 5); 1`
  )
  await standIn.idle()
  assert.equal(rounds, 21)
  assert.equal(await exec(win, 'window.slow'), 'slow done')
})

test('idle() gives up with a clear error when a page keeps re-arming short timers', async () => {
  const [win] = await openProbe()
  await exec(win, `(function again() { setTimeout(again, 5); })(); 1`)
  await assert.rejects(
    standIn.idle({ timeoutMs: 150 }),
    /standIn\.idle\(\): still busy after 150 ms \(window \d+: 1 pending setTimeout/
  )
})

test('executeJavaScript queued behind delayed messages settles when the window crashes or closes', async () => {
  standIn.configure({ seed: 7, maxDelayMs: 50 })
  const [a, b] = await standIn.openWindows(2, { preload: PRELOAD, page: fixture('stamp-page.js') })
  for (let k = 0; k < 20; k++) a.webContents.send('to-page', k)
  for (let k = 0; k < 20; k++) b.webContents.send('to-page', k)
  const onA = a.webContents.executeJavaScript('1')
  const onB = b.webContents.executeJavaScript('2')
  standIn.crash(a)
  b.close()
  await assert.rejects(onA, /went away/)
  await assert.rejects(onB, /went away/)
})
