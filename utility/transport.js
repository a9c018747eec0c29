// An ipcRenderer-like object (send, invoke, on) over the MessagePortMain main hands a
// utility process (protocol/port.js), so the preload's page API (preload/src/bridge.js)
// runs in the child unchanged.
//   - before the first port arrives, messages are cloned at once (a value that cannot be
//     cloned throws where it was sent, as with ipcRenderer.send) and queued, then posted
//     in order: stores created at startup hydrate as soon as main connects the child
//   - a port that closes (main unregistered the child, or destroy()) rejects the invokes
//     waiting on it; until a new port comes, sends are dropped and invokes reject
//   - a later port (main registered the child again): hello, then a resync, as a page
//     does when main registers its window late (subscriptions and reads sent again)
// Each message is handled in a turn of its own, as Electron dispatches IPC: what an invoke's
// reply resolved (the bridge's promise callbacks) runs before the next message, so a read's
// snapshot is applied before the updates main sent after it. Messages that arrive together
// (in one turn) wait in an inbox, one per setImmediate (microtasks run between two).
// One throwing listener is reported and does not stop the others: in a utility process an
// uncaught exception ends the process.
import { INVOKE, REPLY, SEND, invokeErrorText } from '../protocol/port.js'

const EVENT = Object.freeze({}) // what listeners get as the event: the bridge never reads it

export function createPortTransport() {
  let port = null
  let state = 'waiting' // 'waiting' (no port yet: queue), 'open', 'closed'
  let queue = []
  let connections = 0
  const listeners = new Map() // channel key -> Set of listeners
  const pending = new Map() // invoke id -> { resolve, reject, key }
  let lastInvokeId = 0
  let onFirstPort
  const ready = new Promise(resolve => {
    onFirstPort = resolve
  })

  function post(message) {
    if (state === 'open') port.postMessage(message)
    else if (state === 'waiting') queue.push(structuredClone(message))
  }

  function emit(key, args) {
    const set = listeners.get(key)
    if (!set) return
    for (const listener of [...set]) {
      try {
        listener(EVENT, ...args)
      } catch (error) {
        console.error('[nanostore-ipc-bridge] a listener threw', error)
      }
    }
  }

  const inbox = []
  let busy = false // a message was handled in this turn, and its microtasks have not run yet
  const idle = () => {
    busy = false
  }

  function onMessage(event) {
    if (busy || inbox.length) {
      if (inbox.push(event?.data) === 1) setImmediate(drain)
      return
    }
    busy = true
    queueMicrotask(idle)
    handle(event?.data)
  }

  function drain() {
    handle(inbox.shift())
    if (inbox.length) setImmediate(drain)
  }

  function handle(data) {
    if (!Array.isArray(data)) return
    if (data[0] === SEND) emit(data[1], data.slice(2))
    else if (data[0] === REPLY) {
      const waiting = pending.get(data[1])
      if (!waiting) return
      pending.delete(data[1])
      if (data[2] === true) waiting.resolve(data[3])
      else waiting.reject(new Error(String(data[3])))
    }
  }

  function rejectPending() {
    for (const { reject, key } of pending.values()) {
      reject(new Error(invokeErrorText(key, 'Error: the connection to main closed')))
    }
    pending.clear()
  }

  function onClose(closed) {
    if (closed !== port) return
    port = null
    state = 'closed'
    rejectPending()
  }

  // A port from main (protocol/port.js CONNECT).
  function attach(next) {
    const again = connections++ > 0
    const previous = port
    port = next
    state = 'open'
    if (previous) {
      // main handed over a new port without closing the old one: what waited on it is lost
      rejectPending()
      previous.close()
    }
    next.on('message', onMessage)
    next.on('close', () => onClose(next))
    next.start()
    const queued = queue
    queue = []
    for (const message of queued) next.postMessage(message)
    if (again) {
      next.postMessage([SEND, 'hello'])
      emit('resync', [])
    }
    onFirstPort()
  }

  const ipc = {
    send(key, ...args) {
      post([SEND, key, ...args])
    },
    invoke(key, ...args) {
      if (state === 'closed') {
        return Promise.reject(new Error(invokeErrorText(key, 'Error: not connected to main (the port closed)')))
      }
      return new Promise((resolve, reject) => {
        const id = ++lastInvokeId
        post([INVOKE, id, key, ...args])
        pending.set(id, { resolve, reject, key })
      })
    },
    on(key, listener) {
      let set = listeners.get(key)
      if (!set) listeners.set(key, (set = new Set()))
      set.add(listener)
      return ipc
    },
    removeListener(key, listener) {
      listeners.get(key)?.delete(listener)
      return ipc
    }
  }

  return {
    ipc,
    attach,
    ready,
    get state() {
      return state
    }
  }
}
