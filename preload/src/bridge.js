// The API a page gets on window[globalName], over one ipcRenderer: one listener for
// every store's updates, reference-counted subscriptions and reads batched per
// microtask (a page creating 1,000 stores at startup hydrates in one round trip).
// It never hands ipcRenderer or an IPC event to page code. Errors stay data
// ({ code, message, storeId }) in read/write/watch; get/set reject with an Error
// whose message starts with the code (the contextBridge keeps only the message).
// Service calls and events: services.js.
import { ErrorCodes } from '../../error/index.js'
import { UPDATE_SLOTS, WHOLE, toUpdate } from '../../protocol/delta.js'
import { MAX_BATCH, isValidId } from '../../protocol/index.js'
import { createReads } from './reads.js'
import { createServices } from './services.js'
import { createSubscriptions } from './subscriptions.js'
import { createWholes } from './wholes.js'

const INVALID_ID = 'Store id must be a non-empty string of at most 256 characters'
const invalidId = id => ({ id, error: { code: ErrorCodes.INVALID_ID, message: INVALID_ID } })
const envelopeError = error => new Error(`${error.code}: ${error.message}`)
const argumentError = message => new Error(`${ErrorCodes.INVALID_ARGUMENT}: ${message}`)

function call(entry, update) {
  try {
    entry.call(update)
  } catch (error) {
    console.error('[nanostore-ipc-bridge] subscriber threw', error)
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
  const reads = createReads((ids, request) => ipcRenderer.invoke(channels.get, ids, request), schedule)
  const wholes = createWholes(id => reads.read(id))
  const subscriptions = createSubscriptions(schedule, wholes.forget)

  const deliverWhole = snapshot => {
    for (const entry of subscriptions.callbacksFor(snapshot.id) ?? []) if (!entry.deltas) call(entry, snapshot)
    for (const entry of subscriptions.allCallbacks) call(entry, snapshot)
  }
  // Watchers take updates as they come; snapshot-only callbacks get whole values.
  const dispatch = (kind, id, rev, payload) => {
    let wantsWhole = subscriptions.allCallbacks.size > 0
    const entries = subscriptions.callbacksFor(id)
    if (entries !== undefined)
      for (const entry of entries) {
        if (entry.deltas) {
          try {
            entry.call(kind, id, rev, payload)
          } catch (error) {
            console.error('[nanostore-ipc-bridge] subscriber threw', error)
          }
        } else wantsWhole = true
      }
    if (wantsWhole) wholes.resolve(toUpdate(kind, id, rev, payload), deliverWhole)
  }
  // A message's arguments: one or more updates, UPDATE_SLOTS each (protocol/delta.js).
  ipcRenderer.on(channels.update, (_event, ...updates) => {
    for (let i = 0; i + UPDATE_SLOTS <= updates.length; i += UPDATE_SLOTS) {
      dispatch(updates[i], updates[i + 1], updates[i + 2], updates[i + 3])
    }
  })
  // Main registered this window after the page subscribed (initNanoStoreIPC ran
  // again, or registerWindow() came late): tell it everything again, and re-read
  // every store so subscribers catch up (their rev gate drops what is stale).
  ipcRenderer.on(channels.resync, () => {
    for (const id of subscriptions.resend()) {
      reads.read(id).then(entry => {
        if (!entry.error) dispatch(WHOLE, id, entry.rev, entry.value)
      })
    }
  })
  // A new page in this window: main drops whatever the previous page subscribed to.
  ipcRenderer.send(channels.hello)

  // Resolves { id, rev, value } or { id, error }; never rejects.
  const read = id => (isValidId(id) ? reads.read(id) : Promise.resolve(invalidId(id)))

  // Resolves { rev } or { error, snapshot? }; never rejects. options.key: set
  // that one key of a map store (value undefined deletes it). options.ifRev: a
  // conditional write, applied only while main's store is at that revision (else
  // REV_CONFLICT with main's snapshot).
  const write = (id, value, options) => {
    if (!isValidId(id)) return Promise.resolve(invalidId(id))
    const request = options === undefined ? [id, value] : [id, value, options]
    return ipcRenderer.invoke(channels.set, ...request).then(
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
  // onReads(pairs) gets every first read at once, as flat pairs in the order of ids:
  // rev, value, or -1 and the error data ({ code, message, storeId }) of that id;
  // onUpdate(kind, id, rev, payload) each later update as it came, in its wire form
  // (protocol/delta.js). Returns unwatch(ids?): without ids it stops all of them.
  const watch = (ids, onReads, onUpdate) => {
    if (!Array.isArray(ids) || ids.length > MAX_BATCH || !ids.every(isValidId)) {
      throw argumentError(`watch(ids, onReads, onUpdate) needs at most ${MAX_BATCH} valid store ids`)
    }
    if (typeof onReads !== 'function' || typeof onUpdate !== 'function') {
      throw argumentError('watch(ids, onReads, onUpdate) needs two functions')
    }
    const remove = subscriptions.addMany(ids, onUpdate, true)
    if (ids.length === 0) queueMicrotask(() => onReads([]))
    else reads.readMany(ids, onReads)
    return stop => remove(Array.isArray(stop) ? stop : ids)
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
