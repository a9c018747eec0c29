// initNanoStoreIPC() options: wrong types are a typed INVALID_ARGUMENT error at
// the call, not a surprise at the first message. Store options: ../atom/options.js.
import { byteLimit, invalidOption, optional } from '../atom/options.js'

const defaultLogger = event =>
  console.debug(`[nanostore-ipc-bridge] ${event.level} ${event.message}`, event.fields ?? '')

export function normalizeOptions(options) {
  if (options === null || typeof options !== 'object') throw invalidOption('initNanoStoreIPC(options) needs an object')
  const allowedOrigins = options.allowedOrigins
  if (
    allowedOrigins !== undefined &&
    (!Array.isArray(allowedOrigins) || allowedOrigins.some(o => typeof o !== 'string'))
  ) {
    throw invalidOption('Option allowedOrigins must be an array of origin strings')
  }
  const allowedSubFrameOrigins = options.allowedSubFrameOrigins
  if (
    allowedSubFrameOrigins !== undefined &&
    (!Array.isArray(allowedSubFrameOrigins) || allowedSubFrameOrigins.some(o => typeof o !== 'string'))
  ) {
    throw invalidOption('Option allowedSubFrameOrigins must be an array of origin strings')
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
    allowedSubFrameOrigins,
    maxPayloadBytes: byteLimit(options.maxPayloadBytes, 'maxPayloadBytes')
  }
}
