// Main-process entry of nanostore-ipc-bridge.
export { initNanoStoreIPC } from './main/index.js'
export { syncedAtom } from './atom/index.js'
export { NanoStoreIPCError, ErrorCodes } from './error/index.js'
