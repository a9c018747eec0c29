// syncedAtom(id, initial, options): one call site for main, renderers and plain JS.
//   renderer (window[globalName] exposed by the preload) → proxy atom (./renderer.js)
//   main (process.type === 'browser')                    → real atom, registered with the runtime
//   anything else                                        → plain atom (warns if asked to)
// Pure JS: this file ends up in renderer bundles, so no Node built-ins, no native code.
import { atom } from 'nanostores'

import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'
import { mainHub } from '../hub/index.js'
import { DEFAULT_GLOBAL_NAME, describeInvalidId, isValidId } from '../protocol/index.js'
import { createRendererAtom } from './renderer.js'

export { NanoStoreIPCError, ErrorCodes } from '../error/index.js'

export function syncedAtom(id, initial, options = {}) {
  if (!isValidId(id)) {
    throw new NanoStoreIPCError(ErrorCodes.INVALID_ID, describeInvalidId(id))
  }
  const bridge = globalThis[options.globalName || DEFAULT_GLOBAL_NAME]
  if (isBridge(bridge)) return createRendererAtom(id, initial, bridge, options)
  if (globalThis.process?.type === 'browser') return createMainAtom(id, initial, options)
  if (options.warnIfNoIPC) {
    console.warn(
      `[nanostore-ipc-bridge] syncedAtom('${id}'): no IPC bridge found ` +
        '(not in Electron main, and no window.' +
        (options.globalName || DEFAULT_GLOBAL_NAME) +
        '); using a local atom'
    )
  }
  return atom(initial)
}

function isBridge(value) {
  return (
    value != null &&
    typeof value.read === 'function' &&
    typeof value.write === 'function' &&
    typeof value.subscribe === 'function'
  )
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
  const entry = {
    id,
    store,
    options: {
      rendererCanSet: options.rendererCanSet,
      validateValue: options.validateValue,
      maxPayloadBytes: options.maxPayloadBytes,
      throttleMs: options.throttleMs,
      onError: options.onError
    }
  }
  hub.atoms.set(id, entry)
  if (hub.runtime) hub.runtime.addStore(entry)
  return store
}
