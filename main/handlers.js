// The ipcMain side of the protocol (see protocol/index.js):
//   <p>:ns:hello  send    page (re)loaded            → drop its subscriptions
//   <p>:ns:sub    send    { add, remove, all }       → native subscribe/unsubscribe/subscribeAll
//   <p>:ns:get    invoke  (ids, { verify }?)         → { reads: [rev, value, …] } (one pair per id;
//                         rev -1: value is the error data of that id)
//   <p>:ns:set    invoke  (id, value, { key?, ifRev? }?) → { rev } | { error, snapshot? }
//                         key: set one key of a map store (value undefined deletes it)
//                         ifRev: a conditional write, applied only while main's store is
//                         at that revision (else REV_CONFLICT with main's snapshot)
// Handlers never throw: Electron strips `code` from thrown errors, so every reply
// carries its error as data, and every error is reported in main. taps.refused (set
// while an inspector is open) sees each refused write.
import { ErrorCodes, NanoStoreIPCError, toNanoStoreIPCError } from '../error/index.js'
import { withKey } from '../protocol/delta.js'
import { MAX_BATCH, MAX_KEY_LENGTH, describeInvalidId, isValidId } from '../protocol/index.js'
import { serializationError } from './broadcast.js'

export function createHandlers({
  native,
  authorizeStoreWrite,
  checkSerializable,
  opts,
  channels,
  stores,
  broadcaster,
  checkSender,
  report,
  taps = { refused: null }
}) {
  const slot = native.slot
  const fail = (error, storeId) => {
    const e = toNanoStoreIPCError(error, ErrorCodes.INTERNAL, storeId)
    report(e)
    return e
  }

  function onHello(event) {
    try {
      const id = checkSender(event)
      native.resetWindow(id)
      native.setWindowState(id, 'loading')
    } catch (error) {
      fail(error)
    }
  }

  function onSub(event, message) {
    try {
      const id = checkSender(event)
      if (message === null || typeof message !== 'object') {
        throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'Subscription message must be an object')
      }
      const add = idList(message.add, 'add')
      const remove = idList(message.remove, 'remove')
      if (message.all !== undefined && typeof message.all !== 'boolean') {
        throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'Subscription field `all` must be a boolean')
      }
      if (remove.length) native.unsubscribe(id, remove)
      if (add.length) {
        for (const storeId of native.subscribe(id, add)) {
          report(
            new NanoStoreIPCError(
              ErrorCodes.STORE_NOT_FOUND,
              `Window ${id} subscribed to '${storeId}', which main has not registered`,
              { storeId }
            )
          )
        }
      }
      if (message.all !== undefined) native.subscribeAll(id, message.all)
    } catch (error) {
      fail(error)
    }
  }

  // `verify`: the preload asks again after a reply could not be cloned; each value
  // is then checked on its own, so one bad store fails alone, by name.
  function onGet(event, ids, request) {
    try {
      checkSender(event)
      if (!Array.isArray(ids) || ids.length > MAX_BATCH) {
        throw new NanoStoreIPCError(
          ErrorCodes.INVALID_ARGUMENT,
          `get expects an array of at most ${MAX_BATCH} store ids`
        )
      }
      const verify = opts.validateSerialization || request?.verify === true
      // Flat pairs: no object per store to build, clone and copy across the contextBridge.
      const reads = new Array(2 * ids.length)
      for (let i = 0; i < ids.length; i++) readInto(reads, 2 * i, ids[i], verify)
      return { reads }
    } catch (error) {
      return { reads: [], error: fail(error).toJSON() }
    }
  }

  function readInto(reads, at, id, verify) {
    try {
      if (!isValidId(id)) throw new NanoStoreIPCError(ErrorCodes.INVALID_ID, describeInvalidId(id))
      const entry = stores.get(id)
      if (!entry) {
        throw new NanoStoreIPCError(ErrorCodes.STORE_NOT_FOUND, `Store '${id}' is not registered in main`, {
          storeId: id
        })
      }
      const snapshot = stores.snapshot(entry)
      if (verify) checkCloneable(id, snapshot.value)
      reads[at] = snapshot.rev
      reads[at + 1] = snapshot.value
    } catch (error) {
      reads[at] = -1
      reads[at + 1] = fail(error, isValidId(id) ? id : undefined).toJSON()
    }
  }

  // With validateSerialization, the validator's full verdict (lossy values too);
  // otherwise only what would make the reply fail: structuredClone is exactly
  // Electron's clone, and the validator then names the path.
  function checkCloneable(id, value) {
    if (opts.validateSerialization) {
      const check = checkSerializable(value, { root: id })
      if (!check.ok) throw serializationError(id, check)
      return
    }
    if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) {
      return
    }
    try {
      structuredClone(value)
    } catch (error) {
      const check = checkSerializable(value, { root: id })
      throw new NanoStoreIPCError(
        ErrorCodes.SERIALIZATION_FAILED,
        check.ok ? `Store '${id}' holds a value IPC cannot carry: ${error?.message}` : check.message,
        { storeId: id, path: check.path, kind: check.kind, originalError: error }
      )
    }
  }

  function onSet(event, id, value, request) {
    let entry
    let windowId
    try {
      windowId = checkSender(event)
      if (!isValidId(id)) throw new NanoStoreIPCError(ErrorCodes.INVALID_ID, describeInvalidId(id))
      const key = writeKey(request, id)
      const ifRev = expectedRev(request, id)
      // By handle (a plain native function of numbers); an id main does not hold goes by
      // id, for the error in the runtime's order (an unknown window before an unknown store).
      entry = stores.get(id)
      if (entry) authorizeStoreWrite(slot, windowId, entry.handle)
      else native.authorizeWrite(windowId, id)
      if (key !== undefined && entry.kind !== 'map') {
        throw new NanoStoreIPCError(
          ErrorCodes.INVALID_ARGUMENT,
          `Store '${id}' is not a map: setKey needs a map store`,
          {
            storeId: id
          }
        )
      }
      if (ifRev !== undefined) checkRev(entry, ifRev)
      if (entry.maxPayloadBytes || opts.validateSerialization) {
        const check = native.checkStoreValue(id, value)
        if (!check.ok) throw serializationError(id, check)
      }
      const validate = entry.options.validateValue
      if (validate && !validate(key === undefined ? value : withKey(entry.store.get(), key, value))) {
        throw new NanoStoreIPCError(
          ErrorCodes.SERIALIZATION_FAILED,
          `Value for store '${id}' was rejected by validateValue`,
          {
            storeId: id,
            kind: 'validateValue'
          }
        )
      }
      if (key === undefined) entry.store.set(value)
      else entry.store.setKey(key, value)
      // Every listener has run by now (a top-level set drains nanostores' queue).
      // If anything else changed, the writer needs the broadcast too.
      const rev = broadcaster.commit(entry, onlyThisWrite(entry, key, value) ? windowId : undefined, windowId)
      if (rev === null) {
        throw new NanoStoreIPCError(ErrorCodes.SERIALIZATION_FAILED, `Store '${id}' holds a value IPC cannot carry`, {
          storeId: id
        })
      }
      return { rev }
    } catch (error) {
      const reply = { error: fail(error, isValidId(id) ? id : undefined).toJSON() }
      if (taps.refused !== null) taps.refused(event, id, reply.error, windowId)
      // Main's value goes back only to a sender the check let in: a refused one reads nothing.
      if (windowId === undefined) return reply
      entry ||= isValidId(id) ? stores.get(id) : undefined
      if (entry) reply.snapshot = { id, rev: entry.rev, value: entry.value }
      return reply
    }
  }

  // A pending (coalesced) change of main's is committed first: the revision compared,
  // and the snapshot a conflict replies with, are main's latest.
  function checkRev(entry, ifRev) {
    const { rev } = stores.snapshot(entry)
    if (rev !== ifRev) {
      throw new NanoStoreIPCError(
        ErrorCodes.REV_CONFLICT,
        `Store '${entry.id}' is at revision ${rev}, the write expected ${ifRev}`,
        { storeId: entry.id }
      )
    }
  }

  return {
    // Handlers first: if another library owns a channel, fail before anything else changed.
    install(ipcMain) {
      try {
        ipcMain.handle(channels.get, onGet)
        try {
          ipcMain.handle(channels.set, onSet)
        } catch (error) {
          ipcMain.removeHandler(channels.get)
          throw error
        }
      } catch (error) {
        throw new NanoStoreIPCError(ErrorCodes.IPC_FAILED, `Could not register IPC handlers: ${error.message}`, {
          originalError: error
        })
      }
      ipcMain.on(channels.hello, onHello)
      ipcMain.on(channels.sub, onSub)
    },
    uninstall(ipcMain) {
      ipcMain.removeHandler(channels.get)
      ipcMain.removeHandler(channels.set)
      ipcMain.removeListener(channels.hello, onHello)
      ipcMain.removeListener(channels.sub, onSub)
    }
  }
}

// undefined: an unconditional write.
// (writeKey checked that a request is an object.)
function expectedRev(request, storeId) {
  const ifRev = request?.ifRev
  if (ifRev === undefined) return undefined
  if (!Number.isSafeInteger(ifRev) || ifRev < 0) {
    throw new NanoStoreIPCError(
      ErrorCodes.INVALID_ARGUMENT,
      'A conditional write needs { ifRev } with a revision (integer >= 0)',
      { storeId }
    )
  }
  return ifRev
}

// The map key of a write request, or undefined for a whole-value write.
function writeKey(request, storeId) {
  if (request === undefined || request === null) return undefined
  if (typeof request !== 'object') {
    throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'Write options must be an object', { storeId })
  }
  const key = request.key
  if (key === undefined) return undefined
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH) {
    throw new NanoStoreIPCError(
      ErrorCodes.INVALID_ARGUMENT,
      `A map key must be a string of at most ${MAX_KEY_LENGTH} characters`,
      { storeId }
    )
  }
  return key
}

// Whether the store now holds exactly what the writer wrote and nothing else changed
// since the last commit: then the writer, which shows it already, is skipped.
function onlyThisWrite(entry, key, value) {
  const now = entry.store.get()
  if (key === undefined) return Object.is(now, value)
  return entry.changedKeys?.size === 1 && entry.changedKeys.has(key) && Object.is(now[key], value)
}

function idList(value, field) {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.length > MAX_BATCH) {
    throw new NanoStoreIPCError(
      ErrorCodes.INVALID_ARGUMENT,
      `Subscription field \`${field}\` must be an array of at most ${MAX_BATCH} store ids`
    )
  }
  return value
}
