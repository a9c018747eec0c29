// The store inspector (openInspector(), the `inspector` and `history` options): a window of its
// own (inspector/: its page and preload) that shows the stores, services and windows live, a
// timeline of commits, refused writes and service calls, the runtime's log, and restores a past
// commit or pauses one store's delivery.
//   - Recording: while history is on (an inspector is open, or `history` was given) taps.commit
//     records every commit in the native history (v8.serialize of the committed value, with its
//     revision, writer and wire form); off, no tap is set and a commit costs what it did.
//   - The window: sandboxed and context-isolated, never a store window (windows.js never
//     registers it: no subscriptions, no updates, no service events, not in stats()).
//   - Its channels (inspector/protocol.js) exist while it is open and answer only its page;
//     any other sender gets SENDER_REJECTED and changes nothing. Only restore and pause change
//     anything, and only when the developer clicks them.
//   - A restore is a new commit in main (store.set + commit, broadcast as usual): history is never
//     rewritten. A paused store keeps committing, but its updates are held; resuming (or closing
//     the inspector) commits the current value once more, sent whole.
import { fileURLToPath, pathToFileURL } from 'node:url'
import v8 from 'node:v8'

import { ErrorCodes, NanoStoreIPCError, toNanoStoreIPCError } from '../error/index.js'
import { DELTA_LIMITS, DETAIL_LIMITS, preview, previewKeys } from '../inspector/preview.js'
import { INSPECTOR_CHANNELS } from '../inspector/protocol.js'
import { APPEND, KEYS, WHOLE } from '../protocol/delta.js'
import { describeInvalidId, isValidId } from '../protocol/index.js'

const PAGE = fileURLToPath(new URL('../inspector/index.html', import.meta.url))
const PAGE_URL = pathToFileURL(PAGE).href
const PRELOAD = fileURLToPath(new URL('../inspector/preload.cjs', import.meta.url))

const CHANGES = { [WHOLE]: 'whole', [APPEND]: 'append', [KEYS]: 'keys' }
const FLUSH_MS = 50 // events reach the page at most this late
const TICK_MS = 1000 // rates, windows, services, store list
const MAX_EVENTS = 2000 // per feed message: older ones are dropped (and counted)
const KEPT_EVENTS = 1000 // refusals and calls, and log events, kept for a page that (re)loads
const WINDOW_OPTIONS = ['x', 'y', 'width', 'height']

const invalid = message => new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, message)

export function createInspector({ native, BrowserWindow, ipcMain, opts, stores, windows, broadcaster, taps, report }) {
  const userLogger = opts.enableLogging ? opts.logger : null
  let recording = false
  const seen = new WeakSet() // store entries whose value before their first recorded commit is recorded

  let win = null // the inspector's BrowserWindow while open
  let wc = null // its webContents
  let wcId = null
  let creating = false
  let connected = false // its page asked for the snapshot: feed messages go out
  let pending = [] // events for the next feed message
  let dropped = 0
  let installed = [] // channels this inspector handles now
  let flushTimer = null
  let tickTimer = null
  let lastTick = 0
  const changed = new Set() // store ids whose value changed since the last feed message
  const wires = new WeakMap() // a pending commit event -> [wire kind, payload], previewed when sent
  const kept = { timeline: [], logs: [] } // refusals and calls; log events
  const counters = new Map() // store id -> { updates, bytes, rate }
  const sizes = new Map() // store id -> bytes of its last serialized value
  const paused = new Map() // store id -> commits held since the pause
  const calls = new Map() // service id -> { calls, errors }
  const labels = new Map() // window id -> { title, url }, also after it closed

  // ---- recording

  function startRecording(limits) {
    if (recording) return
    native.enableHistory(limits)
    recording = true
    taps.commit = onCommit
    for (const id of native.storeIds()) {
      const entry = stores.get(id)
      if (entry) baseline(entry, entry.rev, entry.value)
    }
  }

  function stopRecording() {
    if (!recording) return
    recording = false
    taps.commit = null
    native.disableHistory()
  }

  // The value a store held before the first commit recording saw (or when it started).
  function baseline(entry, rev, value) {
    seen.add(entry)
    record(entry, { rev, change: 'baseline' }, value)
  }

  function record(entry, commit, value) {
    let bytes = null
    try {
      bytes = v8.serialize(value)
    } catch {
      // not serializable: recorded without its value (IPC cannot carry it either)
    }
    try {
      const kept = native.recordCommit(entry.id, commit, bytes)
      if (kept === null) return null
      const size = bytes?.length ?? 0
      sizes.set(entry.id, size)
      return { kept, bytes: size }
    } catch (error) {
      report(toNanoStoreIPCError(error, ErrorCodes.INTERNAL, entry.id))
      return null
    }
  }

  // taps.commit: every commit while recording. Returns false to hold its delivery.
  function onCommit(entry, message, writer, count, previous) {
    const rev = message[2]
    if (!seen.has(entry)) baseline(entry, rev - 1, previous)
    const commit = { rev, writer: 0, change: CHANGES[message[0]] }
    if (typeof writer === 'number') commit.writer = writer
    else if (writer) {
      commit.change = writer.change
      if (writer.from !== undefined) commit.restoredFrom = writer.from
    }
    // After a pause the windows may be several revisions behind: the value goes whole.
    if (commit.change === 'resume') {
      message[0] = WHOLE
      message[3] = entry.value
    }
    const recorded = record(entry, commit, entry.value)
    const held = count > 0 && paused.has(entry.id)
    if (held) paused.set(entry.id, paused.get(entry.id) + 1)
    if (win) {
      const counter = counterOf(entry.id)
      if (!held && count > 0) {
        counter.updates += count
        counter.bytes += count * wireBytes(message, recorded)
      }
      changed.add(entry.id)
      const event = {
        type: 'commit',
        time: Date.now(),
        store: entry.id,
        rev,
        writer: commit.writer,
        writerLabel: labelOf(commit.writer),
        change: commit.change,
        restoredFrom: commit.restoredFrom,
        bytes: recorded?.bytes ?? 0,
        kept: recorded?.kept ?? false,
        sent: held ? 0 : count,
        held
      }
      // previewed when sent: a burst between two feed messages sends only its last events
      wires.set(event, [message[0], message[3]])
      push(event)
    }
    return !held
  }

  // The change as sent: what was appended, a map's changed keys, or the value sent whole.
  function previewWire(event) {
    const wire = wires.get(event)
    if (!wire) return event
    wires.delete(event)
    const [kind, payload] = wire
    if (kind === APPEND) event.delta = preview(payload, DELTA_LIMITS)
    else if (kind === KEYS) event.delta = previewKeys(payload, DELTA_LIMITS)
    else event.value = preview(payload, DELTA_LIMITS)
    return event
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

  function counterOf(id) {
    let counter = counters.get(id)
    if (!counter) counters.set(id, (counter = { updates: 0, bytes: 0, lastUpdates: 0, lastBytes: 0, rate: [0, 0] }))
    return counter
  }

  // ---- refusals, calls, logs (while the inspector is open)

  function onRefused(event, storeId, error) {
    const writer = event?.sender?.id
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

  function onCall({ serviceId, method, windowId, durationMs, stream = false, error }) {
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

  function onLog(event) {
    keep(kept.logs, { type: 'log', time: Date.now(), level: event.level, message: event.message, fields: event.fields })
  }

  function onError(error) {
    const fields = { code: error.code }
    for (const k of ['storeId', 'serviceId', 'method', 'path']) if (error[k] !== undefined) fields[k] = error[k]
    onLog({ level: 'error', message: error.message, fields })
  }

  function keep(list, event) {
    list.push(event)
    if (list.length >= 2 * KEPT_EVENTS) trim(list, KEPT_EVENTS)
    push(event)
  }

  // The logger the runtime calls while the inspector is open: the log pane, then the app's.
  function teeLogger(event) {
    onLog(event)
    if (userLogger) userLogger(event)
  }

  // ---- the feed

  function push(event) {
    if (!connected) return
    pending.push(event)
    // trimmed in halves, not per event: a burst that starves the flush timer stays linear
    if (pending.length >= 2 * MAX_EVENTS) dropped += trim(pending, MAX_EVENTS)
    flushTimer ??= unref(setTimeout(flush, FLUSH_MS))
  }

  function flush(full = false) {
    clearTimeout(flushTimer)
    flushTimer = null
    if (!connected) return
    const target = contents()
    if (!target) return
    if (pending.length > MAX_EVENTS) dropped += trim(pending, MAX_EVENTS)
    const message = { events: pending.map(previewWire), stores: [] }
    if (dropped) message.dropped = dropped
    const everyone = allSubscribers()
    if (full) {
      message.all = true
      for (const id of native.storeIds()) {
        const state = storeState(id, changed.has(id), everyone)
        if (state) message.stores.push(state)
      }
      message.windows = windowList()
      message.services = serviceList()
      message.history = native.historyStats()
    } else {
      for (const id of changed) {
        const state = storeState(id, true, everyone)
        if (state) message.stores.push(state)
      }
    }
    pending = []
    dropped = 0
    changed.clear()
    try {
      target.send(INSPECTOR_CHANNELS.feed, message)
    } catch (error) {
      report(toNanoStoreIPCError(error, ErrorCodes.IPC_FAILED))
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
    return native.serviceIds().map(id => {
      const info = native.serviceInfo(id)
      return { ...info, calls: calls.get(id) ?? { calls: 0, errors: 0 } }
    })
  }

  function describe(id) {
    const wc = windows.contents(id)
    if (!wc) return labels.get(id) ?? { title: '', url: '' }
    let title = ''
    try {
      title = BrowserWindow.fromWebContents?.(wc)?.getTitle?.() ?? ''
    } catch {
      // a window being destroyed
    }
    return { title, url: wc.getURL() }
  }

  function labelOf(id) {
    if (typeof id !== 'number' || id === 0) return null
    let label = labels.get(id)
    if (!label) labels.set(id, (label = describe(id)))
    return label
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

  // ---- the page's requests

  function checkSender(event) {
    const sender = event?.sender?.id
    let frame = null
    try {
      frame = event.senderFrame
    } catch {
      // destroyed frame: refused below
    }
    const url = typeof frame?.url === 'string' ? frame.url.split(/[?#]/)[0] : ''
    if (wcId === null || sender !== wcId || url !== PAGE_URL || frame?.parent) {
      throw new NanoStoreIPCError(
        ErrorCodes.SENDER_REJECTED,
        `The inspector's channels answer only the inspector's page (sender: webContents ${sender}, ${url || 'no frame'})`
      )
    }
  }

  // Every request: sender check, then the handler; errors as data, reported.
  const handle =
    fn =>
    (event, ...args) => {
      try {
        checkSender(event)
        return fn(...args)
      } catch (error) {
        const e = toNanoStoreIPCError(error, ErrorCodes.INTERNAL)
        report(e)
        return { error: e.toJSON() }
      }
    }

  function entryOf(storeId) {
    if (!isValidId(storeId)) throw new NanoStoreIPCError(ErrorCodes.INVALID_ID, describeInvalidId(storeId))
    const entry = stores.get(storeId)
    if (!entry) {
      throw new NanoStoreIPCError(ErrorCodes.STORE_NOT_FOUND, `Store '${storeId}' is not registered in main`, {
        storeId
      })
    }
    return entry
  }

  function revision(rev, storeId) {
    if (!Number.isSafeInteger(rev) || rev < 0) {
      throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'A revision is an integer >= 0', { storeId })
    }
    return rev
  }

  // The serialized value of a past commit, or INVALID_ARGUMENT when the history has none.
  function pastValue(entry, rev) {
    const bytes = native.historyValue(entry.id, rev)
    if (!bytes) {
      throw new NanoStoreIPCError(
        ErrorCodes.INVALID_ARGUMENT,
        `Revision ${rev} of store '${entry.id}' is not in the history (never recorded, evicted, or too large to keep)`,
        { storeId: entry.id }
      )
    }
    return { bytes: bytes.length, value: v8.deserialize(bytes) }
  }

  const requests = {
    hello() {
      connected = true
      pending = []
      dropped = 0
      changed.clear()
      const everyone = allSubscribers()
      trim(kept.timeline, KEPT_EVENTS)
      trim(kept.logs, KEPT_EVENTS)
      const timeline = [...timelineOfHistory(), ...kept.timeline].sort((a, b) => a.time - b.time)
      return {
        stores: native.storeIds().map(id => storeState(id, true, everyone)),
        windows: windowList(),
        services: serviceList(),
        history: native.historyStats(),
        timeline,
        logs: kept.logs
      }
    },
    value(storeId, rev) {
      const entry = entryOf(storeId)
      if (rev === undefined || rev === null) {
        // The committed value (a pending change of main's is not committed early: read-only).
        return { rev: entry.rev, value: preview(entry.value, DETAIL_LIMITS), bytes: sizes.get(storeId) ?? null }
      }
      const past = pastValue(entry, revision(rev, storeId))
      return { rev, value: preview(past.value, DETAIL_LIMITS), bytes: past.bytes }
    },
    restore(storeId, rev) {
      const entry = entryOf(storeId)
      const { value } = pastValue(entry, revision(rev, storeId))
      if (typeof entry.store.set !== 'function') {
        throw new NanoStoreIPCError(
          ErrorCodes.INVALID_ARGUMENT,
          `Store '${storeId}' has no set(): it cannot be restored`,
          {
            storeId
          }
        )
      }
      entry.store.set(value)
      const restored = broadcaster.commit(entry, undefined, { change: 'restore', from: rev })
      if (restored === null) {
        throw new NanoStoreIPCError(ErrorCodes.SERIALIZATION_FAILED, `Store '${storeId}' refused the restored value`, {
          storeId
        })
      }
      return { rev: restored }
    },
    pause(storeId, pause) {
      const entry = entryOf(storeId)
      if (typeof pause !== 'boolean') throw invalid('pause(storeId, paused) needs a boolean')
      if (pause) {
        if (!paused.has(storeId)) paused.set(storeId, 0)
      } else resume(entry)
      changed.add(storeId)
      keep(kept.timeline, { type: 'pause', time: Date.now(), store: storeId, paused: pause, rev: entry.rev })
      return { paused: pause, rev: entry.rev }
    }
  }

  // Windows get the current value (a new commit, whole) if anything was held from them.
  function resume(entry) {
    const held = paused.get(entry.id)
    paused.delete(entry.id)
    if (held > 0) broadcaster.commit(entry, undefined, { change: 'resume' })
  }

  const listeners = {
    [INSPECTOR_CHANNELS.hello]: handle(requests.hello),
    [INSPECTOR_CHANNELS.value]: handle(requests.value),
    [INSPECTOR_CHANNELS.restore]: handle(requests.restore),
    [INSPECTOR_CHANNELS.pause]: handle(requests.pause)
  }

  // ---- the window

  function contents() {
    return wc && !wc.isDestroyed() ? wc : null
  }

  function windowOptions(options) {
    if (options === undefined) return {}
    if (options === null || typeof options !== 'object') throw invalid('openInspector(options) needs an object')
    const picked = {}
    for (const key of WINDOW_OPTIONS) {
      const v = options[key]
      if (v === undefined) continue
      if (!Number.isSafeInteger(v) || (key.length > 1 && v <= 0)) {
        throw invalid(`openInspector option ${key} must be an integer${key.length > 1 ? ' > 0' : ''}`)
      }
      picked[key] = v
    }
    return picked
  }

  function open(options) {
    const picked = windowOptions(options)
    if (win) {
      win.show?.()
      win.focus?.()
      return win
    }
    creating = true
    try {
      win = new BrowserWindow({
        title: 'nanostore-ipc-bridge inspector',
        width: 1180,
        height: 760,
        backgroundColor: '#f6f7f9',
        ...picked,
        webPreferences: { preload: PRELOAD, contextIsolation: true, sandbox: true, nodeIntegration: false }
      })
    } finally {
      creating = false
    }
    wc = win.webContents
    wcId = wc.id
    const opened = win
    opened.once('closed', close)
    try {
      for (const [channel, listener] of Object.entries(listeners)) {
        ipcMain.handle(channel, listener)
        installed.push(channel)
      }
      startRecording(opts.history ?? {})
    } catch (error) {
      close()
      throw toNanoStoreIPCError(error, ErrorCodes.IPC_FAILED)
    }
    taps.refused = onRefused
    taps.call = onCall
    taps.error = onError
    native.setLogger(teeLogger)
    lastTick = performance.now()
    tickTimer = unref(setInterval(tick, TICK_MS))
    Promise.resolve(opened.loadFile(PAGE)).catch(error => {
      if (win === opened) report(toNanoStoreIPCError(error, ErrorCodes.IPC_FAILED))
    })
    return opened
  }

  function close() {
    if (!win) return
    const closing = win
    win = null
    wc = null
    for (const channel of installed) ipcMain.removeHandler(channel)
    installed = []
    clearInterval(tickTimer)
    clearTimeout(flushTimer)
    tickTimer = flushTimer = null
    connected = false
    wcId = null
    pending = []
    taps.refused = taps.call = taps.error = null
    native.setLogger(userLogger)
    for (const id of [...paused.keys()]) {
      const entry = stores.get(id)
      if (entry) resume(entry)
      else paused.delete(id)
    }
    if (!opts.history) stopRecording()
    kept.timeline = []
    kept.logs = []
    counters.clear()
    calls.clear()
    if (!closing.isDestroyed()) closing.destroy()
  }

  return {
    open,
    close,
    // The history option: recording from the start, also with no inspector open.
    start() {
      if (opts.history) startRecording(opts.history)
    },
    stop() {
      stopRecording()
    },
    // Whether `target` (a BrowserWindow or webContents) is the inspector, or is being created
    // as it ('browser-window-created' fires inside its constructor): never a store window.
    owns(target) {
      if (creating) return true
      return win !== null && target != null && (target === win || target === wc)
    },
    get window() {
      return win
    }
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
