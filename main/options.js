// Option checking for initNanoStoreIPC() and per-store options: wrong types are
// a typed INVALID_ARGUMENT error at the call, not a surprise at the first message.
import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'

const defaultLogger = event =>
  console.debug(`[nanostore-ipc-bridge] ${event.level} ${event.message}`, event.fields ?? '')

function fail(message, storeId) {
  throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, message, { storeId })
}

function optional(value, type, name, storeId) {
  if (value !== undefined && typeof value !== type) fail(`Option ${name} must be a ${type}`, storeId)
  return value
}

function byteLimit(value, name, storeId) {
  if (value === undefined) return 0
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(`Option ${name} must be a non-negative integer (bytes)`, storeId)
  }
  return value
}

export function normalizeOptions(options) {
  if (options === null || typeof options !== 'object') fail('initNanoStoreIPC(options) needs an object')
  const allowedOrigins = options.allowedOrigins
  if (
    allowedOrigins !== undefined &&
    (!Array.isArray(allowedOrigins) || allowedOrigins.some(o => typeof o !== 'string'))
  ) {
    fail('Option allowedOrigins must be an array of origin strings')
  }
  return {
    channelPrefix: optional(options.channelPrefix, 'string', 'channelPrefix') || '',
    enableLogging: optional(options.enableLogging, 'boolean', 'enableLogging') ?? false,
    autoRegisterWindows: optional(options.autoRegisterWindows, 'boolean', 'autoRegisterWindows') ?? true,
    allowRendererSet: optional(options.allowRendererSet, 'boolean', 'allowRendererSet') ?? true,
    validateSerialization: optional(options.validateSerialization, 'boolean', 'validateSerialization') ?? false,
    onError: optional(options.onError, 'function', 'onError'),
    logger: optional(options.logger, 'function', 'logger') ?? defaultLogger,
    allowSender: optional(options.allowSender, 'function', 'allowSender'),
    allowedOrigins,
    maxPayloadBytes: byteLimit(options.maxPayloadBytes, 'maxPayloadBytes')
  }
}

export function normalizeStoreOptions(id, options = {}) {
  if (options === null || typeof options !== 'object') fail(`Options of store '${id}' must be an object`, id)
  const throttleMs = optional(options.throttleMs, 'number', 'throttleMs', id) ?? 0
  if (!(throttleMs >= 0) || !Number.isFinite(throttleMs)) fail('Option throttleMs must be a finite number >= 0', id)
  return {
    rendererCanSet: optional(options.rendererCanSet, 'boolean', 'rendererCanSet', id) ?? true,
    validateValue: optional(options.validateValue, 'function', 'validateValue', id),
    onError: optional(options.onError, 'function', 'onError', id),
    maxPayloadBytes: byteLimit(options.maxPayloadBytes, 'maxPayloadBytes', id),
    throttleMs
  }
}
