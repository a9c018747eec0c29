// initNanoStoreIPC(): the main-process half of the bridge.
//
// JS keeps the atoms and the webContents objects; the native StoreRuntime
// decides revisions, recipients, authorization and serializability.
//
//   ipcMain  <p>:ns:hello  page (re)loaded        → runtime.resetWindow
//            <p>:ns:sub    subscription changes   → runtime.subscribe/unsubscribe/subscribeAll
//            <p>:ns:get    batch read             → snapshots { id, rev, value }
//            <p>:ns:set    renderer write         → authorize, validate, set, commit → { rev }
//   window registered while its page runs → <p>:ns:resync (the page subscribes and reads again)
//   store change in main → dirty → one commit + broadcast per microtask (or per
//   throttleMs window) → webContents.send(<p>:ns:update, { id, rev, value })
import { createRequire } from 'node:module'

import { ErrorCodes, NanoStoreIPCError, toNanoStoreIPCError } from '../error/index.js'
import { mainHub } from '../hub/index.js'
import { MAX_BATCH, channelsFor, describeInvalidId, isValidId } from '../protocol/index.js'
import { normalizeOptions, normalizeStoreOptions } from './options.js'

const require = createRequire(import.meta.url)
// Promise jobs, not queueMicrotask: Node makes an AsyncResource per queueMicrotask
// call, which measured ~0.2 µs per coalesced broadcast (bench/, scenario 2).
const RESOLVED = Promise.resolve()
const { StoreRuntime, checkSerializable } = require('../native.cjs')

export function initNanoStoreIPC(options = {}) {
  const hub = mainHub()
  if (hub.runtime) {
    throw new NanoStoreIPCError(
      ErrorCodes.ALREADY_INITIALIZED,
      'initNanoStoreIPC() was already called; call destroy() on the previous instance first'
    )
  }
  const opts = normalizeOptions(options)
  // Loaded here, not at import: the entry stays importable outside Electron
  // (NanoStoreIPCError, syncedAtom), and require() reaches Electron's built-in
  // module from CommonJS and ESM mains alike.
  const { app, ipcMain, BrowserWindow } = require('electron')
  const ch = channelsFor(opts.channelPrefix)
  const native = new StoreRuntime({
    allowRendererSet: opts.allowRendererSet,
    maxPayloadBytes: opts.maxPayloadBytes
  })
  const stores = new Map() // id -> store entry (see addStore)
  const windows = new Map() // webContents id -> { wc, off }
  const dirty = new Set()
  let flushQueued = false
  // commitInto writes [rev, ...recipients] here: no object or array per broadcast.
  let commitBuffer = new Float64Array(64)
  let destroyed = false

  // Errors go to initNanoStoreIPC's onError and to the onError of the store involved.
  const report = error => {
    if (opts.enableLogging) opts.logger({ level: 'error', message: error.message, fields: error.toJSON() })
    for (const handler of [opts.onError, stores.get(error.storeId)?.options.onError]) {
      if (!handler) continue
      try {
        handler(error)
      } catch {
        // A throwing error handler must not break IPC handling.
      }
    }
  }
  if (opts.enableLogging) native.setLogger(opts.logger)

  // ---- stores -------------------------------------------------------------

  function addStore(entrySource, ownedByHub = true) {
    const { id, store, options: storeOptions } = entrySource
    if (stores.has(id)) {
      throw new NanoStoreIPCError(ErrorCodes.STORE_EXISTS, `Store '${id}' is already registered`, {
        storeId: id
      })
    }
    const so = normalizeStoreOptions(id, storeOptions)
    // Registered before (destroy()/re-init, or unregister/register): resume one past
    // the last revision, since the value may have changed while nobody was syncing it.
    const rev = hub.revs.has(id) ? hub.revs.get(id) + 1 : 0
    native.registerStore(id, {
      rendererCanSet: so.rendererCanSet && typeof store.set === 'function',
      maxPayloadBytes: so.maxPayloadBytes,
      rev
    })
    const entry = {
      id,
      store,
      options: so,
      ownedByHub,
      rev,
      timer: null,
      lastFlush: 0,
      unlisten: null
    }
    entry.unlisten = store.listen(() => markDirty(entry))
    stores.set(id, entry)
    return () => removeStore(id)
  }

  function removeStore(id) {
    const entry = stores.get(id)
    if (!entry) return false
    entry.unlisten()
    if (entry.timer) clearTimeout(entry.timer)
    dirty.delete(entry)
    stores.delete(id)
    hub.revs.set(id, entry.rev)
    native.unregisterStore(id)
    return true
  }

  function markDirty(entry) {
    if (entry.options.throttleMs > 0) {
      dirty.add(entry)
      if (!entry.timer) {
        const wait = Math.max(0, entry.lastFlush + entry.options.throttleMs - Date.now())
        entry.timer = setTimeout(() => {
          entry.timer = null
          if (dirty.has(entry)) commit(entry)
        }, wait)
      }
      return
    }
    dirty.add(entry)
    if (!flushQueued) {
      flushQueued = true
      RESOLVED.then(flushDirty)
    }
  }

  function flushDirty() {
    flushQueued = false
    for (const entry of dirty) {
      if (!(entry.options.throttleMs > 0)) {
        try {
          commit(entry)
        } catch (error) {
          // e.g. a store whose get() throws: report it, keep flushing the others
          dirty.delete(entry)
          report(toNanoStoreIPCError(error, ErrorCodes.INTERNAL, entry.id))
        }
      }
    }
  }

  // One native crossing decides the revision and who receives it; then one
  // webContents.send per recipient. skipWindowId: the writer of a renderer
  // write, which already holds the value and learns the rev from its ack.
  function commit(entry, skipWindowId) {
    dirty.delete(entry)
    if (entry.options.throttleMs > 0) entry.lastFlush = Date.now()
    const value = entry.store.get()
    if (opts.validateSerialization) {
      const check = checkSerializable(value, { root: entry.id, maxBytes: entry.options.maxPayloadBytes })
      if (!check.ok) {
        report(serializationError(entry.id, check))
        return null
      }
    }
    if (commitBuffer.length <= windows.size) commitBuffer = new Float64Array(2 * windows.size + 2)
    let count
    try {
      count = native.commitInto(entry.id, skipWindowId, commitBuffer)
    } catch (error) {
      if (error?.code !== ErrorCodes.INVALID_ARGUMENT) throw error
      // more windows in the addon than JS tracks (should not happen): size by the addon, retry
      commitBuffer = new Float64Array(2 * native.stats().windows + 2)
      count = native.commitInto(entry.id, skipWindowId, commitBuffer)
    }
    const rev = commitBuffer[0]
    entry.rev = rev
    if (count === 0) return rev
    const snapshot = { id: entry.id, rev, value }
    for (let i = 1; i <= count; i++) {
      const windowId = commitBuffer[i]
      const target = windows.get(windowId)
      if (!target || target.wc.isDestroyed()) continue
      try {
        target.wc.send(ch.update, snapshot)
      } catch (error) {
        report(
          new NanoStoreIPCError(
            ErrorCodes.IPC_FAILED,
            `Could not send store '${entry.id}' to window ${windowId}: ${error?.message}`,
            { storeId: entry.id, originalError: error }
          )
        )
        // A value that cannot be cloned fails the same way for every window.
        if (/could not be cloned/.test(String(error?.message))) break
      }
    }
    return rev
  }

  // ---- windows ------------------------------------------------------------

  function registerWindow(target) {
    const wc = target?.webContents ?? target
    if (!wc || typeof wc.id !== 'number' || typeof wc.send !== 'function') {
      throw new NanoStoreIPCError(
        ErrorCodes.INVALID_ARGUMENT,
        'registerWindow() needs a BrowserWindow or a WebContents'
      )
    }
    if (wc.isDestroyed()) {
      throw new NanoStoreIPCError(ErrorCodes.WINDOW_NOT_FOUND, `Window ${wc.id} is already destroyed`)
    }
    if (windows.has(wc.id)) return false
    const id = wc.id
    native.registerWindow(id)
    // Re-armed once-listener: the seed's leak-free pattern, and the window is
    // ready again after every load.
    const onFinishLoad = () => {
      native.setWindowState(id, 'ready')
      wc.once('did-finish-load', onFinishLoad)
    }
    const onGone = () => {
      native.resetWindow(id)
      native.setWindowState(id, 'gone')
    }
    const onDestroyed = () => forgetWindow(id)
    wc.once('did-finish-load', onFinishLoad)
    wc.on('render-process-gone', onGone)
    wc.once('destroyed', onDestroyed)
    windows.set(id, {
      wc,
      off() {
        wc.removeListener('did-finish-load', onFinishLoad)
        wc.removeListener('render-process-gone', onGone)
        wc.removeListener('destroyed', onDestroyed)
      }
    })
    // A page already running subscribed before main knew this window: ask it to
    // subscribe and read again. A page still loading drops this, and says hello.
    if (wc.getURL() && !wc.isLoading() && !wc.isCrashed()) wc.send(ch.resync)
    return true
  }

  function forgetWindow(id) {
    const target = windows.get(id)
    if (!target) return false
    target.off()
    windows.delete(id)
    native.forgetWindow(id)
    return true
  }

  const onWindowCreated = (_event, win) => {
    try {
      registerWindow(win)
    } catch (error) {
      report(toNanoStoreIPCError(error, ErrorCodes.INTERNAL))
    }
  }

  // ---- renderer requests ----------------------------------------------------

  // Electron's security checklist: validate the sender of every message.
  function checkSender(event) {
    const wcId = event?.sender?.id
    if (!windows.has(wcId)) {
      throw new NanoStoreIPCError(
        ErrorCodes.WINDOW_NOT_FOUND,
        `Message from webContents ${wcId}, which is not a registered window`
      )
    }
    let frame
    try {
      frame = event.senderFrame
    } catch {
      frame = null
    }
    if (!frame) {
      throw new NanoStoreIPCError(ErrorCodes.SENDER_REJECTED, 'The sending frame is gone (navigated or destroyed)')
    }
    if (opts.allowedOrigins && !opts.allowedOrigins.includes(frame.origin)) {
      throw new NanoStoreIPCError(ErrorCodes.SENDER_REJECTED, `Origin '${frame.origin}' is not in allowedOrigins`)
    }
    if (opts.allowSender && !opts.allowSender({ url: frame.url, origin: frame.origin, webContentsId: wcId })) {
      throw new NanoStoreIPCError(ErrorCodes.SENDER_REJECTED, `Sender ${frame.url} rejected by allowSender`)
    }
    return wcId
  }

  function onHello(event) {
    try {
      const id = checkSender(event)
      native.resetWindow(id)
      native.setWindowState(id, 'loading')
    } catch (error) {
      report(toNanoStoreIPCError(error, ErrorCodes.INTERNAL))
    }
  }

  function onSub(event, message) {
    try {
      const id = checkSender(event)
      if (message === null || typeof message !== 'object') {
        throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'Subscription message must be an object')
      }
      const add = idList(message.add, 'add')
      const remove = idList(message.remove, 'remove')
      if (message.all !== undefined && typeof message.all !== 'boolean') {
        throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'Subscription field `all` must be a boolean')
      }
      if (remove.length) native.unsubscribe(id, remove)
      if (add.length) {
        const unknown = native.subscribe(id, add)
        for (const storeId of unknown) {
          report(
            new NanoStoreIPCError(
              ErrorCodes.STORE_NOT_FOUND,
              `Window ${id} subscribed to '${storeId}', which main has not registered`,
              { storeId }
            )
          )
        }
      }
      if (message.all !== undefined) native.subscribeAll(id, message.all)
    } catch (error) {
      report(toNanoStoreIPCError(error, ErrorCodes.INTERNAL))
    }
  }

  function onGet(event, ids) {
    try {
      checkSender(event)
      if (!Array.isArray(ids) || ids.length > MAX_BATCH) {
        throw new NanoStoreIPCError(
          ErrorCodes.INVALID_ARGUMENT,
          `get expects an array of at most ${MAX_BATCH} store ids`
        )
      }
      return { snapshots: ids.map(readSnapshot) }
    } catch (error) {
      const e = toNanoStoreIPCError(error, ErrorCodes.INTERNAL)
      report(e)
      return { snapshots: [], error: e.toJSON() }
    }
  }

  function readSnapshot(id) {
    if (!isValidId(id)) {
      const error = new NanoStoreIPCError(ErrorCodes.INVALID_ID, describeInvalidId(id))
      report(error)
      return { id, error: error.toJSON() }
    }
    const entry = stores.get(id)
    if (!entry) {
      const error = new NanoStoreIPCError(ErrorCodes.STORE_NOT_FOUND, `Store '${id}' is not registered in main`, {
        storeId: id
      })
      report(error)
      return { id, error: error.toJSON() }
    }
    // A pending (coalesced) change is committed first, so a snapshot's value
    // is always main's value at exactly that rev.
    if (dirty.has(entry)) commit(entry)
    return { id, rev: entry.rev, value: entry.store.get() }
  }

  function onSet(event, id, value) {
    let entry
    try {
      const windowId = checkSender(event)
      if (!isValidId(id)) {
        throw new NanoStoreIPCError(ErrorCodes.INVALID_ID, describeInvalidId(id))
      }
      native.authorizeWrite(windowId, id)
      entry = stores.get(id)
      const limit = entry.options.maxPayloadBytes || opts.maxPayloadBytes
      if (limit || opts.validateSerialization) {
        const check = checkSerializable(value, { root: id, maxBytes: limit || undefined })
        if (!check.ok) throw serializationError(id, check)
      }
      if (entry.options.validateValue && !entry.options.validateValue(value)) {
        throw new NanoStoreIPCError(
          ErrorCodes.SERIALIZATION_FAILED,
          `Value for store '${id}' was rejected by validateValue`,
          { storeId: id, kind: 'validateValue' }
        )
      }
      entry.store.set(value)
      // Every listener has run by now (a top-level set drains nanostores' queue).
      // If one of them changed the value again, the writer needs the broadcast too.
      const skip = Object.is(entry.store.get(), value) ? windowId : undefined
      const rev = commit(entry, skip)
      if (rev === null) {
        throw new NanoStoreIPCError(ErrorCodes.SERIALIZATION_FAILED, `Store '${id}' holds a value IPC cannot carry`, {
          storeId: id
        })
      }
      return { rev }
    } catch (error) {
      const e = toNanoStoreIPCError(error, ErrorCodes.INTERNAL, isValidId(id) ? id : undefined)
      report(e)
      const reply = { error: e.toJSON() }
      if (entry || (isValidId(id) && stores.has(id))) {
        entry ||= stores.get(id)
        reply.snapshot = { id, rev: entry.rev, value: entry.store.get() }
      }
      return reply
    }
  }

  // ---- setup and teardown ---------------------------------------------------

  // Handlers first: if another library owns a channel, fail before anything else changed.
  try {
    ipcMain.handle(ch.get, onGet)
    try {
      ipcMain.handle(ch.set, onSet)
    } catch (error) {
      ipcMain.removeHandler(ch.get)
      throw error
    }
  } catch (error) {
    throw new NanoStoreIPCError(ErrorCodes.IPC_FAILED, `Could not register IPC handlers: ${error.message}`, {
      originalError: error
    })
  }
  ipcMain.on(ch.hello, onHello)
  ipcMain.on(ch.sub, onSub)
  if (opts.autoRegisterWindows) {
    app.on('browser-window-created', onWindowCreated)
    for (const win of BrowserWindow.getAllWindows()) onWindowCreated(null, win)
  }

  function destroy() {
    if (destroyed) return
    destroyed = true
    ipcMain.removeHandler(ch.get)
    ipcMain.removeHandler(ch.set)
    ipcMain.removeListener(ch.hello, onHello)
    ipcMain.removeListener(ch.sub, onSub)
    app.removeListener('browser-window-created', onWindowCreated)
    for (const id of [...windows.keys()]) forgetWindow(id)
    for (const id of [...stores.keys()]) removeStore(id)
    native.setLogger(null)
    if (hub.runtime === runtime) hub.runtime = null
  }

  function assertLive() {
    if (destroyed) throw new NanoStoreIPCError(ErrorCodes.DESTROYED, 'This NanoStoreIPC instance was destroyed')
  }

  const runtime = {
    addStore: entry => {
      try {
        addStore(entry)
      } catch (error) {
        report(toNanoStoreIPCError(error, ErrorCodes.INTERNAL, entry.id))
      }
    }
  }

  const api = {
    registerStore(id, store, storeOptions) {
      assertLive()
      if (!isValidId(id)) throw new NanoStoreIPCError(ErrorCodes.INVALID_ID, describeInvalidId(id))
      if (!store || typeof store.get !== 'function' || typeof store.listen !== 'function') {
        throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'registerStore(id, store) needs a nanostores store', {
          storeId: id
        })
      }
      return wrapNative(() => addStore({ id, store, options: storeOptions }, false), id)
    },
    unregisterStore(id) {
      assertLive()
      return removeStore(id)
    },
    registerWindow(win) {
      assertLive()
      return wrapNative(() => registerWindow(win))
    },
    unregisterWindow(win) {
      assertLive()
      return forgetWindow((win?.webContents ?? win)?.id)
    },
    stats() {
      const s = native.stats()
      return {
        ...s,
        trackedWindows: windows.size,
        trackedStores: stores.size,
        pendingBroadcasts: dirty.size,
        destroyed
      }
    },
    inspect() {
      return {
        stores: native.storeIds().map(id => native.storeInfo(id)),
        windows: native.windowIds().map(id => native.windowInfo(id))
      }
    },
    destroy
  }

  hub.runtime = runtime
  for (const entry of hub.atoms.values()) runtime.addStore(entry)
  return api
}

function wrapNative(fn, storeId) {
  try {
    return fn()
  } catch (error) {
    throw toNanoStoreIPCError(error, ErrorCodes.INTERNAL, storeId)
  }
}

function idList(value, field) {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.length > MAX_BATCH) {
    throw new NanoStoreIPCError(
      ErrorCodes.INVALID_ARGUMENT,
      `Subscription field \`${field}\` must be an array of at most ${MAX_BATCH} store ids`
    )
  }
  return value
}

function serializationError(storeId, check) {
  const code = check.kind === 'size' ? ErrorCodes.PAYLOAD_TOO_LARGE : ErrorCodes.SERIALIZATION_FAILED
  return new NanoStoreIPCError(code, check.message, { storeId, path: check.path, kind: check.kind })
}
