// Services in main: the handlers defineService() registered, the calls windows make
// to them, their streams, and the events main broadcasts.
//   <p>:ns:svc:call    invoke  (callId, serviceId, method, args) → { value } | { stream: true } | { error }
//   <p>:ns:svc:cancel  send    callId                            → abort the call's signal, stop its stream
//   <p>:ns:svc:credit  send    { callId, n }                     → the page took n more chunks
//   <p>:ns:svc:sub     send    { add?, remove? } of [serviceId, eventName]
//   <p>:ns:svc:event   main → window  { serviceId, eventName, data }
//   <p>:ns:svc:chunk   main → window  { callId, value } | { callId, done: true } | { callId, error }
// The native runtime owns which services and methods exist (authorizeCall) and which
// windows listen to which events (eventRecipients); this module owns the calls in flight,
// per window, so a window that reloads, crashes or closes takes its calls with it: their
// signals abort, their streams stop. Every call passes the sender check of store
// writes, then the service's own allowSender and validateArgs, before any handler runs.
// Errors travel as data: the handler's own string `code`, else SERVICE_FAILED.
// taps.call (set while an inspector is open) sees each call from a window as it ends.
import { CallContext, lazyAbort, runInCall } from '../atom/service.js'
import { ErrorCodes, MAX_CODE_LENGTH, NanoStoreIPCError, toNanoStoreIPCError } from '../error/index.js'
import { MAX_BATCH, MAX_CALL_ARGS, MAX_ID_LENGTH, STREAM_WINDOW, isValidCallId, isValidId } from '../protocol/index.js'
import { serializationError } from './broadcast.js'
import { senderInfo } from './sender.js'

const isCloneError = error => /could not be cloned/.test(String(error?.message))
const isAsyncIterable = value => value != null && typeof value[Symbol.asyncIterator] === 'function'

// The error a failing handler (or hook) becomes: its own string code, else SERVICE_FAILED.
export function handlerError(error, serviceId, method) {
  const own = error?.code
  const code =
    typeof own === 'string' && own.length > 0 && own.length <= MAX_CODE_LENGTH ? own : ErrorCodes.SERVICE_FAILED
  const message = typeof error?.message === 'string' ? error.message : String(error)
  return new NanoStoreIPCError(code, message, { serviceId, method, originalError: error })
}

function invalidArgument(message) {
  return new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, message)
}

function closeIterator(iterator) {
  try {
    Promise.resolve(iterator?.return?.()).catch(() => {})
  } catch {
    // a throwing return() has nothing left to stop
  }
}

export function createServices({
  native,
  checkSerializable,
  opts,
  channels,
  windows,
  checkSender,
  report,
  taps = { call: null }
}) {
  const services = new Map() // id -> definition (atom/service.js normalizeServiceOptions)
  const calls = new Map() // window id -> Map(callId -> call)
  let openCalls = 0

  // ---- registry

  function add(def) {
    native.registerService(def.id, def.methods)
    services.set(def.id, def)
  }

  function remove(id) {
    if (!services.has(id)) return false
    for (const windowCalls of calls.values()) {
      for (const call of [...windowCalls.values()]) {
        if (call.def.id === id) abortCall(call, ErrorCodes.DESTROYED, `Service '${id}' was removed`, true)
      }
    }
    services.delete(id)
    native.unregisterService(id)
    return true
  }

  // ---- calls

  const failCall = (error, serviceId, method) => {
    const e = toNanoStoreIPCError(error, ErrorCodes.INTERNAL)
    if (serviceId !== undefined) e.serviceId ??= serviceId
    if (method !== undefined) e.method ??= method
    report(e)
    return { error: e.toJSON() }
  }

  function onCall(event, callId, serviceId, method, args) {
    const sid = isValidId(serviceId) ? serviceId : undefined
    const name = sid && isValidId(method) ? method : undefined
    let windowId
    let def
    let frame
    try {
      windowId = checkSender(event)
      if (!isValidCallId(callId)) throw invalidArgument('A call id must be a positive integer')
      if (!sid || !isValidId(method)) {
        throw new NanoStoreIPCError(
          ErrorCodes.INVALID_ID,
          `Service ids and method names are strings of 1 to ${MAX_ID_LENGTH} characters`
        )
      }
      native.authorizeCall(windowId, serviceId, method)
      def = services.get(serviceId)
      if (!Array.isArray(args) || args.length > MAX_CALL_ARGS) {
        throw invalidArgument(`Call arguments must be an array of at most ${MAX_CALL_ARGS} values`)
      }
      frame = event.senderFrame
      if (
        def.allowSender &&
        !def.allowSender(senderInfo(frame, windows.kindOf(windowId), windows.webContentsIdOf(windowId)))
      ) {
        throw new NanoStoreIPCError(
          ErrorCodes.SENDER_REJECTED,
          `Sender ${frame.url} rejected by allowSender of service '${serviceId}'`
        )
      }
      if (def.validateArgs) checkArgs(def, method, args)
      if (calls.get(windowId)?.has(callId)) throw invalidArgument(`Call id ${callId} is already in use`)
    } catch (error) {
      const reply = failCall(error, sid, name)
      if (taps.call !== null) {
        const caller = windowId ?? event?.sender?.id
        taps.call({ serviceId: sid, method: name, windowId: caller, durationMs: 0, error: reply.error })
      }
      return reply
    }
    return start(def, windowId, callId, method, args, frame)
  }

  function checkArgs(def, method, args) {
    let accepted
    try {
      accepted = def.validateArgs(method, args)
    } catch (error) {
      throw invalidArgument(`Arguments of ${def.id}.${method}() rejected by validateArgs: ${error?.message ?? error}`)
    }
    if (!accepted) throw invalidArgument(`Arguments of ${def.id}.${method}() rejected by validateArgs`)
  }

  function start(def, windowId, callId, method, args, frame) {
    const controller = lazyAbort()
    const call = {
      def,
      method,
      windowId,
      callId,
      controller,
      context: new CallContext(def.id, method, controller, { windowId, frameUrl: frame.url, origin: frame.origin }),
      startedAt: performance.now(),
      done: false,
      replied: false,
      resolve: null,
      timer: null,
      iterator: null,
      credit: STREAM_WINDOW,
      wake: null
    }
    let windowCalls = calls.get(windowId)
    if (!windowCalls) calls.set(windowId, (windowCalls = new Map()))
    windowCalls.set(callId, call)
    openCalls++
    return new Promise(resolve => {
      call.resolve = resolve
      if (def.timeoutMs) {
        call.timer = setTimeout(
          () =>
            abortCall(
              call,
              ErrorCodes.CALL_TIMEOUT,
              `${def.id}.${method}() did not finish within ${def.timeoutMs} ms`,
              true
            ),
          def.timeoutMs
        )
      }
      runHandler(call, args)
    })
  }

  async function runHandler(call, args) {
    const { def, method } = call
    try {
      if (def.beforeAll) await runInCall(call.context, () => def.beforeAll(method, args))
      if (call.done) return
      const result = await runInCall(call.context, () => def.handlers[method].apply(def.handlers, args))
      if (call.done) {
        if (isAsyncIterable(result)) closeIterator(result[Symbol.asyncIterator]())
        return
      }
      if (isAsyncIterable(result)) return startStream(call, result)
      if (opts.validateSerialization) {
        const check = checkSerializable(result, { root: `${def.id}.${method}()` })
        if (!check.ok) throw serializationError(undefined, check)
      }
      finish(call, { value: result }, result)
    } catch (error) {
      if (!call.done) finish(call, { error: handlerError(error, def.id, method) }, undefined)
    }
  }

  function reply(call, message) {
    if (call.replied) return
    call.replied = true
    call.resolve(message)
  }

  // The call is over: forget it, run afterAll (result undefined after a failure), then
  // reply (a stream already replied; its end went out as a chunk).
  function finish(call, outcome, result) {
    if (call.done) return
    call.done = true
    clearTimeout(call.timer)
    call.wake?.()
    const windowCalls = calls.get(call.windowId)
    if (windowCalls?.get(call.callId) === call) {
      windowCalls.delete(call.callId)
      openCalls--
      if (windowCalls.size === 0) calls.delete(call.windowId)
    }
    const error = outcome.error
    if (error && error.code !== ErrorCodes.CALL_ABORTED) report(error)
    if (taps.call !== null) {
      const durationMs = performance.now() - call.startedAt
      const { def, method, windowId, iterator } = call
      taps.call({ serviceId: def.id, method, windowId, durationMs, stream: iterator !== null, error })
    }
    const message = error ? { error: error.toJSON() } : outcome
    const { afterAll } = call.def
    if (!afterAll) return reply(call, message)
    const durationMs = performance.now() - call.startedAt
    try {
      Promise.resolve(runInCall(call.context, () => afterAll(call.method, result, durationMs)))
        .catch(e => report(handlerError(e, call.def.id, call.method)))
        .finally(() => reply(call, message))
    } catch (e) {
      report(handlerError(e, call.def.id, call.method))
      reply(call, message)
    }
  }

  // Cancelled by the page, timed out, window gone, service removed, instance destroyed:
  // the handler's signal aborts, a stream stops; the caller hears of it if `notify`.
  function abortCall(call, code, message, notify) {
    if (call.done) return
    const error = new NanoStoreIPCError(code, message, { serviceId: call.def.id, method: call.method })
    call.controller.abort(error)
    if (call.iterator) {
      closeIterator(call.iterator)
      if (notify) sendChunk(call, { error: error.toJSON() })
    }
    finish(call, { error }, undefined)
  }

  function dropWindow(windowId, why) {
    const windowCalls = calls.get(windowId)
    if (!windowCalls) return
    for (const call of [...windowCalls.values()]) {
      abortCall(call, ErrorCodes.CALL_ABORTED, `${call.def.id}.${call.method}(): the window ${why}`, false)
    }
    calls.delete(windowId)
  }

  // ---- streams

  function startStream(call, iterable) {
    call.iterator = iterable[Symbol.asyncIterator]()
    reply(call, { stream: true })
    return pump(call)
  }

  async function pump(call) {
    const { iterator, def, method } = call
    try {
      for (;;) {
        if (call.credit <= 0) {
          await new Promise(resolve => {
            call.wake = resolve
          })
          call.wake = null
        }
        if (call.done) return
        const step = await runInCall(call.context, () => iterator.next())
        if (call.done) return
        if (step.done) {
          if (sendChunk(call, { done: true })) finish(call, {}, step.value)
          return
        }
        if (opts.validateSerialization) {
          const check = checkSerializable(step.value, { root: `${def.id}.${method}() chunk` })
          if (!check.ok) throw serializationError(undefined, check)
        }
        if (!sendChunk(call, { value: step.value })) return
        call.credit--
      }
    } catch (error) {
      if (call.done) return
      const e = handlerError(error, def.id, method)
      closeIterator(iterator)
      sendChunk(call, { error: e.toJSON() })
      finish(call, { error: e }, undefined)
    }
  }

  // false when the call ended because the chunk could not be sent.
  function sendChunk(call, chunk) {
    const wc = windows.contents(call.windowId)
    if (!wc) {
      abortCall(call, ErrorCodes.CALL_ABORTED, `${call.def.id}.${call.method}(): the window is gone`, false)
      return false
    }
    try {
      wc.send(channels.svcChunk, { callId: call.callId, ...chunk })
      return true
    } catch (error) {
      if (call.done) return false
      const code = isCloneError(error) ? ErrorCodes.SERIALIZATION_FAILED : ErrorCodes.IPC_FAILED
      const e = new NanoStoreIPCError(
        code,
        `${call.def.id}.${call.method}(): a chunk could not be sent: ${error?.message}`,
        {
          serviceId: call.def.id,
          method: call.method,
          originalError: error
        }
      )
      closeIterator(call.iterator)
      if (code === ErrorCodes.SERIALIZATION_FAILED) {
        try {
          wc.send(channels.svcChunk, { callId: call.callId, error: e.toJSON() })
        } catch {
          // the window went away as well
        }
      }
      call.controller.abort(e)
      finish(call, { error: e }, undefined)
      return false
    }
  }

  function onCancel(event, callId) {
    try {
      const windowId = checkSender(event)
      const call = calls.get(windowId)?.get(callId)
      if (call)
        abortCall(call, ErrorCodes.CALL_ABORTED, `${call.def.id}.${call.method}() was cancelled by the caller`, false)
    } catch (error) {
      report(toNanoStoreIPCError(error, ErrorCodes.INTERNAL))
    }
  }

  function onCredit(event, message) {
    try {
      const windowId = checkSender(event)
      const call = calls.get(windowId)?.get(message?.callId)
      const n = message?.n
      if (!Number.isSafeInteger(n) || n < 1 || n > STREAM_WINDOW) {
        throw invalidArgument(`Stream credit must be an integer in 1..${STREAM_WINDOW}`)
      }
      if (!call) return
      call.credit = Math.min(call.credit + n, STREAM_WINDOW)
      call.wake?.()
    } catch (error) {
      report(toNanoStoreIPCError(error, ErrorCodes.INTERNAL))
    }
  }

  // ---- events

  function onSub(event, message) {
    try {
      const windowId = checkSender(event)
      if (message === null || typeof message !== 'object')
        throw invalidArgument('Event subscription message must be an object')
      const add = eventPairs(message.add, 'add')
      const remove = eventPairs(message.remove, 'remove')
      if (remove.length) native.unsubscribeEvents(windowId, remove)
      if (add.length) {
        for (const serviceId of native.subscribeEvents(windowId, add)) {
          report(
            new NanoStoreIPCError(
              ErrorCodes.SERVICE_NOT_FOUND,
              `Window ${windowId} listens to service '${serviceId}', which main has not defined`,
              { serviceId }
            )
          )
        }
      }
    } catch (error) {
      report(toNanoStoreIPCError(error, ErrorCodes.INTERNAL))
    }
  }

  // Sends to the live windows listening to this service's event; returns how many.
  function broadcast(serviceId, eventName, data) {
    const recipients = native.eventRecipients(serviceId, eventName)
    if (opts.validateSerialization) {
      const check = checkSerializable(data, { root: `${serviceId}.${eventName}` })
      if (!check.ok) throw Object.assign(serializationError(undefined, check), { serviceId })
    }
    const message = { serviceId, eventName, data }
    let sent = 0
    for (const id of recipients) {
      const wc = windows.contents(id)
      if (!wc) continue
      try {
        wc.send(channels.svcEvent, message)
        sent++
      } catch (error) {
        const clone = isCloneError(error)
        const e = new NanoStoreIPCError(
          clone ? ErrorCodes.SERIALIZATION_FAILED : ErrorCodes.IPC_FAILED,
          `Could not send event '${eventName}' of service '${serviceId}' to window ${id}: ${error?.message}`,
          { serviceId, originalError: error }
        )
        report(e)
        if (clone) throw e // the same value fails for every window
      }
    }
    return sent
  }

  // ---- lifecycle

  // A new page in a window (its preload said hello): the old page's calls are over. The
  // sender check names the participant (a sub-frame's hello is not its window's).
  function onHello(event) {
    let id
    try {
      id = checkSender(event)
    } catch {
      return // refused: handlers.js reports it
    }
    dropWindow(id, 'loaded a new page')
  }

  return {
    add,
    remove,
    removeAll() {
      for (const id of [...services.keys()]) remove(id)
    },
    broadcast,
    dropWindow,
    install(ipcMain) {
      try {
        ipcMain.handle(channels.svcCall, onCall)
      } catch (error) {
        throw new NanoStoreIPCError(ErrorCodes.IPC_FAILED, `Could not register IPC handlers: ${error.message}`, {
          originalError: error
        })
      }
      ipcMain.on(channels.svcCancel, onCancel)
      ipcMain.on(channels.svcCredit, onCredit)
      ipcMain.on(channels.svcSub, onSub)
      ipcMain.on(channels.hello, onHello)
    },
    uninstall(ipcMain) {
      ipcMain.removeHandler(channels.svcCall)
      ipcMain.removeListener(channels.svcCancel, onCancel)
      ipcMain.removeListener(channels.svcCredit, onCredit)
      ipcMain.removeListener(channels.svcSub, onSub)
      ipcMain.removeListener(channels.hello, onHello)
    },
    get size() {
      return services.size
    },
    // Calls (and streams) running now, over every window.
    get openCalls() {
      return openCalls
    }
  }
}

function eventPairs(value, field) {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.length > MAX_BATCH) {
    throw invalidArgument(`Event subscription field \`${field}\` must be an array of at most ${MAX_BATCH} pairs`)
  }
  for (const pair of value) {
    if (!Array.isArray(pair) || pair.length !== 2 || !isValidId(pair[0]) || !isValidId(pair[1])) {
      throw new NanoStoreIPCError(
        ErrorCodes.INVALID_ID,
        `Event subscription field \`${field}\` holds [serviceId, eventName] pairs of strings of 1 to ${MAX_ID_LENGTH} characters`
      )
    }
  }
  return value
}
