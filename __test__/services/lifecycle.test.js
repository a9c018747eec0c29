// defineService's life: options checked at the call, in every process; defined before
// initNanoStoreIPC() it is registered when init runs, and again after destroy()/re-init;
// one id per process; destroy() ends running calls; outside Electron it is a local
// service.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { defineService } from '../../index.js'
import { math, record } from './fixtures/services.js'
import { call, js, openWindows, standIn, start, until } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  record.aborted.length = 0
  record.started.length = 0
  await standIn.reset()
})

test('services defined before initNanoStoreIPC() are registered by it, and again after destroy()', async () => {
  // fixtures/services.js ran at import, before any init
  ;({ ipc } = start())
  assert.deepEqual(
    ipc.inspect().services.map(s => s.id),
    ['guarded', 'math', 'slow']
  )
  assert.deepEqual(ipc.inspect().services.find(s => s.id === 'math').methods, [
    'add',
    'announce',
    'context',
    'contextAfterAwait',
    'contextStream',
    'count',
    'echo',
    'fail',
    'failAfter',
    'forever',
    'self',
    'throwString',
    'unclonable',
    'unclonableChunk',
    'wait'
  ])
  const [win] = await openWindows(1)
  assert.deepEqual(await call(win, 'math', 'add', [1, 2]), { value: 3 })
  ipc.destroy()
  assert.equal((await call(win, 'math', 'add', [1, 2])).error.code, 'IPC_FAILED', 'no handler after destroy()')
  ;({ ipc } = start())
  assert.deepEqual(await call(win, 'math', 'add', [1, 2]), { value: 3 })
})

test('a service defined after init is registered at once', async () => {
  ;({ ipc } = start())
  const late = defineService({
    id: 'late',
    handlers: {
      async ping() {
        return 'pong'
      }
    }
  })
  const [win] = await openWindows(1)
  assert.deepEqual(await js(win, `window.nanostoreIPC.callService('late', 'ping')`), 'pong')
  assert.equal(await late.ping(), 'pong')
})

test('destroy() ends running calls: their signals abort', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const pending = call(win, 'math', 'wait', [5000, 'running'])
  await until(() => record.started.includes('running'), { what: 'the call to start' })
  ipc.destroy()
  ipc = undefined
  await until(() => record.aborted.length === 1, { what: "the handler's signal to abort" })
  assert.deepEqual(record.aborted, [{ tag: 'running', code: 'DESTROYED' }])
  assert.equal((await pending).error?.code, 'DESTROYED', 'the page hears why')
})

test('one id per process: a second defineService with it throws SERVICE_EXISTS', () => {
  assert.throws(() => defineService({ id: 'math', handlers: {} }), {
    name: 'NanoStoreIPCError',
    code: 'SERVICE_EXISTS',
    serviceId: 'math'
  })
})

test('invalid options throw typed errors at the call', () => {
  const cases = [
    [undefined, 'INVALID_ARGUMENT'],
    [{ handlers: {} }, 'INVALID_ID'],
    [{ id: '', handlers: {} }, 'INVALID_ID'],
    [{ id: 'x'.repeat(257), handlers: {} }, 'INVALID_ID'],
    [{ id: 'v' }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: [] }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: { a: 1 } }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: { on() {} } }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: { broadcast() {} } }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: { ['th' + 'en']: () => {} } }, 'INVALID_ARGUMENT'], // a thenable proxy
    [{ id: 'v', handlers: { withSignal() {} } }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: { toString() {} } }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: { constructor() {} } }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: {}, hooks: 5 }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: {}, hooks: { beforeAll: 'x' } }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: {}, timeoutMs: 0 }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: {}, timeoutMs: '5' }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: {}, timeoutMs: 2 ** 31 }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: {}, allowSender: true }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: {}, validateArgs: {} }, 'INVALID_ARGUMENT'],
    [{ id: 'v', handlers: {}, globalName: 7 }, 'INVALID_ARGUMENT']
  ]
  for (const [options, code] of cases) {
    assert.throws(() => defineService(options), { name: 'NanoStoreIPCError', code }, JSON.stringify(options))
  }
})

test('outside Electron (no main, no bridge) a service is local: methods call handlers, on() hears broadcast()', async () => {
  const type = process.type
  delete process.type
  try {
    const seen = []
    const local = defineService({
      id: 'local-only',
      handlers: {
        async double(n) {
          return n * 2
        },
        async *twice(v) {
          yield v
          yield v
        }
      }
    })
    const off = local.on('changed', data => seen.push(data))
    assert.equal(await local.double(4), 8)
    assert.equal(local.broadcast('changed', 1), 1)
    off()
    assert.equal(local.broadcast('changed', 2), 0)
    assert.deepEqual(seen, [1])
    const items = []
    for await (const v of local.twice('x')) items.push(v)
    assert.deepEqual(items, ['x', 'x'])
    // a local service is not registered anywhere: the same id again is another local service
    assert.doesNotThrow(() => defineService({ id: 'local-only', handlers: {} }))
  } finally {
    process.type = type
  }
})

test('a page whose preload has no service calls gets IPC_FAILED, never runs handlers itself', async () => {
  const type = process.type
  delete process.type
  globalThis.oldBridge = { watch() {}, write() {}, read() {} }
  try {
    let ran = false
    const svc = defineService({
      id: 'old-preload',
      globalName: 'oldBridge',
      handlers: {
        async run() {
          ran = true
        }
      }
    })
    await assert.rejects(svc.run(), { code: 'IPC_FAILED', serviceId: 'old-preload', method: 'run' })
    assert.throws(() => svc.on('e', () => {}), { code: 'IPC_FAILED' })
    assert.equal(ran, false)
  } finally {
    delete globalThis.oldBridge
    process.type = type
  }
})

test('main cancels its own direct call through the promise or a signal', async () => {
  ;({ ipc } = start())
  const p = math.wait(5000, 'direct')
  p.cancel()
  assert.equal(await p, 'direct')
  const controller = new AbortController()
  const q = math.withSignal(controller.signal).wait(5000, 'signal')
  controller.abort()
  assert.equal(await q, 'signal')
  assert.deepEqual(
    record.aborted.map(a => a.tag),
    ['direct', 'signal']
  )
})
