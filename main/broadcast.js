// Commits and broadcasts. A store change in main marks its entry dirty; one flush
// per microtask (or per throttleMs window for a throttled store) commits it: one
// native call decides the new revision and who receives it, then one
// webContents.send per recipient, of the change as a delta when it is one
// (protocol/delta.js: an append, or a map's changed keys) or else whole. Renderer writes commit synchronously (their
// reply needs the rev). The committed value is kept on the entry, so a snapshot
// is always main's value at exactly its rev, even when a later value was refused.
// taps.commit (set only while the inspector records, see inspector.js) sees each commit
// with its wire form and writer, and may hold its delivery (a paused store).
import { ErrorCodes, NanoStoreIPCError, toNanoStoreIPCError } from '../error/index.js'
import { pushUpdate } from '../protocol/delta.js'

// No inspector: nothing tapped.
const NO_TAPS = Object.freeze({ commit: null })

// Promise jobs, not queueMicrotask: Node makes an AsyncResource per queueMicrotask
// call, which measured ~0.2 µs per coalesced broadcast (bench/).
const RESOLVED = Promise.resolve()

export function serializationError(storeId, check) {
  const code = check.kind === 'size' ? ErrorCodes.PAYLOAD_TOO_LARGE : ErrorCodes.SERIALIZATION_FAILED
  return new NanoStoreIPCError(code, check.message, { storeId, path: check.path, kind: check.kind })
}

export function createBroadcaster({
  native,
  checkSerializable,
  windows,
  channels,
  report,
  validateSerialization,
  taps = NO_TAPS
}) {
  const dirty = new Set()
  let flushQueued = false
  // commitInto writes [rev, ...recipients] here: no object or array per broadcast.
  let recipients = new Float64Array(64)

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
    for (const entry of dirty) {
      if (!(entry.options.throttleMs > 0)) commitOrReport(entry)
    }
  }

  // A store whose get() throws (or any failure of one commit) is reported and
  // must not stop the other stores, nor escape from a timer or a promise job.
  function commitOrReport(entry, skipWindowId) {
    try {
      return commit(entry, skipWindowId)
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
  // (0: main, a window id, or the inspector's own { change, from }).
  function commit(entry, skipWindowId, writer = 0) {
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
    if (recipients.length <= windows.size) recipients = new Float64Array(2 * windows.size + 2)
    const count = native.commitInto(entry.id, skipWindowId, recipients)
    const rev = recipients[0]
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
      if (count > 0) send(entry, message, count)
    }
    return rev
  }

  function send(entry, message, count) {
    for (let i = 1; i <= count; i++) {
      const wc = windows.contents(recipients[i])
      if (!wc) continue
      try {
        wc.send(channels.update, ...message)
      } catch (error) {
        report(
          new NanoStoreIPCError(
            ErrorCodes.IPC_FAILED,
            `Could not send store '${entry.id}' to window ${recipients[i]}: ${error?.message}`,
            { storeId: entry.id, originalError: error }
          )
        )
        // A value that cannot be cloned fails the same way for every window.
        if (/could not be cloned/.test(String(error?.message))) break
      }
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
