// The renderer side of a synced store, for both store kinds (atom and map): a
// local nanostores store kept equal to main's, with the page's writes shown at
// once and confirmed or undone by main.
//
// Lifecycle (as any nanostores store): it syncs while mounted, from its first
// listener until nanostores unmounts it after the last one left. On mount it
// watches main's store (subscribe + read, batched with the other stores mounted
// in the same tick); on unmount it unwatches. Writes go out mounted or not.
//
// State:
//   rev        highest revision of main's store this window knows (-1: none;
//              main's first revision of a store is 0)
//   confirmed  main's value at `rev`
//   pending    the page's writes (ops) sent to main and not yet answered, in order
// The store shows `confirmed` with the pending ops replayed on top: for an atom
// the last value written, for a map main's keys with ours over them. So another
// window's change to a map shows at once, and ours never flicker.
//
// Rules:
//   - a whole snapshot (update or read) applies if its rev is newer than `rev`
//   - a delta applies only on top of `confirmed` at exactly its base rev; newer
//     with another base means a revision was missed: read the store whole (unless
//     a read is already on its way, which supersedes it)
//   - an ack at rev R confirms the op: confirmed = op applied to it, if main's
//     value at R - 1 is the one we hold (a whole-value op needs no base)
//   - a rejected op is dropped: the store shows confirmed + the remaining ops
//   - main's values are shown with the store's own setter, so they are never
//     sent back; every write of the page goes through the wrapped one
import { onMount } from 'nanostores'

import { ErrorCodes, NanoStoreIPCError, errorFromData } from '../error/index.js'
import { KEYS, WHOLE, applyDelta, withKey } from '../protocol/delta.js'
import { MAX_BATCH } from '../protocol/index.js'

// An op: { value } replaces the whole value, { key, value } sets one key of a map.
const applyOp = (value, op) => (op.key === undefined ? op.value : withKey(value, op.key, op.value))

// Makes $store (a nanostores atom or map) the window's copy of main's store `id`.
// Returns write(op), for the map's setKey.
export function syncStore($store, id, bridge, options) {
  let rev = -1
  let confirmed = $store.value
  const pending = []
  let reading = false // a read of the whole store is on its way

  const report = error => {
    if (options.onError) options.onError(error)
    else console.warn(`[nanostore-ipc-bridge] ${error.code}: ${error.message}`)
  }

  // Shows a value without sending it; `key`: the one map key that changed.
  const show = (value, key) => {
    const old = $store.value
    if (old === value) return
    $store.value = value
    $store.notify(old, key)
  }
  const showCurrent = key => show(pending.reduce(applyOp, confirmed), pending.length ? undefined : key)

  const adopt = (newRev, value, key) => {
    rev = newRev
    confirmed = value
    showCurrent(key)
  }

  const readWhole = () => {
    reading = true
    bridge.read(id).then(result => onRead(result), onReadFailed)
  }
  const onRead = result => {
    reading = false
    if (result.error) return report(errorFromData(result.error))
    if (result.rev > rev) adopt(result.rev, result.value)
  }
  const onReadFailed = error => {
    reading = false
    report(new NanoStoreIPCError(ErrorCodes.IPC_FAILED, String(error?.message ?? error), { storeId: id }))
  }

  // An update in its wire form (protocol/delta.js).
  const onUpdate = (kind, newRev, payload) => {
    if (!(newRev > rev)) return
    if (kind === WHOLE) return adopt(newRev, payload)
    // The one map key a delta changed goes to listen(value, old, changedKey).
    const key = kind === KEYS && payload.length === 2 ? payload[0] : undefined
    if (newRev - 1 === rev) return adopt(newRev, applyDelta(confirmed, kind, payload), key)
    if (!reading) readWhole()
  }

  const settle = (op, result) => {
    pending.splice(pending.indexOf(op), 1)
    if (result.error) {
      report(errorFromData(result.error))
      const snapshot = result.snapshot
      if (snapshot && snapshot.rev >= rev) {
        rev = snapshot.rev
        confirmed = snapshot.value
      }
    } else if (result.rev > rev) {
      if (op.key !== undefined && result.rev !== rev + 1) {
        // Main's value at the ack's rev is not confirmed + op (a revision was missed):
        // keep showing the op until the whole value arrives.
        if (!reading) readWhole()
        return
      }
      rev = result.rev
      confirmed = applyOp(confirmed, op)
      // Shown already (pending ops replay on confirmed): nothing changes on screen.
      if (pending.length > 0 || confirmed === $store.value || op.key !== undefined) return
    }
    showCurrent()
  }

  // Refused locally before anything changes: the value is never shown.
  const refusal = next => {
    if (!options.rendererCanSet) {
      return new NanoStoreIPCError(
        ErrorCodes.RENDERER_WRITE_DISABLED,
        `Store '${id}' is read-only in renderers (rendererCanSet: false)`,
        { storeId: id }
      )
    }
    if (options.validateValue && !options.validateValue(next)) {
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

  // Sent before the listeners run: a listener that writes again in reaction is a
  // later write, and main must receive the two in this order.
  const write = op => {
    const next = applyOp($store.value, op)
    const error = refusal(next)
    if (error) return report(error)
    pending.push(op)
    bridge.write(id, op.value, op.key === undefined ? undefined : { key: op.key }).then(
      result => settle(op, result),
      error =>
        settle(op, { error: { code: ErrorCodes.IPC_FAILED, message: String(error?.message ?? error), storeId: id } })
    )
    show(next, op.key)
  }

  $store.set = value => {
    if (value !== $store.value) write({ value })
  }

  // Highest revision of main's store this window has seen (devtools, tests).
  Object.defineProperty($store, 'rev', { get: () => rev, enumerable: false })

  onMount($store, () => {
    reading = true
    return watchSoon(bridge, id, { read: onRead, update: onUpdate })
  })
  return write
}

// Stores mounted in one tick share one bridge.watch() call: one contextBridge
// crossing and one array of reads for all of them. Updates may arrive before the
// reads; the rev gate sorts them out.
const openBatches = new Map() // bridge -> the batch collecting this tick's watches

// Returns the function that stops this one watch. handler: { read(result), update(kind, rev, payload) }.
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
    if (batch.unwatch) unwatchSoon(batch, id)
  }
}

// nanostores unmounts each store from its own timer: stores unmounted together (a
// closed view) are unwatched together, one task later, in one crossing per batch.
const unwatching = new Map() // batch -> ids to unwatch
function unwatchSoon(batch, id) {
  if (unwatching.size === 0) setTimeout(unwatchAll, 0)
  const ids = unwatching.get(batch)
  if (ids) ids.push(id)
  else unwatching.set(batch, [id])
}
function unwatchAll() {
  for (const [batch, ids] of unwatching) batch.unwatch(ids)
  unwatching.clear()
}

function startWatch(bridge, batch) {
  if (openBatches.get(bridge) === batch) openBatches.delete(bridge)
  const ids = [...batch.handlers.keys()]
  if (ids.length === 0) return // every store unmounted before the batch went out
  const onReads = results => {
    for (const result of results) {
      for (const handler of batch.handlers.get(result.id) ?? []) handler.read(result)
    }
  }
  const onUpdate = (kind, id, rev, payload) => {
    for (const handler of batch.handlers.get(id) ?? []) handler.update(kind, rev, payload)
  }
  try {
    batch.unwatch = bridge.watch(ids, onReads, onUpdate)
  } catch (error) {
    const data = { code: ErrorCodes.IPC_FAILED, message: String(error?.message ?? error) }
    onReads(ids.map(storeId => ({ id: storeId, error: { ...data, storeId } })))
  }
}
