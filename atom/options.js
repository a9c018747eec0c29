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
    throttleMs,
    persist: persistOption(options.persist, id)
  }
}

// The largest store version (stored as a 32-bit unsigned integer).
export const MAX_PERSIST_VERSION = 4294967295

// persist: true | { version, migrate, serialize, deserialize } → { version, ... } or undefined.
function persistOption(value, id) {
  if (value === undefined || value === false) return undefined
  if (value === true) return { version: 0 }
  if (value === null || typeof value !== 'object') {
    throw invalidOption(`Option persist of store '${id}' must be true or an object`, id)
  }
  const version = optional(value.version, 'number', 'persist.version', id) ?? 0
  if (!Number.isInteger(version) || version < 0 || version > MAX_PERSIST_VERSION) {
    throw invalidOption(
      `Option persist.version of store '${id}' must be an integer from 0 to ${MAX_PERSIST_VERSION}`,
      id
    )
  }
  const serialize = optional(value.serialize, 'function', 'persist.serialize', id)
  const deserialize = optional(value.deserialize, 'function', 'persist.deserialize', id)
  if (!serialize !== !deserialize) {
    throw invalidOption(`Store '${id}': persist.serialize and persist.deserialize go together`, id)
  }
  return { version, migrate: optional(value.migrate, 'function', 'persist.migrate', id), serialize, deserialize }
}

// The options of a store created without any: shared, and checked once.
export const NO_OPTIONS = Object.freeze({})
export const DEFAULT_STORE_OPTIONS = Object.freeze(normalizeStoreOptions('default', NO_OPTIONS))
