// A handler written as an async generator streams: the page gets an async iterable,
// `break` stops the generator in main, errors arrive typed, main never runs more than
// STREAM_WINDOW chunks ahead of what the page consumed, and a window that goes away
// mid-stream stops it.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { STREAM_WINDOW } from '../../protocol/index.js'
import { math, record } from './fixtures/services.js'
import { js, openWindows, standIn, start, until } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  record.closedStreams = 0
  record.hooks.length = 0
  await standIn.reset()
})

const consume = (win, service, method, args = [], take = null) =>
  js(
    win,
    `window.consume(${JSON.stringify(service)}, ${JSON.stringify(method)}, ${JSON.stringify(args)}${take ? `, ${take}` : ''})`
  )

async function nothingOpen(win) {
  await until(() => ipc.stats().openCalls === 0, { what: 'main to close every call' })
  assert.equal(await js(win, 'window.openCalls()'), 0, 'the preload holds no call')
}

test('for await receives every chunk in order; afterAll gets the return value', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const n = 3 * STREAM_WINDOW + 5 // several credit grants
  const { items, error } = await consume(win, 'math', 'count', [n])
  assert.equal(error, undefined)
  assert.deepEqual(
    items,
    Array.from({ length: n }, (_, i) => i)
  )
  await until(() => record.hooks.length === 2, { what: 'afterAll' })
  assert.deepEqual(record.hooks[1], ['after', 'count', 'counted', true])
  await nothingOpen(win)
})

test('break in the page stops the generator in main', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const { items } = await consume(win, 'math', 'forever', [], 5)
  assert.deepEqual(items, [0, 1, 2, 3, 4])
  await until(() => record.closedStreams === 1, { what: "the generator's finally block" })
  await nothingOpen(win)
})

test('an error in the generator ends the stream with its own code after the chunks before it', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const { items, error } = await consume(win, 'math', 'failAfter', [3])
  assert.deepEqual(items, [0, 1, 2])
  assert.deepEqual(
    [error.code, error.message, error.serviceId, error.method],
    ['STREAM_BROKE', 'stream broke', 'math', 'failAfter']
  )
  await nothingOpen(win)
})

test('a chunk IPC cannot carry ends the stream with SERIALIZATION_FAILED and stops the generator', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const { items, error } = await consume(win, 'math', 'unclonableChunk')
  assert.deepEqual(items, [1])
  assert.equal(error.code, 'SERIALIZATION_FAILED')
  await nothingOpen(win)
})

test('main runs at most STREAM_WINDOW chunks ahead of what the page took', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  standIn.resetStats()
  const sent = () => standIn.stats().mainToRenderer.channels['wf:ns:svc:chunk']?.messages ?? 0
  const settled = async count => {
    await until(() => sent() >= count, { what: `main to send ${count} chunks` })
    await new Promise(resolve => setTimeout(resolve, 50))
    return sent()
  }
  // through the preload's own API: the page takes nothing until it asks
  assert.deepEqual(await js(win, `window.nanostoreIPC.call(4242, 'math', 'forever', [])`), { stream: true })
  assert.equal(await settled(STREAM_WINDOW), STREAM_WINDOW, 'main stopped at the window and waits for credit')
  const taken = await js(win, 'window.nanostoreIPC.nextChunks(4242).then(b => b.values.length)')
  assert.equal(taken, STREAM_WINDOW, 'one crossing took every chunk that had arrived')
  assert.equal(await settled(2 * STREAM_WINDOW), 2 * STREAM_WINDOW, 'credit for what was taken, no more')
  await js(win, 'window.nanostoreIPC.cancelCall(4242)')
  await until(() => record.closedStreams === 1, { what: 'the generator to stop' })
  await nothingOpen(win)
})

test("a service's timeoutMs bounds a stream: the page gets CALL_TIMEOUT after the chunks it had", async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const { items, error } = await consume(win, 'slow', 'drip', [1000, 10])
  assert.ok(items.length > 0 && items.length < 1000, `${items.length} chunks before the timeout`)
  assert.deepEqual(
    items,
    Array.from({ length: items.length }, (_, i) => i)
  )
  assert.equal(error.code, 'CALL_TIMEOUT')
  await nothingOpen(win)
})

test('a window closed or reloaded mid-stream stops the generator in main', async () => {
  ;({ ipc } = start())
  const [a, b] = await openWindows(2)
  for (const win of [a, b]) {
    await js(
      win,
      `(async () => { window.held = window.services.math.forever(); await window.held.next(); return true })()`
    )
  }
  assert.equal(ipc.stats().openCalls, 2)
  a.webContents.reload()
  await until(() => record.closedStreams === 1, { what: "a's stream to stop" })
  b.close()
  await until(() => record.closedStreams === 2, { what: "b's stream to stop" })
  assert.equal(ipc.stats().openCalls, 0)
})

test('in main, a streaming method returns the generator itself', async () => {
  ;({ ipc } = start())
  const seen = []
  for await (const i of math.count(3)) seen.push(i)
  assert.deepEqual(seen, [0, 1, 2])
})
