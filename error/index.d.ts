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

export declare const ErrorCodes: { readonly [K in NanoStoreIPCErrorCode]: K }

/** The data an error travels as between processes. */
export interface NanoStoreIPCErrorData {
  code: NanoStoreIPCErrorCode
  message: string
  storeId?: string
  /** Where a value failed to serialize, e.g. `settings.items[3].onClick`. */
  path?: string
  /** What failed to serialize: `function`, `symbol`, `class-instance`, ... */
  kind?: string
  /** Persistence errors: the file involved. */
  file?: string
  /** Persistence errors: where a file that could not be used was kept (moved or copied aside). */
  movedTo?: string
}

export declare class NanoStoreIPCError extends Error {
  constructor(
    code: NanoStoreIPCErrorCode,
    message: string,
    details?: {
      storeId?: string
      originalError?: unknown
      path?: string
      kind?: string
      file?: string
      movedTo?: string
    }
  )
  readonly name: 'NanoStoreIPCError'
  code: NanoStoreIPCErrorCode
  storeId?: string
  originalError?: unknown
  path?: string
  kind?: string
  file?: string
  movedTo?: string
  toJSON(): NanoStoreIPCErrorData
}

export type ErrorHandler = (error: NanoStoreIPCError) => void

export declare function toNanoStoreIPCError(
  error: unknown,
  fallbackCode: NanoStoreIPCErrorCode,
  storeId?: string
): NanoStoreIPCError

export declare function errorFromData(data: unknown, originalError?: unknown): NanoStoreIPCError
