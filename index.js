// Main-process entry of nanostore-ipc-bridge.
export { initNanoStoreIPC } from './main/index.js'
export { defineService, getCallContext, syncedAtom, syncedMap } from './atom/index.js'
export { NanoStoreIPCError, ErrorCodes } from './error/index.js'
