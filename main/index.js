// initNanoStoreIPC(): the main-process half of the bridge, composed of
//   options.js    option checking
//   electron.js   Electron's main-process modules (WRONG_PROCESS anywhere else)
//   native.js     the Rust store runtime: revisions, recipients, authorization, validator
//   stores.js     the nanostores stores main syncs, with their committed rev and value
//   broadcast.js  dirty tracking, coalesced commits, webContents.send to recipients
//   windows.js    participants (windows and views, allowed sub-frames, utility processes) and their lifecycle
//   utility.js    utility processes: a MessagePort each, served by the same handlers
//   sender.js     the sender check every message passes
//   handlers.js   the ipcMain handlers of the protocol
//   services.js   defineService() handlers: calls, streams, events
//   persist.js    saving persisted stores to disk and loading them at registration
//   inspector.js  the inspector window, commit history, time travel
//   report.js     where errors go
// syncedAtom() and defineService() calls made in main meet this instance in hub/.
import { ErrorCodes, NanoStoreIPCError, toNanoStoreIPCError } from '../error/index.js'
import { normalizeStoreOptions } from '../atom/options.js'
import { mainHub } from '../hub/index.js'
import { channelsFor, describeInvalidId, isValidId } from '../protocol/index.js'
import { createBroadcaster } from './broadcast.js'
import { loadElectron } from './electron.js'
import { createHandlers } from './handlers.js'
import { createInspector } from './inspector.js'
import { loadNative } from './native.js'
import { normalizeOptions } from './options.js'
import { createPersistence } from './persist.js'
import { createReporter } from './report.js'
import { createSenderCheck } from './sender.js'
import { createServices } from './services.js'
import { createStores } from './stores.js'
import { createUtilityProcesses } from './utility.js'
import { createWindows } from './windows.js'

export function initNanoStoreIPC(options = {}) {
  const hub = mainHub()
  if (hub.runtime) {
    throw new NanoStoreIPCError(
      ErrorCodes.ALREADY_INITIALIZED,
      'initNanoStoreIPC() was already called; call destroy() on the previous instance first'
    )
  }
  const opts = normalizeOptions(options)
  const { app, ipcMain, BrowserWindow, MessageChannelMain, webContents } = loadElectron()
  const channels = channelsFor(opts.channelPrefix)
  const runtimeOptions = { allowRendererSet: opts.allowRendererSet }
  if (opts.maxPayloadBytes !== undefined) runtimeOptions.maxPayloadBytes = opts.maxPayloadBytes
  const { StoreRuntime, checkSerializable, commitStore, authorizeStoreWrite } = loadNative()
  const native = new StoreRuntime(runtimeOptions)
  if (opts.enableLogging) native.setLogger(opts.logger)

  let stores
  let services
  // Set while the inspector records or is open (inspector.js); null: nothing is tapped.
  const taps = { commit: null, refused: null, call: null, error: null }
  const reportError = createReporter(opts, id => (id === undefined ? undefined : stores?.get(id)?.options.onError))
  const report = error => {
    reportError(error)
    if (taps.error !== null) taps.error(error)
  }
  const windows = createWindows({ native, channels, onDrop: (id, why) => services.dropWindow(id, why) })
  const broadcaster = createBroadcaster({
    native,
    commitStore,
    checkSerializable,
    windows,
    channels,
    report,
    validateSerialization: opts.validateSerialization,
    taps
  })
  // Opened before any store registers: registration applies the saved values.
  const persistence = opts.persist
    ? createPersistence({ options: opts.persist, report, loud: !opts.onError && !opts.persist.onError })
    : null
  stores = createStores({
    native,
    hub,
    broadcaster,
    defaultMaxPayloadBytes: opts.maxPayloadBytes,
    persistence,
    report
  })
  persistence?.setSettle(() => stores.settlePersisted())
  const onBeforeQuit = () => persistence.beforeQuit()
  // will-quit, and process exit for app.exit() and plain Node: the last write, waited for.
  const onWillQuit = () => persistence.willQuit()
  const checkSender = createSenderCheck(opts, windows)
  const handlers = createHandlers({
    native,
    authorizeStoreWrite,
    checkSerializable,
    opts,
    channels,
    stores,
    broadcaster,
    checkSender,
    report,
    taps
  })
  services = createServices({ native, checkSerializable, opts, channels, windows, checkSender, report, taps })
  const inspector = createInspector({
    native,
    BrowserWindow,
    ipcMain,
    opts,
    stores,
    windows,
    broadcaster,
    taps,
    report
  })
  const utilities = createUtilityProcesses({ MessageChannelMain, windows, native, channels, report })
  if (opts.history) {
    try {
      inspector.start()
    } catch (error) {
      persistence?.close()
      throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, `Option history: ${error.message}`, {
        originalError: error
      })
    }
  }

  const onWindowCreated = (_event, win) => {
    if (inspector.owns(win)) return
    try {
      windows.register(win)
    } catch (error) {
      report(toNanoStoreIPCError(error, ErrorCodes.INTERNAL))
    }
  }

  // Views (WebContentsView, BrowserView) have no 'browser-window-created': their webContents
  // are registered as they are created. Only a window's or a view's: not a <webview>'s guest,
  // devtools or a background page.
  const onContentsCreated = (_event, wc) => {
    const type = wc?.getType?.()
    if (type === 'window' || type === 'browserView') onWindowCreated(null, wc)
  }

  try {
    handlers.install(ipcMain)
    try {
      services.install(ipcMain)
    } catch (error) {
      handlers.uninstall(ipcMain)
      throw error
    }
  } catch (error) {
    persistence?.close()
    throw error
  }
  handlers.install(utilities.router)
  services.install(utilities.router)
  if (persistence) {
    app.on('before-quit', onBeforeQuit)
    app.on('will-quit', onWillQuit)
    process.on('exit', onWillQuit)
  }
  if (opts.autoRegisterWindows) {
    app.on('browser-window-created', onWindowCreated)
    app.on('web-contents-created', onContentsCreated)
    for (const win of BrowserWindow.getAllWindows()) onWindowCreated(null, win)
    for (const wc of webContents?.getAllWebContents?.() ?? []) onContentsCreated(null, wc)
  }

  let destroyed = false
  function destroy() {
    if (destroyed) return
    destroyed = true
    inspector.close() // first: paused stores are delivered while the bridge still runs
    inspector.stop()
    handlers.uninstall(ipcMain)
    services.uninstall(ipcMain)
    handlers.uninstall(utilities.router)
    services.uninstall(utilities.router)
    app.removeListener('browser-window-created', onWindowCreated)
    app.removeListener('web-contents-created', onContentsCreated)
    services.removeAll() // first: running calls end with DESTROYED, not as if their window closed
    // The last write happens before the stores are let go of.
    if (persistence) {
      app.removeListener('before-quit', onBeforeQuit)
      app.removeListener('will-quit', onWillQuit)
      process.removeListener('exit', onWillQuit)
      persistence.close()
    }
    windows.forgetAll()
    stores.removeAll()
    native.setLogger(null)
    if (hub.runtime === runtime) hub.runtime = null
  }

  function assertLive() {
    if (destroyed) throw new NanoStoreIPCError(ErrorCodes.DESTROYED, 'This NanoStoreIPC instance was destroyed')
  }

  // What syncedAtom() in main reaches through the hub. Its options were checked
  // when the atom was created; anything failing here is reported, and loudly
  // when nobody listens, since the atom itself cannot throw any more.
  const runtime = {
    addStore({ id, store, options }) {
      try {
        stores.add(id, store, options)
      } catch (error) {
        const e = toNanoStoreIPCError(error, ErrorCodes.INTERNAL, id)
        report(e)
        if (!opts.onError && !options.onError) console.error(`[nanostore-ipc-bridge] ${e.code}: ${e.message}`)
      }
    },
    // defineService() in main, now or queued until this instance started.
    addService(def) {
      try {
        services.add(def)
      } catch (error) {
        const e = toNanoStoreIPCError(error, ErrorCodes.INTERNAL)
        e.serviceId ??= def.id
        report(e)
        if (!opts.onError) console.error(`[nanostore-ipc-bridge] ${e.code}: ${e.message}`)
      }
    },
    broadcast: (serviceId, eventName, data) => services.broadcast(serviceId, eventName, data)
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
      const checked = normalizeStoreOptions(id, storeOptions)
      return rethrowTyped(() => stores.add(id, store, checked), id)
    },
    unregisterStore(id) {
      assertLive()
      return stores.remove(id)
    },
    registerWindow(win) {
      assertLive()
      if (inspector.owns(win)) {
        throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'The inspector window is not a store window')
      }
      return rethrowTyped(() => windows.register(win))
    },
    unregisterWindow(win) {
      assertLive()
      const id = (win?.webContents ?? win)?.id
      return windows.kindOf(id) === 'window' && windows.forget(id)
    },
    registerUtilityProcess(child, options) {
      assertLive()
      return rethrowTyped(() => utilities.register(child, options))
    },
    unregisterUtilityProcess(child) {
      assertLive()
      return utilities.unregister(child)
    },
    stats() {
      windows.prune()
      return {
        ...native.stats(),
        trackedWindows: windows.size,
        utilityProcesses: windows.count('utility'),
        frames: windows.count('frame'),
        trackedStores: stores.size,
        pendingBroadcasts: broadcaster.pending,
        ...native.serviceStats(),
        openCalls: services.openCalls,
        history: native.historyStats(),
        destroyed,
        persist: persistence ? persistence.stats() : null
      }
    },
    // Resolves once every value committed so far of every persisted store is on disk.
    flush() {
      return persistence ? persistence.flush() : Promise.resolve()
    },
    inspect() {
      windows.prune()
      return {
        stores: native.storeIds().map(id => native.storeInfo(id)),
        windows: native.windowIds().map(id => ({
          ...native.windowInfo(id),
          ...windows.describe(id),
          events: native.windowEvents(id)
        })),
        services: native.serviceIds().map(id => native.serviceInfo(id))
      }
    },
    // The inspector window (opened once; again: the same window, focused).
    openInspector(options) {
      assertLive()
      return rethrowTyped(() => inspector.open(options))
    },
    destroy
  }

  hub.runtime = runtime
  for (const entry of hub.atoms.values()) runtime.addStore(entry)
  for (const def of hub.services.values()) runtime.addService(def)
  if (opts.inspector) {
    app
      .whenReady()
      .then(() => destroyed || api.openInspector(opts.inspector))
      .catch(error => report(toNanoStoreIPCError(error, ErrorCodes.INTERNAL)))
  }
  return api
}

// Errors from the addon carry a code; give them the package's error type.
function rethrowTyped(fn, storeId) {
  try {
    return fn()
  } catch (error) {
    throw toNanoStoreIPCError(error, ErrorCodes.INTERNAL, storeId)
  }
}
