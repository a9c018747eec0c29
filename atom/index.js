// syncedAtom(id, initial, options): one call site for main, renderers and plain JS.
//   renderer (window[globalName] exposed by the preload) → proxy atom (./renderer.js)
//   main (process.type === 'browser')                    → real atom, registered with the runtime
//   anything else                                        → plain atom (warns if asked to)
// Every one has update(fn): an atomic read-modify-write (in renderers a conditional
// write through main, retried on conflict; in main and plain JS applied at once).
// defineService: ./service.js.
// Pure JS: this file ends up in renderer bundles, so no Node built-ins, no native code.
import { atom } from 'nanostores'

import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'
import { mainHub } from '../hub/index.js'
import { DEFAULT_GLOBAL_NAME, describeInvalidId, isValidId } from '../protocol/index.js'
import { normalizeStoreOptions } from './options.js'
import { createRendererAtom } from './renderer.js'

export { ErrorCodes, NanoStoreIPCError } from '../error/index.js'
export { defineService, getCallContext } from './service.js'

export function syncedAtom(id, initial, options = {}) {
  if (!isValidId(id)) throw new NanoStoreIPCError(ErrorCodes.INVALID_ID, describeInvalidId(id))
  if (typeof initial === 'function') {
    throw new NanoStoreIPCError(
      ErrorCodes.INVALID_ARGUMENT,
      `syncedAtom('${id}'): a function cannot be synced (IPC cannot carry it)`,
      { storeId: id }
    )
  }
  const checked = normalizeStoreOptions(id, options)
  const globalName = checked.globalName || DEFAULT_GLOBAL_NAME
  const bridge = globalThis[globalName]
  if (isBridge(bridge)) return createRendererAtom(id, initial, bridge, checked)
  if (globalThis.process?.type === 'browser') return createMainAtom(id, initial, checked)
  if (checked.warnIfNoIPC) {
    console.warn(
      `[nanostore-ipc-bridge] syncedAtom('${id}'): no IPC bridge found ` +
        `(not in Electron main, and no window.${globalName}); using a local atom`
    )
  }
  return withLocalUpdate(atom(initial))
}

// update(fn) where this process holds the truth (main, plain JS): fn runs on the
// current value and its result is set in the same turn, so nothing comes in between.
function withLocalUpdate(store) {
  store.update = fn => {
    try {
      if (typeof fn !== 'function') {
        throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'update(fn) needs a function')
      }
      const next = fn(store.get())
      store.set(next)
      return Promise.resolve(next)
    } catch (error) {
      return Promise.reject(error)
    }
  }
  return store
}

function isBridge(value) {
  return value != null && typeof value.watch === 'function' && typeof value.write === 'function'
}

// Main: a real atom. initNanoStoreIPC() registers it now or when it runs.
function createMainAtom(id, initial, options) {
  const hub = mainHub()
  if (hub.atoms.has(id)) {
    throw new NanoStoreIPCError(ErrorCodes.STORE_EXISTS, `syncedAtom('${id}') was already created in this process`, {
      storeId: id
    })
  }
  const store = withLocalUpdate(atom(initial))
  const entry = { id, store, options }
  hub.atoms.set(id, entry)
  if (hub.runtime) hub.runtime.addStore(entry)
  return store
}
