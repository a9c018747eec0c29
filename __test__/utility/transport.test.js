// The child's transport (utility/transport.js) against a scripted port: what it queues before
// main connects, how invokes are answered and failed, what a closed or a new port does, and
// that a reply's promise callbacks run before the next message that came with it.
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { test } from 'node:test'

import { INVOKE, REPLY, SEND } from '../../protocol/port.js'
import { createPortTransport } from '../../utility/transport.js'

function fakePort() {
  const port = new EventEmitter()
  port.posted = []
  port.started = false
  port.closed = false
  port.postMessage = message => {
    if (!port.closed) port.posted.push(structuredClone(message))
  }
  port.start = () => {
    port.started = true
  }
  port.close = () => {
    if (port.closed) return
    port.closed = true
    port.emit('close')
  }
  // main sends: several messages in one turn, as a port may dispatch them
  port.deliver = (...messages) => {
    for (const data of messages) port.emit('message', { data, ports: [] })
  }
  return port
}

const turn = () => new Promise(resolve => setImmediate(resolve))

test('before main connects: sends and invokes queue (cloned at once), then go out in order on the port', async () => {
  const t = createPortTransport()
  t.ipc.send('hello')
  const reply = t.ipc.invoke('get', ['a'])
  assert.throws(() => t.ipc.send('sub', { f: () => {} }), /could not be cloned/)
  await assert.rejects(
    t.ipc.invoke('set', 'a', () => {}),
    /could not be cloned/
  )
  assert.equal(t.state, 'waiting')
  const port = fakePort()
  t.attach(port)
  assert.equal(port.started, true)
  assert.deepEqual(port.posted, [
    [SEND, 'hello'],
    [INVOKE, 1, 'get', ['a']]
  ])
  port.deliver([REPLY, 1, true, { snapshots: [] }])
  assert.deepEqual(await reply, { snapshots: [] })
  await t.ready
})

test('invoke: ok false rejects with the text main sent; a reply to nothing pending is ignored', async () => {
  const t = createPortTransport()
  const port = fakePort()
  t.attach(port)
  const failing = t.ipc.invoke('nope')
  port.deliver([REPLY, 99, true, 'stray'], [REPLY, 1, false, "Error invoking remote method 'nope': Error: No handler"])
  await assert.rejects(failing, { message: "Error invoking remote method 'nope': Error: No handler" })
})

test("a reply's promise callbacks run before the next message delivered with it", async () => {
  const t = createPortTransport()
  const port = fakePort()
  t.attach(port)
  const order = []
  t.ipc.on('update', (_event, id) => order.push(`update ${id}`))
  t.ipc
    .invoke('get', ['a'])
    .then(reply => reply)
    .then(reply => order.push(`read ${reply}`))
  port.deliver([REPLY, 1, true, 'r1'], [SEND, 'update', 'u1'], [SEND, 'update', 'u2'])
  for (let i = 0; i < 5; i++) await turn()
  assert.deepEqual(order, ['read r1', 'update u1', 'update u2'])
})

test('a throwing listener is reported and the others still run', async () => {
  const t = createPortTransport()
  const port = fakePort()
  t.attach(port)
  const seen = []
  const logged = []
  const original = console.error
  console.error = (...args) => logged.push(args)
  try {
    t.ipc.on('update', () => {
      throw new Error('listener bug')
    })
    t.ipc.on('update', (_event, value) => seen.push(value))
    port.deliver([SEND, 'update', 1])
  } finally {
    console.error = original
  }
  assert.deepEqual(seen, [1])
  assert.equal(logged.length, 1)
})

test('a closed port rejects pending invokes; until a new one, sends drop and invokes reject', async () => {
  const t = createPortTransport()
  const port = fakePort()
  t.attach(port)
  const pending = t.ipc.invoke('set', 'a', 1)
  port.close()
  await assert.rejects(pending, /the connection to main closed/)
  assert.equal(t.state, 'closed')
  t.ipc.send('sub', { add: ['a'] })
  await assert.rejects(t.ipc.invoke('get', ['a']), /not connected to main/)
  assert.deepEqual(port.posted, [[INVOKE, 1, 'set', 'a', 1]])
})

test('a new port (main registered the child again): hello, then a resync for the bridge', async () => {
  const t = createPortTransport()
  let resyncs = 0
  t.ipc.on('resync', () => resyncs++)
  const first = fakePort()
  t.attach(first)
  assert.equal(resyncs, 0, 'not on the first connection')
  const waiting = t.ipc.invoke('get', ['a'])
  first.close()
  await assert.rejects(waiting)
  const second = fakePort()
  t.attach(second)
  assert.deepEqual(second.posted, [[SEND, 'hello']])
  assert.equal(resyncs, 1)
  assert.equal(t.state, 'open')
  // a third one while the second is open: the second is closed, its invokes fail
  const stuck = t.ipc.invoke('get', ['b'])
  const third = fakePort()
  t.attach(third)
  await assert.rejects(stuck, /the connection to main closed/)
  assert.equal(second.closed, true)
  assert.equal(resyncs, 2)
})

test("the port protocol names every channel of channelsFor() (a new channel needs no change in main's router)", async () => {
  const { PORT_CHANNELS } = await import('../../protocol/port.js')
  const { channelsFor } = await import('../../protocol/index.js')
  assert.deepEqual(Object.keys(PORT_CHANNELS).sort(), Object.keys(channelsFor('p')).sort())
  for (const [key, name] of Object.entries(PORT_CHANNELS)) assert.equal(name, key)
})
