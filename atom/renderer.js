// The renderer side of syncedAtom: a local atom kept equal to main's store.
//
// State (per atom):
//   rev        highest revision of main's store this window knows (-1: none yet;
//              main's first revision of a store is 0)
//   confirmed  main's value at `rev` (what we roll back to)
//   pending    writes sent to main and not yet answered
//
// Rules:
//   - a snapshot (update or hydration) with rev <= `rev` is ignored (stale)
//   - while writes are pending, newer snapshots only move `rev`/`confirmed`:
//     main applies our pending writes after them, so showing them would flicker
//   - an acknowledged write makes our value main's value at the acked rev
//   - a rejected write reports a NanoStoreIPCError and, once nothing is pending,
//     the atom goes back to `confirmed`
//   - values applied from main are never sent back (loop prevention)
import { atom } from 'nanostores'

import { ErrorCodes, NanoStoreIPCError, errorFromData } from '../error/index.js'
import { MAX_BATCH } from '../protocol/index.js'

export function createRendererAtom(id, initial, bridge, options) {
  const $store = atom(initial)
  let rev = -1
  let confirmed = initial
  let pending = 0
  let applying = false
  let applyingValue
  const canSet = options.rendererCanSet !== false

  const report = error => {
    if (options.onError) options.onError(error)
    else console.warn(`[nanostore-ipc-bridge] ${error.code}: ${error.message}`)
  }

  const apply = value => {
    applying = true
    applyingValue = value
    try {
      $store.set(value)
    } finally {
      applying = false
    }
  }

  // Rollbacks decided inside our own listener run after it: nanostores queues a
  // set made during its listener drain, and `applying` would be over by then.
  const rollbackSoon = () =>
    queueMicrotask(() => {
      if (pending === 0 && !Object.is($store.get(), confirmed)) apply(confirmed)
    })

  const onSnapshot = snapshot => {
    if (!(snapshot.rev > rev)) return
    rev = snapshot.rev
    confirmed = snapshot.value
    if (pending === 0) apply(snapshot.value)
  }

  const settle = (result, sent) => {
    pending--
    if (result.error) {
      report(errorFromData(result.error))
      const snapshot = result.snapshot
      if (snapshot && snapshot.rev >= rev) {
        rev = snapshot.rev
        confirmed = snapshot.value
      }
    } else if (result.rev > rev) {
      rev = result.rev
      confirmed = sent
    }
    if (pending === 0 && !Object.is($store.get(), confirmed)) apply(confirmed)
  }

  $store.listen(value => {
    // A listener that re-sets the store in reaction to a remote value is a local
    // write again: only the exact value being applied is skipped.
    if (applying && Object.is(value, applyingValue)) return
    if (!canSet) {
      report(
        new NanoStoreIPCError(
          ErrorCodes.RENDERER_WRITE_DISABLED,
          `Store '${id}' is read-only in renderers (rendererCanSet: false)`,
          { storeId: id }
        )
      )
      rollbackSoon()
      return
    }
    if (options.validateValue && !options.validateValue(value)) {
      report(
        new NanoStoreIPCError(
          ErrorCodes.SERIALIZATION_FAILED,
          `Value for store '${id}' was rejected by validateValue`,
          { storeId: id, kind: 'validateValue' }
        )
      )
      rollbackSoon()
      return
    }
    pending++
    bridge.write(id, value).then(
      result => settle(result, value),
      error =>
        settle({ error: { code: ErrorCodes.IPC_FAILED, message: String(error?.message ?? error), storeId: id } }, value)
    )
  })

  // Highest revision of main's store this window has seen (devtools, tests).
  Object.defineProperty($store, 'rev', { get: () => rev, enumerable: false })

  const onRead = result => (result.error ? report(errorFromData(result.error)) : onSnapshot(result))
  if (typeof bridge.watch === 'function') {
    watchSoon(bridge, id, onRead)
  } else {
    // Subscribe before reading, so an update that lands between the two is not lost;
    // the rev gate drops whichever of the two is older.
    bridge.subscribe(id, onSnapshot)
    bridge.read(id).then(onRead, error =>
      report(
        new NanoStoreIPCError(ErrorCodes.IPC_FAILED, String(error?.message ?? error), {
          storeId: id,
          originalError: error
        })
      )
    )
  }
  return $store
}

// Atoms created in one tick share one bridge.watch() call: one contextBridge crossing
// and one array of snapshots for all of them, instead of three crossings per store.
// Entries are snapshots (reads and updates alike, rev-gated) or { id, error } for a
// failed read; updates may arrive before the reads, the rev gate sorts them out.
const pendingWatches = new Map() // bridge -> Map<store id, onResult[]>

function watchSoon(bridge, id, onResult) {
  let batch = pendingWatches.get(bridge)
  if (!batch || (batch.size >= MAX_BATCH && !batch.has(id))) {
    const open = (batch = new Map())
    pendingWatches.set(bridge, open)
    queueMicrotask(() => {
      if (pendingWatches.get(bridge) === open) pendingWatches.delete(bridge)
      const deliver = results => {
        for (const result of results) {
          for (const handle of open.get(result.id) ?? []) handle(result)
        }
      }
      try {
        bridge.watch([...open.keys()], deliver)
      } catch (error) {
        const data = { code: ErrorCodes.IPC_FAILED, message: String(error?.message ?? error) }
        deliver([...open.keys()].map(storeId => ({ id: storeId, error: { ...data, storeId } })))
      }
    })
  }
  const handlers = batch.get(id)
  if (handlers) handlers.push(onResult)
  else batch.set(id, [onResult])
}
