// The preload half of services, added to the page API by bridge.js:
//   call(callId, serviceId, method, args)  → Promise of { value } | { stream: true } | { error }, never rejects
//   cancelCall(callId, code?)              → the call's reply (or its stream) ends now with
//                                            CALL_ABORTED (or CALL_TIMEOUT); main aborts the handler
//   nextChunks(callId)                     → Promise of { values, done?, error? }: a stream's chunks
//                                            buffered since the last call (at least one, or its end)
//   callService(serviceId, method, ...args) → Promise of the value (rejects with an Error whose
//                                             message starts with the code)
//   subscribeServiceEvent(serviceId, eventName, cb) → unsubscribe
// Event listeners are reference-counted per (service, event): main hears of the first
// and the last one only (svc:sub, batched per microtask, and flushed before any call
// so a handler's broadcast reaches a listener added just before the call). Streams:
// chunks are buffered per call and handed to the page in batches (one contextBridge
// crossing for all that arrived); every STREAM_WINDOW / 2 chunks the page takes, main
// gets that much credit to send more.
import { ErrorCodes } from '../../error/index.js'
import { MAX_ID_LENGTH, STREAM_WINDOW, isValidCallId, isValidId } from '../../protocol/index.js'

const CREDIT_STEP = STREAM_WINDOW / 2
const isCloneError = error => /could not be cloned/.test(String(error?.message))
const envelopeError = error => new Error(`${error.code}: ${error.message}`)

function dispatch(callbacks, data) {
  for (const callback of callbacks) {
    try {
      callback(data)
    } catch (error) {
      console.error('[nanostore-ipc-bridge] service event listener threw', error)
    }
  }
}

export function createServices(ipcRenderer, channels) {
  const calls = new Map() // callId -> { resolve, serviceId, method, stream? }
  const listeners = new Map() // serviceId -> Map(eventName -> Set of callbacks)
  let added = []
  let removed = []
  let flushQueued = false
  // callService's own call ids: above the range pages draw theirs from (< 2^41).
  let ownCallId = 2 ** 52

  // ---- events

  function flushSubs() {
    if (!added.length && !removed.length) return
    const message = {}
    if (added.length) message.add = added
    if (removed.length) message.remove = removed
    added = []
    removed = []
    ipcRenderer.send(channels.svcSub, message)
  }

  function scheduleSubs() {
    if (flushQueued) return
    flushQueued = true
    queueMicrotask(() => {
      flushQueued = false
      flushSubs()
    })
  }

  // Checked here, not only in main: one bad pair would make main refuse the whole batch.
  function subscribeServiceEvent(serviceId, eventName, callback) {
    if (!isValidId(serviceId) || !isValidId(eventName)) {
      throw new Error(
        `${ErrorCodes.INVALID_ID}: service ids and event names are strings of 1 to ${MAX_ID_LENGTH} characters`
      )
    }
    if (typeof callback !== 'function') {
      throw new Error(
        `${ErrorCodes.INVALID_ARGUMENT}: subscribeServiceEvent(serviceId, eventName, callback) needs a function`
      )
    }
    let events = listeners.get(serviceId)
    if (!events) listeners.set(serviceId, (events = new Map()))
    let callbacks = events.get(eventName)
    if (!callbacks) {
      events.set(eventName, (callbacks = new Set()))
      added.push([serviceId, eventName])
      scheduleSubs()
    }
    const entry = data => callback(data)
    callbacks.add(entry)
    let active = true
    return () => {
      if (!active) return
      active = false
      callbacks.delete(entry)
      if (callbacks.size > 0 || events.get(eventName) !== callbacks) return
      events.delete(eventName)
      if (events.size === 0) listeners.delete(serviceId)
      removed.push([serviceId, eventName])
      scheduleSubs()
    }
  }

  ipcRenderer.on(channels.svcEvent, (_event, message) => {
    const callbacks = listeners.get(message?.serviceId)?.get(message?.eventName)
    if (callbacks) dispatch([...callbacks], message.data)
  })

  // ---- calls

  const errorData = (call, code, message) => ({ code, message, serviceId: call.serviceId, method: call.method })

  function call(callId, serviceId, method, args) {
    if (!isValidCallId(callId) || calls.has(callId)) {
      return Promise.resolve({
        error: {
          code: ErrorCodes.INVALID_ARGUMENT,
          message: 'call id must be a new positive integer',
          serviceId,
          method
        }
      })
    }
    flushSubs()
    return new Promise(resolve => {
      const entry = { resolve, serviceId, method, stream: null }
      calls.set(callId, entry)
      ipcRenderer.invoke(channels.svcCall, callId, serviceId, method, args).then(
        reply => settleCall(callId, entry, reply),
        error =>
          settleCall(callId, entry, {
            error: errorData(
              entry,
              isCloneError(error) ? ErrorCodes.SERIALIZATION_FAILED : ErrorCodes.IPC_FAILED,
              String(error?.message ?? error)
            )
          })
      )
    })
  }

  function settleCall(callId, entry, reply) {
    if (calls.get(callId) !== entry || !entry.resolve) return // cancelled before the reply
    const resolve = entry.resolve
    entry.resolve = null
    if (reply?.stream === true) {
      entry.stream ||= newStream()
      resolve({ stream: true })
      return
    }
    calls.delete(callId)
    resolve(reply?.error ? { error: reply.error } : { value: reply?.value })
  }

  // values: chunks not taken yet; end: { done: true } or { error } once the stream is over.
  function newStream() {
    return { values: [], end: null, waiting: null, consumed: 0 }
  }

  // Chunks may come before the reply that says the call streams (they are buffered).
  // The call stays open until the page took its end (done or error) or cancelled.
  ipcRenderer.on(channels.svcChunk, (_event, chunk) => {
    const entry = calls.get(chunk?.callId)
    if (!entry || entry.stream?.end) return // cancelled, unknown or already over: dropped
    const stream = (entry.stream ||= newStream())
    if (chunk.error) stream.end = { error: chunk.error }
    else if (chunk.done) stream.end = { done: true }
    else stream.values.push(chunk.value)
    if (stream.waiting) {
      const waiting = stream.waiting
      stream.waiting = null
      waiting(takeAll(chunk.callId, stream))
    }
  })

  // Everything buffered, in one crossing to the page; main gets credit for what the
  // page took, CREDIT_STEP at a time.
  function takeAll(callId, stream) {
    const batch = { values: stream.values }
    stream.values = []
    if (stream.end) {
      Object.assign(batch, stream.end)
      calls.delete(callId)
      return batch
    }
    stream.consumed += batch.values.length
    while (stream.consumed >= CREDIT_STEP) {
      stream.consumed -= CREDIT_STEP
      ipcRenderer.send(channels.svcCredit, { callId, n: CREDIT_STEP })
    }
    return batch
  }

  // The chunks of a stream that arrived since the last call (at least one, or its end).
  function nextChunks(callId) {
    const stream = calls.get(callId)?.stream
    if (!stream) return Promise.resolve({ values: [], done: true })
    if (stream.waiting) {
      return Promise.resolve({
        values: [],
        error: { code: ErrorCodes.INVALID_ARGUMENT, message: 'nextChunks called again before the last one settled' }
      })
    }
    if (stream.values.length || stream.end) return Promise.resolve(takeAll(callId, stream))
    return new Promise(resolve => {
      stream.waiting = resolve
    })
  }

  function cancelCall(callId, code = ErrorCodes.CALL_ABORTED) {
    const entry = calls.get(callId)
    if (!entry) return
    const reason = code === ErrorCodes.CALL_TIMEOUT ? ErrorCodes.CALL_TIMEOUT : ErrorCodes.CALL_ABORTED
    const error = errorData(entry, reason, `${entry.serviceId}.${entry.method}() was cancelled by the caller`)
    calls.delete(callId)
    // Main forgets the call on its own when it ended; otherwise it aborts the handler.
    if (!entry.stream?.end) ipcRenderer.send(channels.svcCancel, callId)
    if (entry.resolve) {
      const resolve = entry.resolve
      entry.resolve = null
      resolve({ error })
    }
    const stream = entry.stream
    if (stream) {
      stream.end = { error }
      stream.values = []
      if (stream.waiting) {
        const waiting = stream.waiting
        stream.waiting = null
        waiting({ values: [], error })
      }
    }
  }

  // Main registered this window late (it lost what this page listens to): tell it again.
  ipcRenderer.on(channels.resync, () => {
    added = []
    removed = []
    for (const [serviceId, events] of listeners) {
      for (const eventName of events.keys()) added.push([serviceId, eventName])
    }
    scheduleSubs()
  })

  return {
    call,
    cancelCall,
    nextChunks,
    callService: (serviceId, method, ...args) =>
      call(++ownCallId, serviceId, method, args).then(reply =>
        reply.error ? Promise.reject(envelopeError(reply.error)) : reply.value
      ),
    subscribeServiceEvent,
    // Calls and streams this page has open (devtools, tests).
    openCalls: () => calls.size
  }
}
