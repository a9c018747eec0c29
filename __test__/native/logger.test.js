// setLogger: tracing events reach the JS callback; silent by default; per runtime.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { StoreRuntime, root, commit } from './helpers.js'

function capture(rt) {
  const events = []
  rt.setLogger(e => events.push(e))
  return events
}

test('registry changes reach the logger as { level, message, fields }', () => {
  const rt = new StoreRuntime()
  const events = capture(rt)
  rt.registerStore('count', { rendererCanSet: false, maxPayloadBytes: 64 })
  rt.registerWindow(3)
  rt.setWindowState(3, 'ready')
  rt.subscribe(3, ['count', 'missing'])
  rt.subscribeAll(3, true)
  commit(rt, 'count')
  rt.unsubscribe(3, ['count'])
  rt.resetWindow(3)
  rt.forgetWindow(3)
  rt.unregisterStore('count')
  assert.deepEqual(events[0], {
    level: 'info',
    message: 'store registered',
    fields: { store: 'count', rendererCanSet: false, maxPayloadBytes: 64, rev: 0 }
  })
  const summary = events.map(e => `${e.level} ${e.message}`)
  assert.deepEqual(summary, [
    'info store registered',
    'debug window registered',
    'debug window state changed',
    'debug window subscribed',
    'debug window subscribe-all changed',
    'trace commit',
    'debug window unsubscribed',
    'debug window reset',
    'debug window forgotten',
    'info store unregistered'
  ])
  assert.deepEqual(events[2].fields, { window: 3, from: 'loading', state: 'ready' })
  assert.deepEqual(events[3].fields, { window: 3, added: 1, missing: 1 })
  assert.deepEqual(events[5].fields, { store: 'count', rev: 1, recipients: 1 })
  for (const e of events) {
    assert.deepEqual(Object.keys(e).sort(), ['fields', 'level', 'message'])
    for (const v of Object.values(e.fields)) assert.ok(['string', 'number', 'boolean'].includes(typeof v))
  }
})

test('refused writes are logged; events arrive before the call returns or throws', () => {
  const rt = new StoreRuntime()
  const events = capture(rt)
  rt.registerStore('s', { rendererCanSet: false })
  rt.registerWindow(1)
  events.length = 0
  assert.throws(() => rt.authorizeWrite(1, 's'), { code: 'RENDERER_WRITE_DISABLED' })
  assert.equal(events.length, 1, 'delivered synchronously, before the throw')
  assert.deepEqual(events[0], {
    level: 'debug',
    message: 'write refused',
    fields: { window: 1, store: 's', code: 'RENDERER_WRITE_DISABLED' }
  })
})

test('setLogger(null) stops delivery; loggers are per runtime', () => {
  const a = new StoreRuntime()
  const b = new StoreRuntime()
  const ea = capture(a)
  const eb = capture(b)
  a.registerStore('only-a')
  assert.equal(ea.length, 1)
  assert.equal(eb.length, 0, "b does not see a's events")
  b.registerWindow(9)
  assert.equal(ea.length, 1)
  assert.equal(eb.length, 1)
  a.setLogger(null)
  a.registerStore('after')
  assert.equal(ea.length, 1)
  // replacing the logger
  const second = []
  b.setLogger(e => second.push(e.message))
  b.registerWindow(10)
  assert.equal(eb.length, 1)
  assert.deepEqual(second, ['window registered'])
})

test('a caught panic prints nothing (silent panic hook)', () => {
  // run in a child so stderr can be checked
  const script = `
    const n = require(${JSON.stringify(join(root, 'native.cjs'))});
    try { n.__panicForTests(); } catch (e) { if (e.code !== 'INTERNAL') process.exit(2); }
  `
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout, '')
  assert.equal(r.stderr, '', 'a caught panic prints nothing')
})

test('silent by default: no output at all without a logger', () => {
  const script = `
    const n = require(${JSON.stringify(join(root, 'native.cjs'))});
    const rt = new n.StoreRuntime();
    rt.registerStore('a'); rt.registerWindow(1); rt.subscribe(1, ['a']); rt.commitInto('a', undefined, new Float64Array(2));
    try { rt.authorizeWrite(2, 'a'); } catch {}
    try { rt.registerStore('a'); } catch {}
    n.checkSerializable({ f() {} });
  `
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout, '')
  assert.equal(r.stderr, '')
})

test('events of call sites first hit without a logger still arrive later (fresh process)', () => {
  // tracing caches per-call-site interest; the first hit of every call site happens here with
  // no logger set anywhere in the process
  const script = `
    const n = require(${JSON.stringify(join(root, 'native.cjs'))});
    const rt = new n.StoreRuntime();
    rt.registerStore('a'); rt.registerWindow(1); rt.commitInto('a', undefined, new Float64Array(2));
    const seen = [];
    rt.setLogger((e) => seen.push(e.message));
    rt.registerStore('b'); rt.registerWindow(2); rt.commitInto('b', undefined, new Float64Array(3));
    process.stdout.write(JSON.stringify(seen));
  `
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(JSON.parse(r.stdout), ['store registered', 'window registered', 'commit'])
})
