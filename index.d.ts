import type { ReadableAtom } from 'nanostores'

import type { ErrorHandler, NanoStoreIPCErrorData } from './error/index.js'
import type { PersistStoreOptions } from './atom/index.js'

export { defineService, getCallContext, syncedAtom, syncedMap } from './atom/index.js'
export type {
  CallContext,
  DefineServiceOptions,
  PersistStoreOptions,
  ServiceCall,
  ServiceHooks,
  ServiceProxy,
  SyncableValue,
  SyncedAtom,
  SyncedAtomOptions,
  SyncedMap,
  UpdateOptions
} from './atom/index.js'
export { NanoStoreIPCError, ErrorCodes } from './error/index.js'
export type { ErrorHandler, NanoStoreIPCErrorCode, NanoStoreIPCErrorData } from './error/index.js'

export interface LogEvent {
  level: 'error' | 'warn' | 'info' | 'debug' | 'trace'
  message: string
  fields?: Record<string, string | number | boolean> | NanoStoreIPCErrorData
}

export interface SenderInfo {
  /** 'window': a window's or a view's page; 'frame': a sub-frame allowed by allowedSubFrameOrigins; 'utility': a utility process. */
  kind: 'window' | 'frame' | 'utility'
  /** The frame's URL; for a utility process `utility:<name>`. */
  url: string
  /** The frame's origin; for a utility process `utility:`. */
  origin: string
  /** The webContents the message came from (a sub-frame's window); undefined for a utility process. */
  webContentsId: number | undefined
}

export interface PersistOptions {
  /** Absolute directory of the file, usually app.getPath('userData'). Created if missing. */
  dir: string
  /** File name in `dir` (default 'nanostore-ipc-bridge.json'); `<fileName>.lock` sits next to it. */
  fileName?: string
  /** A change is on disk at most this long after it was committed (default 100). */
  debounceMs?: number
  /** Persistence errors (PERSIST_*), besides initNanoStoreIPC's own onError. */
  onError?: ErrorHandler
}

export interface NanoStoreIPCOptions {
  /** Save stores created with `persist` to a file and load them at startup (default: nothing touches the disk). */
  persist?: PersistOptions
  /** Channels become `<prefix>:ns:get` etc. (default: none, `ns:get`). */
  channelPrefix?: string
  /** Log registry changes and errors through `logger` (default false). */
  enableLogging?: boolean
  /** Where log events go when enableLogging is on (default console.debug). */
  logger?: (event: LogEvent) => void
  /** Register every BrowserWindow and view (WebContentsView, BrowserView) as it is created (default true). */
  autoRegisterWindows?: boolean
  /** Accept renderer writes at all (default true). */
  allowRendererSet?: boolean
  /** Called with every NanoStoreIPCError main sees (rejected writes, bad senders, failed sends). */
  onError?: ErrorHandler
  /** Check every broadcast value and renderer write for structured-clone safety (default false). */
  validateSerialization?: boolean
  /** Reject renderer writes whose estimated size exceeds this many bytes (default: no limit). */
  maxPayloadBytes?: number
  /** Accept messages only from frames whose origin is listed, e.g. ['file://', 'https://app.example']. */
  allowedOrigins?: string[]
  /**
   * Sub-frames (an <iframe> whose preload runs: nodeIntegrationInSubFrames) are refused unless their
   * origin is listed here; a listed one syncs as a participant of its own. Default: none.
   */
  allowedSubFrameOrigins?: string[]
  /** Accept a message only if this returns true. */
  allowSender?: (sender: SenderInfo) => boolean
  /**
   * Record every commit in the native history from the start, also while no inspector is open
   * (default: only while one is open). `size`: commits kept per store (default 300); `maxBytes`:
   * what the whole history may hold (default 32 MiB).
   */
  history?: boolean | HistoryLimits
  /** Open the inspector window once the app is ready (true, or openInspector's options). */
  inspector?: boolean | InspectorOptions
}

export interface HistoryLimits {
  /** Commits kept per store, 1 to 100,000 (default 300). */
  size?: number
  /** Bytes the whole history may hold: serialized values plus a fixed cost per entry (default 32 MiB, at least 4096). */
  maxBytes?: number
}

/** Where the inspector window opens (Electron's BrowserWindow options of the same names). */
export interface InspectorOptions {
  x?: number
  y?: number
  width?: number
  height?: number
}

/** The inspector's BrowserWindow (Electron's; these are the members the package relies on). */
export interface InspectorWindow extends WindowLike {
  close(): void
  destroy(): void
  isDestroyed(): boolean
  focus(): void
}

export interface HistoryStats {
  /** Commits kept per store. */
  size: number
  maxBytes: number
  entries: number
  /** Bytes held: serialized values plus the fixed cost of each entry. */
  bytes: number
  /** Stores with at least one recorded commit. */
  stores: number
}

export interface StoreRegistrationOptions<T = unknown> {
  /** Errors main sees about this store (rejected renderer writes, failed broadcasts). */
  onError?: ErrorHandler
  rendererCanSet?: boolean
  validateValue?: (value: T) => boolean
  throttleMs?: number
  maxPayloadBytes?: number
  /** Save the store to disk and load it at registration (needs initNanoStoreIPC's `persist`; the store needs set()). */
  persist?: boolean | PersistStoreOptions<T>
}

/** What registerWindow() uses of a webContents; Electron's WebContents has all of it. */
export interface WebContentsLike {
  id: number
  send(channel: string, ...args: unknown[]): void
  isDestroyed(): boolean
  isLoading(): boolean
  isCrashed(): boolean
  getURL(): string
  on(event: string, listener: (...args: never[]) => unknown): unknown
  once(event: string, listener: (...args: never[]) => unknown): unknown
  removeListener(event: string, listener: (...args: never[]) => unknown): unknown
}

/** What registerUtilityProcess() uses of Electron's UtilityProcess. */
export interface UtilityProcessLike {
  readonly pid: number | undefined
  postMessage(message: unknown, transfer?: unknown[]): void
  on(event: 'exit', listener: (code: number) => void): unknown
  removeListener(event: 'exit', listener: (code: number) => void): unknown
}

/** A BrowserWindow (or anything with its webContents). */
export interface WindowLike {
  webContents: WebContentsLike
}

export interface NanoStoreIPCStats {
  stores: number
  windows: number
  subscriptions: number
  allSubscribers: number
  trackedWindows: number
  trackedStores: number
  pendingBroadcasts: number
  /** Services registered in the native runtime. */
  services: number
  /** (window, service, event) listening pairs in the native runtime. */
  eventSubscriptions: number
  /** Service calls (and streams) from windows running now. */
  openCalls: number
  /** What the commit history holds, or null while it is off (no inspector open, no `history` option). */
  history: HistoryStats | null
  /** Utility processes registered (registerUtilityProcess), and sub-frames syncing on their own. */
  utilityProcesses: number
  frames: number
  destroyed: boolean
  /** null without the persist option. */
  persist: PersistStats | null
}

export interface PersistStats {
  file: string
  /** true when this instance never writes the file (another instance holds its lock, or newer code wrote it). */
  readOnly: boolean
  /** Values handed to the writer thread. */
  sets: number
  /** Successful file writes and the bytes they wrote. */
  writes: number
  bytes: number
  failedWrites: number
}

export interface StoreState {
  id: string
  rev: number
  rendererCanSet: boolean
  maxPayloadBytes: number
  subscribers: number[]
}

/** A participant: a window or view, an allowed sub-frame, or a utility process. */
export interface WindowState {
  /** A webContents id; a sub-frame's or a utility process's own id (from 2^51 and 2^50 up). */
  id: number
  kind: 'window' | 'frame' | 'utility'
  state: 'loading' | 'ready' | 'gone'
  stores: string[]
  all: boolean
  /** A sub-frame's window and URL. */
  webContentsId?: number
  url?: string
  /** A utility process's name (registerUtilityProcess) and pid (undefined once it exited). */
  name?: string
  pid?: number
  /** The service events the window listens to, with its listener count for each. */
  events: { serviceId: string; eventName: string; count: number }[]
}

export interface ServiceState {
  id: string
  methods: string[]
  /** Events some window listens to, with each listening window and its listener count. */
  events: { name: string; windows: { id: number; count: number }[] }[]
}

export interface NanoStoreIPC {
  /** Sync any nanostores store (not only syncedAtom). Returns a function that unregisters it. */
  registerStore<T>(id: string, store: ReadableAtom<T>, options?: StoreRegistrationOptions<T>): () => boolean
  unregisterStore(id: string): boolean
  /** Needed only with autoRegisterWindows: false. Returns false if it was already registered. */
  registerWindow(win: WindowLike | WebContentsLike): boolean
  /** Accepts a window, its webContents or the webContents id. */
  unregisterWindow(win: WindowLike | WebContentsLike | { id: number }): boolean
  /**
   * Syncs a utility process (utilityProcess.fork) like a window: it gets a MessagePort on its
   * parentPort, which connectNanoStoreIPC() in the child takes. Dropped when it exits; a restarted
   * child is registered again. Returns false if it was already registered.
   */
  registerUtilityProcess(child: UtilityProcessLike, options?: { name?: string }): boolean
  unregisterUtilityProcess(child: UtilityProcessLike): boolean
  stats(): NanoStoreIPCStats
  /** Every store and window the native runtime holds, for devtools and tests. */
  inspect(): { stores: StoreState[]; windows: WindowState[]; services: ServiceState[] }
  /**
   * Opens the store inspector: a window of its own (sandboxed, context-isolated, never a store
   * window) with every store and service live, a timeline of commits, refused writes and
   * service calls, the runtime's log, time travel and pause. Opened already: that window,
   * focused. Closing it (or destroy()) stops what it started.
   */
  openInspector(options?: InspectorOptions): InspectorWindow
  /**
   * Resolves once every value committed so far of every persisted store is on disk; rejects
   * with the PERSIST_* error that prevented it (writes are retried in the background).
   * Resolves at once without the persist option.
   */
  flush(): Promise<void>
  /**
   * Removes every IPC handler and listener this instance added; initNanoStoreIPC() may be called again.
   * With persist: writes what is pending (waiting for it, up to 5 s) and releases the file's lock.
   */
  destroy(): void
}

export declare function initNanoStoreIPC(options?: NanoStoreIPCOptions): NanoStoreIPC
