// Cancelling calls from a window (the promise's cancel(), an AbortSignal, a timeout
// signal) and a service's timeoutMs: the caller gets CALL_ABORTED / CALL_TIMEOUT, the
// handler's signal aborts, afterAll still runs, nothing stays open in main or the preload.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { record } from './fixtures/services.js'
import { call, js, openWindows, standIn, start, until } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  record.hooks.length = 0
  record.aborted.length = 0
  record.started.length = 0
  await standIn.reset()
})

const callAndCancel = (win, service, method, args, afterMs, how) =>
  js(
    win,
    `window.callAndCancel(${JSON.stringify(service)}, ${JSON.stringify(method)}, ${JSON.stringify(args)}, ${afterMs}, ${JSON.stringify(how)})`
  )

async function nothingOpen(win) {
  await until(() => ipc.stats().openCalls === 0, { what: 'main to close every call' })
  assert.equal(await js(win, 'window.openCalls()'), 0, 'the preload holds no call')
}

for (const how of ['cancel', 'signal']) {
  test(`${how === 'cancel' ? 'promise.cancel()' : 'an AbortSignal'} rejects the caller with CALL_ABORTED and aborts the handler's signal`, async () => {
    ;({ ipc } = start())
    const [win] = await openWindows(1)
    const reply = await callAndCancel(win, 'math', 'wait', [5000, how], 20, how)
    assert.deepEqual(
      [reply.error?.code, reply.error?.serviceId, reply.error?.method, reply.error?.name],
      ['CALL_ABORTED', 'math', 'wait', 'NanoStoreIPCError']
    )
    await until(() => record.aborted.length === 1, { what: "the handler's signal to abort" })
    assert.deepEqual(record.aborted, [{ tag: how, code: 'CALL_ABORTED' }])
    await until(() => record.hooks.length === 2, { what: 'afterAll' })
    assert.deepEqual(record.hooks.at(-1), ['after', 'wait', undefined, true])
    await nothingOpen(win)
  })
}

test('a signal aborted before the call sends nothing and rejects at once', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  standIn.resetStats()
  const reply = await js(
    win,
    `(async () => {
      const c = new AbortController(); c.abort()
      try { await window.services.math.withSignal(c.signal).add(1, 2) } catch (e) { return e.code }
    })()`
  )
  assert.equal(reply, 'CALL_ABORTED')
  assert.equal(standIn.stats().rendererToMain.channels['wf:ns:svc:call']?.messages ?? 0, 0)
  assert.deepEqual(record.started, [])
})

test('AbortSignal.timeout() in the page rejects with CALL_TIMEOUT', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const reply = await js(win, `window.callWithTimeoutSignal('math', 'wait', [5000, 't'], 30)`)
  assert.equal(reply.error?.code, 'CALL_TIMEOUT')
  await until(() => record.aborted.length === 1, { what: "the handler's signal to abort" })
  await nothingOpen(win)
})

test("a service's timeoutMs rejects a slow call with CALL_TIMEOUT and aborts its handler; fast calls are untouched", async () => {
  const errors = []
  ;({ ipc } = start({ onError: e => errors.push(e) }))
  const [win] = await openWindows(1)
  assert.deepEqual(await call(win, 'slow', 'wait', [1, 'fast']), { value: 'fast' })
  const reply = await call(win, 'slow', 'wait', [5000, 'slow'])
  assert.deepEqual([reply.error?.code, reply.error?.serviceId, reply.error?.method], ['CALL_TIMEOUT', 'slow', 'wait'])
  assert.match(reply.error.message, /within 60 ms/)
  await until(() => record.aborted.length === 1, { what: "the handler's signal to abort" })
  assert.deepEqual(record.aborted, [{ tag: 'slow', code: 'CALL_TIMEOUT' }])
  assert.deepEqual(
    errors.map(e => e.code),
    ['CALL_TIMEOUT'],
    'main reports a timeout (a cancel by the page is not an error)'
  )
  await nothingOpen(win)
})

test('cancelling a call that already finished changes nothing', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const reply = await js(
    win,
    `(async () => {
      const p = window.services.math.add(2, 2)
      const value = await p
      p.cancel()
      return value
    })()`
  )
  assert.equal(reply, 4)
  await nothingOpen(win)
})
