// What the inspector's page sees (main side): the snapshot it starts from (hello) and the feed
// messages after it. Events (commits, refused writes, pauses, service calls, log lines) are batched
// into one feed message at most every FLUSH_MS, at most MAX_EVENTS each (older ones are counted as
// dropped); every TICK_MS the message also carries every store's state, the windows, the services
// and the history's stats. Store values travel as previews (inspector/preview.js), made when sent.
// Refusals, calls and log lines are kept (KEPT_EVENTS each) for a page that (re)loads; commits come
// from the native history. It also counts, per store, the updates and bytes sent to windows.
import v8 from 'node:v8'

import { ErrorCodes, toNanoStoreIPCError } from '../error/index.js'
import { DELTA_LIMITS, preview, previewKeys } from '../inspector/preview.js'
import { INSPECTOR_CHANNELS } from '../inspector/protocol.js'
import { APPEND, KEYS, WHOLE } from '../protocol/delta.js'

const FLUSH_MS = 50 // events reach the page at most this late
const TICK_MS = 1000 // rates, windows, services, the store list
const MAX_EVENTS = 2000 // per feed message
const KEPT_EVENTS = 1000 // refusals and calls, and log lines, kept for a page that (re)loads

// paused: store id -> commits held (inspector.js); sizes: store id -> bytes of its last recorded value.
export function createFeed({ native, BrowserWindow, stores, windows, report, paused, sizes }) {
  let target = null // the inspector's webContents while it is open
  let connected = false // its page asked for the snapshot: feed messages go out
  let pending = []
  let dropped = 0
  let flushTimer = null
  let tickTimer = null
  let lastTick = 0
  const changed = new Set() // store ids whose state changed since the last message
  const wires = new WeakMap() // pending commit event -> [wire kind, payload], previewed when sent
  const kept = { timeline: [], logs: [] }
  const counters = new Map() // store id -> { updates, bytes, lastUpdates, lastBytes, rate }
  const calls = new Map() // service id -> { calls, errors }
  const labels = new Map() // window id -> { title, url }, also after the window closed

  // ---- events

  // A commit while the inspector is open (recorded: { kept, bytes } or null).
  function commit(entry, record, message, count, held, recorded) {
    if (!held && count > 0) {
      const counter = counterOf(entry.id)
      counter.updates += count
      counter.bytes += count * wireBytes(message, recorded)
    }
    changed.add(entry.id)
    const event = {
      type: 'commit',
      time: Date.now(),
      store: entry.id,
      rev: record.rev,
      writer: record.writer,
      writerLabel: labelOf(record.writer),
      change: record.change,
      restoredFrom: record.restoredFrom,
      bytes: recorded?.bytes ?? 0,
      kept: recorded?.kept ?? false,
      sent: held ? 0 : count,
      held
    }
    // previewed when sent: a burst between two feed messages sends only its last events
    wires.set(event, [message[0], message[3]])
    push(event)
  }

  // participant: the writer's id when the sender check let it in (a window, a frame, a utility
  // process), else the sending webContents'.
  function refused(event, storeId, error, participant) {
    const writer = participant ?? event?.sender?.id
    keep(kept.timeline, {
      type: 'refused',
      time: Date.now(),
      store: typeof storeId === 'string' ? storeId.slice(0, 300) : String(storeId).slice(0, 100),
      writer,
      writerLabel: labelOf(writer),
      code: error.code,
      message: error.message
    })
  }

  function call({ serviceId, method, windowId, durationMs, stream = false, error }) {
    if (serviceId !== undefined) {
      const stats = calls.get(serviceId) ?? { calls: 0, errors: 0 }
      stats.calls++
      if (error) stats.errors++
      calls.set(serviceId, stats)
    }
    keep(kept.timeline, {
      type: 'call',
      time: Date.now(),
      service: serviceId ?? null,
      method: method ?? null,
      writer: windowId,
      writerLabel: labelOf(windowId),
      durationMs,
      stream,
      code: error?.code ?? null,
      message: error?.message
    })
  }

  function pause(storeId, isPaused, rev) {
    changed.add(storeId)
    keep(kept.timeline, { type: 'pause', time: Date.now(), store: storeId, paused: isPaused, rev })
  }

  function log(event) {
    keep(kept.logs, { type: 'log', time: Date.now(), level: event.level, message: event.message, fields: event.fields })
  }

  // An error main reported, as a log line.
  function error(e) {
    const fields = { code: e.code }
    for (const k of ['storeId', 'serviceId', 'method', 'path']) if (e[k] !== undefined) fields[k] = e[k]
    log({ level: 'error', message: e.message, fields })
  }

  function keep(list, event) {
    list.push(event)
    if (list.length >= 2 * KEPT_EVENTS) trim(list, KEPT_EVENTS)
    push(event)
  }

  function push(event) {
    if (!connected) return
    pending.push(event)
    // trimmed in halves, not per event: a burst that starves the flush timer stays linear
    if (pending.length >= 2 * MAX_EVENTS) dropped += trim(pending, MAX_EVENTS)
    flushTimer ??= unref(setTimeout(flush, FLUSH_MS))
  }

  function previewWire(event) {
    const wire = wires.get(event)
    if (wire) {
      wires.delete(event)
      previewWireOf(wire[0], wire[1], event)
    }
    return event
  }

  // ---- messages

  function flush(full = false) {
    clearTimeout(flushTimer)
    flushTimer = null
    if (!connected || !target || target.isDestroyed()) return
    if (pending.length > MAX_EVENTS) dropped += trim(pending, MAX_EVENTS)
    const message = { events: pending.map(previewWire), stores: [] }
    if (dropped) message.dropped = dropped
    const everyone = allSubscribers()
    const ids = full ? native.storeIds() : changed
    for (const id of ids) {
      const state = storeState(id, changed.has(id), everyone)
      if (state) message.stores.push(state)
    }
    if (full) {
      message.all = true
      message.windows = windowList()
      message.services = serviceList()
      message.history = native.historyStats()
    }
    pending = []
    dropped = 0
    changed.clear()
    try {
      target.send(INSPECTOR_CHANNELS.feed, message)
    } catch (e) {
      report(toNanoStoreIPCError(e, ErrorCodes.IPC_FAILED))
    }
  }

  function tick() {
    const now = performance.now()
    const seconds = Math.max((now - lastTick) / 1000, 0.001)
    lastTick = now
    for (const counter of counters.values()) {
      counter.rate = [(counter.updates - counter.lastUpdates) / seconds, (counter.bytes - counter.lastBytes) / seconds]
      counter.lastUpdates = counter.updates
      counter.lastBytes = counter.bytes
    }
    for (const id of native.windowIds()) labels.set(id, describe(id))
    flush(true)
  }

  // The snapshot a page starts from; the feed follows it (what it holds is not sent again).
  function hello() {
    connected = true
    pending = []
    dropped = 0
    changed.clear()
    trim(kept.timeline, KEPT_EVENTS)
    trim(kept.logs, KEPT_EVENTS)
    const everyone = allSubscribers()
    return {
      stores: native.storeIds().map(id => storeState(id, true, everyone)),
      windows: windowList(),
      services: serviceList(),
      history: native.historyStats(),
      timeline: [...timelineOfHistory(), ...kept.timeline].sort((a, b) => a.time - b.time),
      logs: kept.logs
    }
  }

  // ---- what the page shows

  function allSubscribers() {
    return native.windowIds().filter(id => native.windowInfo(id)?.all)
  }

  function storeState(id, withValue, everyone) {
    const entry = stores.get(id)
    const info = native.storeInfo(id)
    if (!entry || !info) return null
    const counter = counters.get(id)
    const state = {
      id,
      rev: entry.rev,
      kind: entry.kind,
      options: {
        throttleMs: entry.options.throttleMs,
        rendererCanSet: info.rendererCanSet,
        persist: persistOf(entry),
        maxPayloadBytes: info.maxPayloadBytes
      },
      subscribers: [...new Set([...info.subscribers, ...everyone])].sort((a, b) => a - b),
      paused: paused.has(id),
      held: paused.get(id) ?? 0,
      updatesPerSecond: counter?.rate[0] ?? 0,
      bytesPerSecond: counter?.rate[1] ?? 0,
      bytes: sizes.get(id) ?? null
    }
    if (withValue) state.value = preview(entry.value)
    return state
  }

  function windowList() {
    return native.windowIds().map(id => {
      const info = native.windowInfo(id)
      return { id, state: info.state, all: info.all, stores: info.stores.length, ...labelOf(id) }
    })
  }

  function serviceList() {
    return native
      .serviceIds()
      .map(id => ({ ...native.serviceInfo(id), calls: calls.get(id) ?? { calls: 0, errors: 0 } }))
  }

  function timelineOfHistory() {
    return native.history().map(e => ({
      type: 'commit',
      seq: e.seq,
      time: e.time,
      store: e.storeId,
      rev: e.rev,
      writer: e.writer,
      writerLabel: labelOf(e.writer),
      change: e.change,
      restoredFrom: e.restoredFrom,
      bytes: e.bytes,
      kept: e.kept
    }))
  }

  // A participant as the page names it: a window's title and URL, a sub-frame's URL and window, a
  // utility process's name and pid; the last label seen once it is gone.
  function describe(id) {
    const kind = windows.kindOf(id)
    if (kind === 'window') {
      const wc = windows.contents(id)
      if (!wc) return labels.get(id) ?? { kind, title: '', url: '' }
      let title = ''
      try {
        title = BrowserWindow.fromWebContents?.(wc)?.getTitle?.() ?? ''
      } catch {
        // a window being destroyed
      }
      return { kind, title, url: wc.getURL() }
    }
    if (kind === 'frame') {
      const frame = windows.describe(id)
      return { kind, title: `frame in #${frame.webContentsId}`, url: frame.url ?? '' }
    }
    if (kind === 'utility') {
      const utility = windows.describe(id)
      return { kind, title: `utility process ${utility.name ?? ''} (pid ${utility.pid ?? '?'})`, url: '' }
    }
    return labels.get(id) ?? { title: '', url: '' }
  }

  // 0 is main: no label.
  function labelOf(id) {
    if (typeof id !== 'number' || id === 0) return null
    let label = labels.get(id)
    if (!label) labels.set(id, (label = describe(id)))
    return label
  }

  function counterOf(id) {
    let counter = counters.get(id)
    if (!counter) counters.set(id, (counter = { updates: 0, bytes: 0, lastUpdates: 0, lastBytes: 0, rate: [0, 0] }))
    return counter
  }

  // ---- lifecycle

  return {
    commit,
    refused,
    call,
    pause,
    log,
    error,
    hello,
    open(webContents) {
      target = webContents
      lastTick = performance.now()
      tickTimer = unref(setInterval(tick, TICK_MS))
    },
    close() {
      clearInterval(tickTimer)
      clearTimeout(flushTimer)
      tickTimer = flushTimer = target = null
      connected = false
      pending = []
      dropped = 0
      changed.clear()
      kept.timeline = []
      kept.logs = []
      counters.clear()
      calls.clear()
      labels.clear()
    }
  }
}

// The change as sent: what was appended, a map's changed keys, or the value sent whole.
function previewWireOf(kind, payload, event) {
  if (kind === APPEND) event.delta = preview(payload, DELTA_LIMITS)
  else if (kind === KEYS) event.delta = previewKeys(payload, DELTA_LIMITS)
  else event.value = preview(payload, DELTA_LIMITS)
}

// What one update weighed on the wire: the serialized value when whole, else the delta's.
function wireBytes(message, recorded) {
  if (message[0] === WHOLE && recorded) return recorded.bytes
  try {
    return v8.serialize(message[3]).length
  } catch {
    return 0
  }
}

// Whether the store is saved to disk (and at which version): its hooks stay in main.
function persistOf(entry) {
  const persist = entry.options.persist
  if (!persist) return null
  return entry.persist ? `saved, version ${persist.version}` : 'asked for, no persist option'
}

// Drops the oldest elements beyond `max`; returns how many.
function trim(list, max) {
  const over = list.length - max
  if (over > 0) list.splice(0, over)
  return Math.max(over, 0)
}

function unref(timer) {
  timer?.unref?.()
  return timer
}
