// electron-demo's services (electron-demo/src/services.js) in the strict posture the
// demo's `--strict` runs: allowRendererSet: false and allowedOrigins, every change a
// checked service call. Worker windows running the demo's own shared modules.
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'

import { initNanoStoreIPC } from '../../index.js'
import { js, preload, standIn, until } from './harness.js'

const page = fileURLToPath(new URL('./fixtures/demo-page.js', import.meta.url))
let ipc
let stores
let services
const errors = []

before(async () => {
  ipc = initNanoStoreIPC({
    channelPrefix: 'wf',
    allowRendererSet: false,
    allowedOrigins: ['file://'],
    onError: e => errors.push(e)
  })
  stores = await import('../../electron-demo/src/stores.js')
  services = await import('../../electron-demo/src/services.js')
})
after(async () => {
  ipc.destroy()
  await standIn.reset()
})

test('the todo list changes only through todoService; other windows see it and hear the event', async () => {
  const [a, b] = await standIn.openWindows(2, { preload, page })
  await standIn.idle()
  const added = await js(a, `window.demo.add('  Buy milk  ')`)
  assert.deepEqual(added.value, { id: 1, text: 'Buy milk', done: false, by: a.webContents.id })
  await standIn.idle()
  assert.deepEqual(services.$todos.get(), [added.value])
  assert.deepEqual(await js(b, 'window.demo.todos()'), [added.value])
  assert.deepEqual(await js(b, 'window.added'), ['Buy milk'])
  assert.deepEqual(await js(a, `window.demo.toggle(1)`), { value: true })
  assert.deepEqual(await js(a, `window.demo.clearDone()`), { value: 1 })
  await standIn.idle()
  assert.deepEqual(await js(b, 'window.demo.todos()'), [])
})

test('bad calls are refused in main with typed codes and change nothing', async () => {
  const [win] = await standIn.openWindows(1, { preload, page })
  const before = services.$todos.get()
  assert.deepEqual(await js(win, `window.demo.add('x'.repeat(500))`), { error: 'INVALID_ARGUMENT' })
  assert.deepEqual(await js(win, `window.demo.add('   ')`), { error: 'TODO_EMPTY' })
  assert.deepEqual(await js(win, `window.demo.toggle(99)`), { error: 'TODO_NOT_FOUND' })
  assert.deepEqual(await js(win, `window.demo.remove('1')`), { error: 'INVALID_ARGUMENT' })
  assert.deepEqual(await js(win, `window.demo.setTheme('blue')`), { error: 'INVALID_ARGUMENT' })
  assert.equal(services.$todos.get(), before)
})

test('store writes from windows are refused; the counter changes through appService', async () => {
  const [win] = await standIn.openWindows(1, { preload, page })
  await standIn.idle()
  errors.length = 0
  const todos = services.$todos.get()
  await js(win, 'window.demo.writeTodos()') // refused in the page already (rendererCanSet: false)
  const replies = await js(
    win,
    `Promise.all([window.nanostoreIPC.write('todos', []), window.nanostoreIPC.write('counter', 100)])`
  )
  assert.deepEqual(
    replies.map(r => r.error?.code),
    ['RENDERER_WRITE_DISABLED', 'RENDERER_WRITE_DISABLED']
  )
  assert.equal(services.$todos.get(), todos)
  assert.deepEqual(
    errors.map(e => [e.code, e.storeId]),
    [
      ['RENDERER_WRITE_DISABLED', 'todos'],
      ['RENDERER_WRITE_DISABLED', 'counter']
    ]
  )
  const start = stores.$counter.get()
  assert.deepEqual(await js(win, 'window.demo.increment()'), { value: start + 1 })
  await standIn.idle()
  assert.equal(await js(win, 'window.demo.counter()'), start + 1)
})

test('the private stream reaches only the asking window, and leaving the loop stops it in main', async () => {
  const [a, b] = await standIn.openWindows(2, { preload, page })
  await standIn.idle()
  standIn.resetStats()
  const { chunks, text } = await js(a, 'window.demo.streamSome(5)')
  assert.equal(chunks, 5)
  assert.ok(text.startsWith('Electron apps keep'), text)
  await until(() => ipc.stats().openCalls === 0, { what: 'the stream to stop in main' })
  assert.equal(standIn.stats().mainToRenderer.windows[b.webContents.id]?.messages ?? 0, 0, 'nothing went to window B')
})
