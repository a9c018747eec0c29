// Page subscriptions in one window, reference-counted per store id, and what main
// must be told about them: ids added and removed since the last flush, and the
// subscribe-all flag. flush() sends that as ns:sub messages (at most MAX_BATCH ids
// each); an id added and removed within one batch is never sent.
import { MAX_BATCH } from '../../protocol/index.js'

export const chunks = list => {
  const out = []
  for (let i = 0; i < list.length; i += MAX_BATCH) out.push(list.slice(i, i + MAX_BATCH))
  return out
}

// forget(id): a store no callback watches any more (and none watches all).
export function createSubscriptions(schedule, forget) {
  const listeners = new Map() // store id -> Set of callbacks
  const allListeners = new Set()
  let added = new Set()
  let removed = new Set()
  let all // undefined: no change; true/false: subscribe-all turned on/off

  function attach(id, entry) {
    let entries = listeners.get(id)
    if (!entries) {
      listeners.set(id, (entries = new Set()))
      if (!removed.delete(id)) added.add(id)
      schedule()
    }
    entries.add(entry)
  }

  function detach(id, entry) {
    const entries = listeners.get(id)
    if (!entries?.delete(entry) || entries.size > 0) return
    listeners.delete(id)
    if (!added.delete(id)) removed.add(id)
    if (allListeners.size === 0) forget(id)
    schedule()
  }

  // Returns the unsubscribe function of this one callback. `deltas`: it takes
  // updates as they come (protocol/delta.js); otherwise whole snapshots only.
  function add(id, callback, deltas = false) {
    // An entry per call: each unsubscribe removes exactly its own, even for a
    // function subscribed twice.
    const entry = { call: callback, deltas }
    attach(id, entry)
    let active = true
    return () => {
      if (!active) return
      active = false
      detach(id, entry)
    }
  }

  // One callback for many stores (watch): one entry, whatever the number of ids.
  // Returns remove(ids), which stops the given ids (each once).
  function addMany(ids, callback, deltas) {
    const entry = { call: callback, deltas }
    const watched = new Set(ids)
    for (const id of watched) attach(id, entry)
    return stop => {
      for (const id of stop) if (watched.delete(id)) detach(id, entry)
    }
  }

  function addAll(callback) {
    const entry = { call: callback, deltas: false }
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
        forget(id => !listeners.has(id))
        schedule()
      }
    }
  }

  // Main forgot this page's subscriptions (it registered the window late): tell it
  // everything again. Returns the ids subscribed.
  function resend() {
    for (const id of listeners.keys()) {
      removed.delete(id)
      added.add(id)
    }
    if (allListeners.size) all = true
    schedule()
    return [...listeners.keys()]
  }

  function flush(send) {
    if (!added.size && !removed.size && all === undefined) return
    const addChunks = chunks([...added])
    const removeChunks = chunks([...removed])
    for (let i = 0; i < Math.max(addChunks.length, removeChunks.length, 1); i++) {
      const message = {}
      if (addChunks[i]) message.add = addChunks[i]
      if (removeChunks[i]) message.remove = removeChunks[i]
      if (i === 0 && all !== undefined) message.all = all
      send(message)
    }
    added = new Set()
    removed = new Set()
    all = undefined
  }

  return {
    add,
    addMany,
    addAll,
    resend,
    flush,
    // Entries ({ call, deltas }) for updates of store `id`, and subscribe-all ones.
    callbacksFor: id => listeners.get(id),
    allCallbacks: allListeners
  }
}
