// initNanoStoreIPC() options: wrong types are a typed INVALID_ARGUMENT error at
// the call, not a surprise at the first message. Store options: ../atom/options.js.
import { isAbsolute } from 'node:path'

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
    maxPayloadBytes: byteLimit(options.maxPayloadBytes, 'maxPayloadBytes'),
    history: historyOption(options.history),
    inspector: inspectorOption(options.inspector),
    persist: persistOptions(options.persist)
  }
}

// history: true or { size, maxBytes } records commits from the start (the runtime checks the
// limits); false / undefined: only while an inspector is open. Normalized to null or an object.
function historyOption(value) {
  if (value === undefined || value === false) return null
  if (value === true) return {}
  if (value === null || typeof value !== 'object') {
    throw invalidOption('Option history must be a boolean or { size?, maxBytes? }')
  }
  const limits = {}
  for (const key of ['size', 'maxBytes']) {
    if (value[key] === undefined) continue
    if (!Number.isSafeInteger(value[key])) throw invalidOption(`Option history.${key} must be an integer`)
    limits[key] = value[key]
  }
  return limits
}

// inspector: true or openInspector's options opens the inspector once the app is ready.
function inspectorOption(value) {
  if (value === undefined || value === false) return null
  if (value === true) return {}
  if (value === null || typeof value !== 'object') {
    throw invalidOption('Option inspector must be a boolean or the options of openInspector()')
  }
  return value
}

export const DEFAULT_PERSIST_FILE = 'nanostore-ipc-bridge.json'
export const DEFAULT_DEBOUNCE_MS = 100
const MAX_DEBOUNCE_MS = 3_600_000

// persist: { dir, fileName?, debounceMs?, onError? } → checked, defaults applied; undefined: off.
function persistOptions(persist) {
  if (persist === undefined) return undefined
  if (persist === null || typeof persist !== 'object') {
    throw invalidOption('Option persist must be an object: { dir, fileName?, debounceMs?, onError? }')
  }
  const dir = optional(persist.dir, 'string', 'persist.dir')
  if (!dir || !isAbsolute(dir)) {
    throw invalidOption("Option persist.dir must be an absolute directory path, e.g. app.getPath('userData')")
  }
  const fileName = optional(persist.fileName, 'string', 'persist.fileName') ?? DEFAULT_PERSIST_FILE
  if (!fileName || fileName === '.' || fileName === '..' || /[/\\\0]/.test(fileName)) {
    throw invalidOption('Option persist.fileName must be a file name, not a path (the directory goes in persist.dir)')
  }
  const debounceMs = optional(persist.debounceMs, 'number', 'persist.debounceMs') ?? DEFAULT_DEBOUNCE_MS
  if (!(debounceMs >= 0 && debounceMs <= MAX_DEBOUNCE_MS)) {
    throw invalidOption(`Option persist.debounceMs must be a number from 0 to ${MAX_DEBOUNCE_MS}`)
  }
  return { dir, fileName, debounceMs, onError: optional(persist.onError, 'function', 'persist.onError') }
}
