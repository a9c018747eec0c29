// defineService({ id, handlers, ... }): one call site for main, renderers and plain JS,
// like syncedAtom.
//   main (process.type === 'browser')        → handlers registered with the runtime (queued
//                                              until initNanoStoreIPC()); a proxy that calls
//                                              them directly, plus broadcast(event, data)
//   renderer (window[globalName] has calls)  → a proxy whose methods call main, plus on(event, cb)
//   utility process (connectNanoStoreIPC)     → the same proxy, over the utility process's bridge
//   anything else (tests, SSR, plain Node)   → a local service: methods call the handlers,
//                                              on() receives broadcast()
// A method returns a Promise with cancel(); a handler written as `async function*` streams:
// its method returns an async iterable, and leaving a `for await` early stops it in main.
// getCallContext() tells a running handler who called and gives it the call's AbortSignal,
// while the handler's synchronous part runs (up to its first await: read it first). Not
// an AsyncLocalStorage: in Node < 24 enabling one slows every promise in the process.
// Pure JS: this file ends up in renderer bundles.
import { ErrorCodes, NanoStoreIPCError, serviceErrorFromData } from '../error/index.js'
import { existingHub, mainHub } from '../hub/index.js'
import { DEFAULT_GLOBAL_NAME, MAX_ID_LENGTH, isValidId } from '../protocol/index.js'
import { utilityBridge } from '../utility/pending.js'
import { invalidOption, optional } from './options.js'

// Members every service proxy has besides its methods. `then` would make the proxy
// thenable (awaiting it, or returning it from an async function, would call it).
const PROXY_MEMBERS = new Set(['on', 'broadcast', 'withSignal', 'then'])
const MAX_TIMEOUT_MS = 2 ** 31 - 1 // setTimeout's limit

const invalid = (message, serviceId) => new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, message, { serviceId })

export const isAsyncGeneratorFunction = fn => Object.prototype.toString.call(fn) === '[object AsyncGeneratorFunction]'

// Checked where the service is defined, in every process: a wrong option is an error
// at that call, never a service that silently fails.
export function normalizeServiceOptions(options) {
  if (options === null || typeof options !== 'object') throw invalid('defineService(options) needs an object')
  const { id, handlers } = options
  if (!isValidId(id)) {
    throw new NanoStoreIPCError(
      ErrorCodes.INVALID_ID,
      typeof id === 'string'
        ? `Service id must be 1 to ${MAX_ID_LENGTH} characters long, got ${id.length}`
        : `Service id must be a string, got ${id === null ? 'null' : typeof id}`
    )
  }
  if (handlers === null || typeof handlers !== 'object' || Array.isArray(handlers)) {
    throw invalid(`Service '${id}': handlers must be an object of functions`, id)
  }
  const methods = Object.keys(handlers)
  for (const name of methods) {
    if (typeof handlers[name] !== 'function') throw invalid(`Service '${id}': handler '${name}' is not a function`, id)
    if (!isValidId(name)) throw invalid(`Service '${id}': a method name must be 1 to ${MAX_ID_LENGTH} characters`, id)
    if (PROXY_MEMBERS.has(name) || name in Object.prototype) {
      throw invalid(`Service '${id}': '${name}' cannot be a method name (reserved)`, id)
    }
  }
  const hooks = options.hooks ?? {}
  if (hooks === null || typeof hooks !== 'object') throw invalid(`Service '${id}': hooks must be an object`, id)
  const timeoutMs = optional(options.timeoutMs, 'number', 'timeoutMs', undefined)
  if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
    throw invalidOption(`Service '${id}': timeoutMs must be a number of milliseconds in 1..${MAX_TIMEOUT_MS}`)
  }
  return {
    id,
    handlers,
    methods,
    beforeAll: optional(hooks.beforeAll, 'function', 'hooks.beforeAll'),
    afterAll: optional(hooks.afterAll, 'function', 'hooks.afterAll'),
    globalName: optional(options.globalName, 'string', 'globalName') || DEFAULT_GLOBAL_NAME,
    timeoutMs,
    allowSender: optional(options.allowSender, 'function', 'allowSender'),
    validateArgs: optional(options.validateArgs, 'function', 'validateArgs')
  }
}

export function defineService(options) {
  const def = normalizeServiceOptions(options)
  const bridge = globalThis[def.globalName] ?? utilityBridge(def.globalName)
  if (isServiceBridge(bridge)) return createRendererService(def, bridge)
  if (bridge != null && typeof bridge.watch === 'function')
    return createRendererService(def, noServices(def.globalName))
  if (globalThis.process?.type === 'browser') return createMainService(def)
  return createLocalService(def)
}

// Inside a handler running for a call: { serviceId, method, windowId, frameUrl, origin,
// signal }. windowId/frameUrl/origin are undefined for a call made in main itself.
// Valid while the handler (or hook, or a generator's step) runs synchronously; outside
// a call: undefined.
export function getCallContext() {
  return existingHub()?.currentCall
}

// Runs fn with `context` as the current call (restored after, also when fn throws).
export function runInCall(context, fn) {
  const hub = mainHub()
  const previous = hub.currentCall
  hub.currentCall = context
  try {
    return fn()
  } finally {
    hub.currentCall = previous
  }
}

// An AbortSignal made when first asked for (an AbortController costs more than the
// rest of a call's bookkeeping), already aborted if abort() came first.
export function lazyAbort() {
  let controller = null
  let aborted = false
  let reason
  return {
    get signal() {
      if (!controller) {
        controller = new AbortController()
        if (aborted) controller.abort(reason)
      }
      return controller.signal
    },
    abort(why) {
      if (aborted) return
      aborted = true
      reason = why
      controller?.abort(why)
    }
  }
}

// What getCallContext() returns. A class: its prototype getter costs nothing per call,
// where an object literal with a getter costs microseconds.
export class CallContext {
  #abort
  constructor(serviceId, method, abort, sender) {
    this.serviceId = serviceId
    this.method = method
    this.windowId = sender?.windowId
    this.frameUrl = sender?.frameUrl
    this.origin = sender?.origin
    this.#abort = abort
    Object.freeze(this)
  }

  get signal() {
    return this.#abort.signal
  }
}

// A preload from a version without services: calls fail with a clear IPC_FAILED
// instead of the handlers running in the page.
function noServices(globalName) {
  const message = `window.${globalName} has no service calls: rebuild the preload with this version of nanostore-ipc-bridge`
  return {
    call: (_callId, serviceId, method) =>
      Promise.resolve({ error: { code: ErrorCodes.IPC_FAILED, message, serviceId, method } }),
    cancelCall: () => {},
    nextChunks: () => Promise.resolve({ values: [], done: true }),
    subscribeServiceEvent: serviceId => {
      throw new NanoStoreIPCError(ErrorCodes.IPC_FAILED, message, { serviceId })
    }
  }
}

function isServiceBridge(value) {
  return value != null && typeof value.call === 'function' && typeof value.cancelCall === 'function'
}

function wrongProcess(what, serviceId) {
  return new NanoStoreIPCError(ErrorCodes.WRONG_PROCESS, what, { serviceId })
}

function checkEventName(eventName, serviceId) {
  if (!isValidId(eventName)) {
    throw new NanoStoreIPCError(
      ErrorCodes.INVALID_ID,
      `Event name must be a string of 1 to ${MAX_ID_LENGTH} characters`,
      {
        serviceId
      }
    )
  }
}

// ---------------------------------------------------------------------------- main and local

// A handler called in this process, inside a call context whose signal is `signal`
// (when main's AsyncLocalStorage is there): the result is a Promise with cancel(), or
// the handler's async iterable.
function callHere(def, method, args, signal) {
  const controller = lazyAbort()
  const abort = () => controller.abort(signal?.reason)
  if (signal?.aborted) abort()
  else signal?.addEventListener('abort', abort, { once: true })
  const context = new CallContext(def.id, method, controller)
  let result
  try {
    result = runInCall(context, () => def.handlers[method].apply(def.handlers, args))
  } catch (error) {
    result = Promise.reject(error)
  }
  if (result != null && typeof result[Symbol.asyncIterator] === 'function') return result
  const promise = Promise.resolve(result).finally(() => signal?.removeEventListener('abort', abort))
  promise.cancel = abort
  return promise
}

function directMethods(def, signal) {
  const methods = {}
  for (const method of def.methods) methods[method] = (...args) => callHere(def, method, args, signal)
  return methods
}

function createMainService(def) {
  const hub = mainHub()
  if (hub.services.has(def.id)) {
    throw new NanoStoreIPCError(
      ErrorCodes.SERVICE_EXISTS,
      `defineService('${def.id}') was already called in this process`,
      {
        serviceId: def.id
      }
    )
  }
  hub.services.set(def.id, def)
  if (hub.runtime) hub.runtime.addService(def)
  return {
    ...directMethods(def),
    // Sends to the windows listening to this event; returns how many. Before
    // initNanoStoreIPC() no window listens: 0.
    broadcast(eventName, data) {
      checkEventName(eventName, def.id)
      return mainHub().runtime?.broadcast(def.id, eventName, data) ?? 0
    },
    on() {
      throw wrongProcess(`Service '${def.id}': on() listens in renderers; main sends events with broadcast()`, def.id)
    },
    withSignal: signal => directMethods(def, checkSignal(signal, def.id))
  }
}

function createLocalService(def) {
  const listeners = new Map() // event name -> Set of callbacks
  return {
    ...directMethods(def),
    broadcast(eventName, data) {
      checkEventName(eventName, def.id)
      const callbacks = [...(listeners.get(eventName) ?? [])]
      for (const callback of callbacks) callback(data)
      return callbacks.length ? 1 : 0
    },
    on(eventName, callback) {
      checkEventName(eventName, def.id)
      if (typeof callback !== 'function') throw invalid('on(eventName, callback) needs a function', def.id)
      let set = listeners.get(eventName)
      if (!set) listeners.set(eventName, (set = new Set()))
      const entry = data => callback(data)
      set.add(entry)
      return () => {
        set.delete(entry)
        if (set.size === 0 && listeners.get(eventName) === set) listeners.delete(eventName)
      }
    },
    withSignal: signal => directMethods(def, checkSignal(signal, def.id))
  }
}

function checkSignal(signal, serviceId) {
  if (signal === null || typeof signal !== 'object' || typeof signal.addEventListener !== 'function') {
    throw invalid('withSignal(signal) needs an AbortSignal', serviceId)
  }
  return signal
}

// ---------------------------------------------------------------------------- renderer

// Call ids: unique per page while a call runs (the preload and main both refuse a
// duplicate). A random start keeps two copies of this module in one page apart.
let lastCallId = Math.floor(Math.random() * 2 ** 40)
const newCallId = () => ++lastCallId
const noop = () => {}

function abortCode(signal) {
  return signal?.reason?.name === 'TimeoutError' ? ErrorCodes.CALL_TIMEOUT : ErrorCodes.CALL_ABORTED
}

function abortedError(serviceId, method, signal) {
  const code = abortCode(signal)
  return new NanoStoreIPCError(
    code,
    `${serviceId}.${method}() was ${code === ErrorCodes.CALL_TIMEOUT ? 'timed out' : 'aborted'} by the caller`,
    {
      serviceId,
      method
    }
  )
}

function createRendererService(def, bridge) {
  const { id } = def
  const methodsWith = signal => {
    const methods = {}
    for (const method of def.methods) {
      methods[method] = isAsyncGeneratorFunction(def.handlers[method])
        ? (...args) => remoteStream(bridge, id, method, args, signal)
        : (...args) => remoteCall(bridge, id, method, args, signal)
    }
    return methods
  }
  return {
    ...methodsWith(),
    on(eventName, callback) {
      checkEventName(eventName, id)
      if (typeof callback !== 'function') throw invalid('on(eventName, callback) needs a function', id)
      return bridge.subscribeServiceEvent(id, eventName, callback)
    },
    broadcast() {
      throw wrongProcess(`Service '${id}': broadcast() sends from main; renderers listen with on()`, id)
    },
    withSignal: signal => methodsWith(checkSignal(signal, id))
  }
}

// A call whose reply is a value (or, for a handler this page could not recognise as a
// generator, a stream: then the value is the async iterable).
function remoteCall(bridge, serviceId, method, args, signal) {
  if (signal?.aborted) {
    const promise = Promise.reject(abortedError(serviceId, method, signal))
    promise.cancel = () => {}
    return promise
  }
  const callId = newCallId()
  const cancel = () => bridge.cancelCall(callId, abortCode(signal))
  let release = noop
  if (signal) {
    signal.addEventListener('abort', cancel, { once: true })
    release = () => signal.removeEventListener('abort', cancel)
  }
  const promise = bridge.call(callId, serviceId, method, args).then(reply => {
    // A stream keeps listening to the signal until it ends.
    if (reply?.stream) return streamOf(bridge, () => ({ callId, reply }), release)
    release()
    if (reply?.error) throw serviceErrorFromData(reply.error)
    return reply?.value
  })
  promise.cancel = cancel
  return promise
}

function remoteStream(bridge, serviceId, method, args, signal) {
  const start = () => {
    if (signal?.aborted) throw abortedError(serviceId, method, signal)
    const callId = newCallId()
    const cancel = () => bridge.cancelCall(callId, abortCode(signal))
    signal?.addEventListener('abort', cancel, { once: true })
    return {
      callId,
      reply: bridge.call(callId, serviceId, method, args),
      release: () => signal?.removeEventListener('abort', cancel)
    }
  }
  return streamOf(bridge, start)
}

// The page side of a stream: an async iterable that starts the call on the first
// next(), takes chunks from the preload in batches, and cancels the call in main on
// return() (what `break` in a `for await` calls).
function streamOf(bridge, start, release = noop) {
  let call = null
  let finished = false
  let queue = [] // chunks taken from the preload, not yet yielded
  let end = null // { done } or { error } after the last chunk
  const finish = () => {
    if (finished) return
    finished = true
    release()
    call?.release?.()
  }
  const over = () => {
    finish()
    if (end?.error) throw serviceErrorFromData(end.error)
    return { done: true, value: undefined }
  }
  const iterator = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      if (queue.length) return { done: false, value: queue.shift() }
      if (finished) return { done: true, value: undefined }
      if (end) return over()
      if (!call) {
        try {
          call = start()
        } catch (error) {
          finish()
          throw error
        }
        const reply = await call.reply
        if (reply?.error) {
          end = { error: reply.error }
          return over()
        }
        // a plain value main sent instead of a stream: yielded once
        if (!reply?.stream) {
          end = { done: true }
          return { done: false, value: reply?.value }
        }
      }
      const batch = await bridge.nextChunks(call.callId)
      queue = batch?.values ?? []
      if (batch?.error || batch?.done || !batch) end = batch?.error ? { error: batch.error } : { done: true }
      if (queue.length) return { done: false, value: queue.shift() }
      return over()
    },
    async return(value) {
      if (!finished) {
        const started = call
        finish()
        queue = []
        if (started && !end) bridge.cancelCall(started.callId, ErrorCodes.CALL_ABORTED)
      }
      return { done: true, value }
    }
  }
  return iterator
}
