// What syncedAtom and syncedMap share: one call site for main, renderers and plain
// JS, picking the store's role from where it runs.
//   renderer (window[globalName] exposed by the preload) → a proxy store (./proxy.js)
//   utility process (process.type === 'utility')        → a proxy store over connectNanoStoreIPC()'s
//                                                          bridge (or its placeholder until it runs)
//   main (process.type === 'browser')                    → the real store, registered with the runtime
//   anything else                                        → a plain local store (warns if asked to)
// Pure JS: this file ends up in renderer bundles, so no Node built-ins, no native code.
import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'
import { mainHub } from '../hub/index.js'
import { DEFAULT_GLOBAL_NAME, describeInvalidId, isValidId } from '../protocol/index.js'
import { utilityBridge } from '../utility/pending.js'
import { DEFAULT_STORE_OPTIONS, NO_OPTIONS, normalizeStoreOptions } from './options.js'

// kind: { name, local(initial) → a nanostores store, renderer(id, initial, bridge, options) → a proxy store }
export function createSynced(kind, id, initial, options) {
  if (!isValidId(id)) throw new NanoStoreIPCError(ErrorCodes.INVALID_ID, describeInvalidId(id))
  if (typeof initial === 'function') {
    throw new NanoStoreIPCError(
      ErrorCodes.INVALID_ARGUMENT,
      `${kind.name}('${id}'): a function cannot be synced (IPC cannot carry it)`,
      { storeId: id }
    )
  }
  const checked = options === NO_OPTIONS ? DEFAULT_STORE_OPTIONS : normalizeStoreOptions(id, options)
  const globalName = checked.globalName || DEFAULT_GLOBAL_NAME
  const bridge = globalThis[globalName] ?? utilityBridge(globalName)
  if (isBridge(bridge)) return kind.renderer(id, initial, bridge, checked)
  if (globalThis.process?.type === 'browser') return createMainStore(kind, id, kind.local(initial), checked)
  if (checked.warnIfNoIPC) {
    console.warn(
      `[nanostore-ipc-bridge] ${kind.name}('${id}'): no IPC bridge found ` +
        `(not in Electron main, and no window.${globalName}); using a local store`
    )
  }
  return kind.local(initial)
}

function isBridge(value) {
  return value != null && typeof value.watch === 'function' && typeof value.write === 'function'
}

// Main: the real store. initNanoStoreIPC() registers it now or when it runs.
function createMainStore(kind, id, store, options) {
  const hub = mainHub()
  if (hub.atoms.has(id)) {
    throw new NanoStoreIPCError(ErrorCodes.STORE_EXISTS, `${kind.name}('${id}') was already created in this process`, {
      storeId: id
    })
  }
  const entry = { id, store, options }
  hub.atoms.set(id, entry)
  if (hub.runtime) hub.runtime.addStore(entry)
  return store
}
