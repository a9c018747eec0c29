// The API a page gets on window[globalName], over one ipcRenderer: one listener for
// every store's updates, reference-counted subscriptions and reads batched per
// microtask (a page creating 1,000 stores at startup hydrates in one round trip).
// It never hands ipcRenderer or an IPC event to page code. Errors stay data
// ({ code, message, storeId }) in read/write/watch; get/set reject with an Error
// whose message starts with the code (the contextBridge keeps only the message).
// Service calls and events: services.js.
import { ErrorCodes } from '../../error/index.js'
import { MAX_BATCH, isValidId } from '../../protocol/index.js'
import { createReads } from './reads.js'
import { createServices } from './services.js'
import { createSubscriptions } from './subscriptions.js'

const INVALID_ID = 'Store id must be a non-empty string of at most 256 characters'
const invalidId = id => ({ id, error: { code: ErrorCodes.INVALID_ID, message: INVALID_ID } })
const envelopeError = error => new Error(`${error.code}: ${error.message}`)
const argumentError = message => new Error(`${ErrorCodes.INVALID_ARGUMENT}: ${message}`)

function dispatch(callbacks, snapshot) {
  for (const callback of callbacks) {
    try {
      callback(snapshot)
    } catch (error) {
      console.error('[nanostore-ipc-bridge] subscriber threw', error)
    }
  }
}

export function createBridge(ipcRenderer, channels) {
  let flushQueued = false
  const schedule = () => {
    if (flushQueued) return
    flushQueued = true
    queueMicrotask(() => {
      flushQueued = false
      // Subscriptions first: main knows what to send before it answers the reads.
      subscriptions.flush(message => ipcRenderer.send(channels.sub, message))
      reads.flush()
    })
  }
  const subscriptions = createSubscriptions(schedule)
  const reads = createReads((ids, request) => ipcRenderer.invoke(channels.get, ids, request), schedule)

  ipcRenderer.on(channels.update, (_event, snapshot) => {
    const callbacks = subscriptions.callbacksFor(snapshot?.id)
    if (callbacks) dispatch(callbacks, snapshot)
    if (subscriptions.allCallbacks.size) dispatch(subscriptions.allCallbacks, snapshot)
  })
  // Main registered this window after the page subscribed (initNanoStoreIPC ran
  // again, or registerWindow() came late): tell it everything again, and re-read
  // every store so subscribers catch up (their rev gate drops what is stale).
  ipcRenderer.on(channels.resync, () => {
    for (const id of subscriptions.resend()) {
      reads.read(id).then(entry => {
        const callbacks = subscriptions.callbacksFor(id)
        if (!entry.error && callbacks) dispatch(callbacks, entry)
      })
    }
  })
  // A new page in this window: main drops whatever the previous page subscribed to.
  ipcRenderer.send(channels.hello)

  // Resolves { id, rev, value } or { id, error }; never rejects.
  const read = id => (isValidId(id) ? reads.read(id) : Promise.resolve(invalidId(id)))

  // Resolves { rev } or { error, snapshot? }; never rejects. `{ ifRev }`: a conditional
  // write, applied only if main's store is still at that revision (else REV_CONFLICT
  // with main's snapshot).
  const write = (id, value, options) => {
    if (!isValidId(id)) return Promise.resolve(invalidId(id))
    const request = options?.ifRev === undefined ? [] : [{ ifRev: options.ifRev }]
    return ipcRenderer.invoke(channels.set, id, value, ...request).then(
      reply => reply,
      error => ({
        error: {
          code: /could not be cloned/.test(String(error?.message))
            ? ErrorCodes.SERIALIZATION_FAILED
            : ErrorCodes.IPC_FAILED,
          message: String(error?.message),
          storeId: id
        }
      })
    )
  }

  const subscribe = (id, callback) => {
    if (!isValidId(id)) throw new Error(`${ErrorCodes.INVALID_ID}: ${INVALID_ID}`)
    if (typeof callback !== 'function') throw argumentError('subscribe(id, callback) needs a function')
    return subscriptions.add(id, callback)
  }

  const subscribeAll = callback => {
    if (typeof callback !== 'function') throw argumentError('subscribeAll(callback) needs a function')
    return subscriptions.addAll(callback)
  }

  // Subscribe to and read many stores in one call (one contextBridge crossing):
  // onSnapshots gets every first read in one array (snapshots or { id, error }),
  // then each later update as a one-element array. Returns unwatch(ids?): without
  // ids it stops all of them.
  const watch = (ids, onSnapshots) => {
    if (!Array.isArray(ids) || ids.length > MAX_BATCH || !ids.every(isValidId)) {
      throw argumentError(`watch(ids, onSnapshots) needs at most ${MAX_BATCH} valid store ids`)
    }
    if (typeof onSnapshots !== 'function') throw argumentError('watch(ids, onSnapshots) needs a function')
    const deliver = snapshot => onSnapshots([snapshot])
    const unsubscribes = new Map(ids.map(id => [id, subscriptions.add(id, deliver)]))
    const results = new Array(ids.length)
    let remaining = ids.length
    if (remaining === 0) queueMicrotask(() => onSnapshots(results))
    ids.forEach((id, i) => {
      reads.enqueue(id, entry => {
        results[i] = entry
        if (--remaining === 0) onSnapshots(results)
      })
    })
    return stop => {
      for (const id of Array.isArray(stop) ? stop : [...unsubscribes.keys()]) {
        unsubscribes.get(id)?.()
        unsubscribes.delete(id)
      }
    }
  }

  return {
    get: id => read(id).then(r => (r.error ? Promise.reject(envelopeError(r.error)) : r)),
    set: (id, value, options) =>
      write(id, value, options).then(r => (r.error ? Promise.reject(envelopeError(r.error)) : r)),
    subscribe,
    subscribeAll,
    read,
    write,
    watch,
    ...createServices(ipcRenderer, channels)
  }
}
