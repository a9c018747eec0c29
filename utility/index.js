// connectNanoStoreIPC(): the utility-process half of the bridge (`nanostore-ipc-bridge/utility`).
// Main calls registerUtilityProcess(child), which hands the child one end of a
// MessageChannelMain on process.parentPort; this listens for it and runs the preload's page
// API (preload/src/bridge.js) over it (./transport.js), on globalThis[globalName]. So
// syncedAtom, syncedMap and defineService work in the child exactly as in a window: a proxy
// store hydrated in one round trip, selective delivery, acked writes, service calls,
// streams and events. Stores created before this call (a shared module imported above it)
// were given a placeholder (./pending.js), now handed over to the bridge.
import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'
import { createBridge } from '../preload/src/bridge.js'
import { DEFAULT_GLOBAL_NAME } from '../protocol/index.js'
import { PORT_CHANNELS, isConnectMessage } from '../protocol/port.js'
import { pendingOf } from './pending.js'
import { createPortTransport } from './transport.js'

// One connection per process, whichever copy of this package made it.
const CONNECTION = Symbol.for('nanostore-ipc-bridge/utility-connection')

export function connectNanoStoreIPC(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'connectNanoStoreIPC(options) needs an object')
  }
  const globalName = options.globalName ?? DEFAULT_GLOBAL_NAME
  if (typeof globalName !== 'string' || globalName.length === 0) {
    throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'Option globalName must be a non-empty string')
  }
  const parentPort = globalThis.process?.parentPort
  if (globalThis.process?.type !== 'utility' || typeof parentPort?.on !== 'function') {
    throw new NanoStoreIPCError(
      ErrorCodes.WRONG_PROCESS,
      `connectNanoStoreIPC() must run in a utility process (utilityProcess.fork); process.type is ` +
        `'${globalThis.process?.type ?? 'undefined'}' here`
    )
  }
  const existing = globalThis[CONNECTION]
  if (existing) {
    if (existing.globalName === globalName) return existing.api
    throw new NanoStoreIPCError(
      ErrorCodes.ALREADY_INITIALIZED,
      `connectNanoStoreIPC() already connected this process as globalThis.${existing.globalName}`
    )
  }
  const placeholder = pendingOf(globalThis[globalName])
  if (globalThis[globalName] != null && !placeholder) {
    throw new NanoStoreIPCError(
      ErrorCodes.INVALID_ARGUMENT,
      `globalThis.${globalName} is already taken: pass another globalName (and the same to the stores)`
    )
  }

  const transport = createPortTransport()
  const api = createBridge(transport.ipc, PORT_CHANNELS)
  // Resolves once main connected this process (its messages so far were queued).
  api.ready = transport.ready
  globalThis[globalName] = api
  globalThis[CONNECTION] = { globalName, api }
  placeholder?.attach(api)
  // Adding the listener starts parentPort (Electron queues its messages until then);
  // messages that are not ours are the app's.
  parentPort.on('message', event => {
    const port = event?.ports?.[0]
    if (isConnectMessage(event?.data) && port) transport.attach(port)
  })
  return api
}
