// A renderer is less trusted than main: every bad request gets a typed error
// as data, and main's state (values, revisions, registry) stays untouched.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { hostilePreload, makeStore, openWindows, page, read, setInWindow, standIn, storeState } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
})

async function hostileSetup(options = {}) {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: e => errors.push(e), ...options })
  const $s = atom({ safe: true })
  ipc.registerStore('target', $s)
  ipc.registerStore('readonly', atom('ro'), { rendererCanSet: false })
  const [win] = await standIn.openWindows(1, { preload: hostilePreload, page })
  return { $s, win, errors }
}

const invoke = (win, ...args) => read(win, `window.raw.invoke(...${JSON.stringify(args)})`)

test('bad writes from a renderer are rejected with typed errors and change nothing', async () => {
  const { $s, win } = await hostileSetup({ maxPayloadBytes: 1000 })
  const before = JSON.stringify(ipc.inspect())
  const cases = [
    [['wf:ns:set', 42, 1], 'INVALID_ID'],
    [['wf:ns:set', '', 1], 'INVALID_ID'],
    [['wf:ns:set', 'x'.repeat(257), 1], 'INVALID_ID'],
    [['wf:ns:set', ['target'], 1], 'INVALID_ID'],
    [['wf:ns:set', 'nope', 1], 'STORE_NOT_FOUND'],
    [['wf:ns:set', 'readonly', 'x'], 'RENDERER_WRITE_DISABLED'],
    [['wf:ns:set', 'target', 'y'.repeat(5000)], 'PAYLOAD_TOO_LARGE']
  ]
  for (const [args, code] of cases) {
    const reply = await invoke(win, ...args)
    assert.equal(reply.error?.code, code, `${JSON.stringify(args).slice(0, 60)} → ${JSON.stringify(reply)}`)
  }
  assert.deepEqual($s.get(), { safe: true })
  assert.equal(JSON.stringify(ipc.inspect()), before)
})

test("a rejected write carries main's snapshot so the renderer can roll back", async () => {
  const { win } = await hostileSetup()
  const reply = await invoke(win, 'wf:ns:set', 'readonly', 'x')
  const rev = ipc.inspect().stores.find(s => s.id === 'readonly').rev
  assert.deepEqual(reply.snapshot, { id: 'readonly', rev, value: 'ro' })
  assert.equal(reply.error.storeId, 'readonly')
})

test('bad reads and subscription messages get typed errors, the registry stays as it was', async () => {
  const { win, errors } = await hostileSetup()
  const before = JSON.stringify(ipc.inspect())
  let reply = await invoke(win, 'wf:ns:get', 'target')
  assert.equal(reply.error.code, 'INVALID_ARGUMENT')
  reply = await invoke(win, 'wf:ns:get', Array(10001).fill('target'))
  assert.equal(reply.error.code, 'INVALID_ARGUMENT')
  reply = await invoke(win, 'wf:ns:get', [7, 'nope', 'target'])
  // flat pairs: rev -1 and the error data, or rev and value
  assert.deepEqual(
    [reply.reads[0], reply.reads[1].code, reply.reads[2], reply.reads[3].code, reply.reads[5]],
    [-1, 'INVALID_ID', -1, 'STORE_NOT_FOUND', { safe: true }]
  )
  for (const message of [
    null,
    5,
    'x',
    { add: 'target' },
    { add: [1] },
    { all: 'yes' },
    { add: Array(10001).fill('a') }
  ]) {
    await read(win, `window.raw.send('wf:ns:sub', ${JSON.stringify(message)}), true`)
  }
  await standIn.idle()
  assert.equal(JSON.stringify(ipc.inspect()), before)
  assert.deepEqual(
    [...new Set(errors.map(e => e.code))].sort(),
    ['INVALID_ARGUMENT', 'INVALID_ID', 'STORE_NOT_FOUND'],
    'reads of unknown stores and malformed messages are reported to onError'
  )
})

test('values that cannot be cloned never reach main; the page gets SERIALIZATION_FAILED', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $s = atom({ ok: 1 })
  ipc.registerStore('clone', $s)
  const [win] = await openWindows(1)
  await makeStore(win, 'clone', null)
  await standIn.idle()
  await read(win, `window.stores.clone.set({ fn: () => 1 }), true`)
  await standIn.idle()
  assert.deepEqual($s.get(), { ok: 1 })
  assert.deepEqual(await read(win, 'window.errors.map(e => e.code)'), ['SERIALIZATION_FAILED'])
  assert.deepEqual((await storeState(win, 'clone')).value, { ok: 1 }, 'rolled back')
})

test('allowRendererSet: false rejects every renderer write; the window rolls back', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', allowRendererSet: false })
  const $s = atom(1)
  ipc.registerStore('locked', $s)
  const [win] = await openWindows(1)
  await makeStore(win, 'locked', 0)
  await standIn.idle()
  await setInWindow(win, 'locked', 2)
  await standIn.idle()
  assert.equal($s.get(), 1)
  const errors = await read(win, 'window.errors')
  assert.deepEqual(
    errors.map(e => [e.name, e.code, e.storeId]),
    [['NanoStoreIPCError', 'RENDERER_WRITE_DISABLED', 'locked']]
  )
  assert.equal((await storeState(win, 'locked')).value, 1)
})

test('validateValue in main rejects a write the renderer did not check', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf' })
  const $s = atom(1)
  ipc.registerStore('positive', $s, { validateValue: v => typeof v === 'number' && v > 0 })
  const [win] = await openWindows(1)
  await makeStore(win, 'positive', 0)
  await standIn.idle()
  await setInWindow(win, 'positive', -5)
  await standIn.idle()
  assert.equal($s.get(), 1)
  assert.deepEqual(await read(win, 'window.errors.map(e => e.code)'), ['SERIALIZATION_FAILED'])
  assert.equal((await storeState(win, 'positive')).value, 1)
})

test('allowedOrigins: a sender outside the list is rejected', async () => {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', allowedOrigins: ['https://app.example'], onError: e => errors.push(e) })
  const $s = atom('main')
  ipc.registerStore('origin', $s)
  const [win] = await openWindows(1)
  await makeStore(win, 'origin', 'page')
  await setInWindow(win, 'origin', 'page write')
  await standIn.idle()
  assert.equal($s.get(), 'main')
  assert.ok(errors.length > 0 && errors.every(e => e.code === 'SENDER_REJECTED'), errors.map(e => e.code).join())
  assert.ok((await read(win, 'window.errors.map(e => e.code)')).includes('SENDER_REJECTED'))
})

test('allowedOrigins: a listed origin and allowSender pass', async () => {
  const seen = []
  ipc = initNanoStoreIPC({
    channelPrefix: 'wf',
    allowedOrigins: ['file://'],
    allowSender: sender => {
      seen.push(sender)
      return sender.url.startsWith('file://')
    }
  })
  const $s = atom(0)
  ipc.registerStore('allowed', $s)
  const [win] = await openWindows(1)
  await makeStore(win, 'allowed', 0)
  await setInWindow(win, 'allowed', 1)
  await standIn.idle()
  assert.equal($s.get(), 1)
  assert.equal(seen[0].webContentsId, win.webContents.id)
  assert.equal(seen[0].origin, 'file://')
})

test('a message whose senderFrame is gone is rejected', async () => {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: e => errors.push(e) })
  const $s = atom('main')
  ipc.registerStore('frame', $s)
  const [win] = await standIn.openWindows(1, { preload: hostilePreload, page })
  // What Electron hands a handler once the frame navigated away or was destroyed.
  const handler = { sender: win.webContents, senderFrame: null, processId: 1, frameId: 1 }
  const { ipcMain } = await import('electron')
  const reply = await ipcMain._invokeHandlers.get('wf:ns:set')(handler, 'frame', 'x')
  assert.equal(reply.error.code, 'SENDER_REJECTED')
  assert.equal($s.get(), 'main')
})
