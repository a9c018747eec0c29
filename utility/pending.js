// A utility process's bridge before connectNanoStoreIPC() ran. A shared module that
// creates stores and services is often evaluated before the child's entry calls it (ESM
// evaluates imports first); in a utility process those stores and services get this
// placeholder on globalThis[globalName], which queues what they ask of it and hands it all,
// in order, to the bridge connectNanoStoreIPC() installs. A placeholder nobody connects
// warns once, so a store that would never sync does not go unnoticed.
// Pure JS, no Node built-in: atom/ imports it, and atom/ is bundled into renderers.
import { DEFAULT_GLOBAL_NAME } from '../protocol/index.js'

const PENDING = Symbol.for('nanostore-ipc-bridge/pending-bridge')
const WARN_AFTER_MS = 2000

// Methods whose result is a Promise, and those that return an unsubscribe function.
const ASYNC = ['get', 'set', 'read', 'write', 'call', 'nextChunks', 'callService']
const SUBSCRIBING = ['subscribe', 'subscribeAll', 'watch', 'subscribeServiceEvent']

// The bridge a store or service created in a utility process should use: the connected
// one, else the placeholder. Anywhere else: undefined.
export function utilityBridge(globalName) {
  if (globalThis.process?.type !== 'utility') return undefined
  return (globalThis[globalName] ??= createPendingBridge(globalName))
}

// The placeholder's hand-over, if `value` is a placeholder: attach(bridge).
export const pendingOf = value => (value != null ? value[PENDING] : undefined)

function createPendingBridge(globalName) {
  let target = null
  let queue = []
  const run = fn => {
    try {
      fn(target)
    } catch (error) {
      console.error('[nanostore-ipc-bridge] a call queued before connectNanoStoreIPC() threw', error)
    }
  }
  const later = fn => (target ? fn(target) : queue.push(fn))

  const bridge = {}
  for (const name of ASYNC) {
    bridge[name] = (...args) =>
      target ? target[name](...args) : new Promise(resolve => queue.push(t => resolve(t[name](...args))))
  }
  for (const name of SUBSCRIBING) {
    bridge[name] = (...args) => {
      if (target) return target[name](...args)
      let stop = null
      const stops = [] // unsubscribe calls made before the hand-over, with their arguments
      queue.push(t => {
        stop = t[name](...args)
        for (const stopArgs of stops) stop(...stopArgs)
      })
      return (...stopArgs) => (stop ? stop(...stopArgs) : stops.push(stopArgs))
    }
  }
  bridge.cancelCall = (...args) => later(t => t.cancelCall(...args))
  bridge.openCalls = () => (target ? target.openCalls() : 0)
  Object.defineProperty(bridge, PENDING, {
    value: {
      attach(real) {
        if (target) return
        target = real
        const queued = queue
        queue = null
        for (const fn of queued) run(fn)
      }
    }
  })

  const timer = setTimeout(() => {
    if (!target) {
      console.warn(
        `[nanostore-ipc-bridge] stores or services were created in this utility process, but ` +
          `connectNanoStoreIPC(${globalName === DEFAULT_GLOBAL_NAME ? '' : `{ globalName: '${globalName}' }`}) ` +
          `was not called within ${WARN_AFTER_MS / 1000} s: they do not sync until it is`
      )
    }
  }, WARN_AFTER_MS)
  timer.unref?.()
  return bridge
}
