import type { WritableAtom } from 'nanostores'

import type { ErrorHandler } from '../error/index.js'

export { NanoStoreIPCError, ErrorCodes } from '../error/index.js'
export type { ErrorHandler, NanoStoreIPCErrorCode, NanoStoreIPCErrorData } from '../error/index.js'
export { syncedMap } from '../map/index.js'
export type { SyncedMap } from '../map/index.js'

export interface SyncedAtomOptions<T> {
  /** Renderer writes are sent to main (default true). false: the store is read-only in renderers, in main too. */
  rendererCanSet?: boolean
  /** Warn when neither Electron main nor a preload bridge is found (default false). */
  warnIfNoIPC?: boolean
  /** Only needed when the preload was exposed under another global name. */
  globalName?: string
  /** Accepted and ignored: the prefix is set in initNanoStoreIPC() and exposeNanoStoreIPC(). */
  channelPrefix?: string
  /** Errors of this store in this process: in renderers rejected writes and failed reads (default
   * console.warn); in main the errors main sees about it (besides initNanoStoreIPC's onError). */
  onError?: ErrorHandler
  /** Checked before a renderer sends a write and, in main, before a renderer write is applied. */
  validateValue?: (value: T) => boolean
  /** Main broadcasts this store at most once per throttleMs; the last value is always delivered. */
  throttleMs?: number
  /** Renderer writes larger than this (estimated structured-clone bytes) are rejected in main. */
  maxPayloadBytes?: number
  /**
   * Main only (ignored in renderers): save the store's value to disk and load it back at the
   * next start, before any window reads it. Needs initNanoStoreIPC({ persist: { dir } }).
   */
  persist?: boolean | PersistStoreOptions<T>
}

export interface PersistStoreOptions<T> {
  /** Schema version saved with the value (integer, default 0). An older saved version runs `migrate`. */
  version?: number
  /** Turns a value saved under an older `version` into one of the current shape. */
  migrate?: (value: unknown, fromVersion: number) => T
  /** For values JSON cannot hold (Map, Date, BigInt, ...): turn the value into a string. Goes with `deserialize`. */
  serialize?: (value: T) => string
  /** The value back from what `serialize` returned. */
  deserialize?: (text: string) => T
}

/**
 * `T`, or `never` when `T` is a function or a class: IPC cannot carry either, so
 * `syncedAtom('f', () => 1)` does not compile.
 */
export type SyncableValue<T> = T extends ((...args: never[]) => unknown) | (abstract new (...args: never[]) => unknown)
  ? never
  : T

/**
 * A nanostores atom kept identical in Electron's main process and every window.
 * Main: the real store. Renderer: a proxy that applies main's snapshots in revision
 * order and sends local `set()` calls to main. Elsewhere: a plain atom.
 * `initial` may be any structured-cloneable value; a function or class is a compile error.
 */
export declare function syncedAtom<T>(
  id: string,
  initial: SyncableValue<T>,
  options?: SyncedAtomOptions<T>
): SyncedAtom<T>

export interface SyncedAtom<T> extends WritableAtom<T> {
  /** In renderers: the highest revision of main's store this window has seen (-1 before the first snapshot). */
  readonly rev?: number
}
