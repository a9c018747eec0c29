// The stores main syncs: each registered nanostores store with its options, its
// last committed revision and value, and its listener that marks it dirty.
// The native runtime holds the same ids with their revisions and subscribers.
//
// Entry: { id, store, kind, options, maxPayloadBytes, rev, value, changedKeys,
//          timer, lastFlush, unlisten }
//   kind         'map' for a nanostores map (it has setKey: deltas per key), else 'atom'
//   changedKeys  a map's keys set since the last commit, or null once set() replaced
//                the whole value (then the next commit compares every key)
import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'

export function createStores({ native, hub, broadcaster, defaultMaxPayloadBytes }) {
  const stores = new Map() // id -> entry

  // options: already normalized (../atom/options.js).
  function add(id, store, options) {
    if (stores.has(id)) {
      throw new NanoStoreIPCError(ErrorCodes.STORE_EXISTS, `Store '${id}' is already registered`, { storeId: id })
    }
    // Registered before (destroy()/re-init, or unregister/register): resume one past
    // the last revision, since the value may have changed while nobody was syncing it.
    const rev = hub.revs.has(id) ? hub.revs.get(id) + 1 : 0
    const value = store.get()
    const registration = { rendererCanSet: options.rendererCanSet && typeof store.set === 'function', rev }
    if (options.maxPayloadBytes !== undefined) registration.maxPayloadBytes = options.maxPayloadBytes
    native.registerStore(id, registration)
    const kind = typeof store.setKey === 'function' ? 'map' : 'atom'
    const entry = {
      id,
      store,
      kind,
      options,
      // What a renderer write may weigh (0: no limit); checked only when there is one.
      maxPayloadBytes: options.maxPayloadBytes ?? defaultMaxPayloadBytes ?? 0,
      rev,
      value,
      changedKeys: kind === 'map' ? new Set() : null,
      timer: null,
      lastFlush: 0,
      unlisten: null
    }
    entry.unlisten = store.listen((_value, _old, changedKey) => {
      if (changedKey === undefined) entry.changedKeys = null
      else entry.changedKeys?.add(changedKey)
      broadcaster.markDirty(entry)
    })
    stores.set(id, entry)
    return () => remove(id)
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
