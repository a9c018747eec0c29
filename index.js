// Main-process entry of nanostore-ipc-bridge.
export { initNanoStoreIPC } from './main/index.js'
export { syncedAtom, syncedMap } from './atom/index.js'
export { NanoStoreIPCError, ErrorCodes } from './error/index.js'
