// The worst arguments we can think of: every export must answer with a typed Error (or a
// result), never crash the process, and leave the registry exactly as it was.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { StoreRuntime, checkSerializable, throwsCode, snapshot, populated, commit, CODES } from './helpers.js'

function revoked() {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
}

const throwingToString = {
  toString() {
    throw new Error('toString boom')
  },
  valueOf() {
    throw new Error('valueOf boom')
  }
}
const throwingPrimitive = {
  [Symbol.toPrimitive]() {
    throw new Error('toPrimitive boom')
  }
}

// Things that are not a valid store id.
const badStoreIds = [
  ['empty string', ''],
  ['257 units', 'x'.repeat(257)],
  ['129 astral chars (258 units)', '😀'.repeat(129)],
  ['10 MB string', 'x'.repeat(10 * 1024 * 1024)],
  ['lone high surrogate', '\uD800'],
  ['lone low surrogate in text', 'ab\uDC00cd'],
  ['number', 5],
  ['NaN', NaN],
  ['null', null],
  ['undefined', undefined],
  ['boolean', true],
  ['BigInt', 10n],
  ['symbol', Symbol('id')],
  ['boxed string', new String('a')],
  ['object with toString', { toString: () => 'a' }],
  ['throwing toString', throwingToString],
  ['throwing toPrimitive', throwingPrimitive],
  ['array', ['a']],
  ['function', () => 'a'],
  [
    'proxy',
    new Proxy(
      {},
      {
        get() {
          throw new Error('trap')
        }
      }
    )
  ],
  ['revoked proxy', revoked()]
]

// Things that are not a valid window id.
const badWindowIds = [
  ['0', 0],
  ['-0', -0],
  ['negative', -1],
  ['fraction', 1.5],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['2^53', 2 ** 53],
  ['1e300', 1e300],
  ['Number.MIN_VALUE', Number.MIN_VALUE],
  ['numeric string', '1'],
  ['BigInt', 1n],
  ['huge BigInt', 2n ** 200n],
  ['null', null],
  ['undefined', undefined],
  ['boolean', true],
  ['symbol', Symbol('w')],
  ['boxed number', new Number(1)],
  ['valueOf object', { valueOf: () => 1 }],
  ['throwing valueOf', throwingToString],
  ['throwing toPrimitive', throwingPrimitive],
  ['array', [1]],
  [
    'proxy',
    new Proxy(
      {},
      {
        get() {
          throw new Error('trap')
        }
      }
    )
  ],
  ['revoked proxy', revoked()]
]

test('every store-id argument rejects bad ids with INVALID_ID, state unchanged', () => {
  const rt = populated()
  const before = snapshot(rt)
  const calls = {
    registerStore: id => rt.registerStore(id),
    unregisterStore: id => rt.unregisterStore(id),
    storeInfo: id => rt.storeInfo(id),
    commitInto: id => commit(rt, id),
    authorizeWrite: id => rt.authorizeWrite(1, id),
    checkStoreValue: id => rt.checkStoreValue(id, 1),
    'subscribe list': id => rt.subscribe(1, ['b', id]),
    'unsubscribe list': id => rt.unsubscribe(1, ['a', id])
  }
  for (const [name, call] of Object.entries(calls)) {
    for (const [label, id] of badStoreIds) {
      const e = throwsCode(() => call(id), 'INVALID_ID')
      assert.match(e.message, /storeId/, `${name}(${label}): ${e.message}`)
      if (name.endsWith('list')) assert.match(e.message, /\[1\]/, `${name}(${label}) names the element: ${e.message}`)
      assert.ok(e.message.length < 300, `${name}(${label}): message stays short`)
    }
  }
  assert.deepEqual(snapshot(rt), before)
})

test('every window-id argument rejects bad ids with INVALID_ID, state unchanged', () => {
  const rt = populated()
  const before = snapshot(rt)
  const calls = {
    registerWindow: w => rt.registerWindow(w),
    setWindowState: w => rt.setWindowState(w, 'ready'),
    forgetWindow: w => rt.forgetWindow(w),
    windowInfo: w => rt.windowInfo(w),
    subscribe: w => rt.subscribe(w, ['a']),
    unsubscribe: w => rt.unsubscribe(w, ['a']),
    subscribeAll: w => rt.subscribeAll(w, true),
    resetWindow: w => rt.resetWindow(w),
    authorizeWrite: w => rt.authorizeWrite(w, 'a'),
    'commitInto skip': w => (w === undefined || w === null ? commit(rt, 'nope') : commit(rt, 'a', w))
  }
  for (const [name, call] of Object.entries(calls)) {
    for (const [label, w] of badWindowIds) {
      if (name === 'commitInto skip' && (w === undefined || w === null)) {
        // undefined / null mean "no skip": checked elsewhere; here the unknown store throws
        throwsCode(() => call(w), 'STORE_NOT_FOUND')
        continue
      }
      const e = throwsCode(() => call(w), 'INVALID_ID')
      assert.match(e.message, /windowId|skipWindowId/, `${name}(${label}): ${e.message}`)
    }
  }
  assert.deepEqual(snapshot(rt), before, 'no failed call (commitInto included) changed anything')
})

test('store-id lists: non-arrays, holes, getters, proxies, huge lists', () => {
  const rt = populated()
  const before = snapshot(rt)
  const getterArray = ['a']
  Object.defineProperty(getterArray, 1, {
    get() {
      throw new Error('index getter boom')
    },
    enumerable: true
  })
  const lengthProxy = new Proxy(['a'], {
    get(t, k) {
      if (k === 'length') throw new Error('length trap')
      return t[k]
    }
  })
  const cases = [
    [{ length: 1, 0: 'a' }, 'INVALID_ARGUMENT'],
    ['a', 'INVALID_ARGUMENT'],
    [new Set(['a']), 'INVALID_ARGUMENT'],
    [null, 'INVALID_ARGUMENT'],
    [undefined, 'INVALID_ARGUMENT'],
    [lengthProxy, 'INVALID_ARGUMENT'],
    [revoked(), 'INVALID_ARGUMENT'],
    [getterArray, 'INVALID_ARGUMENT'],
    [[undefined, 'a'], 'INVALID_ID'], // a hole reads as undefined
    [['a', 'b', ''], 'INVALID_ID']
  ]
  for (const [list, code] of cases) {
    throwsCode(() => rt.subscribe(2, list), code)
    throwsCode(() => rt.unsubscribe(1, list), code)
  }
  const e = throwsCode(() => rt.subscribe(2, getterArray), 'INVALID_ARGUMENT')
  assert.match(e.message, /storeIds\[1\]/)
  assert.match(e.message, /index getter boom/)
  assert.deepEqual(snapshot(rt), before)

  // 100k ids: all valid but unregistered, returned once each
  const many = Array.from({ length: 100_000 }, (_, i) => `s${i}`)
  const missing = rt.subscribe(2, many)
  assert.equal(missing.length, 100_000)
  assert.equal(missing[99_999], 's99999')
  assert.deepEqual(snapshot(rt), before, 'missing ids are not remembered')
  // one bad id at the very end of a long list: nothing subscribed
  const longBad = [...Array.from({ length: 1000 }, () => 'b'), 5]
  throwsCode(() => rt.subscribe(2, longBad), 'INVALID_ID', { message: /storeIds\[1000\]/ })
  assert.deepEqual(snapshot(rt), before)
})

test('options objects that fight back', () => {
  const rt = new StoreRuntime()
  const before = snapshot(rt)
  const hostile = [
    new Proxy(
      {},
      {
        get() {
          throw new Error('get trap')
        }
      }
    ),
    revoked(),
    {
      get rendererCanSet() {
        throw new Error('getter')
      }
    },
    {
      get maxPayloadBytes() {
        throw 'a string, not an Error'
      }
    },
    {
      get rendererCanSet() {
        throw Symbol('thrown symbol')
      }
    },
    { rendererCanSet: new Boolean(true) },
    { maxPayloadBytes: new Number(5) },
    { maxPayloadBytes: throwingPrimitive }
  ]
  for (const o of hostile) {
    throwsCode(() => rt.registerStore('x', o), 'INVALID_ARGUMENT')
  }
  for (const o of hostile.slice(0, 2)) {
    throwsCode(() => new StoreRuntime(o), 'INVALID_ARGUMENT')
    throwsCode(() => checkSerializable(1, o), 'INVALID_ARGUMENT')
  }
  for (const o of [
    {
      get root() {
        throw new Error('root getter')
      }
    },
    { maxDepth: throwingPrimitive },
    { maxBytes: 5n },
    { root: new String('boxed') }
  ]) {
    throwsCode(() => checkSerializable(1, o), 'INVALID_ARGUMENT')
  }
  for (const o of [
    {
      get allowRendererSet() {
        throw new Error('x')
      }
    },
    { maxDepth: new Number(3) }
  ]) {
    throwsCode(() => new StoreRuntime(o), 'INVALID_ARGUMENT')
  }
  assert.deepEqual(snapshot(rt), before)
  assert.equal(rt.storeInfo('x'), null)
  throwsCode(() => checkSerializable(1, { root: '' }), 'INVALID_ARGUMENT')
  throwsCode(() => checkSerializable(1, { root: 5 }), 'INVALID_ARGUMENT')
  throwsCode(() => checkSerializable(1, { root: 'x'.repeat(2000) }), 'INVALID_ARGUMENT')
  throwsCode(() => checkSerializable(1, { maxDepth: -1 }), 'INVALID_ARGUMENT')
  throwsCode(() => checkSerializable(1, { maxBytes: 1.5 }), 'INVALID_ARGUMENT')
  throwsCode(() => checkSerializable(1, 'options'), 'INVALID_ARGUMENT')
})

test('setLogger rejects non-functions', () => {
  const rt = new StoreRuntime()
  for (const cb of [1, 'log', {}, [], Symbol('s'), 1n, true, new Proxy({}, {})]) {
    throwsCode(() => rt.setLogger(cb), 'INVALID_ARGUMENT', { message: /cb/ })
  }
  rt.setLogger(undefined)
  rt.setLogger(null)
})

test('the validator survives hostile values and reports them as data', () => {
  const cases = [
    // [value, kind, path]
    [Symbol('s'), 'symbol', 'value'],
    [
      {
        get bad() {
          throw new Error('getter boom')
        }
      },
      'unsupported',
      'value.bad'
    ],
    [
      {
        ok: 1,
        get bad() {
          throw 'string thrown'
        }
      },
      'unsupported',
      'value.bad'
    ],
    [
      [
        1,
        2,
        {
          get x() {
            throw new Error('deep getter')
          }
        }
      ],
      'unsupported',
      'value[2].x'
    ],
    [new Proxy({}, {}), 'proxy', 'value'],
    [revoked(), 'proxy', 'value'],
    [{ inner: new Proxy([], {}) }, 'proxy', 'value.inner'],
    [new Proxy(function f() {}, {}), 'function', 'value']
  ]
  for (const [v, kind, path] of cases) {
    const r = checkSerializable(v)
    assert.equal(r.ok, false, String(path))
    assert.equal(r.kind, kind, `${path}: ${r.message}`)
    assert.equal(r.path, path)
    assert.match(r.message, new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}: `))
  }
  const e = checkSerializable({
    get bad() {
      throw new Error('getter boom')
    }
  })
  assert.match(e.message, /getter boom/)
})

test('huge and deep values do not overflow anything', () => {
  // 1e5 nesting: deeper than the default limit, reported at the exact depth
  let deep = {}
  const head = deep
  for (let i = 0; i < 100_000; i++) deep = deep.a = {}
  const r = checkSerializable(head)
  assert.equal(r.ok, false)
  assert.equal(r.kind, 'depth')
  assert.equal(r.path, `value${'.a'.repeat(1001)}`)
  // with a limit above the nesting it walks all of it (iteratively)
  assert.equal(checkSerializable(head, { maxDepth: 1_000_000 }).ok, true)
  // arrays nested 2e5 deep
  let arr = []
  const arrHead = arr
  for (let i = 0; i < 200_000; i++) arr = arr[0] = []
  const ra = checkSerializable(arrHead, { maxDepth: 1_000_000 })
  assert.equal(ra.ok, true)
  // a cycle through 1e5 objects
  let ring = { n: 0 }
  const first = ring
  for (let i = 1; i < 100_000; i++) ring = ring.next = { n: i }
  ring.next = first
  assert.equal(checkSerializable(first, { maxDepth: 200_000 }).ok, true)
  // huge flat array and object
  assert.equal(checkSerializable(new Array(1_000_000).fill(1)).ok, true)
  const wide = {}
  for (let i = 0; i < 100_000; i++) wide[`k${i}`] = i
  assert.equal(checkSerializable(wide).ok, true)
  // sparse array with a huge length is not walked index by index
  const sparse = []
  sparse[4_000_000_000] = () => 1
  const rs = checkSerializable(sparse)
  assert.equal(rs.kind, 'function')
  assert.equal(rs.path, 'value[4000000000]')
  // a DAG that would be exponential without a visited set
  let dag = { leaf: 1 }
  for (let i = 0; i < 64; i++) dag = { l: dag, r: dag }
  assert.equal(checkSerializable(dag, { maxDepth: 100 }).ok, true)
  // a long string
  const big = checkSerializable('€'.repeat(1_000_000))
  assert.equal(big.ok, true)
  assert.ok(big.bytes >= 3_000_000, 'UTF-8 size of long strings')
})

test('a throwing or re-entrant logger never breaks a call', () => {
  const rt = new StoreRuntime()
  let calls = 0
  rt.setLogger(() => {
    calls++
    throw new Error('logger boom')
  })
  rt.registerStore('a')
  assert.equal(commit(rt, 'a').rev, 1)
  assert.ok(calls >= 2)
  rt.setLogger(() => {
    // re-entrant: reads and writes the same runtime from inside the logger
    rt.storeIds()
    rt.registerWindow(100 + calls++)
  })
  rt.registerStore('b')
  assert.ok(rt.windowIds().length >= 1)
  rt.setLogger(() => rt.setLogger(null))
  rt.registerStore('c')
  rt.registerStore('d')
  assert.deepEqual(rt.storeIds(), ['a', 'b', 'c', 'd'])
  // a throwing logger also does not mask the typed error of a failing call
  rt.setLogger(() => {
    throw new Error('logger boom')
  })
  throwsCode(() => rt.registerStore('a'), 'STORE_EXISTS')
  throwsCode(() => rt.authorizeWrite(12345, 'a'), 'WINDOW_NOT_FOUND')
})

test('error objects are real Errors with only contract codes', () => {
  const rt = populated()
  const errors = []
  const attempts = [
    () => rt.registerStore('a'),
    () => rt.unregisterStore('x'),
    () => commit(rt, ''),
    () => rt.registerWindow(-1),
    () => rt.authorizeWrite(1, 'locked'),
    () => rt.subscribe(42, []),
    () => new StoreRuntime(1)
  ]
  for (const f of attempts) {
    try {
      f()
    } catch (e) {
      errors.push(e)
    }
  }
  assert.equal(errors.length, attempts.length)
  for (const e of errors) {
    assert.ok(e instanceof Error)
    assert.ok(CODES.includes(e.code), e.code)
    assert.equal(typeof e.stack, 'string')
  }
})

test('re-entrant calls from getters run while an export is reading its arguments or walking', () => {
  const rt = new StoreRuntime()
  rt.registerStore('s')
  const v = {
    get x() {
      return `${checkSerializable({ inner: () => 1 }).path}|${commit(rt, 's').rev}`
    }
  }
  assert.equal(checkSerializable(v).ok, true)
  assert.equal(rt.storeInfo('s').rev, 1)
  const r = rt.checkStoreValue('s', {
    get y() {
      rt.registerStore('t')
      rt.unregisterStore('s')
      return 1
    }
  })
  assert.equal(r.ok, true)
  assert.deepEqual(rt.storeIds(), ['t'])
  rt.registerStore('z', {
    get rendererCanSet() {
      rt.registerStore('inner')
      return false
    }
  })
  assert.deepEqual(rt.storeIds(), ['inner', 't', 'z'])
  assert.equal(rt.storeInfo('z').rendererCanSet, false)
})
