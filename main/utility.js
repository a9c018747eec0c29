// Utility processes as participants (./windows.js). registerUtilityProcess(child) makes a
// MessageChannelMain, hands one end to the child on its parentPort (protocol/port.js;
// connectNanoStoreIPC() takes it there) and serves the other end with the handlers that
// serve windows: they are installed on `router`, an ipcMain-shaped object, as well as on
// ipcMain, and every message from the port reaches them with the participant's own event:
// sender { id } (an id of the utility id space), a senderFrame that says it is a utility
// process, and the PORT_EVENT brand the sender check looks for. Invoke replies and main's
// sends share the port, so they keep their order, as a window's do.
// The child is forgotten (runtime, service calls, port) when it exits, when its port closes,
// on unregister() and on destroy(). A restarted child is a new UtilityProcess: registered,
// it gets a new id and hydrates again.
import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'
import { isValidCallId } from '../protocol/index.js'
import { CONNECT, INVOKE, PORT_PROTOCOL, REPLY, SEND, invokeErrorText } from '../protocol/port.js'
import { PORT_EVENT } from './windows.js'

const invalid = message => new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, message)

// What the handlers' install()/uninstall() use of ipcMain, for port messages.
function createRouter() {
  const handlers = new Map()
  const listeners = new Map() // channel -> listeners (a new array on every change: safe to iterate)
  return {
    handle(channel, handler) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
      handlers.set(channel, handler)
    },
    removeHandler(channel) {
      handlers.delete(channel)
    },
    on(channel, listener) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener])
    },
    removeListener(channel, listener) {
      const list = listeners.get(channel)?.filter(l => l !== listener)
      if (list?.length) listeners.set(channel, list)
      else listeners.delete(channel)
    },
    handler: channel => handlers.get(channel),
    emit(channel, event, args) {
      for (const listener of listeners.get(channel) ?? []) listener(event, ...args)
    }
  }
}

export function createUtilityProcesses({ MessageChannelMain, windows, native, channels, report }) {
  const router = createRouter()
  const registered = new Map() // UtilityProcess -> its participant
  const keyOf = new Map(Object.entries(channels).map(([key, channel]) => [channel, key]))
  const channelOf = key => (typeof key === 'string' && Object.hasOwn(channels, key) ? channels[key] : undefined)

  function register(child, options = {}) {
    if (
      child === null ||
      typeof child !== 'object' ||
      typeof child.postMessage !== 'function' ||
      typeof child.on !== 'function' ||
      typeof child.removeListener !== 'function'
    ) {
      throw invalid('registerUtilityProcess(child) needs a UtilityProcess (from utilityProcess.fork())')
    }
    if (options === null || typeof options !== 'object')
      throw invalid('registerUtilityProcess options must be an object')
    const name = options.name ?? 'utility'
    if (typeof name !== 'string' || name.length === 0 || name.length > 256) {
      throw invalid('Option name must be a string of 1 to 256 characters')
    }
    if (registered.has(child)) return false
    if (typeof MessageChannelMain !== 'function') {
      throw new NanoStoreIPCError(ErrorCodes.WRONG_PROCESS, "Electron's MessageChannelMain is not available here")
    }
    const { port1: port, port2 } = new MessageChannelMain()

    let participant = null
    const drop = () => {
      if (participant) windows.forget(participant.id)
    }
    const onMessage = message => dispatch(message?.data)
    participant = windows.addUtility({
      name,
      pid: () => child.pid,
      send: (channel, ...args) => port.postMessage([SEND, keyOf.get(channel), ...args]),
      off() {
        registered.delete(child)
        child.removeListener('exit', drop)
        port.removeListener('message', onMessage)
        port.removeListener('close', drop)
        port.close()
      }
    })
    registered.set(child, participant)
    const event = Object.freeze({
      sender: Object.freeze({ id: participant.id }),
      senderFrame: Object.freeze({ kind: 'utility', url: `utility:${name}`, origin: 'utility:' }),
      [PORT_EVENT]: participant
    })

    const refuse = what => report(invalid(`Utility process '${name}' (${participant.id}) sent ${what}; it was ignored`))

    function dispatch(data) {
      if (!Array.isArray(data)) return refuse('a message that is not an array')
      if (data[0] === SEND) {
        const channel = channelOf(data[1])
        if (!channel) return refuse(`a message on an unknown channel`)
        router.emit(channel, event, data.slice(2))
        // A utility process has no load to finish: it is ready once its bridge said hello.
        if (channel === channels.hello && windows.has(participant.id)) native.setWindowState(participant.id, 'ready')
      } else if (data[0] === INVOKE && isValidCallId(data[1])) {
        invoke(data[1], data[2], data.slice(3))
      } else refuse('a message of an unknown kind')
    }

    // As Electron's invoke: the handler's result (awaited) is the reply; a throw, or a result
    // that cannot be cloned, fails the invoke with Electron's text. A result that is not a
    // promise (reads, writes) is posted at once, right behind what the handler sent: its order
    // then never depends on when microtasks run, which differs between hosts (several port
    // messages may be dispatched in one turn).
    function invoke(id, key, args) {
      const channel = channelOf(key)
      const handler = channel && router.handler(channel)
      if (!handler) {
        const name = channel ?? String(key)
        return reply(id, false, invokeErrorText(name, `Error: No handler registered for '${name}'`))
      }
      let result
      try {
        result = handler(event, ...args)
      } catch (error) {
        return reply(id, false, invokeErrorText(channel, String(error)))
      }
      if (typeof result?.then !== 'function') return reply(id, true, result, channel)
      result.then(
        value => reply(id, true, value, channel),
        error => reply(id, false, invokeErrorText(channel, String(error)))
      )
    }

    function reply(id, ok, value, channel) {
      try {
        port.postMessage([REPLY, id, ok, value])
      } catch (error) {
        port.postMessage([REPLY, id, false, invokeErrorText(channel, String(error))])
      }
    }

    child.on('exit', drop)
    port.on('close', drop)
    port.on('message', onMessage)
    port.start()
    child.postMessage({ [CONNECT]: PORT_PROTOCOL }, [port2])
    return true
  }

  return {
    router,
    register,
    unregister(child) {
      const participant = registered.get(child)
      return participant ? windows.forget(participant.id) : false
    },
    get size() {
      return registered.size
    }
  }
}
