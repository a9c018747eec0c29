// Service events are selective: broadcast() sends only to windows with an on() listener
// for that service and event, one message per listening window; listeners are counted
// per window; a window that reloads or closes is dropped from main and from the native
// runtime's event table.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { math } from './fixtures/services.js'
import { call, js, openWindows, standIn, start, until } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
})

const listen = (win, service, eventName) =>
  js(win, `window.listen(${JSON.stringify(service)}, ${JSON.stringify(eventName)})`)
const unlisten = (win, handle) => js(win, `window.unlisten(${handle})`)
const events = win => js(win, 'window.events.map(e => [e.handle, e.eventName, e.data])')
const eventMessages = () => {
  const stats = standIn.stats().mainToRenderer
  return stats.channels['wf:ns:svc:event']?.messages ?? 0
}
const listeners = eventName =>
  ipc
    .inspect()
    .services.find(s => s.id === 'math')
    .events.find(e => e.name === eventName)?.windows ?? []

test('broadcast reaches only windows listening to that event, one message each', async () => {
  ;({ ipc } = start())
  const [a, b, c] = await openWindows(3)
  const ha = await listen(a, 'math', 'added')
  const hb1 = await listen(b, 'math', 'added')
  const hb2 = await listen(b, 'math', 'added')
  await listen(c, 'math', 'removed')
  await standIn.idle()
  assert.deepEqual(listeners('added'), [
    { id: a.webContents.id, count: 1 },
    { id: b.webContents.id, count: 1 }
  ])
  standIn.resetStats()
  assert.equal(math.broadcast('added', { n: 1 }), 2, 'broadcast returns how many windows it sent to')
  await standIn.idle()
  assert.equal(eventMessages(), 2, 'one message per listening window, not per listener')
  assert.equal(standIn.stats().mainToRenderer.windows[c.webContents.id]?.messages ?? 0, 0, 'nothing to window c')
  assert.deepEqual(await events(a), [[ha, 'added', { n: 1 }]])
  assert.deepEqual(await events(b), [
    [hb1, 'added', { n: 1 }],
    [hb2, 'added', { n: 1 }]
  ])
  assert.deepEqual(await events(c), [])
  assert.equal(math.broadcast('nobody-listens'), 0)
})

test('listeners are counted per window: the window stops receiving after its last listener left', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const h1 = await listen(win, 'math', 'tick')
  const h2 = await listen(win, 'math', 'tick')
  await unlisten(win, h1)
  await standIn.idle()
  assert.equal(math.broadcast('tick', 1), 1)
  await unlisten(win, h2)
  await standIn.idle()
  assert.deepEqual(listeners('tick'), [])
  standIn.resetStats()
  assert.equal(math.broadcast('tick', 2), 0)
  await standIn.idle()
  assert.equal(eventMessages(), 0)
  assert.deepEqual(await events(win), [[h2, 'tick', 1]])
})

test('a listener added just before a call hears the event the handler broadcasts', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  const got = await js(
    win,
    `(async () => {
      const seen = []
      window.services.math.on('now', d => seen.push(d))
      const sent = await window.services.math.announce('now', 'hello')
      return { sent, seen }
    })()`
  )
  assert.deepEqual(got, { sent: 1, seen: ['hello'] })
})

test('a reloaded or closed window is dropped from the event tables in main and the runtime', async () => {
  ;({ ipc } = start())
  const [a, b] = await openWindows(2)
  await listen(a, 'math', 'e')
  await listen(b, 'math', 'e')
  await standIn.idle()
  assert.equal(ipc.stats().eventSubscriptions, 2)
  a.webContents.reload()
  await standIn.idle()
  assert.deepEqual(listeners('e'), [{ id: b.webContents.id, count: 1 }])
  b.close()
  await until(() => ipc.stats().windows === 1, { what: 'window b to be forgotten' })
  assert.deepEqual(listeners('e'), [])
  assert.equal(ipc.stats().eventSubscriptions, 0)
  assert.equal(math.broadcast('e', 'x'), 0)
})

test('a crashed window stops receiving; reloaded, it listens again', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  await listen(win, 'math', 'e')
  await standIn.idle()
  standIn.crash(win)
  assert.equal(math.broadcast('e', 1), 0)
  assert.equal(ipc.stats().eventSubscriptions, 0)
  win.webContents.reload()
  await standIn.idle()
  await listen(win, 'math', 'e')
  await standIn.idle()
  assert.equal(math.broadcast('e', 2), 1)
})

test('on() in main and broadcast() in a renderer throw WRONG_PROCESS', async () => {
  ;({ ipc } = start())
  assert.throws(() => math.on('x', () => {}), { name: 'NanoStoreIPCError', code: 'WRONG_PROCESS', serviceId: 'math' })
  const [win] = await openWindows(1)
  const thrown = await js(
    win,
    `(() => { try { window.services.math.broadcast('x', 1) } catch (e) { return [e.name, e.code, e.serviceId] } })()`
  )
  assert.deepEqual(thrown, ['NanoStoreIPCError', 'WRONG_PROCESS', 'math'])
})

test('bad event names and data: typed errors in main and in the page', async () => {
  ;({ ipc } = start())
  assert.throws(() => math.broadcast(''), { code: 'INVALID_ID' })
  assert.throws(() => math.broadcast('x'.repeat(257)), { code: 'INVALID_ID' })
  const [win] = await openWindows(1)
  await listen(win, 'math', 'fn')
  await standIn.idle()
  assert.throws(() => math.broadcast('fn', () => {}), { code: 'SERIALIZATION_FAILED', serviceId: 'math' })
  const codes = await js(
    win,
    `(() => {
      const codes = []
      for (const args of [[''], [7, () => {}], ['ok', 'not a function']]) {
        try { window.services.math.on(...args) } catch (e) { codes.push(e.code) }
      }
      return codes
    })()`
  )
  assert.deepEqual(codes, ['INVALID_ID', 'INVALID_ID', 'INVALID_ARGUMENT'])
  // a value fine for IPC still arrives afterwards
  assert.equal(math.broadcast('fn', 'fine'), 1)
})

test('with validateSerialization, a broadcast IPC cannot carry is refused even with no listener', async () => {
  ;({ ipc } = start({ validateSerialization: true }))
  assert.throws(() => math.broadcast('none', { f: () => {} }), { code: 'SERIALIZATION_FAILED' })
  await call((await openWindows(1))[0], 'math', 'add', [1, 1])
})
