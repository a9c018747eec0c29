// The renderer side of syncedAtom: a local atom kept equal to main's store.
//
// Lifecycle (as any nanostores store): the atom syncs while it is mounted, from
// its first listener until nanostores unmounts it after the last one left. It
// watches main's store on mount (subscribe + read, batched with the other atoms
// mounted in the same tick) and unwatches on unmount. Writes are sent whenever
// they happen, mounted or not.
//
// State (per atom):
//   rev        highest revision of main's store this window knows (-1: none yet;
//              main's first revision of a store is 0)
//   confirmed  main's value at `rev` (what we roll back to)
//   pending    writes sent to main and not yet answered
//
// Rules:
//   - a snapshot (update or read) with rev <= `rev` is ignored (stale)
//   - while writes are pending, newer snapshots only move `rev`/`confirmed`:
//     main applies our pending writes after them, so showing them would flicker
//   - an acknowledged write makes our value main's value at the acked rev
//   - a rejected write reports a NanoStoreIPCError and, once nothing is pending,
//     the atom goes back to `confirmed`
//   - values from main are applied with the atom's own setter, so they are never
//     sent back; every `set()` by page code is a write (loop prevention)
//   - update(fn) is a conditional write: fn's result is sent with the revision fn
//     saw (`ifRev`), counted as pending and shown like a set(); on REV_CONFLICT main's
//     snapshot becomes `rev`/`confirmed` and fn runs again on it, without a rollback
//     in between (so nothing flickers) and without reporting the conflict. One
//     update of an atom runs at a time (a FIFO), so a window's updates never race
//     each other, only other windows'.
import { atom, onMount } from 'nanostores'

import { ErrorCodes, NanoStoreIPCError, errorFromData } from '../error/index.js'
import { MAX_BATCH } from '../protocol/index.js'

// Conditional writes update() tries before it gives up with REV_CONFLICT.
export const DEFAULT_MAX_ATTEMPTS = 100

export function createRendererAtom(id, initial, bridge, options) {
  const $store = atom(initial)
  const applyFromMain = $store.set
  let rev = -1
  let confirmed = initial
  let pending = 0

  const report = error => {
    if (options.onError) options.onError(error)
    else console.warn(`[nanostore-ipc-bridge] ${error.code}: ${error.message}`)
  }

  const onSnapshot = snapshot => {
    if (!(snapshot.rev > rev)) return
    rev = snapshot.rev
    confirmed = snapshot.value
    if (pending === 0) applyFromMain(snapshot.value)
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
    if (pending === 0) applyFromMain(confirmed)
  }

  // Refused locally before anything changes: the value is never shown.
  const refusal = value => {
    if (!options.rendererCanSet) {
      return new NanoStoreIPCError(
        ErrorCodes.RENDERER_WRITE_DISABLED,
        `Store '${id}' is read-only in renderers (rendererCanSet: false)`,
        { storeId: id }
      )
    }
    if (options.validateValue && !options.validateValue(value)) {
      return new NanoStoreIPCError(
        ErrorCodes.SERIALIZATION_FAILED,
        `Value for store '${id}' was rejected by validateValue`,
        {
          storeId: id,
          kind: 'validateValue'
        }
      )
    }
  }

  $store.set = value => {
    if (value === $store.value) return // nanostores' own no-op rule
    const error = refusal(value)
    if (error) return report(error)
    pending++
    // Sent before the listeners run: a listener that sets the store again is a
    // later write, and main must receive the two in this order.
    bridge.write(id, value).then(
      result => settle(result, value),
      error =>
        settle({ error: { code: ErrorCodes.IPC_FAILED, message: String(error?.message ?? error), storeId: id } }, value)
    )
    applyFromMain(value)
  }

  // Highest revision of main's store this window has seen (devtools, tests).
  Object.defineProperty($store, 'rev', { get: () => rev, enumerable: false })

  // ---- update(fn): atomic read-modify-write through conditional writes

  const writeIfRev = (value, ifRev) =>
    bridge.write(id, value, { ifRev }).then(
      result => result,
      error => ({ error: { code: ErrorCodes.IPC_FAILED, message: String(error?.message ?? error), storeId: id } })
    )

  // Main's latest: what this atom knows when nothing is pending (a conflict corrects
  // a stale guess), else a read.
  const latest = async () => {
    if (rev >= 0 && pending === 0) return { rev, value: confirmed }
    const result = await bridge.read(id)
    if (result.error) throw errorFromData(result.error)
    return result
  }

  const attemptUpdates = async (fn, maxAttempts) => {
    let base = await latest()
    for (let attempt = 1; ; attempt++) {
      const next = fn(base.value)
      const error = refusal(next)
      if (error) throw error
      pending++
      const sending = writeIfRev(next, base.rev)
      applyFromMain(next)
      const result = await sending
      pending--
      if (!result.error) {
        if (result.rev > rev) {
          rev = result.rev
          confirmed = next
        }
        if (pending === 0) applyFromMain(confirmed)
        return next
      }
      const snapshot = result.snapshot
      if (snapshot && snapshot.rev >= rev) {
        rev = snapshot.rev
        confirmed = snapshot.value
      }
      const conflict = result.error.code === ErrorCodes.REV_CONFLICT && snapshot
      if (!conflict || attempt >= maxAttempts) {
        if (pending === 0) applyFromMain(confirmed)
        const e = errorFromData(result.error)
        if (conflict) e.message = `Store '${id}': update() gave up after ${attempt} conflicting attempts`
        throw e
      }
      base = { rev, value: confirmed }
    }
  }

  let updates = Promise.resolve()
  $store.update = (fn, { maxAttempts = DEFAULT_MAX_ATTEMPTS } = {}) => {
    if (typeof fn !== 'function') {
      return Promise.reject(
        new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'update(fn) needs a function', { storeId: id })
      )
    }
    if (!(Number.isSafeInteger(maxAttempts) && maxAttempts > 0)) {
      return Promise.reject(
        new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'maxAttempts must be a positive integer', { storeId: id })
      )
    }
    const run = updates.then(() => attemptUpdates(fn, maxAttempts))
    updates = run.catch(() => {})
    return run
  }

  const onResult = result => (result.error ? report(errorFromData(result.error)) : onSnapshot(result))
  onMount($store, () => watchSoon(bridge, id, onResult))
  return $store
}

// Atoms mounted in one tick share one bridge.watch() call: one contextBridge
// crossing and one array of snapshots for all of them. Results are snapshots
// (reads and updates alike, rev-gated) or { id, error } for a failed read;
// updates may arrive before the reads, the rev gate sorts them out.
const openBatches = new Map() // bridge -> the batch collecting this tick's watches

// Returns the function that stops this one watch.
function watchSoon(bridge, id, onResult) {
  let batch = openBatches.get(bridge)
  if (!batch || (batch.handlers.size >= MAX_BATCH && !batch.handlers.has(id))) {
    const open = { handlers: new Map(), unwatch: null } // id -> result handlers
    openBatches.set(bridge, open)
    queueMicrotask(() => startWatch(bridge, open))
    batch = open
  }
  let handlers = batch.handlers.get(id)
  if (!handlers) batch.handlers.set(id, (handlers = []))
  handlers.push(onResult)
  return () => {
    const at = handlers.indexOf(onResult)
    if (at < 0) return
    handlers.splice(at, 1)
    if (handlers.length > 0 || batch.handlers.get(id) !== handlers) return
    batch.handlers.delete(id)
    batch.unwatch?.([id])
  }
}

function startWatch(bridge, batch) {
  if (openBatches.get(bridge) === batch) openBatches.delete(bridge)
  const ids = [...batch.handlers.keys()]
  if (ids.length === 0) return // every atom unmounted before the batch went out
  const deliver = results => {
    for (const result of results) {
      for (const handle of batch.handlers.get(result.id) ?? []) handle(result)
    }
  }
  try {
    batch.unwatch = bridge.watch(ids, deliver)
  } catch (error) {
    const data = { code: ErrorCodes.IPC_FAILED, message: String(error?.message ?? error) }
    deliver(ids.map(storeId => ({ id: storeId, error: { ...data, storeId } })))
  }
}
