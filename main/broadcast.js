// Commits and broadcasts. A store change in main marks its entry dirty; one flush
// per microtask (or per throttleMs window for a throttled store) commits it: one
// native call (commitStore) gives the new revision, and says when the entry's
// recipients must be read again (after a change of subscriptions or windows; the
// runtime decides who receives, the entry only keeps its last answer), then one
// webContents.send per recipient, of the change as a delta when it is one
// (protocol/delta.js: an append, or a map's changed keys) or else whole. When several
// stores are dirty in one flush, each window gets one message with all of its updates
// (in commit order). Renderer writes commit synchronously (their reply needs the rev).
// The committed value is kept on the entry, so a snapshot is always main's value at
// exactly its rev, even when a later value was refused.
// taps.commit (set only while the inspector records, see inspector.js) sees each commit
// with its wire form and writer, and may hold its delivery (a paused store).
import { ErrorCodes, NanoStoreIPCError, toNanoStoreIPCError } from '../error/index.js'
import { pushUpdate } from '../protocol/delta.js'

// No inspector: nothing tapped.
const NO_TAPS = Object.freeze({ commit: null })

// Promise jobs, not queueMicrotask: Node makes an AsyncResource per queueMicrotask
// call, which measured ~0.2 µs per coalesced broadcast (bench/).
const RESOLVED = Promise.resolve()

// Updates in one batched message at most: a send spreads them into arguments.
export const MAX_UPDATES_PER_MESSAGE = 256

const isCloneError = error => /could not be cloned/.test(String(error?.message))

function sendFailed(what, windowId, error, storeId) {
  return new NanoStoreIPCError(
    ErrorCodes.IPC_FAILED,
    `Could not send ${what} to window ${windowId}: ${error?.message}`,
    {
      storeId,
      originalError: error
    }
  )
}

export function serializationError(storeId, check) {
  const code = check.kind === 'size' ? ErrorCodes.PAYLOAD_TOO_LARGE : ErrorCodes.SERIALIZATION_FAILED
  return new NanoStoreIPCError(code, check.message, { storeId, path: check.path, kind: check.kind })
}

export function createBroadcaster({
  native,
  commitStore,
  checkSerializable,
  windows,
  channels,
  report,
  validateSerialization,
  taps = NO_TAPS
}) {
  const dirty = new Set()
  let flushQueued = false
  const slot = native.slot
  // recipientsInto writes a store's recipients here; read only when they changed.
  let buffer = new Float64Array(64)

  function readRecipients(entry) {
    if (buffer.length < windows.size + 1) buffer = new Float64Array(2 * windows.size + 2)
    const n = native.recipientsInto(entry.handle, buffer)
    entry.recipients = Array.from(buffer.subarray(0, n))
  }

  function markDirty(entry) {
    dirty.add(entry)
    if (entry.options.throttleMs > 0) {
      if (!entry.timer) {
        const wait = Math.max(0, entry.lastFlush + entry.options.throttleMs - Date.now())
        entry.timer = setTimeout(() => {
          entry.timer = null
          if (dirty.has(entry)) commitOrReport(entry)
        }, wait)
      }
    } else if (!flushQueued) {
      flushQueued = true
      RESOLVED.then(flush)
    }
  }

  function flush() {
    flushQueued = false
    // One dirty store (the common case): its sends go out as it commits.
    const batch = dirty.size > 1 ? new Map() : null
    for (const entry of dirty) {
      if (!(entry.options.throttleMs > 0)) commitOrReport(entry, batch)
    }
    if (!batch) return
    const unclonable = new Set() // entries whose value failed to clone: reported once, sent to no one
    for (const [windowId, updates] of batch) sendBatch(windowId, updates, unclonable)
  }

  // A store whose get() throws (or any failure of one commit) is reported and
  // must not stop the other stores, nor escape from a timer or a promise job.
  function commitOrReport(entry, batch = null) {
    try {
      return commit(entry, undefined, 0, batch)
    } catch (error) {
      dirty.delete(entry)
      report(toNanoStoreIPCError(error, ErrorCodes.INTERNAL, entry.id))
      return null
    }
  }

  // Returns the new rev, or null when validateSerialization refused the value
  // (reported; nothing committed, so the entry keeps its last rev and value).
  // skipWindowId: the writer of a renderer write, which already holds the value
  // and learns its rev from the reply. writer: who made the change, for the inspector
  // (0: main, a window id, or the inspector's own { change, from }). batch: the flush's
  // updates per window (window id -> [entry, update slots, entry, …]), sent when it ends.
  function commit(entry, skipWindowId, writer = 0, batch = null) {
    dirty.delete(entry)
    if (entry.options.throttleMs > 0) entry.lastFlush = Date.now()
    const value = entry.store.get()
    if (validateSerialization) {
      // Only what IPC can carry; maxPayloadBytes limits renderer writes, not main's own.
      const check = checkSerializable(value, { root: entry.id })
      if (!check.ok) {
        report(serializationError(entry.id, check))
        return null
      }
    }
    let rev = commitStore(slot, entry.handle)
    if (rev < 0) {
      rev = -rev
      readRecipients(entry)
    }
    const recipients = entry.recipients
    const count = recipients.length - (skipWindowId !== undefined && recipients.includes(skipWindowId) ? 1 : 0)
    const previous = entry.value
    entry.rev = rev
    entry.value = value
    if (entry.persist) entry.persist(value)
    const changedKeys = entry.changedKeys
    entry.changedKeys = entry.kind === 'map' ? new Set() : null
    if (count > 0 || taps.commit !== null) {
      const message = []
      pushUpdate(message, entry.id, rev, previous, value, entry.kind, changedKeys)
      if (taps.commit !== null && !taps.commit(entry, message, writer, count, previous)) return rev
      if (count > 0) {
        if (batch) addToBatch(batch, entry, message)
        else send(entry, message, skipWindowId)
      }
    }
    return rev
  }

  // A flush commits main's own changes: no window is skipped.
  function addToBatch(batch, entry, message) {
    for (const windowId of entry.recipients) {
      const updates = batch.get(windowId)
      if (updates) updates.push(entry, message)
      else batch.set(windowId, [entry, message])
    }
  }

  // One window's updates of a flush, MAX_UPDATES_PER_MESSAGE per message. A message
  // that cannot be cloned goes again update by update, so only the bad store fails.
  function sendBatch(windowId, updates, unclonable) {
    const wc = windows.contents(windowId)
    if (!wc) return
    if (unclonable.size > 0) updates = updates.filter((x, i) => !unclonable.has(i % 2 ? updates[i - 1] : x))
    for (let start = 0; start < updates.length; start += 2 * MAX_UPDATES_PER_MESSAGE) {
      const end = Math.min(updates.length, start + 2 * MAX_UPDATES_PER_MESSAGE)
      const message = []
      for (let i = start + 1; i < end; i += 2) message.push(...updates[i])
      try {
        wc.send(channels.update, ...message)
      } catch (error) {
        if (!isCloneError(error)) {
          report(sendFailed(`${(end - start) / 2} store updates`, windowId, error))
          continue
        }
        for (let i = start; i < end; i += 2) {
          if (!sendOne(wc, windowId, updates[i], updates[i + 1])) unclonable.add(updates[i])
        }
      }
    }
  }

  // Returns false when the failure would repeat for every window (a value that cannot be cloned).
  function sendOne(wc, windowId, entry, message) {
    try {
      wc.send(channels.update, ...message)
      return true
    } catch (error) {
      report(sendFailed(`store '${entry.id}'`, windowId, error, entry.id))
      return !isCloneError(error)
    }
  }

  function send(entry, message, skipWindowId) {
    for (const windowId of entry.recipients) {
      if (windowId === skipWindowId) continue
      const wc = windows.contents(windowId)
      if (wc && !sendOne(wc, windowId, entry, message)) break
    }
  }

  return {
    markDirty,
    // Throws what the commit throws (a renderer write turns it into its reply).
    commit,
    // A pending (coalesced) change is committed first, so a snapshot's value is
    // always main's value at exactly that rev.
    settle(entry) {
      if (dirty.has(entry)) commitOrReport(entry)
    },
    forget(entry) {
      dirty.delete(entry)
      if (entry.timer) clearTimeout(entry.timer)
      entry.timer = null
    },
    get pending() {
      return dirty.size
    }
  }
}
