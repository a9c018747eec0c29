import type { NanoStoreIPCErrorData } from '../error/index.js'

export interface Snapshot<T = unknown> {
  id: string
  rev: number
  value: T
}

export type ReadResult<T = unknown> = Snapshot<T> | { id: string; error: NanoStoreIPCErrorData }
export type WriteResult<T = unknown> =
  | { rev: number; error?: undefined }
  | { error: NanoStoreIPCErrorData; snapshot?: Snapshot<T> }

/** What the preload exposes on `window[globalName]`. */
export interface NanoStoreIPCBridge {
  /** Main's current snapshot; rejects with an Error whose message starts with the error code. */
  get<T = unknown>(id: string): Promise<Snapshot<T>>
  /** Writes through main; resolves with the revision main gave the write. */
  set<T = unknown>(id: string, value: T): Promise<{ rev: number }>
  /** Updates of one store; the window receives them while it has a subscriber. Returns unsubscribe. */
  subscribe<T = unknown>(id: string, callback: (snapshot: Snapshot<T>) => void): () => void
  /** Updates of every store. Returns unsubscribe. */
  subscribeAll(callback: (snapshot: Snapshot) => void): () => void
  /** Like get, but never rejects: errors come back as data with their code. */
  read<T = unknown>(id: string): Promise<ReadResult<T>>
  /** Like set, but never rejects: errors come back as data with their code. */
  write<T = unknown>(id: string, value: T): Promise<WriteResult<T>>
  /**
   * Subscribe to and read many stores in one call (one contextBridge crossing), as syncedAtom
   * does. onReads gets the first reads as one array (snapshots or { id, error }); onUpdate gets
   * each later update in its wire form: kind 0 (payload = the whole value), 1 (payload = what
   * was appended to the value at rev - 1), 2 (payload = [key, value, ...] pairs set on the map at
   * rev - 1; value undefined deletes the key). Returns unwatch(ids?): it stops the given ids, or
   * all of them without an argument.
   */
  watch(
    ids: string[],
    onReads: (results: ReadResult[]) => void,
    onUpdate: (kind: 0 | 1 | 2, id: string, rev: number, payload: unknown) => void
  ): (ids?: string[]) => void
}

export interface ExposeOptions {
  /** Must match initNanoStoreIPC({ channelPrefix }). */
  channelPrefix?: string
  /** Global the bridge is exposed under (default 'nanostoreIPC'). */
  globalName?: string
}

export declare function exposeNanoStoreIPC(options?: ExposeOptions): NanoStoreIPCBridge

// `window.nanostoreIPC` in renderer code. A renderer that never imports this module gets it
// from one line in any .d.ts of its project:  /// <reference types="nanostore-ipc-bridge/preload" />
// Optional: it is undefined outside Electron, or when the preload did not expose it.
declare global {
  interface Window {
    nanostoreIPC?: NanoStoreIPCBridge
  }
}
