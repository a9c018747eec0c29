// utility/pending.js: the placeholder bridge of stores and services made in a utility process
// before connectNanoStoreIPC(). It exists only there, queues every call in order, replays them on
// the real bridge (unsubscribes made meanwhile included) and forwards directly afterwards.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { pendingOf, utilityBridge } from '../../utility/pending.js'

const NAME = 'pendingTestBridge'
const realType = process.type
afterEach(() => {
  process.type = realType
  delete globalThis[NAME]
})

// A bridge that records every call and answers reads with their id.
function recorder() {
  const calls = []
  const bridge = {}
  for (const name of ['get', 'set', 'read', 'write', 'call', 'nextChunks', 'callService']) {
    bridge[name] = (...args) => {
      calls.push([name, ...args])
      return Promise.resolve(`${name} ${args[0]}`)
    }
  }
  for (const name of ['subscribe', 'subscribeAll', 'watch', 'subscribeServiceEvent']) {
    bridge[name] = (...args) => {
      calls.push([name, args[0]])
      return (...stop) => calls.push([`stop ${name}`, ...stop])
    }
  }
  bridge.cancelCall = (...args) => calls.push(['cancelCall', ...args])
  bridge.openCalls = () => 7
  return { bridge, calls }
}

test('only in a utility process, and one placeholder per global', () => {
  assert.equal(utilityBridge(NAME), undefined, "main's process.type is 'browser'")
  assert.equal(globalThis[NAME], undefined)
  process.type = 'utility'
  const placeholder = utilityBridge(NAME)
  assert.equal(utilityBridge(NAME), placeholder)
  assert.equal(typeof pendingOf(placeholder)?.attach, 'function')
  assert.equal(pendingOf({}), undefined)
})

test('calls made before the hand-over are replayed in order; unsubscribes made meanwhile too', async () => {
  process.type = 'utility'
  const placeholder = utilityBridge(NAME)
  const read = placeholder.read('a')
  const unwatch = placeholder.watch(
    ['a', 'b'],
    () => {},
    () => {}
  )
  const off = placeholder.subscribeServiceEvent('svc', 'e', () => {})
  placeholder.write('a', 1)
  unwatch(['a'])
  off()
  placeholder.cancelCall(5, 'CALL_ABORTED')
  assert.equal(placeholder.openCalls(), 0)
  const { bridge, calls } = recorder()
  pendingOf(placeholder).attach(bridge)
  assert.equal(await read, 'read a')
  assert.deepEqual(calls, [
    ['read', 'a'],
    ['watch', ['a', 'b']],
    ['stop watch', ['a']],
    ['subscribeServiceEvent', 'svc'],
    ['stop subscribeServiceEvent'],
    ['write', 'a', 1],
    ['cancelCall', 5, 'CALL_ABORTED']
  ])
  // afterwards: straight through
  calls.length = 0
  unwatch(['b'])
  assert.equal(await placeholder.get('x'), 'get x')
  assert.equal(placeholder.openCalls(), 7)
  assert.deepEqual(calls, [
    ['stop watch', ['b']],
    ['get', 'x']
  ])
  pendingOf(placeholder).attach(recorder().bridge) // a second hand-over changes nothing
  assert.equal(await placeholder.get('y'), 'get y')
  assert.deepEqual(calls.at(-1), ['get', 'y'])
})
