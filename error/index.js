// NanoStoreIPCError: the one error type users see, in main and in renderers.
// Electron strips `code` and custom properties from errors that cross IPC or the
// contextBridge, so errors travel as plain data ({ code, message, storeId } or, for
// service calls, { code, message, serviceId, method }) and are rebuilt here on the
// other side.

export const ErrorCodes = Object.freeze({
  STORE_NOT_FOUND: 'STORE_NOT_FOUND',
  STORE_EXISTS: 'STORE_EXISTS',
  RENDERER_WRITE_DISABLED: 'RENDERER_WRITE_DISABLED',
  WINDOW_NOT_FOUND: 'WINDOW_NOT_FOUND',
  SERIALIZATION_FAILED: 'SERIALIZATION_FAILED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  INVALID_ID: 'INVALID_ID',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  IPC_FAILED: 'IPC_FAILED',
  SENDER_REJECTED: 'SENDER_REJECTED',
  ALREADY_INITIALIZED: 'ALREADY_INITIALIZED',
  DESTROYED: 'DESTROYED',
  WRONG_PROCESS: 'WRONG_PROCESS',
  NATIVE_ADDON_MISSING: 'NATIVE_ADDON_MISSING',
  SERVICE_NOT_FOUND: 'SERVICE_NOT_FOUND',
  SERVICE_EXISTS: 'SERVICE_EXISTS',
  METHOD_NOT_FOUND: 'METHOD_NOT_FOUND',
  SERVICE_FAILED: 'SERVICE_FAILED',
  CALL_ABORTED: 'CALL_ABORTED',
  CALL_TIMEOUT: 'CALL_TIMEOUT',
  REV_CONFLICT: 'REV_CONFLICT',
  PERSIST_CORRUPT: 'PERSIST_CORRUPT',
  PERSIST_VERSION: 'PERSIST_VERSION',
  PERSIST_MIGRATION_FAILED: 'PERSIST_MIGRATION_FAILED',
  PERSIST_UNSERIALIZABLE: 'PERSIST_UNSERIALIZABLE',
  PERSIST_LOCKED: 'PERSIST_LOCKED',
  PERSIST_WRITE_FAILED: 'PERSIST_WRITE_FAILED',
  INTERNAL: 'INTERNAL'
})

// A service handler's own error code travels as it is (any string up to this length).
export const MAX_CODE_LENGTH = 256

const KNOWN_CODES = new Set(Object.values(ErrorCodes))

export class NanoStoreIPCError extends Error {
  constructor(code, message, { storeId, originalError, path, kind, serviceId, method, file, movedTo } = {}) {
    super(message)
    this.name = 'NanoStoreIPCError'
    this.code = code
    if (storeId !== undefined) this.storeId = storeId
    if (originalError !== undefined) this.originalError = originalError
    if (path !== undefined) this.path = path
    if (kind !== undefined) this.kind = kind
    if (serviceId !== undefined) this.serviceId = serviceId
    if (method !== undefined) this.method = method
    // Persistence: the file involved, and where a bad file was kept.
    if (file !== undefined) this.file = file
    if (movedTo !== undefined) this.movedTo = movedTo
  }

  toJSON() {
    const data = { code: this.code, message: this.message }
    if (this.storeId !== undefined) data.storeId = this.storeId
    if (this.path !== undefined) data.path = this.path
    if (this.kind !== undefined) data.kind = this.kind
    if (this.serviceId !== undefined) data.serviceId = this.serviceId
    if (this.method !== undefined) data.method = this.method
    if (this.file !== undefined) data.file = this.file
    if (this.movedTo !== undefined) data.movedTo = this.movedTo
    return data
  }
}

// Wraps anything thrown (a native error carrying `code`, a user error, a string)
// into a NanoStoreIPCError without losing the original.
export function toNanoStoreIPCError(err, fallbackCode, storeId) {
  if (err instanceof NanoStoreIPCError) {
    if (err.storeId === undefined && storeId !== undefined) err.storeId = storeId
    return err
  }
  const code = KNOWN_CODES.has(err?.code) ? err.code : fallbackCode
  const message = typeof err?.message === 'string' ? err.message : String(err)
  return new NanoStoreIPCError(code, message, {
    storeId: err?.storeId ?? storeId,
    originalError: err,
    path: err?.path,
    kind: err?.kind
  })
}

// Rebuilds the error from the data a reply carried.
export function errorFromData(data, originalError) {
  const code = KNOWN_CODES.has(data?.code) ? data.code : ErrorCodes.IPC_FAILED
  const message = typeof data?.message === 'string' ? data.message : 'IPC call failed'
  return new NanoStoreIPCError(code, message, {
    storeId: typeof data?.storeId === 'string' ? data.storeId : undefined,
    originalError,
    path: typeof data?.path === 'string' ? data.path : undefined,
    kind: typeof data?.kind === 'string' ? data.kind : undefined
  })
}

// Rebuilds the error of a service call. Unlike store errors, any string code is
// kept: a handler's own code (`TODO_NOT_FOUND`) reaches the caller as it is.
export function serviceErrorFromData(data, originalError) {
  const code = data?.code
  const valid = typeof code === 'string' && code.length > 0 && code.length <= MAX_CODE_LENGTH
  const text = field => (typeof data?.[field] === 'string' ? data[field] : undefined)
  return new NanoStoreIPCError(valid ? code : ErrorCodes.SERVICE_FAILED, text('message') ?? 'Service call failed', {
    serviceId: text('serviceId'),
    method: text('method'),
    originalError
  })
}
