// A renderer is less trusted than main. Calls pass the sender checks of store writes
// (registered window, live frame, allowedOrigins, allowSender), then the service's own
// allowSender and validateArgs; malformed calls and event messages from a compromised
// renderer get typed errors, run no handler and change nothing.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { guard, record } from './fixtures/services.js'
import { call, hostilePreload, js, openWindows, page, standIn, start, until } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  record.hooks.length = 0
  record.started.length = 0
  guard.allowSender = () => true
  guard.validateArgs = () => true
  await standIn.reset()
})

const hostile = () => standIn.openWindow({ preload: hostilePreload, page })
const invoke = (win, ...args) => js(win, `window.raw.invoke(...${JSON.stringify(args)})`)
const send = (win, channel, message) => js(win, `window.raw.send(${JSON.stringify(channel)}, ${message}), true`)

test('malformed calls get typed errors and run no handler, no hook', async () => {
  const errors = []
  ;({ ipc } = start({ onError: e => errors.push(e) }))
  const win = await hostile()
  const before = JSON.stringify(ipc.inspect())
  const huge = 'x'.repeat(1_000_000)
  const cases = [
    [['x', 'math', 'add', [1, 2]], 'INVALID_ARGUMENT'],
    [[0, 'math', 'add', [1, 2]], 'INVALID_ARGUMENT'],
    [[-1, 'math', 'add', [1, 2]], 'INVALID_ARGUMENT'],
    [[1.5, 'math', 'add', [1, 2]], 'INVALID_ARGUMENT'],
    [[2 ** 53, 'math', 'add', [1, 2]], 'INVALID_ARGUMENT'],
    [[1, 42, 'add', [1, 2]], 'INVALID_ID'],
    [[1, '', 'add', [1, 2]], 'INVALID_ID'],
    [[1, ['math'], 'add', [1, 2]], 'INVALID_ID'],
    [[1, huge, 'add', [1, 2]], 'INVALID_ID'],
    [[1, 'math', huge, [1, 2]], 'INVALID_ID'],
    [[1, 'math', null, [1, 2]], 'INVALID_ID'],
    [[1, 'math', 'add', 'not an array'], 'INVALID_ARGUMENT'],
    [[1, 'math', 'add', { 0: 1, 1: 2, length: 2 }], 'INVALID_ARGUMENT'],
    [[1, 'math', 'add', null], 'INVALID_ARGUMENT'],
    [[1, 'math', 'add'], 'INVALID_ARGUMENT'],
    [[1, 'math', 'add', Array(1025).fill(1)], 'INVALID_ARGUMENT'],
    [[1, 'nope', 'add', [1, 2]], 'SERVICE_NOT_FOUND'],
    [[1, 'math', 'constructor', []], 'METHOD_NOT_FOUND'],
    [[1, 'math', '__proto__', []], 'METHOD_NOT_FOUND'],
    [[1, 'math', 'then', []], 'METHOD_NOT_FOUND']
  ]
  for (const [args, code] of cases) {
    const reply = await invoke(win, 'wf:ns:svc:call', ...args)
    assert.equal(
      reply.error?.code,
      code,
      `${JSON.stringify(args).slice(0, 80)} → ${JSON.stringify(reply).slice(0, 200)}`
    )
    assert.ok(JSON.stringify(reply).length < 1000, 'an error never echoes a huge id back')
  }
  assert.deepEqual(record.hooks, [], 'no hook (so no handler) ran')
  assert.equal(errors.length, cases.length, 'main reported each one')
  assert.equal(JSON.stringify(ipc.inspect()), before)
  assert.equal(ipc.stats().openCalls, 0)
})

test('a call id in use is refused; another window cannot cancel a call it does not own', async () => {
  ;({ ipc } = start())
  const [owner] = await openWindows(1)
  const win = await hostile()
  const running = js(owner, `window.nanostoreIPC.call(777, 'math', 'wait', [150, 'owned'])`)
  await until(() => record.started.includes('owned'), { what: 'the call to start' })
  const dup = await js(owner, `window.nanostoreIPC.call(777, 'math', 'add', [1, 2])`)
  assert.equal(dup.error.code, 'INVALID_ARGUMENT', 'the preload refuses a duplicate id')
  const rawDup = await invoke(win, 'wf:ns:svc:call', 9, 'math', 'wait', [150, 'hostile'])
  assert.equal(rawDup.value, 'hostile', 'ids are per window: 9 in one window is not 9 in another')
  await send(win, 'wf:ns:svc:cancel', '777')
  assert.deepEqual(await running, { value: 'owned' })
})

test('a duplicate call id from a compromised renderer is refused by main', async () => {
  ;({ ipc } = start())
  const win = await hostile()
  const first = invoke(win, 'wf:ns:svc:call', 5, 'math', 'wait', [100, 'first'])
  const second = await invoke(win, 'wf:ns:svc:call', 5, 'math', 'add', [1, 1])
  assert.equal(second.error.code, 'INVALID_ARGUMENT')
  assert.deepEqual(await first, { value: 'first' })
})

test('malformed event subscriptions and credits are reported and change nothing', async () => {
  const errors = []
  ;({ ipc } = start({ onError: e => errors.push(e) }))
  const win = await hostile()
  const messages = [
    'null',
    '5',
    `'x'`,
    `{ add: 'math' }`,
    `{ add: [['math']] }`,
    `{ add: [[1, 2]] }`,
    `{ add: [['math', '']] }`,
    `{ add: [['math', 'x'.repeat(257)]] }`,
    `{ remove: 7 }`,
    `{ add: Array(10001).fill(['math', 'e']) }`
  ]
  for (const message of messages) await send(win, 'wf:ns:svc:sub', message)
  await send(win, 'wf:ns:svc:credit', '{ callId: 1, n: 1e9 }')
  await send(win, 'wf:ns:svc:credit', `{ callId: 1, n: 'x' }`)
  await send(win, 'wf:ns:svc:cancel', `'not an id'`)
  await standIn.idle()
  assert.deepEqual(
    errors.map(e => e.code),
    [
      ...Array(4).fill('INVALID_ARGUMENT'),
      'INVALID_ID',
      'INVALID_ID',
      'INVALID_ID',
      'INVALID_ID',
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT'
    ]
  )
  assert.equal(ipc.stats().eventSubscriptions, 0)
  // an unknown service is reported, not subscribed
  await send(win, 'wf:ns:svc:sub', `{ add: [['nope', 'e'], ['math', 'e']] }`)
  await standIn.idle()
  assert.equal(errors.at(-1).code, 'SERVICE_NOT_FOUND')
  assert.equal(ipc.stats().eventSubscriptions, 1)
})

test('a window listens to at most 10,000 distinct service events', async () => {
  const errors = []
  ;({ ipc } = start({ onError: e => errors.push(e) }))
  const win = await hostile()
  await send(win, 'wf:ns:svc:sub', `{ add: Array.from({ length: 10000 }, (_, i) => ['math', 'e' + i]) }`)
  await send(win, 'wf:ns:svc:sub', `{ add: [['math', 'one-more']] }`)
  await standIn.idle()
  assert.equal(ipc.stats().eventSubscriptions, 10000)
  assert.deepEqual(
    errors.map(e => e.code),
    ['INVALID_ARGUMENT']
  )
  win.close()
  await until(() => ipc.stats().eventSubscriptions === 0, { what: 'the closed window to be dropped' })
})

test("a service's allowSender and validateArgs run before the handler", async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const seen = []
  guard.allowSender = sender => {
    seen.push(sender)
    return false
  }
  const refused = await call(win, 'guarded', 'run', ['a'])
  assert.deepEqual(
    [refused.error.code, refused.error.serviceId, refused.error.method],
    ['SENDER_REJECTED', 'guarded', 'run']
  )
  assert.deepEqual(seen, [
    { kind: 'window', url: win.webContents.getURL(), origin: 'file://', webContentsId: win.webContents.id }
  ])

  guard.allowSender = () => true
  const validated = []
  guard.validateArgs = (method, args) => {
    validated.push([method, args])
    return typeof args[0] === 'string'
  }
  assert.equal((await call(win, 'guarded', 'run', [5])).error.code, 'INVALID_ARGUMENT')
  assert.deepEqual(await call(win, 'guarded', 'run', ['ok']), { value: 'ok' })
  guard.validateArgs = () => {
    throw new Error('schema says no')
  }
  const thrown = await call(win, 'guarded', 'run', ['b'])
  assert.equal(thrown.error.code, 'INVALID_ARGUMENT')
  assert.match(thrown.error.message, /schema says no/)
  assert.deepEqual(validated, [
    ['run', [5]],
    ['run', ['ok']]
  ])
  assert.deepEqual(record.started, ['guarded:ok'], 'the handler ran only for the accepted call')
})

test('calls pass the same sender checks as store writes', async () => {
  ;({ ipc } = start({ allowedOrigins: ['https://app.example'] }))
  let [win] = await openWindows(1)
  assert.equal((await call(win, 'math', 'add', [1, 1])).error.code, 'SENDER_REJECTED')
  ipc.destroy()
  ;({ ipc } = start({ allowSender: ({ url }) => !url.includes('page.js') }))
  assert.equal((await call(win, 'math', 'add', [1, 1])).error.code, 'SENDER_REJECTED')
  ipc.destroy()
  await standIn.reset()
  ;({ ipc } = start({ autoRegisterWindows: false }))
  ;[win] = await openWindows(1)
  assert.equal((await call(win, 'math', 'add', [1, 1])).error.code, 'WINDOW_NOT_FOUND')
  ipc.registerWindow(win)
  assert.deepEqual(await call(win, 'math', 'add', [1, 1]), { value: 2 })
  assert.deepEqual(record.hooks.length, 2, 'hooks ran for the one accepted call only')
})
