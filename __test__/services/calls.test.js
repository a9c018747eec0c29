// defineService calls from a window: results, typed errors with the handler's own code,
// unknown services and methods, inherited names that are not methods, hooks, `this`.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { math, record } from './fixtures/services.js'
import { call, js, openWindows, standIn, start } from './harness.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  record.hooks.length = 0
  await standIn.reset()
})

test('a window calls a handler in main and gets its result', async () => {
  ;({ ipc } = start())
  const [win] = await openWindows(1)
  assert.deepEqual(await call(win, 'math', 'add', [2, 3]), { value: 5 })
  assert.deepEqual(await call(win, 'math', 'echo', [{ a: [1, 2] }, 'x', null]), { value: [{ a: [1, 2] }, 'x', null] })
  assert.deepEqual(await call(win, 'math', 'self'), { value: 3 }, 'handlers are called with `this` = handlers')
})

test('main calls its handlers directly; hooks run around calls from windows only', async () => {
  ;({ ipc } = start())
  assert.equal(await math.add(1, 1), 2)
  assert.deepEqual(record.hooks, [])
  const [win] = await openWindows(1)
  await call(win, 'math', 'add', [1, 2])
  assert.deepEqual(record.hooks, [
    ['before', 'add', [1, 2]],
    ['after', 'add', 3, true]
  ])
})
