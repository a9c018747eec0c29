// Services in the native runtime: the registry of service ids and method names and the
// per-window event subscriptions (src/services.rs, beside the store subscriptions, so a
// window the runtime resets or forgets is dropped from both).
//
// withServiceTable(runtime) returns the runtime. An addon built before the services
// surface was exported gets the same methods from a JS mirror of src/services.rs,
// installed on the instance (its resetWindow/forgetWindow then drop the window's event
// subscriptions too), so main/ has one API either way:
//   registerService(id, methods) · unregisterService(id) · authorizeCall(windowId, serviceId, method)
//   subscribeEvents(windowId, [serviceId, eventName][]) → missing service ids
//   unsubscribeEvents(windowId, pairs) · eventRecipients(serviceId, eventName) → window ids
//   serviceInfo(id) · serviceIds() · windowEvents(windowId) · serviceStats()
const MAX_EVENTS_PER_WINDOW = 10000

function coded(code, message, fields = {}) {
  return Object.assign(new Error(message), { code }, fields)
}

export function withServiceTable(runtime) {
  if (typeof runtime.registerService === 'function') return runtime
  const services = new Map() // id -> Set of method names
  const events = new Map() // serviceId -> Map(eventName -> Map(windowId -> count))
  const byWindow = new Map() // windowId -> Set of `${serviceId}\0${eventName}`
  let subscriptions = 0

  // Window states mirrored from the runtime's own calls (windowInfo() would build a
  // window's whole store list on every call).
  const states = new Map()
  const windowState = id => states.get(id)
  const liveWindow = id => {
    const state = windowState(id)
    if (state === undefined || state === 'gone') {
      throw coded('WINDOW_NOT_FOUND', `window ${id} ${state ? 'is gone' : 'is not registered'}`, { windowId: id })
    }
  }
  const count = (w, s, e) => events.get(s)?.get(e)?.get(w) ?? 0

  function forgetPair(w, s, e) {
    const keys = byWindow.get(w)
    if (keys?.delete(`${s}\0${e}`)) subscriptions--
    if (keys?.size === 0) byWindow.delete(w)
  }

  function dropWindow(w) {
    for (const key of byWindow.get(w) ?? []) {
      const [s, e] = key.split('\0')
      const listeners = events.get(s)?.get(e)
      listeners?.delete(w)
      if (listeners?.size === 0) events.get(s).delete(e)
      if (events.get(s)?.size === 0) events.delete(s)
      subscriptions--
    }
    byWindow.delete(w)
  }

  const { registerWindow, setWindowState, resetWindow, forgetWindow } = runtime
  Object.assign(runtime, {
    registerWindow(id) {
      const added = registerWindow.call(runtime, id)
      if (added) states.set(id, 'loading')
      return added
    },
    setWindowState(id, state) {
      setWindowState.call(runtime, id, state)
      states.set(id, state)
    },
    resetWindow(id) {
      resetWindow.call(runtime, id)
      dropWindow(id)
    },
    forgetWindow(id) {
      const known = forgetWindow.call(runtime, id)
      states.delete(id)
      dropWindow(id)
      return known
    },
    registerService(id, methods) {
      if (services.has(id)) throw coded('SERVICE_EXISTS', `service "${id}" is already registered`, { serviceId: id })
      services.set(id, new Set(methods))
    },
    unregisterService(id) {
      if (!services.has(id)) throw coded('SERVICE_NOT_FOUND', `service "${id}" is not registered`, { serviceId: id })
      services.delete(id)
      for (const [e, listeners] of events.get(id) ?? []) {
        for (const w of listeners.keys()) forgetPair(w, id, e)
      }
      events.delete(id)
    },
    authorizeCall(windowId, serviceId, method) {
      liveWindow(windowId)
      const methods = services.get(serviceId)
      if (!methods) throw coded('SERVICE_NOT_FOUND', `service "${serviceId}" is not registered`, { serviceId })
      if (!methods.has(method)) {
        throw coded('METHOD_NOT_FOUND', `service "${serviceId}" has no method "${method}"`, { serviceId, method })
      }
    },
    subscribeEvents(windowId, pairs) {
      liveWindow(windowId)
      const fresh = new Set()
      for (const [s, e] of pairs) {
        if (services.has(s) && count(windowId, s, e) === 0) fresh.add(`${s}\0${e}`)
      }
      if ((byWindow.get(windowId)?.size ?? 0) + fresh.size > MAX_EVENTS_PER_WINDOW) {
        throw coded(
          'INVALID_ARGUMENT',
          `invalid argument events: a window may listen to at most ${MAX_EVENTS_PER_WINDOW} service events`
        )
      }
      const missing = []
      for (const [s, e] of pairs) {
        if (!services.has(s)) {
          if (!missing.includes(s)) missing.push(s)
          continue
        }
        if (!events.has(s)) events.set(s, new Map())
        const byEvent = events.get(s)
        if (!byEvent.has(e)) byEvent.set(e, new Map())
        const listeners = byEvent.get(e)
        const n = (listeners.get(windowId) ?? 0) + 1
        listeners.set(windowId, n)
        if (n === 1) {
          if (!byWindow.has(windowId)) byWindow.set(windowId, new Set())
          byWindow.get(windowId).add(`${s}\0${e}`)
          subscriptions++
        }
      }
      return missing
    },
    unsubscribeEvents(windowId, pairs) {
      if (windowState(windowId) === undefined) {
        throw coded('WINDOW_NOT_FOUND', `window ${windowId} is not registered`, { windowId })
      }
      for (const [s, e] of pairs) {
        const listeners = events.get(s)?.get(e)
        const n = listeners?.get(windowId)
        if (!n) continue
        if (n > 1) {
          listeners.set(windowId, n - 1)
          continue
        }
        listeners.delete(windowId)
        if (listeners.size === 0) events.get(s).delete(e)
        if (events.get(s).size === 0) events.delete(s)
        forgetPair(windowId, s, e)
      }
    },
    eventRecipients(serviceId, eventName) {
      if (!services.has(serviceId)) {
        throw coded('SERVICE_NOT_FOUND', `service "${serviceId}" is not registered`, { serviceId })
      }
      const listeners = events.get(serviceId)?.get(eventName)
      if (!listeners) return []
      return [...listeners.keys()].filter(w => windowState(w) !== 'gone').sort((a, b) => a - b)
    },
    serviceInfo(id) {
      const methods = services.get(id)
      if (!methods) return null
      return {
        id,
        methods: [...methods].sort(),
        events: [...(events.get(id) ?? [])]
          .map(([name, listeners]) => ({
            name,
            windows: [...listeners].sort((a, b) => a[0] - b[0]).map(([w, n]) => ({ id: w, count: n }))
          }))
          .sort((a, b) => (a.name < b.name ? -1 : 1))
      }
    },
    serviceIds: () => [...services.keys()].sort(),
    windowEvents: windowId =>
      [...(byWindow.get(windowId) ?? [])].sort().map(key => {
        const [serviceId, eventName] = key.split('\0')
        return { serviceId, eventName, count: count(windowId, serviceId, eventName) }
      }),
    serviceStats: () => ({ services: services.size, eventSubscriptions: subscriptions })
  })
  return runtime
}
