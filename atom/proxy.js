// The renderer side of a synced store, for both store kinds (atom and map): a
// local nanostores store kept equal to main's, with the page's writes shown at
// once and confirmed or undone by main.
//
// Lifecycle (as any nanostores store, with nanostores' onMount rules): it syncs
// while mounted, from its first listener until STORE_UNMOUNT_DELAY after the last
// one left. On mount it watches main's store (subscribe + read, batched with the
// other stores mounted in the same tick); on unmount it unwatches. Writes go out
// mounted or not.
//
// Cost: a page creates its stores at startup, on code V8 has not optimized yet, so
// each store is one state object, handled by the module's functions, plus the few
// closures nanostores' API needs (set, listen, off, update); nanostores' own
// onMount made each store several times more expensive (measured on a cold page).
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
//   - update(fn) (atoms) is a conditional write: a whole-value op sent with the
//     revision fn saw (`ifRev`), pending and shown like any op; on REV_CONFLICT
//     main's snapshot becomes `rev`/`confirmed` and fn runs again on it, with no
//     rollback shown in between and nothing reported. One update per store runs at
//     a time (a FIFO), so a window's updates never race each other, only other
//     windows'.
import { STORE_UNMOUNT_DELAY } from 'nanostores'

import { ErrorCodes, NanoStoreIPCError, errorFromData } from '../error/index.js'
import { KEYS, WHOLE, applyDelta, withKey } from '../protocol/delta.js'
import { MAX_BATCH } from '../protocol/index.js'

// An op: { value } replaces the whole value, { key, value } sets one key of a map.
const applyOp = (value, op) => (op.key === undefined ? op.value : withKey(value, op.key, op.value))

// Conditional writes update() tries before it gives up with REV_CONFLICT, and the
// longest random wait between two of them.
export const DEFAULT_MAX_ATTEMPTS = 100
const MAX_BACKOFF_MS = 16
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// Makes $store (a nanostores atom or map) the window's copy of main's store `id`.
// Returns the store's state, for write() (the map's setKey).
export function syncStore($store, id, bridge, options) {
  const s = {
    $store,
    id,
    bridge,
    options,
    rev: -1, // mirrored on $store.rev
    confirmed: $store.value,
    pending: [],
    reading: false, // a read of the whole store is on its way
    mounted: false,
    unwatch: null,
    listen: $store.listen,
    off: $store.off,
    updates: null // the FIFO of update(fn) calls
  }
  // Highest revision of main's store this window has seen (devtools, tests).
  $store.rev = -1
  $store.set = value => {
    if (value !== $store.value) write(s, { value })
  }
  $store.listen = listener => {
    if (!$store.lc && !s.mounted) mount(s)
    return s.listen(listener)
  }
  $store.off = () => {
    s.off()
    setTimeout(() => {
      if (s.mounted && !$store.lc) unmount(s)
    }, STORE_UNMOUNT_DELAY)
  }
  if (typeof $store.setKey !== 'function') {
    $store.update = (fn, { maxAttempts = DEFAULT_MAX_ATTEMPTS } = {}) => queueUpdate(s, fn, maxAttempts)
  }
  return s
}

function mount(s) {
  s.mounted = true
  s.reading = true
  s.unwatch = watchSoon(s.bridge, s.id, s)
}

function unmount(s) {
  s.mounted = false
  s.unwatch()
  s.unwatch = null
}

function report(s, error) {
  if (s.options.onError) s.options.onError(error)
  else console.warn(`[nanostore-ipc-bridge] ${error.code}: ${error.message}`)
}

// Shows a value without sending it; `key`: the one map key that changed.
function show(s, value, key) {
  const old = s.$store.value
  if (old === value) return
  s.$store.value = value
  s.$store.notify(old, key)
}

function showCurrent(s, key) {
  if (s.pending.length === 0) show(s, s.confirmed, key)
  else show(s, s.pending.reduce(applyOp, s.confirmed))
}

function setRev(s, rev) {
  s.rev = rev
  s.$store.rev = rev
}

function adopt(s, rev, value, key) {
  setRev(s, rev)
  s.confirmed = value
  showCurrent(s, key)
}

function readWhole(s) {
  s.reading = true
  s.bridge.read(s.id).then(
    result => onRead(s, result),
    error => {
      s.reading = false
      report(s, new NanoStoreIPCError(ErrorCodes.IPC_FAILED, String(error?.message ?? error), { storeId: s.id }))
    }
  )
}

function onRead(s, result) {
  s.reading = false
  if (result.error) return report(s, errorFromData(result.error))
  if (result.rev > s.rev) adopt(s, result.rev, result.value)
}

// The watch's first read: rev and value, or rev -1 and the error data.
function onFirstRead(s, rev, value) {
  s.reading = false
  if (rev < 0) return report(s, errorFromData(value))
  if (rev > s.rev) adopt(s, rev, value)
}

// An update in its wire form (protocol/delta.js).
function onUpdate(s, kind, rev, payload) {
  if (!(rev > s.rev)) return
  if (kind === WHOLE) return adopt(s, rev, payload)
  // The one map key a delta changed goes to listen(value, old, changedKey).
  const key = kind === KEYS && payload.length === 2 ? payload[0] : undefined
  if (rev - 1 === s.rev) return adopt(s, rev, applyDelta(s.confirmed, kind, payload), key)
  if (!s.reading) readWhole(s)
}

// Main's answer to an op (the oldest pending: answers come in order).
function settle(s, op, result) {
  s.pending.splice(s.pending.indexOf(op), 1)
  if (result.error) {
    report(s, errorFromData(result.error))
    const snapshot = result.snapshot
    if (snapshot && snapshot.rev >= s.rev) {
      setRev(s, snapshot.rev)
      s.confirmed = snapshot.value
    }
  } else if (result.rev > s.rev) {
    if (op.key !== undefined && result.rev !== s.rev + 1) {
      // Main's value at the ack's rev is not confirmed + op (a revision was missed):
      // keep showing the op until the whole value arrives.
      if (!s.reading) readWhole(s)
      return
    }
    setRev(s, result.rev)
    s.confirmed = applyOp(s.confirmed, op)
    // Shown already (pending ops replay on confirmed): nothing changes on screen.
    if (s.pending.length > 0 || s.confirmed === s.$store.value || op.key !== undefined) return
  }
  showCurrent(s)
}

// Refused locally before anything changes: the value is never shown.
function refusal(s, next) {
  if (!s.options.rendererCanSet) {
    return new NanoStoreIPCError(
      ErrorCodes.RENDERER_WRITE_DISABLED,
      `Store '${s.id}' is read-only in renderers (rendererCanSet: false)`,
      { storeId: s.id }
    )
  }
  if (s.options.validateValue && !s.options.validateValue(next)) {
    return new NanoStoreIPCError(
      ErrorCodes.SERIALIZATION_FAILED,
      `Value for store '${s.id}' was rejected by validateValue`,
      {
        storeId: s.id,
        kind: 'validateValue'
      }
    )
  }
}

const ipcFailed = (s, error) => ({
  error: { code: ErrorCodes.IPC_FAILED, message: String(error?.message ?? error), storeId: s.id }
})

// A write of the page. Sent before the listeners run: a listener that writes again in
// reaction is a later write, and main must receive the two in this order.
export function write(s, op) {
  const next = applyOp(s.$store.value, op)
  const error = refusal(s, next)
  if (error) return report(s, error)
  s.pending.push(op)
  s.bridge.write(s.id, op.value, op.key === undefined ? undefined : { key: op.key }).then(
    result => settle(s, op, result),
    error => settle(s, op, ipcFailed(s, error))
  )
  show(s, next, op.key)
}

// ---- update(fn): atomic read-modify-write through conditional writes (atoms; a map
// changes key by key with setKey)

function queueUpdate(s, fn, maxAttempts) {
  if (typeof fn !== 'function') {
    return Promise.reject(
      new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'update(fn) needs a function', { storeId: s.id })
    )
  }
  if (!(Number.isSafeInteger(maxAttempts) && maxAttempts > 0)) {
    return Promise.reject(
      new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'maxAttempts must be a positive integer', { storeId: s.id })
    )
  }
  const run = (s.updates ?? Promise.resolve()).then(() => runUpdate(s, fn, maxAttempts))
  s.updates = run.catch(() => {})
  return run
}

// Resolves main's reply; a refusal is the caller's to report or retry.
function writeIfRev(s, value, ifRev) {
  const op = { value }
  s.pending.push(op)
  const reply = s.bridge.write(s.id, value, { ifRev }).then(
    result => result,
    error => ipcFailed(s, error)
  )
  show(s, value)
  return reply.then(result => {
    s.pending.splice(s.pending.indexOf(op), 1)
    if (!result.error) {
      if (result.rev > s.rev) {
        setRev(s, result.rev)
        s.confirmed = value
      }
    } else if (result.snapshot && result.snapshot.rev >= s.rev) {
      setRev(s, result.snapshot.rev)
      s.confirmed = result.snapshot.value
    }
    return result
  })
}

// Main's latest as far as this window knows when nothing is pending (a conflict
// corrects a stale guess); otherwise, or before the first snapshot, a read.
async function latest(s) {
  if (s.rev >= 0 && s.pending.length === 0) return { rev: s.rev, value: s.confirmed }
  const result = await s.bridge.read(s.id)
  if (result.error) throw errorFromData(result.error)
  if (result.rev > s.rev) adopt(s, result.rev, result.value)
  return result
}

async function runUpdate(s, fn, maxAttempts) {
  let base = await latest(s)
  for (let attempt = 1; ; attempt++) {
    const next = fn(base.value)
    const error = refusal(s, next)
    if (error) throw error
    const result = await writeIfRev(s, next, base.rev)
    if (!result.error) {
      showCurrent(s)
      return next
    }
    const conflict = result.error.code === ErrorCodes.REV_CONFLICT && result.snapshot
    if (!conflict || attempt >= maxAttempts) {
      showCurrent(s)
      const e = errorFromData(result.error)
      if (conflict) e.message = `Store '${s.id}': update() gave up after ${attempt} conflicting attempts`
      throw e
    }
    // Randomized backoff after repeated conflicts: a window whose writes keep
    // arriving second (a busy renderer) gets its turn instead of starving.
    if (attempt > 1) await sleep(Math.random() * Math.min(2 ** (attempt - 2), MAX_BACKOFF_MS))
    base = { rev: s.rev, value: s.confirmed }
  }
}

// ---- watching: stores mounted in one tick share one bridge.watch() call, one
// contextBridge crossing and one array of reads for all of them. Updates may arrive
// before the reads; the rev gate sorts them out.
const openBatches = new Map() // bridge -> the batch collecting this tick's watches

// Returns the function that stops this one watch of store state s.
function watchSoon(bridge, id, s) {
  let batch = openBatches.get(bridge)
  if (!batch || (batch.states.size >= MAX_BATCH && !batch.states.has(id))) {
    const open = { states: new Map(), unwatch: null } // id -> the states watching it
    openBatches.set(bridge, open)
    queueMicrotask(() => startWatch(bridge, open))
    batch = open
  }
  let states = batch.states.get(id)
  if (!states) batch.states.set(id, (states = []))
  states.push(s)
  return () => {
    const at = states.indexOf(s)
    if (at < 0) return
    states.splice(at, 1)
    if (states.length > 0 || batch.states.get(id) !== states) return
    batch.states.delete(id)
    if (batch.unwatch) unwatchSoon(batch, id)
  }
}

// Stores unmounted together (each from its own timer, a closed view) are unwatched
// together, one task later, in one crossing per batch.
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
  const ids = [...batch.states.keys()]
  if (ids.length === 0) return // every store unmounted before the batch went out
  const onReads = pairs => {
    for (let i = 0; i < ids.length; i++) {
      const states = batch.states.get(ids[i])
      if (states) for (const s of states) onFirstRead(s, pairs[2 * i], pairs[2 * i + 1])
    }
  }
  // Indexed loops on the update path: a for-of makes an iterator per update in code V8
  // has not optimized yet (measured as part of about 1 µs per update in a window).
  const onUpdates = (kind, id, rev, payload) => {
    const states = batch.states.get(id)
    if (states) for (let i = 0; i < states.length; i++) onUpdate(states[i], kind, rev, payload)
  }
  try {
    batch.unwatch = bridge.watch(ids, onReads, onUpdates)
  } catch (error) {
    const message = String(error?.message ?? error)
    onReads(ids.flatMap(storeId => [-1, { code: ErrorCodes.IPC_FAILED, message, storeId }]))
  }
}
