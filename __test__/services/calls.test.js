// defineService calls from a window: results, typed errors with the handler's own code,
// unknown services and methods, inherited names that are not methods, hooks, `this`.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { math, record } from './fixtures/services.js'
import { call, js, openWindows, standIn, start, until } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  record.hooks.length = 0
  await standIn.reset()
})

test('a window calls a handler in main and gets its result', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  assert.deepEqual(await call(win, 'math', 'add', [2, 3]), { value: 5 })
  assert.deepEqual(await call(win, 'math', 'echo', [{ a: [1, 2] }, 'x', null]), { value: [{ a: [1, 2] }, 'x', null] })
  assert.deepEqual(await call(win, 'math', 'self'), { value: 3 }, 'handlers are called with `this` = handlers')
})

test('main calls its handlers directly; hooks run around calls from windows only', async () => {
  ;({ ipc } = start())
  assert.equal(await math.add(1, 1), 2)
  assert.deepEqual(record.hooks, [])
  const [win] = await openWindows(1)
  await call(win, 'math', 'add', [1, 2])
  assert.deepEqual(record.hooks, [
    ['before', 'add', [1, 2]],
    ['after', 'add', 3, true]
  ])
})

test("a handler's error reaches the caller typed: its message, its own code or SERVICE_FAILED, service and method", async () => {
  const errors = []
  ;({ ipc } = start({ onError: e => errors.push(e) }))
  const [win] = await openWindows(1)
  assert.deepEqual(await call(win, 'math', 'fail', ['TODO_NOT_FOUND', 'no such todo']), {
    error: {
      name: 'NanoStoreIPCError',
      code: 'TODO_NOT_FOUND',
      message: 'no such todo',
      serviceId: 'math',
      method: 'fail'
    }
  })
  const plain = await call(win, 'math', 'fail', [undefined, 'plain error'])
  assert.equal(plain.error.code, 'SERVICE_FAILED')
  assert.equal(plain.error.message, 'plain error')
  const numeric = await call(win, 'math', 'fail', [42, 'numeric code'])
  assert.equal(numeric.error.code, 'SERVICE_FAILED', 'only a string code is kept')
  const long = await call(win, 'math', 'fail', ['X'.repeat(257), 'long code'])
  assert.equal(long.error.code, 'SERVICE_FAILED', 'a code longer than 256 characters is not kept')
  const thrownString = await call(win, 'math', 'throwString', ['just text'])
  assert.deepEqual([thrownString.error.code, thrownString.error.message], ['SERVICE_FAILED', 'just text'])
  // main saw each failure too, with the original error
  assert.deepEqual(
    errors.map(e => [e.code, e.serviceId, e.method]),
    [
      ['TODO_NOT_FOUND', 'math', 'fail'],
      ['SERVICE_FAILED', 'math', 'fail'],
      ['SERVICE_FAILED', 'math', 'fail'],
      ['SERVICE_FAILED', 'math', 'fail'],
      ['SERVICE_FAILED', 'math', 'throwString']
    ]
  )
  assert.equal(errors[0].originalError.message, 'no such todo')
})

test('unknown services and methods get SERVICE_NOT_FOUND / METHOD_NOT_FOUND; inherited names are not methods', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const raw = (serviceId, method, args = []) =>
    js(
      win,
      `window.nanostoreIPC.call(${Math.floor(Math.random() * 1e9) + 1}, ${JSON.stringify(serviceId)}, ${JSON.stringify(method)}, ${JSON.stringify(args)})`
    )
  const nope = await raw('nope', 'add')
  assert.deepEqual([nope.error.code, nope.error.serviceId, nope.error.method], ['SERVICE_NOT_FOUND', 'nope', 'add'])
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'apply']) {
    const reply = await raw('math', name)
    assert.equal(reply.error?.code, 'METHOD_NOT_FOUND', `${name} → ${JSON.stringify(reply)}`)
  }
  assert.equal((await raw('math', 'add', [1, 2])).value, 3, 'the real method still works')
  assert.deepEqual(
    record.hooks,
    [
      ['before', 'add', [1, 2]],
      ['after', 'add', 3, true]
    ],
    'no hook ran for refused calls'
  )
})

test('hooks: beforeAll can refuse a call; afterAll runs after failures with result undefined', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const vetoed = await call(win, 'math', 'fail', ['VETO', 'never thrown'])
  assert.deepEqual([vetoed.error.code, vetoed.error.message], ['VETO', 'vetoed'])
  await call(win, 'math', 'fail', ['E', 'failed'])
  assert.deepEqual(record.hooks, [
    ['before', 'fail', ['VETO', 'never thrown']],
    ['after', 'fail', undefined, true],
    ['before', 'fail', ['E', 'failed']],
    ['after', 'fail', undefined, true]
  ])
})

test('getCallContext() tells the handler which window and frame called, and gives it a live signal', async () => {
  ;({ ipc } = start())
  const [a, b] = await openWindows(2)
  const fromA = await call(a, 'math', 'context')
  const fromB = await call(b, 'math', 'context')
  assert.deepEqual(fromA.value, {
    serviceId: 'math',
    method: 'context',
    windowId: a.webContents.id,
    frameUrl: a.webContents.getURL(),
    origin: 'file://',
    aborted: false
  })
  assert.equal(fromB.value.windowId, b.webContents.id)
  // outside a call there is none; a call made in main has a signal but no window
  const { getCallContext } = await import('../../index.js')
  assert.equal(getCallContext(), undefined)
  const inMain = await math.context()
  assert.deepEqual([inMain.windowId, inMain.aborted, inMain.method], [undefined, false, 'context'])
})

test('getCallContext() holds while the handler runs synchronously, in a generator too', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  assert.deepEqual(await call(win, 'math', 'contextAfterAwait'), {
    value: { before: 'contextAfterAwait', after: null }
  })
  assert.deepEqual(await js(win, `window.consume('math', 'contextStream')`), {
    items: ['contextStream', win.webContents.id]
  })
})

test('arguments IPC cannot carry reject the call with SERIALIZATION_FAILED before main sees it', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const reply = await js(
    win,
    `window.services.math.echo({ f: () => 1 }).then(v => ({ value: v }), e => ({ code: e.code, method: e.method }))`
  )
  assert.deepEqual(reply, { code: 'SERIALIZATION_FAILED', method: 'echo' })
  assert.deepEqual(record.hooks, [])
})

test("the preload checks a listener's ids itself, so one bad listener cannot spoil a batch", async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const thrown = await js(
    win,
    `(() => {
      const out = []
      window.nanostoreIPC.subscribeServiceEvent('math', 'good', () => {})
      for (const args of [[7, 'e', () => {}], ['math', '', () => {}], ['math', 'e', 'no']]) {
        try { window.nanostoreIPC.subscribeServiceEvent(...args) } catch (e) { out.push(e.message.split(':')[0]) }
      }
      return out
    })()`
  )
  assert.deepEqual(thrown, ['INVALID_ID', 'INVALID_ID', 'INVALID_ARGUMENT'])
  await until(() => ipc.stats().eventSubscriptions === 1, { what: 'the good listener to reach main' })
})

test('a result IPC cannot carry rejects the call with SERIALIZATION_FAILED, naming service and method', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const reply = await call(win, 'math', 'unclonable')
  assert.deepEqual(
    [reply.error.code, reply.error.serviceId, reply.error.method],
    ['SERIALIZATION_FAILED', 'math', 'unclonable']
  )
})
