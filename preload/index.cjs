'use strict'
// exposeNanoStoreIPC(): the preload half of nanostore-ipc-bridge.
// One CommonJS file that requires only 'electron', so it runs in a sandboxed
// preload. It never hands ipcRenderer or an IPC event to page code.
//
// Per window it keeps one ipcRenderer listener for all stores, reference-counts
// page subscriptions per store id, and batches what it tells main per microtask:
// subscription changes go out as one `ns:sub` message and reads as one `ns:get`
// invoke, so a page creating 1,000 stores at startup hydrates in one round trip.
const { contextBridge, ipcRenderer } = require('electron')

// Same naming as protocol/index.js (this file may not require it).
function channelsFor(prefix) {
  const p = prefix ? `${prefix}:ns:` : 'ns:'
  return {
    hello: `${p}hello`,
    sub: `${p}sub`,
    get: `${p}get`,
    set: `${p}set`,
    update: `${p}update`,
    resync: `${p}resync`
  }
}

function isValidId(id) {
  return typeof id === 'string' && id.length > 0 && id.length <= 256
}

function invalidId(id) {
  return { id, error: { code: 'INVALID_ID', message: 'Store id must be a non-empty string of at most 256 characters' } }
}

// Turns an error envelope into something a page can catch: contextBridge keeps
// only the message of a rejected Error, so the code leads the message.
function envelopeError(error) {
  return new Error(`${error.code}: ${error.message}`)
}

function exposeNanoStoreIPC(options = {}) {
  const { channelPrefix, globalName = 'nanostoreIPC' } = options
  const ch = channelsFor(channelPrefix)
  const listeners = new Map() // store id -> Set of page callbacks
  const allListeners = new Set()
  let added = new Set()
  let removed = new Set()
  let all // undefined: no change; true/false: subscribe-all turned on/off
  let reads = new Map() // store id -> resolvers waiting for the next ns:get
  let flushQueued = false

  // Main accepts at most MAX_BATCH ids per message; bigger batches go out in chunks.
  const MAX_BATCH = 10000
  const chunks = list => {
    const out = []
    for (let i = 0; i < list.length; i += MAX_BATCH) out.push(list.slice(i, i + MAX_BATCH))
    return out
  }

  const flush = () => {
    flushQueued = false
    if (added.size || removed.size || all !== undefined) {
      const addChunks = chunks([...added])
      const removeChunks = chunks([...removed])
      for (let i = 0; i < Math.max(addChunks.length, removeChunks.length, 1); i++) {
        const message = {}
        if (addChunks[i]) message.add = addChunks[i]
        if (removeChunks[i]) message.remove = removeChunks[i]
        if (i === 0 && all !== undefined) message.all = all
        ipcRenderer.send(ch.sub, message)
      }
      added = new Set()
      removed = new Set()
      all = undefined
    }
    if (reads.size) {
      const batch = reads
      reads = new Map()
      for (const ids of chunks([...batch.keys()])) readChunk(ids, batch)
    }
  }

  const readChunk = (ids, batch) => {
    ipcRenderer.invoke(ch.get, ids).then(
      reply => {
        const byId = new Map()
        for (const entry of reply?.snapshots || []) byId.set(entry.id, entry)
        const failed = reply?.error || { code: 'IPC_FAILED', message: 'No snapshot in reply' }
        for (const id of ids) {
          const entry = byId.get(id) || { id, error: { ...failed, storeId: id } }
          for (const resolve of batch.get(id)) resolve(entry)
        }
      },
      error => {
        for (const id of ids) {
          const entry = { id, error: { code: 'IPC_FAILED', message: String(error?.message), storeId: id } }
          for (const resolve of batch.get(id)) resolve(entry)
        }
      }
    )
  }

  const schedule = () => {
    if (!flushQueued) {
      flushQueued = true
      queueMicrotask(flush)
    }
  }

  const dispatch = (callbacks, snapshot) => {
    for (const cb of callbacks) {
      try {
        cb(snapshot)
      } catch (error) {
        console.error('[nanostore-ipc-bridge] subscriber threw', error)
      }
    }
  }

  ipcRenderer.on(ch.update, (_event, snapshot) => {
    const callbacks = listeners.get(snapshot?.id)
    if (callbacks) dispatch(callbacks, snapshot)
    if (allListeners.size) dispatch(allListeners, snapshot)
  })
  // A new page in this window: main drops whatever the previous page subscribed to.
  ipcRenderer.send(ch.hello)

  // Main registered this window after the page subscribed (initNanoStoreIPC ran
  // again, or registerWindow() came late): tell it everything again, and re-read
  // every store so subscribers catch up (their rev gate drops what is stale).
  ipcRenderer.on(ch.resync, () => {
    for (const id of listeners.keys()) {
      removed.delete(id)
      added.add(id)
      read(id).then(entry => {
        const callbacks = listeners.get(id)
        if (!entry.error && callbacks) dispatch(callbacks, entry)
      })
    }
    if (allListeners.size) all = true
    schedule()
  })

  // Queues id for the next batched ns:get; resolve gets { id, rev, value } or { id, error }.
  const enqueueRead = (id, resolve) => {
    const waiting = reads.get(id)
    if (waiting) waiting.push(resolve)
    else reads.set(id, [resolve])
    schedule()
  }

  // Resolves { id, rev, value } or { id, error }; never rejects.
  const read = id => {
    if (!isValidId(id)) return Promise.resolve(invalidId(id))
    return new Promise(resolve => enqueueRead(id, resolve))
  }

  // Resolves { rev } or { error, snapshot? }; never rejects.
  const write = (id, value) => {
    if (!isValidId(id)) return Promise.resolve(invalidId(id))
    return ipcRenderer.invoke(ch.set, id, value).then(
      reply => reply,
      error => {
        const cloneFailed = /could not be cloned/.test(String(error?.message))
        return {
          error: {
            code: cloneFailed ? 'SERIALIZATION_FAILED' : 'IPC_FAILED',
            message: String(error?.message),
            storeId: id
          }
        }
      }
    )
  }

  const subscribe = (id, callback) => {
    if (!isValidId(id)) throw new Error('INVALID_ID: Store id must be a non-empty string of at most 256 characters')
    if (typeof callback !== 'function') throw new Error('INVALID_ARGUMENT: subscribe(id, callback) needs a function')
    let callbacks = listeners.get(id)
    if (!callbacks) {
      listeners.set(id, (callbacks = new Set()))
      if (!removed.delete(id)) added.add(id)
      schedule()
    }
    // A wrapper per call: the same page function subscribed twice arrives as two
    // different proxies anyway, and each unsubscribe must remove its own.
    const entry = snapshot => callback(snapshot)
    callbacks.add(entry)
    let active = true
    return () => {
      if (!active) return
      active = false
      callbacks.delete(entry)
      if (callbacks.size === 0 && listeners.get(id) === callbacks) {
        listeners.delete(id)
        if (!added.delete(id)) removed.add(id)
        schedule()
      }
    }
  }

  const subscribeAll = callback => {
    if (typeof callback !== 'function') throw new Error('INVALID_ARGUMENT: subscribeAll(callback) needs a function')
    const entry = snapshot => callback(snapshot)
    if (allListeners.size === 0) {
      all = true
      schedule()
    }
    allListeners.add(entry)
    let active = true
    return () => {
      if (!active) return
      active = false
      allListeners.delete(entry)
      if (allListeners.size === 0) {
        all = false
        schedule()
      }
    }
  }

  // Batch form of subscribe + read for syncedAtom: one contextBridge crossing for
  // many stores. onSnapshots gets all initial reads in one array (entries are
  // snapshots or { id, error }), then each later update as a one-element array.
  const watch = (ids, onSnapshots) => {
    if (!Array.isArray(ids) || ids.length > 10000 || !ids.every(isValidId)) {
      throw new Error('INVALID_ARGUMENT: watch(ids, onSnapshots) needs at most 10000 valid store ids')
    }
    if (typeof onSnapshots !== 'function') throw new Error('INVALID_ARGUMENT: watch(ids, onSnapshots) needs a function')
    const deliver = snapshot => onSnapshots([snapshot])
    const unsubscribes = ids.map(id => subscribe(id, deliver))
    const results = new Array(ids.length)
    let remaining = ids.length
    ids.forEach((id, i) => {
      enqueueRead(id, entry => {
        results[i] = entry
        if (--remaining === 0) onSnapshots(results)
      })
    })
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe()
    }
  }

  const api = {
    // Seed-compatible: resolve the snapshot / the acknowledgement, reject with
    // an Error whose message starts with the error code.
    get: id => read(id).then(r => (r.error ? Promise.reject(envelopeError(r.error)) : r)),
    set: (id, value) => write(id, value).then(r => (r.error ? Promise.reject(envelopeError(r.error)) : r)),
    subscribe,
    subscribeAll,
    // Envelope forms used by syncedAtom: errors as data, so codes survive.
    read,
    write,
    watch
  }
  contextBridge.exposeInMainWorld(globalName, api)
  return api
}

module.exports = { exposeNanoStoreIPC }
