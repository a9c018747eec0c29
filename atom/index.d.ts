import type { WritableAtom } from 'nanostores'

import type { ErrorHandler } from '../error/index.js'
import type { SenderInfo } from '../index.js'

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
  /**
   * Atomic read-modify-write: `fn` gets the latest value and its result is committed only if
   * nothing changed the store in between (in renderers a conditional write through main, `fn`
   * runs again on main's newer value after a conflict). Resolves with the committed value;
   * rejects with REV_CONFLICT after `maxAttempts` (default 100) conflicting attempts, or with
   * the error that refused the value. One update per atom runs at a time, in call order.
   */
  update(fn: (value: T) => T, options?: UpdateOptions): Promise<T>
}

export interface UpdateOptions {
  /** Conditional writes tried before giving up with REV_CONFLICT (default 100). */
  maxAttempts?: number
}

// ---------------------------------------------------------------------------- services

// biome-ignore lint/suspicious/noExplicitAny: handlers take whatever arguments their author declares
export type ServiceHandler = (...args: any[]) => unknown
export type ServiceHandlers = Record<string, ServiceHandler>

export interface ServiceHooks<H extends ServiceHandlers = ServiceHandlers> {
  /** Before every call from a renderer; throwing refuses the call (the caller gets its error). */
  beforeAll?: (methodName: keyof H & string, args: unknown[]) => void | Promise<void>
  /** After every call from a renderer, also a failed one (result undefined); durationMs until it ended. */
  afterAll?: (methodName: keyof H & string, result: unknown, durationMs: number) => void | Promise<void>
}

export interface DefineServiceOptions<H extends ServiceHandlers> {
  /** Unique in the app: one defineService per id per process (SERVICE_EXISTS otherwise). */
  id: string
  /** The methods: async functions, or async generator functions (`async function*`) to stream. */
  handlers: H
  hooks?: ServiceHooks<H>
  /** Only needed when the preload was exposed under another global name. */
  globalName?: string
  /** A call from a renderer not finished within this many ms ends with CALL_TIMEOUT (its signal aborts). */
  timeoutMs?: number
  /** Checked in main for every call, after initNanoStoreIPC's own sender checks. */
  allowSender?: (sender: SenderInfo) => boolean
  /** Checked in main before the handler runs; falsy or throwing: INVALID_ARGUMENT. */
  validateArgs?: (methodName: keyof H & string, args: unknown[]) => unknown
}

/** What a method returns: a Promise of the handler's result that can be cancelled. */
export interface ServiceCall<T> extends Promise<T> {
  /** Renderer: rejects the call with CALL_ABORTED now and aborts the handler's signal in main. */
  cancel(): void
}

export type ServiceMethod<F> = F extends (...args: infer A) => AsyncIterable<infer Y>
  ? (...args: A) => AsyncIterableIterator<Y>
  : F extends (...args: infer A) => infer R
    ? (...args: A) => ServiceCall<Awaited<R>>
    : never

export type ServiceMethods<H> = { [K in keyof H]: ServiceMethod<H[K]> }

export type ServiceProxy<H extends ServiceHandlers> = ServiceMethods<H> & {
  /** Renderer: listen to an event main broadcasts; returns unsubscribe. In main: throws WRONG_PROCESS. */
  on<T = unknown>(eventName: string, callback: (data: T) => void): () => void
  /** Main: send an event to the windows listening to it; returns how many. In a renderer: throws WRONG_PROCESS. */
  broadcast(eventName: string, data?: unknown): number
  /** The methods, with calls that end (CALL_ABORTED, or CALL_TIMEOUT for AbortSignal.timeout) when `signal` aborts. */
  withSignal(signal: AbortSignal): ServiceMethods<H>
}

/** Inside a running handler: who called, and the call's signal. */
export interface CallContext {
  serviceId: string
  method: string
  /** The calling window's webContents id; undefined for a call made in main. */
  windowId?: number
  /** URL of the calling frame. */
  frameUrl?: string
  /** Origin of the calling frame, e.g. 'file://'. */
  origin?: string
  /** Aborts when the caller cancels, the call times out, or its window reloads or closes. */
  signal: AbortSignal
}

/**
 * A service defined once in a module shared by main and renderers. Main: the handlers, called
 * directly, plus broadcast(). Renderer: a proxy calling main, plus on(). Elsewhere: local.
 */
export declare function defineService<H extends ServiceHandlers>(options: DefineServiceOptions<H>): ServiceProxy<H>

/** The context of the service call running now (in main), or undefined. */
export declare function getCallContext(): CallContext | undefined
