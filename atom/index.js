// syncedAtom(id, initial, options): one call site for main, renderers and plain JS.
//   renderer (window[globalName] exposed by the preload) → proxy atom (./renderer.js)
//   main (process.type === 'browser')                    → real atom, registered with the runtime
//   anything else                                        → plain atom (warns if asked to)
// Pure JS: this file ends up in renderer bundles, so no Node built-ins, no native code.
import { atom } from 'nanostores'

import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'
import { mainHub } from '../hub/index.js'
import { DEFAULT_GLOBAL_NAME, describeInvalidId, isValidId } from '../protocol/index.js'
import { normalizeStoreOptions } from './options.js'
import { createRendererAtom } from './renderer.js'

export { ErrorCodes, NanoStoreIPCError } from '../error/index.js'

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
  return atom(initial)
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
  const store = atom(initial)
  const entry = { id, store, options }
  hub.atoms.set(id, entry)
  if (hub.runtime) hub.runtime.addStore(entry)
  return store
}
