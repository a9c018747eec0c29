// StoreRuntime's service exports (src/services.rs through js/runtime/services.rs): the service
// table, call authorization, event subscriptions counted per window, recipients, a window
// dropped from the event table with its store subscriptions; hostile arguments throw typed
// errors and change nothing.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { StoreRuntime, throwsCode } from './helpers.js'

const state = rt => ({
  services: rt.serviceIds().map(id => rt.serviceInfo(id)),
  windows: rt.windowIds().map(id => rt.windowEvents(id)),
  stats: rt.serviceStats()
})

function runtime() {
  const rt = new StoreRuntime()
  rt.registerService('todos', ['add', 'remove', 'add'])
  rt.registerService('search', ['query'])
  for (const w of [1, 2, 3]) rt.registerWindow(w)
  rt.setWindowState(3, 'gone')
  return rt
}

test('the service exports exist', () => {
  for (const m of [
    'registerService',
    'unregisterService',
    'authorizeCall',
    'subscribeEvents',
    'unsubscribeEvents',
    'eventRecipients',
    'serviceInfo',
    'serviceIds',
    'windowEvents',
    'serviceStats'
  ]) {
    assert.equal(typeof StoreRuntime.prototype[m], 'function', m)
  }
})

test('registerService / serviceInfo / serviceIds / unregisterService', () => {
  const rt = runtime()
  assert.deepEqual(rt.serviceIds(), ['search', 'todos'])
  assert.deepEqual(rt.serviceInfo('todos'), { id: 'todos', methods: ['add', 'remove'], events: [] })
  assert.equal(rt.serviceInfo('nope'), null)
  throwsCode(() => rt.registerService('todos', []), 'SERVICE_EXISTS', { serviceId: 'todos' })
  rt.unregisterService('search')
  throwsCode(() => rt.unregisterService('search'), 'SERVICE_NOT_FOUND', { serviceId: 'search' })
  assert.deepEqual(rt.serviceStats(), { services: 1, eventSubscriptions: 0 })
})

test('authorizeCall checks the window, then the service, then the method (own names only)', () => {
  const rt = runtime()
  assert.equal(rt.authorizeCall(1, 'todos', 'add'), undefined)
  throwsCode(() => rt.authorizeCall(9, 'nope', 'x'), 'WINDOW_NOT_FOUND', { windowId: 9 })
  throwsCode(() => rt.authorizeCall(3, 'todos', 'add'), 'WINDOW_NOT_FOUND', { windowId: 3 })
  throwsCode(() => rt.authorizeCall(1, 'nope', 'add'), 'SERVICE_NOT_FOUND', { serviceId: 'nope' })
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'ADD']) {
    throwsCode(() => rt.authorizeCall(1, 'todos', name), 'METHOD_NOT_FOUND', { serviceId: 'todos', method: name })
  }
})

test('event subscriptions are counted per window; recipients are the live listening windows', () => {
  const rt = runtime()
  assert.deepEqual(
    rt.subscribeEvents(1, [
      ['todos', 'added'],
      ['todos', 'added'],
      ['nope', 'x'],
      ['nope', 'y']
    ]),
    ['nope']
  )
  rt.subscribeEvents(2, [['todos', 'added']])
  assert.deepEqual(rt.eventRecipients('todos', 'added'), [1, 2])
  assert.deepEqual(rt.windowEvents(1), [{ serviceId: 'todos', eventName: 'added', count: 2 }])
  assert.deepEqual(rt.serviceInfo('todos').events, [
    {
      name: 'added',
      windows: [
        { id: 1, count: 2 },
        { id: 2, count: 1 }
      ]
    }
  ])
  rt.unsubscribeEvents(1, [['todos', 'added']])
  assert.deepEqual(rt.eventRecipients('todos', 'added'), [1, 2], 'one count left')
  rt.unsubscribeEvents(1, [
    ['todos', 'added'],
    ['todos', 'added'],
    ['nope', 'x']
  ])
  assert.deepEqual(rt.eventRecipients('todos', 'added'), [2])
  rt.setWindowState(2, 'gone')
  assert.deepEqual(rt.eventRecipients('todos', 'added'), [], 'a gone window receives nothing')
  assert.deepEqual(rt.eventRecipients('todos', 'never'), [])
  throwsCode(() => rt.eventRecipients('nope', 'x'), 'SERVICE_NOT_FOUND', { serviceId: 'nope' })
  throwsCode(() => rt.subscribeEvents(3, [['todos', 'x']]), 'WINDOW_NOT_FOUND')
  throwsCode(() => rt.unsubscribeEvents(9, [['todos', 'x']]), 'WINDOW_NOT_FOUND')
})

test('resetWindow and forgetWindow drop the window from the event table too', () => {
  const rt = runtime()
  rt.registerStore('s')
  for (const w of [1, 2]) {
    rt.subscribe(w, ['s'])
    rt.subscribeEvents(w, [
      ['todos', 'added'],
      ['search', 'progress']
    ])
  }
  rt.resetWindow(1)
  assert.deepEqual(rt.windowEvents(1), [])
  assert.deepEqual(rt.eventRecipients('todos', 'added'), [2])
  rt.forgetWindow(2)
  assert.deepEqual(rt.eventRecipients('todos', 'added'), [])
  assert.deepEqual(rt.serviceStats(), { services: 2, eventSubscriptions: 0 })
  assert.deepEqual(rt.stats().subscriptions, 0)
})

test('unregistering a service drops its subscriptions', () => {
  const rt = runtime()
  rt.subscribeEvents(1, [
    ['todos', 'added'],
    ['search', 'progress']
  ])
  rt.unregisterService('todos')
  assert.deepEqual(rt.windowEvents(1), [{ serviceId: 'search', eventName: 'progress', count: 1 }])
  rt.registerService('todos', ['add'])
  assert.deepEqual(rt.eventRecipients('todos', 'added'), [], 'registered again, it starts without listeners')
})

test('hostile arguments throw typed errors and change nothing', () => {
  const rt = runtime()
  rt.subscribeEvents(1, [['todos', 'added']])
  const before = JSON.stringify(state(rt))
  const huge = 'x'.repeat(1_000_000)
  const revoked = Proxy.revocable([], {})
  revoked.revoke()
  const throwing = new Proxy(['todos', 'e'], {
    get(target, key) {
      if (key === '1') throw new Error('trap')
      return target[key]
    }
  })
  const cases = [
    [() => rt.registerService(huge, []), 'INVALID_ID'],
    [() => rt.registerService('', []), 'INVALID_ID'],
    [() => rt.registerService('\uD800', []), 'INVALID_ID'],
    [() => rt.registerService('x', 'add'), 'INVALID_ARGUMENT'],
    [() => rt.registerService('x', ['ok', 7]), 'INVALID_ID'],
    [() => rt.registerService('x', ['ok', huge]), 'INVALID_ID'],
    [() => rt.authorizeCall(1, 'todos', huge), 'INVALID_ID'],
    [() => rt.authorizeCall(1, 42, 'add'), 'INVALID_ID'],
    [() => rt.authorizeCall('1', 'todos', 'add'), 'INVALID_ID'],
    [() => rt.authorizeCall(1.5, 'todos', 'add'), 'INVALID_ID'],
    [() => rt.subscribeEvents(1, 'todos'), 'INVALID_ARGUMENT'],
    [() => rt.subscribeEvents(1, [['todos']]), 'INVALID_ARGUMENT'],
    [() => rt.subscribeEvents(1, [['todos', 'a', 'b']]), 'INVALID_ARGUMENT'],
    [
      () =>
        rt.subscribeEvents(1, [
          ['todos', 'ok'],
          ['todos', huge]
        ]),
      'INVALID_ID'
    ],
    [() => rt.subscribeEvents(1, [['todos', 'ok'], null]), 'INVALID_ARGUMENT'],
    [() => rt.subscribeEvents(1, revoked.proxy), 'INVALID_ARGUMENT'],
    [() => rt.subscribeEvents(1, [throwing]), 'INVALID_ARGUMENT'],
    [
      () =>
        rt.unsubscribeEvents(1, [
          ['todos', 'added'],
          [1, 2]
        ]),
      'INVALID_ID'
    ],
    [() => rt.eventRecipients('todos', ''), 'INVALID_ID'],
    [() => rt.windowEvents(-1), 'INVALID_ID'],
    [() => rt.serviceInfo(null), 'INVALID_ID']
  ]
  for (const [fn, code] of cases) {
    const error = throwsCode(fn, code)
    assert.ok(error.message.length < 500, 'a message never carries a huge argument')
  }
  assert.equal(JSON.stringify(state(rt)), before)
})

test('a window listens to at most 10,000 distinct events; past that nothing changes', () => {
  const rt = runtime()
  const pairs = Array.from({ length: 10_000 }, (_, i) => ['todos', `e${i}`])
  rt.subscribeEvents(1, pairs)
  rt.subscribeEvents(1, [['todos', 'e0']])
  const before = JSON.stringify(rt.windowEvents(1).slice(0, 3))
  throwsCode(
    () =>
      rt.subscribeEvents(1, [
        ['todos', 'e1'],
        ['todos', 'one-more']
      ]),
    'INVALID_ARGUMENT'
  )
  assert.equal(JSON.stringify(rt.windowEvents(1).slice(0, 3)), before)
  assert.equal(rt.serviceStats().eventSubscriptions, 10_000)
  rt.subscribeEvents(2, [['todos', 'one-more']])
})
