// Main-process entry of nanostore-ipc-bridge.
export { initNanoStoreIPC } from './main/index.js'
export { defineService, getCallContext, syncedAtom } from './atom/index.js'
export { NanoStoreIPCError, ErrorCodes } from './error/index.js'
