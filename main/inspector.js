// The store inspector (openInspector(), the `inspector` and `history` options): a window of its
// own (inspector/: its page and preload) that shows the stores, services and windows live, a
// timeline of commits, refused writes and service calls, the runtime's log, and restores a past
// commit or pauses one store's delivery. What its page sees is inspector-feed.js.
//   - Recording: while history is on (an inspector is open, or `history` was given) taps.commit
//     records every commit in the native history (v8.serialize of the committed value, with its
//     revision, writer and wire form); off, no tap is set and a commit costs what it did.
//   - The window: sandboxed and context-isolated, never a store window (owns() keeps it out of
//     windows.js: no subscriptions, no updates, no service events, not in stats()).
//   - Its channels (inspector/protocol.js) exist while it is open and answer only its page;
//     any other sender gets SENDER_REJECTED and changes nothing. Only restore and pause change
//     anything, and only when the developer clicks them.
//   - A restore is a new commit in main (store.set + commit, broadcast as usual): history is never
//     rewritten. A paused store keeps committing, but its updates are held; resuming (or closing
//     the inspector) commits the current value once more, sent whole.
import { fileURLToPath, pathToFileURL } from 'node:url'
import v8 from 'node:v8'

import { ErrorCodes, NanoStoreIPCError, toNanoStoreIPCError } from '../error/index.js'
import { DETAIL_LIMITS, preview } from '../inspector/preview.js'
import { INSPECTOR_CHANNELS } from '../inspector/protocol.js'
import { APPEND, KEYS, WHOLE } from '../protocol/delta.js'
import { describeInvalidId, isValidId } from '../protocol/index.js'
import { createFeed } from './inspector-feed.js'

const PAGE = fileURLToPath(new URL('../inspector/index.html', import.meta.url))
const PAGE_URL = pathToFileURL(PAGE).href
const PRELOAD = fileURLToPath(new URL('../inspector/preload.cjs', import.meta.url))

const CHANGES = { [WHOLE]: 'whole', [APPEND]: 'append', [KEYS]: 'keys' }
const WINDOW_OPTIONS = ['x', 'y', 'width', 'height']

const invalid = (message, storeId) => new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, message, { storeId })

export function createInspector({ native, BrowserWindow, ipcMain, opts, stores, windows, broadcaster, taps, report }) {
  const userLogger = opts.enableLogging ? opts.logger : null
  const paused = new Map() // store id -> commits held since the pause
  const sizes = new Map() // store id -> bytes of its last recorded value
  const feed = createFeed({ native, BrowserWindow, stores, windows, report, paused, sizes })
  const seen = new WeakSet() // store entries whose value before their first recorded commit is recorded
  let recording = false
  let win = null // the inspector's BrowserWindow while open
  let wc = null // its webContents
  let creating = false
  let installed = [] // channels handled now

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
    sizes.clear()
  }

  // The value a store held before the first commit recording saw (or when it started).
  function baseline(entry, rev, value) {
    seen.add(entry)
    record(entry, { rev, change: 'baseline' }, value)
  }

  // { kept, bytes }, or null when nothing was recorded.
  function record(entry, commit, value) {
    let bytes = null
    try {
      bytes = v8.serialize(value)
    } catch {
      // not serializable (a function, a symbol): recorded without its value
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
    if (win) feed.commit(entry, commit, message, count, held, recorded)
    return !held
  }

  // The logger the runtime calls while the inspector is open: the log pane, then the app's.
  function teeLogger(event) {
    feed.log(event)
    if (userLogger) userLogger(event)
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
    if (!wc || sender !== wc.id || url !== PAGE_URL || frame?.parent) {
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

  // The value of a past commit from the history, or INVALID_ARGUMENT when it holds none.
  function pastValue(entry, rev) {
    if (!Number.isSafeInteger(rev) || rev < 0) throw invalid('A revision is an integer >= 0', entry.id)
    const bytes = native.historyValue(entry.id, rev)
    if (!bytes) {
      throw invalid(
        `Revision ${rev} of store '${entry.id}' is not in the history (never recorded, evicted, or too large to keep)`,
        entry.id
      )
    }
    return { bytes: bytes.length, value: v8.deserialize(bytes) }
  }

  const requests = {
    hello: () => feed.hello(),
    value(storeId, rev) {
      const entry = entryOf(storeId)
      if (rev === undefined || rev === null) {
        // The committed value (a pending change of main's is not committed early: read-only).
        return { rev: entry.rev, value: preview(entry.value, DETAIL_LIMITS), bytes: sizes.get(storeId) ?? null }
      }
      const past = pastValue(entry, rev)
      return { rev, value: preview(past.value, DETAIL_LIMITS), bytes: past.bytes }
    },
    restore(storeId, rev) {
      const entry = entryOf(storeId)
      const { value } = pastValue(entry, rev)
      if (typeof entry.store.set !== 'function') {
        throw invalid(`Store '${storeId}' has no set(): it cannot be restored`, storeId)
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
      if (typeof pause !== 'boolean') throw invalid('pause(storeId, paused) needs a boolean', storeId)
      if (!pause) resume(entry)
      else if (!paused.has(storeId)) paused.set(storeId, 0)
      feed.pause(storeId, pause, entry.rev)
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

  function windowOptions(options) {
    if (options === undefined) return {}
    if (options === null || typeof options !== 'object') throw invalid('openInspector(options) needs an object')
    const picked = {}
    for (const key of WINDOW_OPTIONS) {
      const v = options[key]
      if (v === undefined) continue
      const size = key === 'width' || key === 'height'
      if (!Number.isSafeInteger(v) || (size && v <= 0)) {
        throw invalid(`openInspector option ${key} must be an integer${size ? ' > 0' : ''}`)
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
    taps.refused = feed.refused
    taps.call = feed.call
    taps.error = feed.error
    native.setLogger(teeLogger)
    feed.open(wc)
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
    feed.close()
    taps.refused = taps.call = taps.error = null
    native.setLogger(userLogger)
    for (const id of [...paused.keys()]) {
      const entry = stores.get(id)
      if (entry) resume(entry)
      else paused.delete(id)
    }
    if (!opts.history) stopRecording()
    if (!closing.isDestroyed()) closing.destroy()
  }

  return {
    open,
    close,
    // The history option: recording from the start, also with no inspector open.
    start() {
      if (opts.history) startRecording(opts.history)
    },
    stop: stopRecording,
    // Whether `target` (a BrowserWindow or webContents) is the inspector, or is being created
    // as it ('browser-window-created' fires inside its constructor): never a store window.
    owns(target) {
      if (creating) return true
      return win !== null && target != null && (target === win || target === wc)
    }
  }
}
