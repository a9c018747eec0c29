// Where main's errors go: initNanoStoreIPC's onError, the onError of the store
// involved, and the logger when enableLogging is on. A throwing handler is ignored:
// it must not break IPC handling.
export function createReporter(opts, storeErrorHandler) {
  return error => {
    if (opts.enableLogging) opts.logger({ level: 'error', message: error.message, fields: error.toJSON() })
    for (const handler of [opts.onError, storeErrorHandler(error.storeId)]) {
      if (!handler) continue
      try {
        handler(error)
      } catch {
        // see above
      }
    }
  }
}
