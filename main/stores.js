// The stores main syncs: each registered nanostores store with its options, its
// last committed revision and value, and its listener that marks it dirty.
// The native runtime holds the same ids with their revisions and subscribers.
// A persisted store gets its saved value before the runtime knows it (so before any
// window can read it, and without a revision of its own), and hands each committed
// value to the persistence writer (entry.persist, called by broadcast.js).
//
// Entry: { id, handle, store, kind, options, maxPayloadBytes, rev, value, changedKeys,
//          recipients, timer, lastFlush, unlisten, persist }
//   handle       the runtime's number for this registration (commitStore)
//   recipients   the window ids a commit goes to, as the runtime last said (broadcast.js
//                reads them again when a commit says they changed)
//   kind         'map' for a nanostores map (it has setKey: deltas per key), else 'atom'
//   changedKeys  a map's keys set since the last commit, or null once set() replaced
//                the whole value (then the next commit compares every key)
//   persist      hands a committed value to the persistence writer, or null
import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'

export function createStores({ native, hub, broadcaster, defaultMaxPayloadBytes, persistence, report }) {
  const stores = new Map() // id -> entry

  // options: already normalized (../atom/options.js).
  function add(id, store, options) {
    if (stores.has(id)) {
      throw new NanoStoreIPCError(ErrorCodes.STORE_EXISTS, `Store '${id}' is already registered`, { storeId: id })
    }
    // Registered before (destroy()/re-init, or unregister/register): resume one past
    // the last revision, since the value may have changed while nobody was syncing it.
    const rev = hub.revs.has(id) ? hub.revs.get(id) + 1 : 0
    const persist = persistFor(id, store, options)
    if (persist) {
      persistence.apply(id, store, options.persist, { validateValue: options.validateValue })
    }
    const value = store.get()
    const registration = { rendererCanSet: options.rendererCanSet && typeof store.set === 'function', rev }
    if (options.maxPayloadBytes !== undefined) registration.maxPayloadBytes = options.maxPayloadBytes
    const handle = native.registerStore(id, registration)
    const kind = typeof store.setKey === 'function' ? 'map' : 'atom'
    const entry = {
      id,
      handle,
      store,
      kind,
      options,
      // What a renderer write may weigh (0: no limit); checked only when there is one.
      maxPayloadBytes: options.maxPayloadBytes ?? defaultMaxPayloadBytes ?? 0,
      rev,
      value,
      changedKeys: kind === 'map' ? new Set() : null,
      recipients: [],
      timer: null,
      lastFlush: 0,
      unlisten: null,
      persist: persist ? committed => persistence.write(id, committed, options.persist) : null
    }
    entry.unlisten = store.listen((_value, _old, changedKey) => {
      if (changedKey === undefined) entry.changedKeys = null
      else entry.changedKeys?.add(changedKey)
      broadcaster.markDirty(entry)
    })
    stores.set(id, entry)
    return () => remove(id)
  }

  // Whether this store is persisted; a store that asks for it without a persist option in
  // initNanoStoreIPC still syncs (reported, not thrown: syncedAtom cannot throw here).
  function persistFor(id, store, options) {
    if (!options.persist) return false
    if (typeof store.set !== 'function') {
      throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, `Store '${id}' has no set(): it cannot be persisted`, {
        storeId: id
      })
    }
    if (persistence) return true
    report(
      new NanoStoreIPCError(
        ErrorCodes.INVALID_ARGUMENT,
        `Store '${id}' asks to be persisted, but initNanoStoreIPC() was called without a persist option; it is not saved`,
        { storeId: id }
      )
    )
    return false
  }

  function remove(id) {
    const entry = stores.get(id)
    if (!entry) return false
    entry.unlisten()
    broadcaster.forget(entry)
    stores.delete(id)
    hub.revs.set(id, entry.rev)
    native.unregisterStore(id)
    return true
  }

  return {
    add,
    remove,
    removeAll: () => {
      for (const id of [...stores.keys()]) remove(id)
    },
    get: id => stores.get(id),
    // Commits pending changes of persisted stores now (flush, quit, destroy).
    settlePersisted() {
      for (const entry of stores.values()) if (entry.persist) broadcaster.settle(entry)
    },
    // Main's committed value at its rev (a pending change is committed first).
    snapshot(entry) {
      broadcaster.settle(entry)
      return { id: entry.id, rev: entry.rev, value: entry.value }
    },
    get size() {
      return stores.size
    }
  }
}
