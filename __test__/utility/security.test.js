// A utility process speaks only for itself: no ipcMain event passes for it, nothing it posts
// passes for a window or touches another participant's calls, malformed messages on its port
// are refused with typed errors and change nothing; allowSender sees it, allowedOrigins does not
// apply to it.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { ipcMain } from 'electron'
import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { makeStore, openWindows, read, setInWindow, standIn, until } from '../bridge/harness.js'
import { greeter } from './fixtures/shared.js'
import { RAW_CHILD, forkChild } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = null
  await standIn.reset()
})

const start = (options = {}) => (ipc = initNanoStoreIPC({ channelPrefix: 'wf', ...options }))

async function rawChild() {
  const forked = forkChild(RAW_CHILD)
  assert.equal(ipc.registerUtilityProcess(forked.child, { name: 'raw' }), true)
  await until(() => forked.request({}), { what: "main's port in the raw child" })
  const id = ipc.inspect().windows.find(w => w.kind === 'utility').id
  // posts, then takes what main sent back once everything settled
  const exchange = async (...messages) => {
    for (const post of messages) await forked.request({ post })
    await standIn.idle()
    return forked.request({ take: true })
  }
  return { ...forked, id, exchange }
}

test('no ipcMain event passes for a utility process, nor for a window without its very webContents', async () => {
  const errors = []
  start({ onError: e => errors.push(e.code) })
  const $s = atom('main')
  ipc.registerStore('s', $s)
  const [win] = await openWindows(1)
  const { id } = await rawChild()
  const set = ipcMain._invokeHandlers.get('wf:ns:set')
  const frame = { url: 'utility:raw', origin: 'utility:', kind: 'utility', parent: null }
  for (const sender of [{ id }, { id, send() {} }, { id: win.webContents.id }]) {
    const reply = await set({ sender, senderFrame: frame }, 's', 'forged')
    assert.equal(reply.error.code, 'WINDOW_NOT_FOUND', JSON.stringify(sender))
  }
  assert.equal($s.get(), 'main')
  assert.deepEqual(errors, ['WINDOW_NOT_FOUND', 'WINDOW_NOT_FOUND', 'WINDOW_NOT_FOUND'])
  assert.deepEqual(
    ipc.inspect().windows.map(w => [w.kind, w.stores]),
    [
      ['window', []],
      ['utility', []]
    ],
    'nobody subscribed anything'
  )
})

test("a utility process cannot cancel, credit or end another participant's call", async () => {
  start()
  const [win] = await openWindows(1)
  await read(win, `window.nanostoreIPC.call(777, 'greeter', 'ticks', []).then(() => true)`)
  await until(() => greeter.open === 1, { what: "the window's stream" })
  const raw = await rawChild()
  await raw.exchange(
    [0, 'svcCancel', 777],
    [0, 'svcCredit', { callId: 777, n: 64 }],
    [1, 1, 'svcCall', 777, 'greeter', 'hello', ['raw']]
  )
  assert.equal(greeter.open, 1, "the window's stream runs on")
  assert.equal(ipc.stats().openCalls, 1)
  await read(win, 'window.nanostoreIPC.cancelCall(777), true')
  await until(() => greeter.open === 0 && ipc.stats().openCalls === 0, { what: 'cancelled by its window' })
})

test('malformed messages on the port are refused with typed errors, change nothing and leave the child connected', async () => {
  const errors = []
  start({ onError: e => errors.push(e.code) })
  const $s = atom('main')
  ipc.registerStore('s', $s)
  const raw = await rawChild()
  const before = JSON.stringify(ipc.inspect())
  const replies = await raw.exchange(
    'not an array',
    { 0: 0 },
    [9],
    [0, '__proto__'],
    [0, 'constructor', {}],
    [0, 'toString'],
    [1, -1, 'get', ['s']],
    [1, 1.5, 'get', ['s']],
    [0, 'sub', { add: 'not a list' }],
    [0, 'sub', { add: Array.from({ length: 10001 }, (_, i) => `x${i}`) }],
    [1, 1, 'nope'],
    [1, 2, 'hello'],
    [1, 3, 'get', 'not a list'],
    [1, 4, 'set', 'missing', 1],
    [1, 5, 'set', 's', 'x', { key: 'not a map' }],
    [1, 6, 'svcCall', 1, 'greeter', 'constructor', []],
    [1, 7, 'svcCall', 0, 'greeter', 'hello', []]
  )
  const byId = Object.fromEntries(replies.map(([, id, ok, value]) => [id, { ok, value }]))
  assert.deepEqual(byId[1], {
    ok: false,
    value: "Error invoking remote method 'nope': Error: No handler registered for 'nope'"
  })
  assert.deepEqual(byId[2], {
    ok: false,
    value: "Error invoking remote method 'wf:ns:hello': Error: No handler registered for 'wf:ns:hello'"
  })
  assert.equal(byId[3].value.error.code, 'INVALID_ARGUMENT')
  assert.equal(byId[4].value.error.code, 'STORE_NOT_FOUND')
  assert.equal(byId[5].value.error.code, 'INVALID_ARGUMENT')
  assert.equal(byId[6].value.error.code, 'METHOD_NOT_FOUND')
  assert.equal(byId[7].value.error.code, 'INVALID_ARGUMENT')
  assert.equal(Object.keys(byId).length, 7, 'no reply for an invoke without a valid id')
  assert.equal($s.get(), 'main')
  assert.equal(JSON.stringify(ipc.inspect()), before, 'main and the addon unchanged')
  assert.deepEqual(
    [...new Set(errors)].sort(),
    ['INVALID_ARGUMENT', 'METHOD_NOT_FOUND', 'STORE_NOT_FOUND'],
    'every refusal reported in main'
  )
  // and the port still works
  const [[, , ok, value]] = await raw.exchange([1, 8, 'get', ['s']])
  const rev = ipc.inspect().stores.find(s => s.id === 's').rev
  assert.deepEqual([ok, value], [true, { reads: [rev, 'main'] }])
})

test('allowSender sees a utility process (kind utility, its name in the url); allowedOrigins does not apply to it', async () => {
  const seen = []
  start({
    allowedOrigins: ['file://'],
    allowSender: sender => {
      seen.push(sender)
      return sender.kind !== 'utility' || sender.url === 'utility:trusted'
    }
  })
  const $s = atom(0)
  ipc.registerStore('s', $s)
  const [win] = await openWindows(1)
  await makeStore(win, 's', 0)
  const trusted = forkChild()
  const other = forkChild()
  ipc.registerUtilityProcess(trusted.child, { name: 'trusted' })
  ipc.registerUtilityProcess(other.child, { name: 'other' })
  await other.exec(`ctx.make('s', null); ctx.stores.s.set(1); return true`)
  await until(async () => (await other.exec('return ctx.errors')).some(e => e.code === 'SENDER_REJECTED'), {
    what: 'the refusal'
  })
  assert.equal($s.get(), 0)
  assert.equal(await other.exec('return ctx.stores.s.get()'), null, "a refused sender is not sent main's value")
  await trusted.exec(`ctx.make('s', null); ctx.stores.s.set(2); return true`)
  await until(() => $s.get() === 2, { what: "the trusted child's write" })
  await setInWindow(win, 's', 3)
  await until(() => $s.get() === 3, { what: "the window's write" })
  const utilitySenders = seen.filter(s => s.kind === 'utility')
  assert.deepEqual(
    [...new Set(utilitySenders.map(s => JSON.stringify(s)))].sort(),
    [
      { kind: 'utility', url: 'utility:other', origin: 'utility:' },
      { kind: 'utility', url: 'utility:trusted', origin: 'utility:' }
    ]
      .map(s => JSON.stringify({ ...s, webContentsId: undefined }))
      .sort()
  )
  assert.ok(seen.some(s => s.kind === 'window' && s.webContentsId === win.webContents.id))
})
