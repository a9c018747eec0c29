export type NanoStoreIPCErrorCode =
  | 'STORE_NOT_FOUND'
  | 'STORE_EXISTS'
  | 'RENDERER_WRITE_DISABLED'
  | 'WINDOW_NOT_FOUND'
  | 'SERIALIZATION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INVALID_ID'
  | 'INVALID_ARGUMENT'
  | 'IPC_FAILED'
  | 'SENDER_REJECTED'
  | 'ALREADY_INITIALIZED'
  | 'DESTROYED'
  | 'WRONG_PROCESS'
  | 'NATIVE_ADDON_MISSING'
  | 'PERSIST_CORRUPT'
  | 'PERSIST_VERSION'
  | 'PERSIST_MIGRATION_FAILED'
  | 'PERSIST_UNSERIALIZABLE'
  | 'PERSIST_LOCKED'
  | 'PERSIST_WRITE_FAILED'
  | 'INTERNAL'
  | 'SERVICE_NOT_FOUND'
  | 'SERVICE_EXISTS'
  | 'METHOD_NOT_FOUND'
  | 'SERVICE_FAILED'
  | 'CALL_ABORTED'
  | 'CALL_TIMEOUT'
  | 'REV_CONFLICT'

export declare const ErrorCodes: { readonly [K in NanoStoreIPCErrorCode]: K }

/** Longest handler error code a service call carries to the caller. */
export declare const MAX_CODE_LENGTH: 256

/** What an error may say besides its code and message. */
export interface NanoStoreIPCErrorDetails {
  storeId?: string
  /** The error this one wraps (a throwing hook, a failed send, an I/O error). */
  originalError?: unknown
  /** Where a value failed to serialize, e.g. `settings.items[3].onClick`. */
  path?: string
  /** What failed to serialize: `function`, `symbol`, `class-instance`, ... */
  kind?: string
  /** The service of a failed call or event. */
  serviceId?: string
  /** The method of a failed call. */
  method?: string
  /** Persistence errors: the file involved. */
  file?: string
  /** Persistence errors: where a file that could not be used was kept (moved or copied aside). */
  movedTo?: string
}

/** The data an error travels as between processes. */
export interface NanoStoreIPCErrorData extends Omit<NanoStoreIPCErrorDetails, 'originalError'> {
  code: NanoStoreIPCErrorCode
  message: string
}

/** The data a failed service call travels as: `code` may be the handler error's own code. */
export interface ServiceErrorData extends Omit<NanoStoreIPCErrorData, 'code'> {
  code: NanoStoreIPCErrorCode | (string & {})
}

export declare class NanoStoreIPCError extends Error {
  constructor(code: NanoStoreIPCErrorCode, message: string, details?: NanoStoreIPCErrorDetails)
  readonly name: 'NanoStoreIPCError'
  /**
   * One of the package's codes. An error from a service call may instead carry the code the
   * handler's error had (`error.code = 'TODO_NOT_FOUND'`): compare with strings you own too.
   */
  code: NanoStoreIPCErrorCode
  toJSON(): NanoStoreIPCErrorData
}
/** The details are fields of the error itself. */
export interface NanoStoreIPCError extends NanoStoreIPCErrorDetails {}

export type ErrorHandler = (error: NanoStoreIPCError) => void

export declare function toNanoStoreIPCError(
  error: unknown,
  fallbackCode: NanoStoreIPCErrorCode,
  storeId?: string
): NanoStoreIPCError

export declare function errorFromData(data: unknown, originalError?: unknown): NanoStoreIPCError

/** Rebuilds a failed service call's error; keeps any string code (the handler's own). */
export declare function serviceErrorFromData(data: unknown, originalError?: unknown): NanoStoreIPCError
