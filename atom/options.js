// Store options, checked where the store is created (syncedAtom in any process,
// registerStore in main): a wrong type is a typed INVALID_ARGUMENT error at that
// call, never a store that silently fails to sync. Pure JS (renderer bundles).
import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'

export function invalidOption(message, storeId) {
  return new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, message, { storeId })
}

export function optional(value, type, name, storeId) {
  if (value !== undefined && typeof value !== type) {
    throw invalidOption(`Option ${name} must be a ${type}, got ${value === null ? 'null' : typeof value}`, storeId)
  }
  return value
}

// undefined stays undefined: the runtime's own default applies.
export function byteLimit(value, name, storeId) {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidOption(`Option ${name} must be a non-negative integer (bytes)`, storeId)
  }
  return value
}

export function normalizeStoreOptions(id, options = {}) {
  if (options === null || typeof options !== 'object') {
    throw invalidOption(`Options of store '${id}' must be an object`, id)
  }
  const throttleMs = optional(options.throttleMs, 'number', 'throttleMs', id) ?? 0
  if (!(throttleMs >= 0) || !Number.isFinite(throttleMs)) {
    throw invalidOption('Option throttleMs must be a finite number >= 0', id)
  }
  return {
    rendererCanSet: optional(options.rendererCanSet, 'boolean', 'rendererCanSet', id) ?? true,
    validateValue: optional(options.validateValue, 'function', 'validateValue', id),
    onError: optional(options.onError, 'function', 'onError', id),
    warnIfNoIPC: optional(options.warnIfNoIPC, 'boolean', 'warnIfNoIPC', id) ?? false,
    globalName: optional(options.globalName, 'string', 'globalName', id),
    channelPrefix: optional(options.channelPrefix, 'string', 'channelPrefix', id),
    maxPayloadBytes: byteLimit(options.maxPayloadBytes, 'maxPayloadBytes', id),
    throttleMs
  }
}
