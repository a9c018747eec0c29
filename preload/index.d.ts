import type { NanoStoreIPCErrorData, ServiceErrorData } from '../error/index.js'

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
  /**
   * Writes through main; resolves with the revision main gave the write. `{ ifRev }`: only if
   * main's store is still at that revision (else it rejects with REV_CONFLICT).
   */
  set<T = unknown>(id: string, value: T, options?: WriteOptions): Promise<{ rev: number }>
  /** Updates of one store; the window receives them while it has a subscriber. Returns unsubscribe. */
  subscribe<T = unknown>(id: string, callback: (snapshot: Snapshot<T>) => void): () => void
  /** Updates of every store. Returns unsubscribe. */
  subscribeAll(callback: (snapshot: Snapshot) => void): () => void
  /** Like get, but never rejects: errors come back as data with their code. */
  read<T = unknown>(id: string): Promise<ReadResult<T>>
  /** Like set, but never rejects: errors come back as data with their code (REV_CONFLICT with main's snapshot). */
  write<T = unknown>(id: string, value: T, options?: WriteOptions): Promise<WriteResult<T>>
  /**
   * Subscribe to and read many stores in one call (one contextBridge crossing), as syncedAtom
   * does. onReads gets the first reads at once as flat pairs in the order of ids: rev, value, or
   * -1 and the error data ({ code, message, storeId }) of that id. onUpdate gets each later
   * update in its wire form: kind 0 (payload = the whole value), 1 (payload = what was appended to
   * the value at rev - 1), 2 (payload = [key, value, ...] pairs set on the map at rev - 1; value
   * undefined deletes the key). Returns unwatch(ids?): it stops the given ids, or all of them
   * without an argument.
   */
  watch(
    ids: string[],
    onReads: (pairs: unknown[]) => void,
    onUpdate: (kind: 0 | 1 | 2, id: string, rev: number, payload: unknown) => void
  ): (ids?: string[]) => void
  /**
   * Calls a service method in main (what defineService's proxy uses). `callId`: a positive
   * integer unique in this page while the call runs. Never rejects.
   */
  call(callId: number, serviceId: string, method: string, args: unknown[]): Promise<CallReply>
  /** Ends a call now (its reply or stream gets CALL_ABORTED, or CALL_TIMEOUT) and aborts the handler. */
  cancelCall(callId: number, code?: 'CALL_ABORTED' | 'CALL_TIMEOUT'): void
  /** A streaming call's chunks that arrived since the last call (at least one, or its end). */
  nextChunks(callId: number): Promise<StreamChunks>
  /** The original package's call: resolves with the result, rejects with an Error whose message starts with the code. */
  callService<T = unknown>(serviceId: string, method: string, ...args: unknown[]): Promise<T>
  /** Listen to a service's event; returns unsubscribe. */
  subscribeServiceEvent(serviceId: string, eventName: string, callback: (data: unknown) => void): () => void
  /** Calls and streams this page has open. */
  openCalls(): number
}

export interface WriteOptions {
  /** Conditional write: applied only if main's store is at this revision. */
  ifRev?: number
}

export type CallReply =
  | { value: unknown; error?: undefined; stream?: undefined }
  | { stream: true; value?: undefined; error?: undefined }
  | { error: ServiceErrorData; value?: undefined; stream?: undefined }

export interface StreamChunks {
  values: unknown[]
  /** The stream ended after these values. */
  done?: true
  /** The stream failed after these values. */
  error?: ServiceErrorData
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
