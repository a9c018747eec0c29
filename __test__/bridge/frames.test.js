// Sub-frames (an <iframe> whose preload runs: nodeIntegrationInSubFrames) in a registered window.
// Refused by default: senderFrame is not the window's main frame, and a sub-frame's page (often
// another origin's) must not speak for the window's page. Allowed per origin with
// allowedSubFrameOrigins: the frame's document is then a participant of its own (own id,
// subscriptions, service calls, updates sent to that frame), dropped when it goes away.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { greeter } from '../utility/fixtures/shared.js'
import { fixtures, preload, read, standIn, storeState, until } from './harness.js'

const THIRD = 'https://third.example'
const TOP = `${fixtures}frames/top.html`

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = null
  await standIn.reset()
})

async function openFramed() {
  standIn.serve(THIRD, `${fixtures}frames/third`)
  const win = await standIn.openWindow({
    preload,
    page: TOP,
    webPreferences: { nodeIntegrationInSubFrames: true }
  })
  const main = win.webContents.mainFrame
  const frame = name => main.frames.find(f => f.name === name)
  // the harness's helpers take a window; a frame runs code in its own document
  return { win, third: { webContents: frame('third') }, same: { webContents: frame('same') } }
}

const participants = () => ipc.inspect().windows.map(w => ({ kind: w.kind, stores: w.stores, url: w.url }))

test("sub-frames are refused by default (SENDER_REJECTED), and never reset or take over the window's page", async () => {
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: e => errors.push(e) })
  const $s = atom('main')
  ipc.registerStore('s', $s)
  const { win, third, same } = await openFramed()
  await standIn.idle()
  for (const frame of [third, same]) {
    const codes = await read(frame, 'window.errors.map(e => e.code)')
    assert.deepEqual(codes, ['SENDER_REJECTED'], 'its read is refused')
    await read(frame, `window.stores.s.set('from a frame'), true`)
  }
  await standIn.idle()
  assert.equal($s.get(), 'main')
  const rejected = errors.filter(e => e.code === 'SENDER_REJECTED').map(e => e.message)
  assert.ok(
    rejected.some(m => m.includes(`origin '${THIRD}' is not in allowedSubFrameOrigins`)),
    rejected.join('\n')
  )
  assert.ok(
    rejected.some(m => m.includes("origin 'file://' is not in allowedSubFrameOrigins")),
    rejected.join('\n')
  )
  // the window's page subscribed before its frames loaded; their hellos did not reset it
  assert.deepEqual(participants(), [{ kind: 'window', stores: ['s'], url: undefined }])
  $s.set('next')
  await until(async () => (await storeState(win, 's')).value === 'next', { what: "the window's page updated" })
  assert.equal((await storeState(third, 's')).value, null, 'the frame got nothing')
})

test('allowedSubFrameOrigins: a listed sub-frame is a participant of its own: hydration, updates, writes, service calls and streams', async () => {
  const senders = []
  ipc = initNanoStoreIPC({
    channelPrefix: 'wf',
    allowedSubFrameOrigins: [THIRD],
    allowSender: sender => {
      senders.push(sender)
      return true
    }
  })
  const $s = atom('main')
  const $f = atom('only the frame')
  ipc.registerStore('s', $s)
  ipc.registerStore('f', $f)
  const { win, third, same } = await openFramed()
  await read(third, `window.make('f', null), true`)
  await until(async () => (await storeState(third, 'f')).value === 'only the frame', { what: 'the frame hydrated' })
  const state = ipc.inspect()
  const frameState = state.windows.find(w => w.kind === 'frame')
  assert.deepEqual(
    state.windows.map(w => [w.kind, w.stores]),
    [
      ['window', ['s']],
      ['frame', ['f', 's']]
    ]
  )
  assert.deepEqual([frameState.webContentsId, frameState.url], [win.webContents.id, `${THIRD}/frame.html`])
  assert.ok(frameState.id >= 2 ** 51, 'the frame id space')
  assert.deepEqual(state.stores.find(s => s.id === 'f').subscribers, [frameState.id], "not the window's")
  // the same-origin frame was not listed
  assert.deepEqual(await read(same, 'window.errors.map(e => e.code)'), ['SENDER_REJECTED'])

  $s.set('to both')
  await until(async () => (await storeState(third, 's')).value === 'to both', { what: 'the frame updated' })
  await until(async () => (await storeState(win, 's')).value === 'to both', { what: 'the window updated' })
  await read(third, `window.stores.s.set('from the frame'), true`)
  await until(() => $s.get() === 'from the frame', { what: "the frame's write" })
  await until(async () => (await storeState(win, 's')).value === 'from the frame', { what: 'seen by the window' })
  assert.equal((await storeState(third, 's')).rev, ipc.inspect().stores.find(s => s.id === 's').rev)

  assert.ok(greeter) // fixtures/shared.js defined it in main
  const who = await read(third, `window.nanostoreIPC.callService('greeter', 'whoAmI')`)
  assert.deepEqual(who, { windowId: frameState.id, frameUrl: `${THIRD}/frame.html`, origin: THIRD })
  const streamed = await read(
    third,
    `(async () => {
      const reply = await window.nanostoreIPC.call(41, 'greeter', 'count', [3])
      const out = []
      for (;;) {
        const batch = await window.nanostoreIPC.nextChunks(41)
        out.push(...batch.values)
        if (batch.done || batch.error) return [reply, out]
      }
    })()`
  )
  assert.deepEqual(streamed, [{ stream: true }, [1, 2, 3]], "the chunks went to the frame, not the window's page")
  assert.ok(senders.some(s => s.kind === 'frame' && s.origin === THIRD && s.webContentsId === win.webContents.id))
  assert.deepEqual(await read(third, 'window.errors'), [])
  assert.deepEqual(await read(win, 'window.errors'), [])
})

test('allowedOrigins still applies to sub-frames', async () => {
  const errors = []
  ipc = initNanoStoreIPC({
    channelPrefix: 'wf',
    allowedOrigins: ['file://'],
    allowedSubFrameOrigins: [THIRD],
    onError: e => errors.push(e)
  })
  ipc.registerStore('s', atom(0))
  const { third } = await openFramed()
  await standIn.idle()
  assert.deepEqual(await read(third, 'window.errors.map(e => e.code)'), ['SENDER_REJECTED'])
  assert.ok(errors.some(e => e.message.includes(`Origin '${THIRD}' is not in allowedOrigins`)))
  assert.deepEqual(
    participants().map(p => p.kind),
    ['window']
  )
})

test('a sub-frame participant goes with its frame: removed, its window reloaded, crashed or closed', async () => {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', allowedSubFrameOrigins: [THIRD] })
  const $s = atom(0)
  ipc.registerStore('s', $s)
  const frames = () => ipc.inspect().windows.filter(w => w.kind === 'frame')
  const subscribers = () => ipc.inspect().stores.find(s => s.id === 's').subscribers

  let { win, third } = await openFramed()
  await until(() => frames().length === 1, { what: 'the frame participant' })
  const first = frames()[0].id
  standIn.removeFrame(third.webContents)
  assert.deepEqual(frames(), [], 'a removed frame is dropped (found detached)')
  assert.ok(!subscribers().includes(first))
  $s.set(1) // a broadcast finds nothing of it either
  await standIn.idle()

  win.webContents.reload()
  await until(() => frames().length === 1 && !win.webContents.isLoading(), { what: 'the reloaded frame' })
  const second = frames()[0].id
  assert.notEqual(second, first)
  standIn.crash(win)
  assert.deepEqual(frames(), [], 'gone with its crashed window')
  assert.equal(ipc.stats().frames, 0)
  win.webContents.reload()
  await until(() => frames().length === 1 && !win.webContents.isLoading(), { what: 'the frame after the crash' })
  win.destroy()
  assert.deepEqual(ipc.inspect().windows, [], 'nothing left of the window and its frame')
  assert.deepEqual(subscribers(), [])
  ;({ win, third } = await openFramed())
  await until(() => frames().length === 1, { what: 'a new window and frame' })
  ipc.destroy()
  assert.deepEqual([ipc.stats().windows, ipc.stats().frames], [0, 0])
})
