// checkSerializable: every accepted and rejected kind, exact paths, options, the size
// estimate, and agreement with V8's own structured clone (node's structuredClone).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkSerializable, native } from './helpers.js'

const proxyDetection = native.__proxyDetection()

function clones(v) {
  try {
    structuredClone(v)
    return true
  } catch {
    return false
  }
}

function detachedBuffer() {
  const b = new ArrayBuffer(8)
  structuredClone(b, { transfer: [b] })
  return b
}

class Point {
  constructor() {
    this.x = 1
  }
}
class MyMap extends Map {}
class MyError extends Error {}

const accepted = [
  ['undefined', undefined],
  ['null', null],
  ['true', true],
  ['number', 42],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
  ['string', 'hello'],
  ['empty string', ''],
  ['lone surrogate string', '\uD800x'],
  ['BigInt', 2n ** 100n],
  ['negative BigInt', -5n],
  ['plain object', { a: 1, b: 'x', c: [1, 2], d: { e: null } }],
  ['null-prototype object', Object.assign(Object.create(null), { a: 1 })],
  ['empty object', {}],
  ['array', [1, 'two', [3], { four: 4 }]],
  ['sparse array', [1, undefined, 3]], // eslint-disable-line no-sparse-arrays
  ['array with a named key', Object.assign([1, 2], { label: 'ok' })],
  [
    'Map',
    new Map([
      ['a', 1],
      [{ k: 1 }, [2]]
    ])
  ],
  ['Set', new Set([1, 'a', { b: 2 }])],
  ['Date', new Date(0)],
  ['invalid Date', new Date(NaN)],
  ['RegExp', /ab+c/gi],
  ['ArrayBuffer', new ArrayBuffer(16)],
  ['Uint8Array', new Uint8Array([1, 2, 3])],
  ['Float64Array', new Float64Array(4)],
  ['BigInt64Array', new BigInt64Array(2)],
  ['typed array view at an offset', new Int16Array(new ArrayBuffer(16), 4, 2)],
  ['DataView', new DataView(new ArrayBuffer(8))],
  ['Error', new Error('boom')],
  ['TypeError', new TypeError('bad type')],
  ['RangeError with a cause', new RangeError('r', { cause: { code: 1 } })],
  ['boxed number', new Number(3)],
  ['boxed string', new String('s')],
  ['boxed boolean', new Boolean(false)],
  ['boxed BigInt', Object(5n)],
  [
    'self cycle',
    (() => {
      const o = { a: 1 }
      o.self = o
      return o
    })()
  ],
  [
    'cycle through an array',
    (() => {
      const a = [1]
      a.push({ back: a })
      return a
    })()
  ],
  [
    'cycle through a Map',
    (() => {
      const m = new Map()
      m.set('m', m)
      return m
    })()
  ],
  [
    'shared reference',
    (() => {
      const s = { x: 1 }
      return { a: s, b: s, c: [s, s] }
    })()
  ],
  ['symbol-keyed property (dropped by the clone)', { a: 1, [Symbol('s')]: () => 1 }],
  [
    'non-enumerable function property (not copied)',
    Object.defineProperty({ a: 1 }, 'f', { value: () => 1, enumerable: false })
  ],
  [
    'getter returning data',
    {
      get g() {
        return { x: [1] }
      }
    }
  ],
  ['frozen object', Object.freeze({ a: Object.freeze([1]) })]
]

test('accepted values', () => {
  for (const [name, v] of accepted) {
    const r = checkSerializable(v)
    assert.equal(r.ok, true, `${name}: ${r.message}`)
    assert.equal(typeof r.bytes, 'number')
    assert.ok(r.bytes >= 3, name)
    assert.deepEqual(Object.keys(r).sort(), ['bytes', 'ok'])
    assert.equal(clones(v), true, `${name}: node's structuredClone agrees`)
  }
})

// [name, value, kind, path]
const rejected = [
  ['function', () => 1, 'function', 'value'],
  ['class (a function)', class {}, 'function', 'value'],
  ['symbol', Symbol('s'), 'symbol', 'value'],
  ['boxed symbol', Object(Symbol('s')), 'symbol', 'value'],
  ['Promise', Promise.resolve(1), 'promise', 'value'],
  ['WeakMap', new WeakMap(), 'weakmap', 'value'],
  ['WeakSet', new WeakSet(), 'weakset', 'value'],
  ['WeakRef', new WeakRef({}), 'weakref', 'value'],
  ['FinalizationRegistry', new FinalizationRegistry(() => {}), 'weakref', 'value'],
  ['SharedArrayBuffer', new SharedArrayBuffer(8), 'shared-array-buffer', 'value'],
  ['view on a SharedArrayBuffer', new Uint8Array(new SharedArrayBuffer(8)), 'shared-array-buffer', 'value'],
  ['DataView on a SharedArrayBuffer', new DataView(new SharedArrayBuffer(8)), 'shared-array-buffer', 'value'],
  ['detached ArrayBuffer', detachedBuffer(), 'unsupported', 'value'],
  ['class instance', new Point(), 'class-instance', 'value'],
  ['subclass of Map', new MyMap(), 'class-instance', 'value'],
  ['subclass of Error', new MyError('x'), 'class-instance', 'value'],
  ['Buffer', Buffer.from('abc'), 'class-instance', 'value'],
  ['fake Map (Map.prototype, no Map)', Object.create(Map.prototype), 'class-instance', 'value'],
  ['fake Date', Object.create(Date.prototype), 'class-instance', 'value'],
  ['array with another prototype', Object.setPrototypeOf([1], Point.prototype), 'class-instance', 'value']
]

test('rejected values: kind, path and message', () => {
  for (const [name, v, kind, path] of rejected) {
    const r = checkSerializable(v)
    assert.equal(r.ok, false, name)
    assert.equal(r.kind, kind, `${name}: ${r.message}`)
    assert.equal(r.path, path, name)
    assert.ok(r.message.startsWith(`${path}: `), `${name}: ${r.message}`)
    assert.equal(typeof r.bytes, 'number')
    assert.deepEqual(Object.keys(r).sort(), ['bytes', 'kind', 'message', 'ok', 'path'])
  }
  assert.match(checkSerializable(new Point()).message, /instance of Point/)
  assert.match(checkSerializable(Buffer.from('a')).message, /Buffer/)
})

test('rejections that make the clone throw agree with structuredClone', () => {
  const throwing = new Set(['function', 'symbol', 'promise', 'weakmap', 'weakset', 'weakref', 'unsupported', 'proxy'])
  for (const [name, v, kind] of rejected) {
    if (throwing.has(kind)) assert.equal(clones(v), false, `${name}: structuredClone throws too`)
  }
  // the lossy ones: the clone succeeds but drops the prototype
  const p = structuredClone(new Point())
  assert.equal(Object.getPrototypeOf(p), Object.prototype)
  assert.equal(Object.getPrototypeOf(structuredClone(Buffer.from('a'))), Uint8Array.prototype)
})

test('proxies', { skip: !proxyDetection && 'no util.types.isProxy on this host' }, () => {
  assert.equal(checkSerializable(new Proxy({}, {})).kind, 'proxy')
  assert.equal(checkSerializable({ list: [1, new Proxy([1], {})] }).path, 'value.list[1]')
  assert.equal(clones(new Proxy({}, {})), false)
})

test('paths use JS accessor syntax', () => {
  const fn = () => 1
  const cases = [
    [{ settings: { items: [0, 1, 2, { onClick: fn }] } }, 'value.settings.items[3].onClick'],
    [{ 'a b': fn }, 'value["a b"]'],
    [{ 'quote"d': fn }, 'value["quote\\"d"]'],
    [{ 3: fn }, 'value["3"]'],
    [{ $ok_1: { _x: fn } }, 'value.$ok_1._x'],
    [{ é: fn }, 'value["é"]'],
    [{ m: new Map([['key', fn]]) }, 'value.m.get("key")'],
    [
      {
        m: new Map([
          ['a', 1],
          [7, fn]
        ])
      },
      'value.m.get(<key 1>)'
    ],
    [
      {
        m: new Map([
          ['a', 1],
          [{ k: 1 }, 2],
          [fn, 3]
        ])
      },
      'value.m.keys()[2]'
    ],
    [{ m: new Map([[{ bad: fn }, 1]]) }, 'value.m.keys()[0].bad'],
    [{ s: new Set([1, 2, fn]) }, 'value.s.values()[2]'],
    [{ s: new Set([1, { deep: [fn] }]) }, 'value.s.values()[1].deep[0]'],
    [[[[fn]]], 'value[0][0][0]'],
    [[1, undefined, fn], 'value[2]'], // eslint-disable-line no-sparse-arrays
    [Object.assign([1, 2], { label: fn }), 'value.label'],
    [Object.assign([1, undefined, 3], { 'x y': fn }), 'value["x y"]'], // eslint-disable-line no-sparse-arrays
    [{ e: new Error('x', { cause: fn }) }, 'value.e.cause'],
    [{ a: 1, b: { c: Symbol('s') } }, 'value.b.c'],
    [{ first: { ok: 1 }, second: [1, 2, new WeakMap()] }, 'value.second[2]']
  ]
  for (const [v, path] of cases) {
    const r = checkSerializable(v)
    assert.equal(r.ok, false, path)
    assert.equal(r.path, path, r.message)
  }
})

test('the first problem in clone order is reported', () => {
  const fn = () => 1
  // an object child that comes before a bad primitive is walked first
  assert.equal(checkSerializable({ a: { deep: Symbol('x') }, b: fn }).path, 'value.a.deep')
  assert.equal(checkSerializable({ a: fn, b: { deep: Symbol('x') } }).path, 'value.a')
  assert.equal(checkSerializable([{ ok: 1 }, { bad: fn }, fn]).path, 'value[1].bad')
  assert.equal(checkSerializable([fn, { bad: fn }]).path, 'value[0]')
  // a shared object is reported at its first occurrence
  const shared = { f: fn }
  assert.equal(checkSerializable({ x: 1, a: shared, b: shared }).path, 'value.a.f')
  assert.equal(checkSerializable({ x: [1, shared], y: shared }).path, 'value.x[1].f')
})

test('root option names the path', () => {
  assert.equal(checkSerializable({ f() {} }, { root: 'settings' }).path, 'settings.f')
  assert.equal(checkSerializable({ f() {} }, { root: 'my store' }).path, 'my store.f')
  assert.equal(checkSerializable(() => 1, { root: 'count' }).path, 'count')
  assert.equal(checkSerializable(() => 1, {}).path, 'value')
  assert.equal(checkSerializable(() => 1, null).path, 'value')
})

test('maxDepth: no value more than maxDepth levels below the root', () => {
  assert.equal(checkSerializable({ a: { b: 1 } }, { maxDepth: 2 }).ok, true)
  const r = checkSerializable({ a: { b: { c: 1 } } }, { maxDepth: 2 })
  assert.deepEqual([r.kind, r.path], ['depth', 'value.a.b.c'])
  assert.match(r.message, /maxDepth \(2\)/)
  assert.deepEqual(
    [checkSerializable([[1]], { maxDepth: 1 }).kind, checkSerializable([[1]], { maxDepth: 1 }).path],
    ['depth', 'value[0][0]']
  )
  assert.equal(checkSerializable([[]], { maxDepth: 1 }).ok, true, 'empty containers at the limit are fine')
  assert.equal(checkSerializable({ m: new Map([['k', 1]]) }, { maxDepth: 1 }).path, 'value.m.keys()[0]')
  assert.equal(checkSerializable(1, { maxDepth: 0 }).ok, true)
  assert.equal(checkSerializable({ a: 1 }, { maxDepth: 0 }).path, 'value.a')
  assert.equal(checkSerializable({}, { maxDepth: 0 }).ok, true)
  // default 1000
  let v = 1
  for (let i = 0; i < 1000; i++) v = [v]
  assert.equal(checkSerializable(v).ok, true)
  assert.equal(checkSerializable([v]).kind, 'depth')
})

test('maxBytes and the size estimate', () => {
  // header 2 + number 9
  assert.equal(checkSerializable(1).bytes, 11)
  // header 2 + tag 1 + length 1 + 3 chars
  assert.equal(checkSerializable('abc').bytes, 7)
  // header 2 + object 4 + count 1 + key "a" 3 + number 9
  assert.equal(checkSerializable({ a: 1 }).bytes, 19)
  // scanned in JS (array) and walked in Rust (Set) give the same numbers
  const items = ['abc', 1n, true, null, undefined, 'x'.repeat(40), '€'.repeat(40), 3.5]
  assert.equal(checkSerializable(new Set(items)).bytes, checkSerializable(items).bytes)
  assert.equal(checkSerializable(new Set(['€'.repeat(40)])).bytes, 2 + 4 + 1 + 1 + 1 + 120)
  // long strings count UTF-8 bytes
  assert.equal(checkSerializable('é'.repeat(100)).bytes, 2 + 1 + 2 + 200)
  // buffers count their bytes
  assert.ok(checkSerializable(new Uint8Array(1000)).bytes >= 1000)
  // limit
  const value = { text: 'x'.repeat(100) }
  const full = checkSerializable(value).bytes
  assert.equal(checkSerializable(value, { maxBytes: full }).ok, true)
  const over = checkSerializable(value, { maxBytes: full - 1 })
  assert.deepEqual([over.ok, over.kind, over.path], [false, 'size', 'value'])
  assert.ok(over.bytes > full - 1)
  assert.match(over.message, /maxBytes/)
  assert.equal(checkSerializable(value, { maxBytes: 0 }).ok, true, '0 = no limit')
  // a function beyond the limit: the size is reported first when it is hit first
  assert.equal(checkSerializable({ big: 'x'.repeat(500), f: () => 1 }, { maxBytes: 100 }).kind, 'size')
})

test('the result for a value is stable across calls (no state leaks between calls)', () => {
  const shared = { a: 1 }
  const v = { x: shared, y: shared }
  const a = checkSerializable(v)
  const b = checkSerializable(v)
  assert.deepEqual(a, b)
  assert.equal(checkSerializable(shared).ok, true)
})

test('the JS scan and the key-by-key walk report the same size and the same first problem', () => {
  const byKey = native.__checkSerializableByKey
  const shared = { x: 1, label: 'shared' }
  const holder = { inner: shared }
  const cyclic = { n: 1 }
  cyclic.self = cyclic
  const keyed = Object.assign([1, undefined, 3], { label: 'named', ['é'.repeat(40)]: 1 })
  delete keyed[1]
  const sparse = []
  sparse[1000] = 'last'
  const values = [
    {},
    [],
    { a: 1, b: 'x', c: true, d: null, e: undefined, f: 2n ** 70n, g: 0n, h: -5n, i: Number.NaN },
    // keys: ASCII, non-ASCII, astral, exactly 32 units, longer (UTF-8 bytes count then)
    {
      ü: 'ß',
      ['x'.repeat(32)]: 1,
      ['é'.repeat(32)]: 2,
      ['k'.repeat(40)]: 3,
      ['é'.repeat(40)]: 4,
      ['😀'.repeat(20)]: [5]
    },
    { long: 'x'.repeat(100), euro: '€'.repeat(40), astral: '😀'.repeat(30), lone: '\uD800'.repeat(40) },
    [1, 'two', [3, [4, [5]]], { six: { seven: 7 } }],
    keyed,
    sparse,
    Object.assign(Object.create(null), { a: { b: [1, 2] } }),
    { a: shared, b: shared, c: [shared, holder, holder] },
    cyclic,
    new Map([
      ['k', { v: [1, 2] }],
      [{ key: 1 }, 'value']
    ]),
    new Set([{ a: 1 }, [2, 3]]),
    { e: new Error('boom', { cause: { code: 1, list: [1] } }), d: new Date(0) }
  ]
  for (const v of values) {
    const scanned = checkSerializable(v)
    const walked = byKey(v)
    assert.equal(scanned.ok, true, scanned.message)
    assert.deepEqual(walked, scanned, `same result for ${Object.prototype.toString.call(v)}`)
  }
  const fn = () => 1
  const rejected = [
    { a: [1, { f: fn }] },
    { ['é'.repeat(40)]: { s: Symbol('s') } },
    Object.assign([1, 2], { label: fn }),
    { a: shared, b: { c: new WeakMap() } },
    [[[[fn]]]]
  ]
  for (const v of rejected) {
    const scanned = checkSerializable(v)
    const walked = byKey(v)
    assert.equal(scanned.ok, false)
    assert.deepEqual(
      [walked.path, walked.kind, walked.bytes],
      [scanned.path, scanned.kind, scanned.bytes],
      scanned.message
    )
  }
})

test('long object keys count their UTF-8 bytes, like long strings', () => {
  // header 2 + object 4 + count 1 + key (1 + 1 + 80 UTF-8 bytes of 40 'é') + number 9
  assert.equal(checkSerializable({ ['é'.repeat(40)]: 1 }).bytes, 2 + 4 + 1 + 1 + 1 + 80 + 9)
  // up to 32 units a key counts one byte per unit
  assert.equal(checkSerializable({ ['é'.repeat(32)]: 1 }).bytes, 2 + 4 + 1 + 1 + 1 + 32 + 9)
})
