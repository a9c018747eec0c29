// StoreRuntime: every export, its results and its error paths (codes, storeId, windowId).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { StoreRuntime, native, throwsCode, snapshot, populated, commit, CODES } from './helpers.js'

test('the loader exposes the contract', () => {
  assert.equal(typeof native.StoreRuntime, 'function')
  assert.equal(typeof native.checkSerializable, 'function')
  assert.equal(typeof native.errorCodes, 'function')
  const methods = [
    'registerStore',
    'unregisterStore',
    'storeInfo',
    'storeIds',
    'registerWindow',
    'setWindowState',
    'forgetWindow',
    'windowInfo',
    'windowIds',
    'subscribe',
    'unsubscribe',
    'subscribeAll',
    'resetWindow',
    'commitInto',
    'recipientsInto',
    'authorizeWrite',
    'stats',
    'setLogger',
    'checkStoreValue',
    'options'
  ]
  for (const m of methods) assert.equal(typeof StoreRuntime.prototype[m], 'function', m)
  assert.equal(StoreRuntime.prototype.commit, undefined, 'commitInto is the one commit')
})

test('errorCodes lists every code the package knows, each once', () => {
  const codes = native.errorCodes()
  assert.deepEqual([...codes].sort(), [...CODES].sort())
  assert.equal(new Set(codes).size, codes.length)
  assert.notStrictEqual(native.errorCodes(), codes, 'a fresh array per call')
})

test('constructor options: defaults, values, and invalid options', () => {
  assert.deepEqual(new StoreRuntime().options(), { allowRendererSet: true, maxPayloadBytes: 0, maxDepth: 1000 })
  assert.deepEqual(new StoreRuntime(null).options(), { allowRendererSet: true, maxPayloadBytes: 0, maxDepth: 1000 })
  assert.deepEqual(new StoreRuntime({}).options(), { allowRendererSet: true, maxPayloadBytes: 0, maxDepth: 1000 })
  assert.deepEqual(new StoreRuntime({ allowRendererSet: false, maxPayloadBytes: 4096, maxDepth: 7 }).options(), {
    allowRendererSet: false,
    maxPayloadBytes: 4096,
    maxDepth: 7
  })
  assert.equal(new StoreRuntime({ maxPayloadBytes: undefined }).options().maxPayloadBytes, 0)
  const bad = [
    5,
    'x',
    true,
    [],
    () => {},
    Symbol('s'),
    1n,
    { allowRendererSet: 'yes' },
    { allowRendererSet: 1 },
    { allowRendererSet: null },
    { maxPayloadBytes: -1 },
    { maxPayloadBytes: 1.5 },
    { maxPayloadBytes: NaN },
    { maxPayloadBytes: Infinity },
    { maxPayloadBytes: '10' },
    { maxPayloadBytes: 10n },
    { maxPayloadBytes: 2 ** 53 },
    { maxDepth: 1e6 + 1 },
    { maxDepth: -1 },
    { maxDepth: 'deep' }
  ]
  for (const o of bad) {
    throwsCode(() => new StoreRuntime(o), 'INVALID_ARGUMENT', { message: /options/ })
  }
  const e = throwsCode(
    () =>
      new StoreRuntime({
        get maxDepth() {
          throw new Error('getter boom')
        }
      }),
    'INVALID_ARGUMENT'
  )
  assert.match(e.message, /options\.maxDepth/)
  assert.match(e.message, /getter boom/)
  throwsCode(
    () =>
      new StoreRuntime(
        new Proxy(
          {},
          {
            get() {
              throw new TypeError('trap')
            }
          }
        )
      ),
    'INVALID_ARGUMENT'
  )
})

test('registerStore / storeInfo / storeIds / unregisterStore', () => {
  const rt = new StoreRuntime({ maxPayloadBytes: 500 })
  const handles = [rt.registerStore('b'), rt.registerStore('a', { rendererCanSet: false, maxPayloadBytes: 10 })]
  handles.push(rt.registerStore('c', {}))
  assert.ok(
    handles.every(h => Number.isInteger(h) && h > 0),
    'registerStore returns a handle'
  )
  assert.equal(new Set(handles).size, 3)
  assert.deepEqual(rt.storeIds(), ['a', 'b', 'c'])
  assert.deepEqual(rt.storeInfo('a'), { id: 'a', rev: 0, rendererCanSet: false, maxPayloadBytes: 10, subscribers: [] })
  assert.deepEqual(rt.storeInfo('b'), { id: 'b', rev: 0, rendererCanSet: true, maxPayloadBytes: 500, subscribers: [] })
  assert.equal(rt.storeInfo('zzz'), null)

  const before = snapshot(rt)
  throwsCode(() => rt.registerStore('a'), 'STORE_EXISTS', { storeId: 'a' })
  throwsCode(() => rt.registerStore('d', { rendererCanSet: 'no' }), 'INVALID_ARGUMENT')
  throwsCode(() => rt.registerStore('d', { maxPayloadBytes: -5 }), 'INVALID_ARGUMENT')
  throwsCode(() => rt.registerStore('d', 7), 'INVALID_ARGUMENT')
  throwsCode(() => rt.unregisterStore('nope'), 'STORE_NOT_FOUND', { storeId: 'nope' })
  assert.deepEqual(snapshot(rt), before, 'failed calls changed nothing')

  rt.unregisterStore('b')
  assert.deepEqual(rt.storeIds(), ['a', 'c'])
  assert.equal(rt.storeInfo('b'), null)
  // ids are exact strings: unicode, spaces, 256 UTF-16 units
  rt.registerStore('größe ✓')
  rt.registerStore('x'.repeat(256))
  rt.registerStore('😀'.repeat(128))
  assert.equal(rt.storeInfo('größe ✓').id, 'größe ✓')
  assert.equal(rt.storeInfo('😀'.repeat(128)).id, '😀'.repeat(128))
  // U+FFFD itself is a character like any other; a lone surrogate (which UTF-8 would turn into
  // U+FFFD) is not an id
  rt.registerStore('a\uFFFDb')
  assert.equal(rt.storeInfo('a\uFFFDb').id, 'a\uFFFDb')
  throwsCode(() => rt.registerStore('a\uD800b'), 'INVALID_ID', { message: /lone surrogate/ })
  assert.equal(rt.storeInfo('a\uFFFDb').rev, 0)
  assert.equal(rt.stats().stores, 6)
})

test('windows: register, state, info, ids, forget', () => {
  const rt = new StoreRuntime()
  assert.equal(rt.registerWindow(7), true)
  assert.equal(rt.registerWindow(7), false)
  assert.equal(rt.registerWindow(2), true)
  assert.equal(rt.registerWindow(Number.MAX_SAFE_INTEGER), true)
  assert.deepEqual(rt.windowIds(), [2, 7, Number.MAX_SAFE_INTEGER])
  assert.deepEqual(rt.windowInfo(7), { id: 7, state: 'loading', stores: [], all: false })
  rt.setWindowState(7, 'ready')
  assert.equal(rt.windowInfo(7).state, 'ready')
  assert.equal(rt.registerWindow(7), false, 'known window: no change')
  assert.equal(rt.windowInfo(7).state, 'ready')
  rt.setWindowState(7, 'gone')
  assert.equal(rt.windowInfo(7).state, 'gone')
  rt.setWindowState(7, 'loading')
  assert.equal(rt.windowInfo(7).state, 'loading')
  assert.equal(rt.windowInfo(8), null)

  const before = snapshot(rt)
  throwsCode(() => rt.setWindowState(8, 'ready'), 'WINDOW_NOT_FOUND', { windowId: 8 })
  for (const s of ['READY', '', 'closed', 1, null, undefined, {}, 'ready'.padEnd(100, ' ')]) {
    throwsCode(() => rt.setWindowState(7, s), 'INVALID_ARGUMENT', { message: /state/ })
  }
  assert.deepEqual(snapshot(rt), before)

  assert.equal(rt.forgetWindow(7), true)
  assert.equal(rt.forgetWindow(7), false)
  assert.equal(rt.forgetWindow(12345), false)
  assert.deepEqual(rt.windowIds(), [2, Number.MAX_SAFE_INTEGER])
})

test('subscribe / unsubscribe / subscribeAll / resetWindow keep both sides in step', () => {
  const rt = new StoreRuntime()
  rt.registerStore('a')
  rt.registerStore('b')
  rt.registerWindow(1)
  rt.registerWindow(2)
  assert.deepEqual(rt.subscribe(1, ['a', 'missing', 'b', 'missing', 'a']), ['missing'])
  assert.deepEqual(rt.subscribe(1, []), [])
  assert.deepEqual(rt.windowInfo(1).stores, ['a', 'b'])
  assert.deepEqual(rt.storeInfo('a').subscribers, [1])
  rt.subscribe(2, ['a'])
  assert.deepEqual(rt.storeInfo('a').subscribers, [1, 2])
  assert.deepEqual(rt.stats(), { stores: 2, windows: 2, subscriptions: 3, allSubscribers: 0 })

  rt.unsubscribe(1, ['a', 'never-registered'])
  assert.deepEqual(rt.windowInfo(1).stores, ['b'])
  assert.deepEqual(rt.storeInfo('a').subscribers, [2])

  rt.subscribeAll(2, true)
  assert.equal(rt.windowInfo(2).all, true)
  assert.equal(rt.stats().allSubscribers, 1)
  rt.subscribeAll(2, false)
  assert.equal(rt.windowInfo(2).all, false)
  rt.subscribeAll(2, true)

  rt.resetWindow(2)
  assert.deepEqual(rt.windowInfo(2), { id: 2, state: 'loading', stores: [], all: false })
  assert.deepEqual(rt.storeInfo('a').subscribers, [])
  assert.deepEqual(rt.stats(), { stores: 2, windows: 2, subscriptions: 1, allSubscribers: 0 })

  // unregistering a store drops it from windows; forgetting a window drops it from stores
  rt.subscribe(2, ['a', 'b'])
  rt.unregisterStore('b')
  assert.deepEqual(rt.windowInfo(1).stores, [])
  assert.deepEqual(rt.windowInfo(2).stores, ['a'])
  rt.subscribeAll(2, true)
  assert.equal(rt.forgetWindow(2), true)
  assert.deepEqual(rt.storeInfo('a').subscribers, [])
  assert.deepEqual(rt.stats(), { stores: 1, windows: 1, subscriptions: 0, allSubscribers: 0 })
})

test('subscription error paths leave everything unchanged', () => {
  const rt = populated()
  const before = snapshot(rt)
  throwsCode(() => rt.subscribe(99, ['a']), 'WINDOW_NOT_FOUND', { windowId: 99, message: /not registered/ })
  throwsCode(() => rt.subscribe(3, ['a']), 'WINDOW_NOT_FOUND', { windowId: 3, message: /gone/ })
  throwsCode(() => rt.subscribe(2, ['b', '', 'locked']), 'INVALID_ID', { message: /storeIds\[1\]/ })
  throwsCode(() => rt.subscribe(2, ['b', 5]), 'INVALID_ID', { message: /storeIds\[1\]/ })
  throwsCode(() => rt.subscribe(2, 'b'), 'INVALID_ARGUMENT', { message: /storeIds/ })
  throwsCode(() => rt.subscribe(2), 'INVALID_ARGUMENT')
  throwsCode(() => rt.unsubscribe(99, ['a']), 'WINDOW_NOT_FOUND')
  throwsCode(() => rt.unsubscribe(1, ['a', 'x'.repeat(300)]), 'INVALID_ID')
  throwsCode(() => rt.subscribeAll(99, true), 'WINDOW_NOT_FOUND')
  throwsCode(() => rt.subscribeAll(99, false), 'WINDOW_NOT_FOUND')
  throwsCode(() => rt.subscribeAll(3, true), 'WINDOW_NOT_FOUND', { message: /gone/ })
  throwsCode(() => rt.subscribeAll(2, 'true'), 'INVALID_ARGUMENT', { message: /enabled/ })
  throwsCode(() => rt.subscribeAll(2, 1), 'INVALID_ARGUMENT')
  throwsCode(() => rt.subscribeAll(2), 'INVALID_ARGUMENT')
  throwsCode(() => rt.resetWindow(99), 'WINDOW_NOT_FOUND')
  assert.deepEqual(snapshot(rt), before)
  // a gone window may still drop subscriptions
  rt.subscribeAll(3, false)
  rt.unsubscribe(3, ['a'])
  rt.resetWindow(3)
  assert.equal(rt.windowInfo(3).all, false)
})

test('commitInto: rev + 1 and the live recipients, minus skipWindowId', () => {
  const rt = new StoreRuntime()
  rt.registerStore('s')
  rt.registerStore('t')
  assert.deepEqual(commit(rt, 's'), { rev: 1, recipients: [] })
  for (const w of [5, 1, 3, 4]) rt.registerWindow(w)
  rt.subscribe(5, ['s'])
  rt.subscribe(1, ['s', 't'])
  rt.subscribe(3, ['t'])
  rt.subscribeAll(4, true)
  rt.subscribeAll(1, true)
  assert.deepEqual(commit(rt, 's'), { rev: 2, recipients: [1, 4, 5] })
  assert.deepEqual(commit(rt, 's', 5), { rev: 3, recipients: [1, 4] })
  assert.deepEqual(commit(rt, 's', undefined), { rev: 4, recipients: [1, 4, 5] })
  assert.deepEqual(commit(rt, 's', null), { rev: 5, recipients: [1, 4, 5] })
  assert.deepEqual(commit(rt, 's', 777), { rev: 6, recipients: [1, 4, 5] }, 'unknown skip id is fine')
  assert.deepEqual(commit(rt, 't', 1), { rev: 1, recipients: [3, 4] })
  rt.setWindowState(4, 'gone')
  assert.deepEqual(commit(rt, 's'), { rev: 7, recipients: [1, 5] })
  rt.setWindowState(4, 'ready')
  assert.deepEqual(commit(rt, 's'), { rev: 8, recipients: [1, 4, 5] })
  assert.equal(rt.storeInfo('s').rev, 8)

  const before = snapshot(rt)
  throwsCode(() => commit(rt, 'nope'), 'STORE_NOT_FOUND', { storeId: 'nope' })
  throwsCode(() => commit(rt, 's', 0), 'INVALID_ID', { message: /skipWindowId/ })
  throwsCode(() => commit(rt, 's', -1), 'INVALID_ID')
  throwsCode(() => commit(rt, 's', '1'), 'INVALID_ID')
  throwsCode(() => commit(rt, 's', NaN), 'INVALID_ID')
  throwsCode(() => commit(rt), 'INVALID_ID', { message: /storeId/ })
  assert.deepEqual(snapshot(rt), before, 'a failed commit does not bump the revision')
})

test('commitInto with many recipients', () => {
  for (const count of [16, 17, 200, 1100]) {
    const rt = new StoreRuntime()
    rt.registerStore('s')
    for (let w = 1; w <= count; w++) {
      rt.registerWindow(w)
      rt.subscribe(w, ['s'])
    }
    const r = commit(rt, 's', 2)
    assert.equal(r.rev, 1)
    assert.equal(r.recipients.length, count - 1)
    assert.deepEqual(
      r.recipients,
      Array.from({ length: count }, (_, i) => i + 1).filter(w => w !== 2)
    )
    assert.ok(Array.isArray(r.recipients))
  }
})

test('authorizeWrite', () => {
  const rt = populated()
  assert.equal(rt.authorizeWrite(1, 'a'), undefined)
  assert.equal(rt.authorizeWrite(2, 'b'), undefined, 'no subscription needed')
  throwsCode(() => rt.authorizeWrite(1, 'locked'), 'RENDERER_WRITE_DISABLED', {
    storeId: 'locked',
    message: /rendererCanSet/
  })
  throwsCode(() => rt.authorizeWrite(1, 'nope'), 'STORE_NOT_FOUND', { storeId: 'nope' })
  throwsCode(() => rt.authorizeWrite(99, 'a'), 'WINDOW_NOT_FOUND', { windowId: 99 })
  throwsCode(() => rt.authorizeWrite(3, 'a'), 'WINDOW_NOT_FOUND', { windowId: 3, message: /gone/ })
  throwsCode(() => rt.authorizeWrite('1', 'a'), 'INVALID_ID')
  throwsCode(() => rt.authorizeWrite(1, ''), 'INVALID_ID')
  const ro = populated({ allowRendererSet: false })
  throwsCode(() => ro.authorizeWrite(1, 'a'), 'RENDERER_WRITE_DISABLED', { storeId: 'a', message: /allowRendererSet/ })
})

test('stats', () => {
  const rt = populated()
  assert.deepEqual(rt.stats(), { stores: 3, windows: 3, subscriptions: 3, allSubscribers: 1 })
})

test('checkStoreValue uses the store id as root and the store / runtime limits', () => {
  const rt = new StoreRuntime({ maxDepth: 2 })
  rt.registerStore('settings', { maxPayloadBytes: 50 })
  rt.registerStore('free')
  // header 2 + outer (4 + 1 + key 'a' 3) + inner (4 + 1 + key 'b' 3 + number 9) = 27
  assert.deepEqual(rt.checkStoreValue('free', { a: { b: 1 } }), { ok: true, bytes: 27 })
  const fn = rt.checkStoreValue('free', { items: [() => 1] })
  assert.equal(fn.ok, false)
  assert.equal(fn.path, 'free.items[0]')
  assert.equal(fn.kind, 'function')
  // one level deeper the depth limit (2) is hit first
  const tooDeep = rt.checkStoreValue('free', { items: [{ onClick() {} }] })
  assert.equal(tooDeep.kind, 'depth')
  assert.equal(tooDeep.path, 'free.items[0].onClick')
  const deep = rt.checkStoreValue('free', { a: { b: { c: 1 } } })
  assert.equal(deep.kind, 'depth')
  assert.equal(deep.path, 'free.a.b.c')
  const big = rt.checkStoreValue('settings', { text: 'x'.repeat(100) })
  assert.equal(big.kind, 'size')
  assert.equal(big.path, 'settings')
  assert.ok(big.bytes > 50)
  throwsCode(() => rt.checkStoreValue('nope', 1), 'STORE_NOT_FOUND', { storeId: 'nope' })
  throwsCode(() => rt.checkStoreValue(1, 1), 'INVALID_ID')
})

test('runtimes do not share state', () => {
  const a = new StoreRuntime()
  const b = new StoreRuntime()
  a.registerStore('s')
  b.registerStore('s')
  commit(a, 's')
  commit(a, 's')
  assert.equal(commit(b, 's').rev, 1)
  a.registerWindow(1)
  assert.equal(b.windowInfo(1), null)
  assert.deepEqual(b.windowIds(), [])
  a.unregisterStore('s')
  assert.equal(b.storeInfo('s').rev, 1)
})

test('a panic inside an export becomes an INTERNAL error and the addon keeps working', () => {
  const e = throwsCode(() => native.__panicForTests(), 'INTERNAL')
  assert.match(e.message, /panic: deliberate test panic/)
  for (let i = 0; i < 3; i++) throwsCode(() => native.__panicForTests(), 'INTERNAL')
  const rt = new StoreRuntime()
  rt.registerStore('still-alive')
  assert.equal(commit(rt, 'still-alive').rev, 1)
})

test('methods called on something that is not a StoreRuntime throw (V8 receiver check)', () => {
  assert.throws(() => StoreRuntime.prototype.commitInto.call({}, 'a', undefined, new Float64Array(2)), TypeError)
  assert.throws(() => StoreRuntime.prototype.stats.call(undefined), TypeError)
})

test('registerStore({ rev }) resumes revisions; a bad rev is INVALID_ARGUMENT and changes nothing', () => {
  const rt = new StoreRuntime()
  rt.registerStore('resumed', { rev: 41 })
  assert.equal(rt.storeInfo('resumed').rev, 41)
  assert.equal(commit(rt, 'resumed').rev, 42)
  for (const rev of [-1, 1.5, NaN, '3', 2 ** 53]) {
    assert.throws(() => rt.registerStore('bad', { rev }), { code: 'INVALID_ARGUMENT' })
  }
  assert.equal(rt.storeInfo('bad'), null)
})

test('commitInto writes [rev, ...recipients] into a reusable Float64Array', () => {
  const rt = new StoreRuntime()
  rt.registerStore('s')
  for (const w of [3, 5, 9]) rt.registerWindow(w)
  rt.subscribe(3, ['s'])
  rt.subscribe(9, ['s'])
  rt.subscribeAll(5, true)
  const out = new Float64Array(8).fill(-1)
  assert.equal(rt.commitInto('s', undefined, out), 3)
  assert.deepEqual([...out.subarray(0, 4)], [1, 3, 5, 9])
  assert.equal(rt.commitInto('s', 5, out), 2)
  assert.deepEqual([...out.subarray(0, 3)], [2, 3, 9])
  rt.setWindowState(9, 'gone')
  assert.equal(rt.commitInto('s', null, out), 2)
  assert.deepEqual([...out.subarray(0, 3)], [3, 3, 5])
})

test('commitInto rejects a buffer that is missing, of the wrong type or too small, changing nothing', () => {
  const rt = new StoreRuntime()
  rt.registerStore('s')
  for (const w of [1, 2, 3]) rt.registerWindow(w)
  for (const bad of [undefined, null, [0, 0, 0, 0], new Float32Array(8), new Uint8Array(64), {}, new Float64Array(3)]) {
    assert.throws(() => rt.commitInto('s', undefined, bad), { code: 'INVALID_ARGUMENT' }, String(bad))
  }
  assert.equal(rt.storeInfo('s').rev, 0)
  assert.throws(() => rt.commitInto('nope', undefined, new Float64Array(8)), { code: 'STORE_NOT_FOUND' })
  assert.throws(() => rt.commitInto('', undefined, new Float64Array(8)), { code: 'INVALID_ID' })
  const view = new Float64Array(new ArrayBuffer(8 * 10), 8 * 2, 5) // an offset view works
  assert.equal(rt.commitInto('s', undefined, view), 0)
  assert.equal(view[0], 1)
})

test('commitStore: the revision, negated while the recipients recipientsInto read may be stale', () => {
  const { commitStore } = native
  const rt = new StoreRuntime()
  const h = rt.registerStore('s')
  for (const w of [3, 5, 9]) rt.registerWindow(w)
  rt.subscribe(3, ['s'])
  rt.subscribeAll(5, true)
  const out = new Float64Array(8).fill(-1)
  assert.equal(commitStore(rt.slot, h), -1, 'recipients never read')
  assert.equal(rt.recipientsInto(h, out), 2)
  assert.deepEqual([...out.subarray(0, 2)], [3, 5])
  assert.equal(commitStore(rt.slot, h), 2)
  assert.equal(commitStore(rt.slot, h), 3)
  for (const change of [
    () => rt.subscribe(9, ['s']),
    () => rt.unsubscribe(3, ['s']),
    () => rt.subscribeAll(5, false),
    () => rt.setWindowState(9, 'gone'),
    () => rt.forgetWindow(9),
    () => rt.resetWindow(3)
  ]) {
    change()
    const rev = rt.storeInfo('s').rev + 1
    assert.equal(commitStore(rt.slot, h), -rev, String(change))
    const n = rt.recipientsInto(h, out)
    assert.deepEqual([...out.subarray(0, n)], commit(rt, 's').recipients, 'the same list commitInto gives')
    assert.equal(commitStore(rt.slot, h), rev + 2)
  }
  const last = commitStore(rt.slot, h)
  assert.equal(rt.storeInfo('s').rev, last, 'one revision counter for both commits')
})

test('commitStore and recipientsInto: bad slots, handles and buffers throw typed errors and change nothing', () => {
  const { commitStore } = native
  const rt = new StoreRuntime()
  const other = new StoreRuntime()
  const h = rt.registerStore('s')
  other.registerStore('t')
  for (const w of [1, 2, 3]) rt.registerWindow(w)
  for (const slot of [undefined, null, -1, 1.5, NaN, '1', 2 ** 32, {}]) {
    throwsCode(() => commitStore(slot, h), 'INVALID_ARGUMENT')
  }
  throwsCode(() => commitStore(2 ** 32 - 1, h), 'INVALID_ARGUMENT', { message: /no runtime has slot/ })
  for (const handle of [undefined, -1, 0.5, 'x', 2 ** 32]) {
    throwsCode(() => commitStore(rt.slot, handle), 'INVALID_ARGUMENT')
    throwsCode(() => rt.recipientsInto(handle, new Float64Array(8)), 'INVALID_ARGUMENT')
  }
  throwsCode(() => commitStore(rt.slot, h + 100), 'STORE_NOT_FOUND', { message: /handle/ })
  rt.unregisterStore('s')
  const h2 = rt.registerStore('s')
  assert.notEqual(h2, h, 'a new registration, a new handle')
  throwsCode(() => commitStore(rt.slot, h), 'STORE_NOT_FOUND')
  throwsCode(() => rt.recipientsInto(h, new Float64Array(8)), 'STORE_NOT_FOUND')
  for (const bad of [undefined, [0, 0, 0], new Float32Array(8), new Float64Array(2)]) {
    throwsCode(() => rt.recipientsInto(h2, bad), 'INVALID_ARGUMENT')
  }
  assert.equal(rt.storeInfo('s').rev, 0, 'no failed call committed')
  assert.equal(other.storeInfo('t').rev, 0, 'nor reached another runtime')
  assert.notEqual(rt.slot, other.slot)
})

test('authorizeStoreWrite answers as authorizeWrite does, by handle', () => {
  const { authorizeStoreWrite } = native
  const rt = populated()
  const handles = { fresh: rt.registerStore('fresh'), sealed: rt.registerStore('sealed', { rendererCanSet: false }) }
  const outcome = fn => {
    try {
      fn()
      return 'ok'
    } catch (e) {
      return e.code
    }
  }
  for (const w of [1, 2, 3, 99]) {
    for (const id of ['fresh', 'sealed']) {
      assert.equal(
        outcome(() => authorizeStoreWrite(rt.slot, w, handles[id])),
        outcome(() => rt.authorizeWrite(w, id)),
        `window ${w}, ${id}`
      )
    }
  }
  assert.equal(
    outcome(() => authorizeStoreWrite(rt.slot, 1, handles.fresh)),
    'ok'
  )
  rt.unregisterStore('fresh')
  throwsCode(() => authorizeStoreWrite(rt.slot, 1, handles.fresh), 'STORE_NOT_FOUND')
  throwsCode(() => authorizeStoreWrite(rt.slot, 99, handles.fresh), 'WINDOW_NOT_FOUND')
  throwsCode(() => authorizeStoreWrite(rt.slot, 0, handles.sealed), 'INVALID_ID')
  throwsCode(() => authorizeStoreWrite(-1, 1, handles.sealed), 'INVALID_ARGUMENT')
  const locked = new StoreRuntime({ allowRendererSet: false })
  const h = locked.registerStore('s')
  locked.registerWindow(1)
  locked.setWindowState(1, 'ready')
  throwsCode(() => authorizeStoreWrite(locked.slot, 1, h), 'RENDERER_WRITE_DISABLED', { storeId: 's' })
})
