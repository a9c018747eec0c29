import type { NanoStoreIPCBridge } from 'nanostore-ipc-bridge/preload'

export interface ConnectOptions {
  /** Global the bridge is installed under, as in a window (default 'nanostoreIPC'). */
  globalName?: string
}

/** The bridge of a utility process: the API a preload exposes to a page, plus `ready`. */
export interface UtilityBridge extends NanoStoreIPCBridge {
  /** Resolves once main connected this process (registerUtilityProcess); what was sent before waited for it. */
  ready: Promise<void>
}

/**
 * In a utility process (utilityProcess.fork): connects to main, which calls
 * registerUtilityProcess(child). syncedAtom, syncedMap and defineService then work as in a
 * window, including those created before this call. Throws WRONG_PROCESS elsewhere; a second
 * call returns the same bridge.
 */
export declare function connectNanoStoreIPC(options?: ConnectOptions): UtilityBridge
