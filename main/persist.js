// Persistence of stores that ask for it (`persist` store option), when initNanoStoreIPC has a
// `persist` option. The file, its lock and the writer thread are the addon's (src/persist/);
// this module decides what goes in and what comes out:
//   load   at registration, before the store is known to the runtime (so before any window
//          can read it): decode, migrate older versions, apply with the store's own set()
//   write  each committed value: check and serialize here (JSON, or the store's serialize),
//          hand the string to the writer thread, return
//   flush  flush() / before-quit (start writing now) / will-quit and destroy() (wait for it)
import { ErrorCodes, NanoStoreIPCError, toNanoStoreIPCError } from '../error/index.js'
import { loadNative } from './native.js'
import { decodeValue, encodeValue } from './persist-value.js'

// Stores whose saved value this process already applied (or that were saved since): when one
// registers again (destroy()/re-init, unregister/register), its value in memory is newer
// than the file's, so it is written rather than overwritten.
const applied = new WeakSet()

// How long will-quit and destroy() wait for the last write: long enough for any healthy disk,
// bounded so a hung one cannot hold the app open.
const FINAL_WRITE_TIMEOUT_MS = 5000

function fromData(data) {
  return new NanoStoreIPCError(data.code, data.message, {
    storeId: data.storeId ?? undefined,
    file: data.file ?? undefined,
    movedTo: data.movedTo ?? undefined
  })
}

// options: normalized `persist` of initNanoStoreIPC; report: main's reporter;
// loud: no onError anywhere, so errors go to console.error rather than nowhere.
export function createPersistence({ options, report, loud }) {
  const deliver = error => {
    report(error)
    if (options.onError) {
      try {
        options.onError(error)
      } catch {
        // a throwing handler must not break the store that failed
      }
    }
    if (loud) console.error(`[nanostore-ipc-bridge] ${error.code}: ${error.message}`)
  }
  let native
  try {
    const { Persistence } = loadNative()
    native = new Persistence({ dir: options.dir, fileName: options.fileName, debounceMs: options.debounceMs }, data =>
      deliver(fromData(data))
    )
  } catch (error) {
    throw toNanoStoreIPCError(error, ErrorCodes.INTERNAL)
  }
  const load = native.takeLoad()
  const stored = new Map(load.entries.map(entry => [entry.id, entry]))
  // Why this instance never writes (another instance holds the lock, a newer file): flush() says so.
  const readOnly = load.readOnly ? fromData(load.readOnly) : null
  // Stores saved by newer code: never overwritten in this run.
  const frozen = new Set()
  let settle = () => {}
  let closed = false
  // One native flush at a time (each waits on a libuv worker thread, which the app's own
  // fs calls need too); calls made meanwhile share the next one.
  let current = null
  let queued = null

  function nativeFlush() {
    if (!current) {
      current = native.flush().finally(() => {
        current = null
      })
      return current
    }
    queued ||= current
      .catch(() => {})
      .then(() => {
        queued = null
        return nativeFlush()
      })
    return queued
  }

  for (const problem of load.problems) deliver(fromData(problem))

  // A saved value this code cannot use: the file as it is gets copied aside (nothing is lost),
  // the store starts from its initial value, and its next value replaces the entry.
  function failEntry(id, code, message, originalError) {
    let movedTo
    let kept = ''
    try {
      movedTo = native.copyAside(code === ErrorCodes.PERSIST_MIGRATION_FAILED ? 'migration-failed' : 'unreadable')
      kept = `; the file as it was is kept at ${movedTo}`
    } catch (error) {
      kept = `; the file could not be copied aside (${error?.message})`
    }
    deliver(
      new NanoStoreIPCError(code, `${message}; it starts from its initial value${kept}`, {
        storeId: id,
        file: load.file,
        movedTo,
        originalError
      })
    )
  }

  // Hands a committed value to the writer. Never throws: a value that cannot be stored is
  // reported and the file keeps the last one that could.
  function write(id, value, persist) {
    if (closed || readOnly || frozen.has(id)) return
    let encoded
    try {
      encoded = encodeValue(id, value, persist)
    } catch (error) {
      deliver(error)
      return
    }
    native.set(id, persist.version, encoded.payload, encoded.isText)
  }

  return {
    // Called when a store registers, before the runtime knows it.
    apply(id, store, persist, { validateValue }) {
      const entry = stored.get(id)
      stored.delete(id)
      const resumed = applied.has(store)
      applied.add(store)
      if (resumed) {
        write(id, store.get(), persist)
        return
      }
      if (!entry) return
      if (entry.version > persist.version) {
        frozen.add(id)
        deliver(
          new NanoStoreIPCError(
            ErrorCodes.PERSIST_VERSION,
            `Store '${id}' was saved by a newer version of the app (version ${entry.version}, this code knows up to ` +
              `${persist.version}); it starts from its initial value and is not saved in this run, so the saved ` +
              'value stays as it is',
            { storeId: id, file: load.file }
          )
        )
        return
      }
      let value
      try {
        value = decodeValue(entry, persist)
      } catch (error) {
        failEntry(
          id,
          ErrorCodes.PERSIST_CORRUPT,
          `Store '${id}': the saved value could not be read (${error?.message})`,
          error
        )
        return
      }
      if (entry.version < persist.version && persist.migrate) {
        try {
          value = persist.migrate(value, entry.version)
        } catch (error) {
          failEntry(
            id,
            ErrorCodes.PERSIST_MIGRATION_FAILED,
            `Store '${id}': migrate(value, ${entry.version}) threw: ${error?.message}`,
            error
          )
          return
        }
      }
      if (validateValue && !validateValue(value)) {
        failEntry(id, ErrorCodes.PERSIST_CORRUPT, `Store '${id}': the saved value was rejected by validateValue`)
        return
      }
      store.set(value)
      // Saved under the current version from now on (a migration is not run twice).
      if (entry.version !== persist.version) write(id, value, persist)
    },
    write,
    // index.js gives the function that commits pending changes of persisted stores.
    setSettle(fn) {
      settle = fn
    },
    flush() {
      if (closed) return Promise.resolve()
      settle()
      if (readOnly) return Promise.reject(readOnly)
      return nativeFlush().then(error => {
        if (error) throw fromData(error)
      })
    },
    // 'before-quit': windows are about to close; start the write now, do not wait.
    beforeQuit() {
      if (closed || readOnly) return
      settle()
      native.requestFlush()
    },
    // 'will-quit': the last moment main's JS runs; wait for the write (bounded).
    willQuit() {
      if (closed || readOnly) return
      settle()
      const error = native.flushSync(FINAL_WRITE_TIMEOUT_MS)
      if (error) deliver(fromData(error))
    },
    // destroy(): last write, stop the writer, release the lock.
    close() {
      if (closed) return
      settle()
      closed = true
      const error = native.close(FINAL_WRITE_TIMEOUT_MS)
      if (error && !readOnly) deliver(fromData(error))
    },
    stats() {
      return { ...native.stats(), file: load.file, readOnly: readOnly !== null }
    }
  }
}
