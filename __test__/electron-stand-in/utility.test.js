// Self-tests: utilityProcess, MessageChannelMain / MessagePortMain and transfers between main and
// utility processes, as Electron does them (see README "Utility processes" and "Message ports").
import { test, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { standIn, fixture, randomSeed } from './harness.js'
import { utilityProcess, MessageChannelMain } from './index.js'
import { seededRandom } from './random.cjs'

afterEach(() => standIn.reset())

const U = name => fixture(`utility/${name}`)
const nextMessage = child => once(child, 'message').then(([m]) => m)
const nextPortMessage = port => once(port, 'message').then(([e]) => e)
/** The next n messages of a port (one listener, so messages dispatched together are not missed). */
const collect = (port, n) =>
  new Promise(resolve => {
    const got = []
    const on = e => {
      got.push(e)
      if (got.length === n) {
        port.removeListener('message', on)
        resolve(got)
      }
    }
    port.on('message', on)
  })
const alive = pid => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test('fork: pid is undefined until spawn; the child is a utility process with parentPort and argv [execPath, modulePath, ...args]', async () => {
  const child = utilityProcess.fork(U('probe.cjs'), ['--flag', 'x'])
  assert.equal(child.pid, undefined)
  child.postMessage({ cmd: 'describe' }) // before 'spawn': queued, not lost
  await once(child, 'spawn')
  assert.equal(typeof child.pid, 'number')
  assert.notEqual(child.pid, process.pid, 'a separate OS process')
  const d = await nextMessage(child)
  assert.equal(d.type, 'utility')
  assert.deepEqual(d.argv, [U('probe.cjs'), '--flag', 'x'])
  assert.equal(d.hasParentPort, true)
  assert.equal(d.ports, 0)
  assert.equal(d.versions, standIn.ELECTRON_VERSION)
})

test("require('electron') in a utility process has net and systemPreferences only (no ipcRenderer, BrowserWindow); its aliases and ESM import give the same", async () => {
  const child = utilityProcess.fork(U('probe.cjs'))
  child.postMessage({ cmd: 'describe' })
  const d = await nextMessage(child)
  assert.deepEqual(d.electronKeys.sort(), ['net', 'systemPreferences'])
  for (const k of ['ipcRenderer', 'BrowserWindow', 'app', 'ipcMain', 'MessageChannelMain', 'contextBridge']) {
    assert.ok(!d.electronKeys.includes(k), k)
  }
  assert.equal(d.sameAliases, true)
  const esm = utilityProcess.fork(U('esm-import.mjs'))
  const m = await nextMessage(esm)
  assert.deepEqual(m, { keys: ['net', 'systemPreferences'], netIsSame: true, type: 'utility' })
})

test('parentPort queues messages until its first listener; messages keep their order', async () => {
  const child = utilityProcess.fork(U('late-listener.cjs'))
  child.postMessage('a')
  child.postMessage('b')
  await once(child, 'spawn')
  child.postMessage('c')
  assert.deepEqual(await nextMessage(child), ['a', 'b', 'c'])
})

test("messages are structured-cloned with Electron's rules both ways; uncloneable values throw 'An object could not be cloned.'", async () => {
  const child = utilityProcess.fork(U('probe.cjs'))
  class Point {
    x = 1
  }
  child.postMessage({ cmd: 'clone', arg: [Buffer.from([1]), new Point(), new Map()] })
  assert.deepEqual(await nextMessage(child), [
    { tag: '[object Uint8Array]', isBuffer: false, plainProto: false },
    { tag: '[object Object]', isBuffer: false, plainProto: true },
    { tag: '[object Map]', isBuffer: false, plainProto: false }
  ])
  child.postMessage({ cmd: 'send-special' })
  const [bytes, point, map] = await nextMessage(child)
  assert.ok(bytes instanceof Uint8Array && !Buffer.isBuffer(bytes))
  assert.equal(Object.getPrototypeOf(point), Object.prototype)
  assert.ok(map instanceof Map)
  assert.throws(() => child.postMessage({ f: () => {} }), { message: 'An object could not be cloned.' })
  child.postMessage({ cmd: 'send-function' })
  assert.equal(await nextMessage(child), 'threw Error: An object could not be cloned.')
})

test('a utility process does not exit when its event loop is empty', async () => {
  const child = utilityProcess.fork(U('keep-alive.cjs'))
  let exited = false
  child.on('exit', () => {
    exited = true
  })
  await once(child, 'spawn')
  await new Promise(r => setTimeout(r, 300))
  assert.equal(exited, false)
  assert.equal(alive(child.pid), true)
})

test("'exit' codes: process.exit(n) gives n, an uncaught exception 1, a missing entry 1 (after 'spawn'), kill() 0, an outside SIGKILL 9; pid is undefined after exit", async () => {
  const exitWith = utilityProcess.fork(U('probe.cjs'))
  exitWith.postMessage({ cmd: 'exit', arg: 3 })
  assert.deepEqual(await once(exitWith, 'exit'), [3])
  assert.equal(exitWith.pid, undefined)

  const thrower = utilityProcess.fork(U('probe.cjs'), [], { stdio: 'ignore' })
  thrower.postMessage({ cmd: 'throw' })
  assert.deepEqual(await once(thrower, 'exit'), [1])

  const missing = utilityProcess.fork(U('does-not-exist.js'), [], { stdio: 'ignore' })
  let spawned = false
  missing.on('spawn', () => {
    spawned = true
  })
  assert.deepEqual(await once(missing, 'exit'), [1])
  assert.equal(spawned, true)

  const killed = utilityProcess.fork(U('keep-alive.cjs'))
  assert.equal(killed.kill(), false, 'no pid before spawn')
  await once(killed, 'spawn')
  const pid = killed.pid
  assert.equal(killed.kill(), true)
  assert.deepEqual(await once(killed, 'exit'), [0])
  assert.equal(killed.kill(), false, 'no pid after exit')
  assert.equal(alive(pid), false)

  const crashed = utilityProcess.fork(U('keep-alive.cjs'))
  await once(crashed, 'spawn')
  standIn.killUtilityProcess(crashed) // kill -9 from outside
  assert.deepEqual(await once(crashed, 'exit'), [9])
})

test('postMessage to an exited child is dropped without serializing; the ports given to it stay usable in main', async () => {
  const child = utilityProcess.fork(U('probe.cjs'))
  child.postMessage({ cmd: 'exit', arg: 0 })
  await once(child, 'exit')
  const { port1, port2 } = new MessageChannelMain()
  assert.equal(child.postMessage({ f: () => {} }, [port2]), undefined) // no throw: nothing is serialized
  port2.start()
  port1.postMessage('still mine')
  assert.equal((await nextPortMessage(port2)).data, 'still mine')
})

test("stdio 'pipe' gives stdout/stderr streams (null otherwise, and null after exit)", async () => {
  const quiet = utilityProcess.fork(U('probe.cjs'))
  assert.equal(quiet.stdout, null)
  assert.equal(quiet.stderr, null)
  const child = utilityProcess.fork(U('probe.cjs'), [], { stdio: 'pipe' })
  let out = ''
  child.stdout.on('data', d => {
    out += d
  })
  child.postMessage({ cmd: 'stdout', arg: 'hello' })
  assert.equal(await nextMessage(child), 'written')
  child.postMessage({ cmd: 'exit', arg: 0 })
  await once(child, 'exit')
  assert.equal(out, 'hello')
  assert.equal(child.stdout, null)
  assert.throws(() => utilityProcess.fork(U('probe.cjs'), [], { stdio: 'ipc' }), {
    message: 'stdio must be of the following values: inherit, pipe, ignore'
  })
  assert.throws(() => utilityProcess.fork(''), { message: 'Missing UtilityProcess entry script.' })
})

test("MessagePortMain: messages queue until start() and keep their order; close() emits 'close' at once, the peer's 'close' comes after its queued messages", async () => {
  const { port1, port2 } = new MessageChannelMain()
  const got = []
  port2.on('message', e => got.push(e.data))
  for (let i = 0; i < 5; i++) port1.postMessage(i)
  await new Promise(r => setTimeout(r, 30))
  assert.deepEqual(got, [], 'a listener does not start a MessagePortMain')
  let closedSelf = 0
  port1.on('close', () => closedSelf++)
  port1.close()
  assert.equal(closedSelf, 1, "'close' is emitted synchronously by close()")
  port1.close()
  assert.equal(closedSelf, 1)
  let peerClosedAfter = null
  port2.on('close', () => {
    peerClosedAfter = got.length
  })
  await new Promise(r => setTimeout(r, 30))
  assert.equal(peerClosedAfter, null, 'a port that was not started does not notice its peer closed')
  port2.start()
  await once(port2, 'close')
  assert.deepEqual(got, [0, 1, 2, 3, 4])
  assert.equal(peerClosedAfter, 5, "'close' after the queued messages")
  port2.postMessage('dropped') // closed: silently dropped
})

test('MessagePortMain.postMessage transfer checks: not a port, the source port, a duplicate, an already transferred port; a transferred port is neutered', async () => {
  const { port1, port2 } = new MessageChannelMain()
  const other = new MessageChannelMain()
  assert.throws(() => port1.postMessage('x', [{}]), {
    name: 'TypeError',
    message: 'Port at index 0 is not a valid port'
  })
  assert.throws(() => port1.postMessage('x', [port1]), { message: 'Port at index 0 contains the source port.' })
  assert.throws(() => port1.postMessage('x', [other.port1, other.port1]), {
    message: 'Port at index 1 is a duplicate.'
  })
  assert.throws(() => port1.postMessage('x', 'nope'), { message: 'transferables must be an array of MessagePorts' })
  assert.throws(() => port1.postMessage(), { message: 'Expected at least one argument to postMessage' })
  assert.throws(() => port1.postMessage(() => {}, [other.port1]), { message: 'An object could not be cloned.' })
  port1.postMessage('carrier', [other.port1])
  assert.throws(() => port1.postMessage('x', [other.port1]), { message: 'Port at index 0 is already neutered.' })
  other.port1.postMessage('into the void') // neutered: silently dropped
  port2.start()
  const e = await nextPortMessage(port2)
  assert.equal(e.data, 'carrier')
  assert.equal(e.ports.length, 1)
  assert.notEqual(e.ports[0], other.port1, 'a new MessagePortMain object on arrival')
  const [moved] = e.ports
  moved.start()
  other.port2.postMessage('through the moved port')
  assert.equal((await nextPortMessage(moved)).data, 'through the moved port')
})

test('a port transferred to a utility process arrives as a MessagePortMain in e.ports, with the messages sent before the transfer first', async () => {
  const child = utilityProcess.fork(U('port-echo.cjs'))
  const { port1, port2 } = new MessageChannelMain()
  port1.postMessage('before transfer') // queued in port2, travels with it
  child.postMessage({ cmd: 'hold' }, [port2])
  assert.throws(() => child.postMessage({ cmd: 'hold' }, [port2]), { message: 'Port at index 0 is already neutered.' })
  assert.throws(() => child.postMessage({ cmd: 'hold' }, ['x']), {
    name: 'TypeError',
    message: 'Invalid value for transfer'
  })
  assert.deepEqual(await nextMessage(child), { held: 1, isMessagePortMain: true })
  port1.postMessage('after transfer')
  const echoed = collect(port1, 2)
  port1.start()
  const echoes = await echoed
  assert.deepEqual(
    echoes.map(e => e.data.echo),
    ['before transfer', 'after transfer']
  )
  assert.equal(echoes[0].data.from, child.pid)
})

test('a utility process hands a port back to main over another port (MessagePortMain transfer from the child)', async () => {
  const child = utilityProcess.fork(U('port-echo.cjs'))
  const ctl = new MessageChannelMain()
  const data = new MessageChannelMain()
  child.postMessage({ cmd: 'hold' }, [ctl.port2, data.port2])
  await nextMessage(child)
  ctl.port1.start()
  child.postMessage({ cmd: 'forward', which: 1, via: 0 })
  const e = await nextPortMessage(ctl.port1)
  assert.deepEqual(e.data, { forwarded: 1 })
  const [back] = e.ports
  back.start()
  data.port1.postMessage('home again')
  assert.equal((await nextPortMessage(back)).data, 'home again')
})

test("a killed utility process closes its ports: main's end emits 'close'", async () => {
  const child = utilityProcess.fork(U('port-echo.cjs'))
  const { port1, port2 } = new MessageChannelMain()
  child.postMessage({ cmd: 'hold' }, [port2])
  await nextMessage(child)
  port1.start()
  const closed = once(port1, 'close')
  standIn.killUtilityProcess(child)
  await Promise.all([closed, once(child, 'exit')])
  port1.postMessage('after close') // no throw
})

test("a port closed in the child emits 'close' there and on its peer in main; closing in main: the child's end emits 'close'", async () => {
  const child = utilityProcess.fork(U('port-echo.cjs'))
  const a = new MessageChannelMain()
  const b = new MessageChannelMain()
  child.postMessage({ cmd: 'hold' }, [a.port2, b.port2])
  await nextMessage(child)
  a.port1.start()
  const peerClosed = once(a.port1, 'close')
  child.postMessage({ cmd: 'close', index: 0 })
  assert.deepEqual(await nextMessage(child), { closed: 0 }, "close() emits 'close' on the closing end too")
  await peerClosed
  b.port1.close()
  assert.deepEqual(await nextMessage(child), { closed: 1 })
})

test('standIn.idle() waits for utility-process traffic', async () => {
  const child = utilityProcess.fork(U('probe.cjs'))
  const got = []
  child.on('message', m => got.push(m))
  for (let i = 0; i < 200; i++) child.postMessage({ cmd: 'echo', arg: i })
  await standIn.idle()
  assert.equal(got.length, 200)
  assert.deepEqual(got.slice(0, 3), [0, 1, 2])
})

test('standIn.reset() kills every utility process (no child process left) and closes every port', async () => {
  const children = [utilityProcess.fork(U('keep-alive.cjs')), utilityProcess.fork(U('port-echo.cjs'))]
  await Promise.all(children.map(c => once(c, 'spawn')))
  const pids = children.map(c => c.pid)
  const { port1, port2 } = new MessageChannelMain()
  children[1].postMessage({ cmd: 'hold' }, [port2])
  await nextMessage(children[1])
  assert.ok(standIn.openPorts() >= 2)
  assert.equal(standIn.utilityProcesses().length, 2)
  await standIn.reset()
  assert.equal(standIn.utilityProcesses().length, 0)
  for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} still alive`)
  assert.equal(standIn.openPorts(), 0)
  port1.postMessage('old port') // dead: dropped, no throw
})

test('randomized: a port handed back and forth between main and a utility process (started or not) loses and reorders nothing', async () => {
  const seed = randomSeed()
  console.log(`seed ${seed} (STAND_IN_SEED=${seed} to replay)`)
  const rng = seededRandom(seed)
  const child = utilityProcess.fork(U('baton.cjs'))
  const ctl = new MessageChannelMain()
  child.postMessage({ cmd: 'ctl' }, [ctl.port2])
  assert.equal(await nextMessage(child), 'ready')
  ctl.port1.start()
  const { port1: sender, port2: baton } = new MessageChannelMain()
  const N = 400
  let sent = 0
  const sending = (async () => {
    while (sent < N) {
      const burst = 1 + Math.floor(rng() * 8)
      for (let i = 0; i < burst && sent < N; i++) sender.postMessage(sent++)
      await new Promise(r => setTimeout(r, rng() < 0.5 ? 0 : 1))
    }
  })()
  let got = []
  let b = baton
  for (let hop = 0; hop < 24; hop++) {
    // main holds the baton for a while (listening or not), then hands it to the child
    const listen = rng() < 0.7
    const onMessage = e => got.push(e.data)
    if (listen) {
      b.on('message', onMessage)
      b.start()
    }
    await new Promise(r => setTimeout(r, Math.floor(rng() * 4)))
    b.removeListener('message', onMessage)
    child.postMessage({ got, start: rng() < 0.7, holdMs: Math.floor(rng() * 4) }, [b])
    const e = await nextPortMessage(ctl.port1)
    got = e.data.got
    b = e.ports[0]
  }
  await sending
  b.on('message', e => got.push(e.data))
  b.start()
  const deadline = Date.now() + 5000
  while (got.length < N && Date.now() < deadline) await new Promise(r => setTimeout(r, 5))
  assert.deepEqual(
    got,
    Array.from({ length: N }, (_, i) => i),
    `seed ${seed}`
  )
})
