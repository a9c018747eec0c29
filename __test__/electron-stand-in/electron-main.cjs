'use strict'
// The main-process side of the Electron stand-in: what `require('electron')` / `import 'electron'`
// gives product code (app, BrowserWindow, ipcMain, webContents), plus the test control (`standIn`,
// exported separately from ./index.js). One instance per process, like Electron's singletons.
const { EventEmitter } = require('node:events')
const path = require('node:path')
const v8 = require('node:v8')
const { pathToFileURL, fileURLToPath } = require('node:url')
const { buildDocument, readPreload } = require('./document.cjs')
const { workerBackend } = require('./backends/worker-backend.cjs')
const { createPortHub } = require('./port-hub.cjs')
const { createPortSite, createMessagePortMainClass } = require('./ports.cjs')
const { createUtilityProcessApi } = require('./utility-process.cjs')
const { seededRandom } = require('./random.cjs')

const ELECTRON_VERSION = '45.0.0-stand-in'
process.type = 'browser'
process.versions.electron = ELECTRON_VERSION

const CLONE_ERROR = 'An object could not be cloned.'
const DESTROYED = 'Object has been destroyed'

// ------------------------------------------------------------------------------------ state
const S = {
  nextWindowId: 1,
  nextWebContentsId: 1,
  nextProcessId: 1,
  nextRoutingId: 1,
  windows: new Map(), // id -> BrowserWindow (live)
  contents: new Map(), // id -> WebContents (live)
  config: defaultConfig(),
  rng: null,
  backend: workerBackend,
  backends: new Map([['worker', workerBackend]]),
  events: 0, // messages dispatched in either direction (idle() watches it)
  queued: 0, // messages waiting in delay queues
  pendingHandlers: 0, // invoke handlers not settled yet
  stats: null,
  pageErrors: [],
  frames: new Map(), // 'processId:routingId' -> WebFrameMain (not detached)
  nextFrameTreeNodeId: 1,
  served: new Map() // origin -> directory (standIn.serve)
}

function defaultConfig() {
  return {
    seed: 1,
    maxDelayMs: 0,
    countBytes: false,
    idleTimerMaxMs: 2000,
    logHandlerErrors: false,
    quietPageErrors: false
  }
}

S.rng = seededRandom(S.config.seed)

// ------------------------------------------------------------------------------------ stats
function emptyDirection() {
  return { messages: 0, bytes: 0, channels: new Map(), windows: new Map() }
}
function emptyStats() {
  return { mainToRenderer: emptyDirection(), rendererToMain: emptyDirection(), dropped: emptyDirection() }
}
S.stats = emptyStats()

function byteSize(value) {
  try {
    return v8.serialize(value).length
  } catch {
    return 0
  }
}

function count(dir, channel, wcId, payload) {
  const bytes = S.config.countBytes ? byteSize(payload) : 0
  dir.messages++
  dir.bytes += bytes
  let c = dir.channels.get(channel)
  if (c === undefined) dir.channels.set(channel, (c = { messages: 0, bytes: 0 }))
  c.messages++
  c.bytes += bytes
  let w = dir.windows.get(wcId)
  if (w === undefined) dir.windows.set(wcId, (w = { messages: 0, bytes: 0 }))
  w.messages++
  w.bytes += bytes
}

function snapshotDirection(d) {
  const channels = {}
  for (const [k, v] of d.channels) channels[k] = { ...v }
  const windows = {}
  for (const [k, v] of d.windows) windows[k] = { ...v }
  return { messages: d.messages, bytes: d.bytes, channels, windows }
}

// ------------------------------------------------------------------------------------ ordered delays
// One queue per window and direction: a message waits a random delay but never overtakes an earlier
// one of the same queue; queues of different windows are independent, so windows get reordered.
class DelayQueue {
  constructor() {
    this.items = []
    this.last = 0
    this.timer = null
    this.immediate = null
  }
  // onDrop: called instead of fn when the queue is cleared (the page went away), so
  // nothing that waits on a queued item hangs.
  push(fn, noDelay, onDrop) {
    const now = performance.now()
    const d = noDelay ? 0 : S.rng() * S.config.maxDelayMs
    const at = Math.max(this.last, now + d)
    this.last = at
    this.items.push({ at, fn, onDrop })
    S.queued++
    if (this.items.length === 1) this._arm()
  }
  _arm() {
    const wait = Math.max(0, this.items[0].at - performance.now())
    this.timer = setTimeout(() => this._flush(), wait)
  }
  // One message per task, as Electron handles each IPC message in a task of its own: the
  // promise jobs a message starts (an invoke handler's reply) run before the next message of
  // the queue is handled. Items already due follow in the next turn (setImmediate).
  _flush() {
    this.timer = null
    this.immediate = null
    if (!this.items.length) return
    if (this.items[0].at > performance.now() + 0.5) return this._arm()
    const { fn } = this.items.shift()
    S.queued--
    try {
      fn()
    } finally {
      if (this.items.length) this.immediate = setImmediate(() => this._flush())
    }
  }
  clear() {
    if (this.timer) clearTimeout(this.timer)
    if (this.immediate) clearImmediate(this.immediate)
    this.timer = null
    this.immediate = null
    S.queued -= this.items.length
    const dropped = this.items
    this.items = []
    for (const { onDrop } of dropped) if (onDrop) onDrop()
  }
}

function delayed() {
  return S.config.maxDelayMs > 0
}

function mapCloneError(e) {
  if (e && e.name === 'DataCloneError') return new Error(CLONE_ERROR)
  return e
}

function electronEvent(extra) {
  const ev = {
    defaultPrevented: false,
    preventDefault() {
      ev.defaultPrevented = true
    },
    ...extra
  }
  return ev
}

// ------------------------------------------------------------------------------------ message ports
// MessageChannelMain / MessagePortMain (ports.cjs, routed by port-hub.cjs). The hub delivers to main's
// own site on a later task, in order, like a Mojo pipe would.
const kPortId = Symbol('electron-stand-in.portId')
const hub = createPortHub(() => S.events++)
const mainQueue = [] // hub -> main site ops not handled yet
let mainSite = null
let mainSiteGen = 0
const MessagePortMain = createMessagePortMainClass(() => mainSite, kPortId)

function drainMainQueue() {
  while (mainQueue.length) mainSite.receive(mainQueue.shift())
}

function newMainSite() {
  const siteGen = ++mainSiteGen
  const send = hub.addSite('main', op => {
    if (mainQueue.push(op) === 1) setImmediate(() => siteGen === mainSiteGen && drainMainQueue())
  })
  mainSite = createPortSite({
    prefix: `main${siteGen}`,
    send,
    makePort: id => new MessagePortMain(id),
    dispatch: (port, data, ports) => port.emit('message', { data, ports }),
    closed: port => {
      port._closed = true
      port.emit('close')
    }
  })
}
newMainSite()

class MessageChannelMain extends EventEmitter {
  constructor() {
    super()
    const [a, b] = mainSite.createPair()
    this.port1 = mainSite.port(a)
    this.port2 = mainSite.port(b)
  }
}

const utility = createUtilityProcessApi({
  hub,
  mainSite: () => mainSite,
  MessagePortMain,
  kPortId,
  electronVersion: ELECTRON_VERSION,
  onEvent: () => S.events++
})

// ------------------------------------------------------------------------------------ WebFrameMain
// One WebFrameMain per document of a frame (a navigation makes a new one, the old one is detached);
// frameTreeNodeId is the frame's, kept across its documents. Sub-frames come from <iframe> elements.
class WebFrameMain {
  constructor(wc, url, processId, routingId, frameTreeNodeId, parent) {
    this._wc = wc
    this._renderer = null
    this._children = []
    this.url = url
    this.origin = originOf(url)
    this.processId = processId
    this.routingId = routingId
    this.frameTreeNodeId = frameTreeNodeId
    this.name = ''
    this.parent = parent
    this.detached = false
    this.ipc = new IpcMain()
    S.frames.set(`${processId}:${routingId}`, this)
  }
  get top() {
    let f = this
    while (f.parent) f = f.parent
    return f
  }
  get frames() {
    return this._children.filter(f => !f.detached)
  }
  get framesInSubtree() {
    return [this, ...this.frames.flatMap(f => f.framesInSubtree)]
  }
  isDestroyed() {
    return this.detached
  }
  _detach() {
    if (this.detached) return
    this.detached = true
    S.frames.delete(`${this.processId}:${this.routingId}`)
    for (const child of this._children) child._detach()
  }
  send(channel, ...args) {
    if (this.detached) throw new Error('Render frame was disposed before WebFrameMain could be accessed')
    if (typeof channel !== 'string') throw new TypeError('Missing required channel argument')
    this._wc._sendToFrame(this, channel, args)
  }
  postMessage() {
    throw new Error('electron-stand-in: webFrameMain.postMessage (MessagePorts into a window) is not reproduced')
  }
  executeJavaScript(code) {
    if (!this.parent) return this._wc.executeJavaScript(code)
    if (this.detached || !this._renderer)
      return Promise.reject(new Error('Render frame was disposed before WebFrameMain could be accessed'))
    return this._renderer.executeJavaScript(String(code))
  }
}

function originOf(url) {
  if (url.startsWith('file:')) return 'file://'
  try {
    return new URL(url).origin
  } catch {
    return 'null'
  }
}

// file behind a URL: file: URLs, and origins given to standIn.serve()
function fileOfUrl(url) {
  let u
  try {
    u = new URL(String(url))
  } catch {
    return null
  }
  if (u.protocol === 'file:') return fileURLToPath(u)
  const dir = S.served.get(u.origin)
  if (!dir) return null
  const rel = decodeURIComponent(u.pathname).replace(/^\/+/, '')
  const file = path.resolve(dir, rel)
  return file.startsWith(path.resolve(dir)) ? file : null
}

const webFrameMain = {
  fromId: (processId, routingId) => S.frames.get(`${processId}:${routingId}`) ?? undefined
}

// ------------------------------------------------------------------------------------ IpcMain
class IpcMain extends EventEmitter {
  constructor() {
    super()
    this.setMaxListeners(0)
    this._invokeHandlers = new Map()
  }
  handle(channel, handler) {
    if (this._invokeHandlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`)
    }
    if (typeof handler !== 'function') {
      throw new TypeError(`Expected handler to be a function, but found type '${typeof handler}'`)
    }
    this._invokeHandlers.set(channel, handler)
  }
  handleOnce(channel, handler) {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel)
      return handler(event, ...args)
    })
  }
  removeHandler(channel) {
    this._invokeHandlers.delete(channel)
  }
}

const ipcMain = new IpcMain()

function makeIpcEvent(wc, frame, kind) {
  const ev = {
    type: 'frame',
    sender: wc,
    processId: frame.processId,
    frameId: frame.routingId,
    frameTreeNodeId: frame.frameTreeNodeId,
    get senderFrame() {
      return frame.detached ? null : frame
    }
  }
  if (kind === 'send') {
    ev.ports = []
    ev.returnValue = undefined
    ev.reply = (channel, ...args) => {
      if (!frame.detached) wc._sendToFrame(frame, channel, args)
    }
  }
  return ev
}

// ------------------------------------------------------------------------------------ WebContents
class WebContents extends EventEmitter {
  constructor(webPreferences) {
    super()
    this.setMaxListeners(0)
    this.id = S.nextWebContentsId++
    this._prefs = webPreferences
    this._destroyed = false
    this._crashed = false
    this._window = null // the BrowserWindow whose own webContents this is
    this._owner = null // the BrowserWindow it shows in (its window, or the one a view was added to)
    this._mainFtn = S.nextFrameTreeNodeId++
    this._renderer = null // the backend's renderer of the current document
    this._frame = null // WebFrameMain of the current document (after commit)
    this._committed = false
    this._loading = false
    this._loadSeq = 0
    this._execWaiters = new Set() // rejecters of executeJavaScript calls not yet settled
    this._url = ''
    this._out = new DelayQueue()
    this._in = new DelayQueue()
    this._processId = 0
    this.ipc = new IpcMain()
    S.contents.set(this.id, this)
    // lib/browser/api/web-contents.ts _init: for every webContents (windows and views), synchronously,
    // so before a BrowserWindow's 'browser-window-created'
    app.emit('web-contents-created', electronEvent(), this)
  }

  /** 'window' for a BrowserWindow's and a WebContentsView's webContents (no type is set for views). */
  getType() {
    return 'window'
  }

  getOwnerBrowserWindow() {
    const win = this._owner
    return win && !win._destroyed ? win : null
  }

  static fromId(id) {
    return S.contents.get(id) ?? undefined
  }

  isDestroyed() {
    return this._destroyed
  }
  isCrashed() {
    return this._crashed
  }
  isLoading() {
    return this._loading
  }
  isLoadingMainFrame() {
    return this._loading
  }
  getURL() {
    return this._url
  }
  getTitle() {
    return ''
  }
  // Electron: the web preferences the current page was loaded with (a copy).
  getLastWebPreferences() {
    this._check()
    return { ...this._prefs }
  }
  getOSProcessId() {
    return process.pid
  }
  getProcessId() {
    return this._processId
  }
  get mainFrame() {
    this._check()
    return this._frame
  }
  _check() {
    if (this._destroyed) throw new TypeError(DESTROYED)
  }

  send(channel, ...args) {
    this._check()
    this._sendToFrame(null, channel, args)
  }

  // frame: null = the current main frame; a WebFrameMain = only if it is still the current one
  _sendToFrame(frame, channel, args) {
    if (typeof channel !== 'string')
      throw new TypeError(`Error processing argument at index 0, conversion failure from ${typeof channel}`)
    const target = frame || this._frame
    const renderer = target?._renderer
    if (!renderer || !this._committed || this._crashed || !target || target.detached) {
      // not delivered (crashed, or no document yet): Electron drops it; the args are still serialized
      try {
        structuredClone(args)
      } catch (e) {
        throw mapCloneError(e)
      }
      count(S.stats.dropped, channel, this.id, args)
      return
    }
    S.events++
    if (delayed()) {
      let copy
      try {
        copy = structuredClone(args)
      } catch (e) {
        throw mapCloneError(e)
      }
      count(S.stats.mainToRenderer, channel, this.id, args)
      this._out.push(() => {
        if (!target.detached) renderer.deliver(channel, copy)
        else count(S.stats.dropped, channel, this.id, copy)
      })
      return
    }
    try {
      renderer.deliver(channel, args)
    } catch (e) {
      throw mapCloneError(e)
    }
    count(S.stats.mainToRenderer, channel, this.id, args)
  }

  _reply(renderer, frame, channel, id, ok, value) {
    if (frame._renderer !== renderer || frame.detached || this._crashed || this._destroyed) return
    S.events++
    const send = () => {
      if (frame.detached) return
      try {
        renderer.reply(id, ok, value)
      } catch (e) {
        // the handler's result could not be cloned: Electron catches that and replies with the error
        const err = mapCloneError(e)
        logHandlerError(channel, err)
        renderer.reply(id, false, String(err))
      }
    }
    count(S.stats.mainToRenderer, channel, this.id, value)
    if (delayed()) {
      if (ok) {
        try {
          value = structuredClone(value)
        } catch (e) {
          const err = mapCloneError(e)
          logHandlerError(channel, err)
          ok = false
          value = String(err)
        }
      }
      this._out.push(send)
    } else send()
  }

  // a message from the page: {t:'s', ch, a} or {t:'i', id, ch, a}
  _fromRenderer(renderer, frame, m) {
    if (frame._renderer !== renderer || frame.detached || this._destroyed) return
    if (delayed()) this._in.push(() => this._dispatch(renderer, frame, m))
    else this._dispatch(renderer, frame, m)
  }

  _dispatch(renderer, frame, m) {
    if (frame._renderer !== renderer || frame.detached || this._destroyed) return
    S.events++
    const channel = m.ch
    count(S.stats.rendererToMain, channel, this.id, m.a)
    if (m.t === 's') {
      const event = makeIpcEvent(this, frame, 'send')
      this.emit('ipc-message', event, channel, ...m.a)
      frame.ipc.emit(channel, event, ...m.a)
      this.ipc.emit(channel, event, ...m.a)
      ipcMain.emit(channel, event, ...m.a)
      return
    }
    // invoke
    const event = makeIpcEvent(this, frame, 'invoke')
    const handler =
      frame.ipc._invokeHandlers.get(channel) ??
      this.ipc._invokeHandlers.get(channel) ??
      ipcMain._invokeHandlers.get(channel)
    if (!handler) {
      const err = new Error(`No handler registered for '${channel}'`)
      logHandlerError(channel, err)
      this._reply(renderer, frame, channel, m.id, false, String(err))
      return
    }
    S.pendingHandlers++
    let result
    try {
      result = handler(event, ...m.a)
    } catch (err) {
      S.pendingHandlers--
      logHandlerError(channel, err)
      this._reply(renderer, frame, channel, m.id, false, errorText(err))
      return
    }
    Promise.resolve(result).then(
      value => {
        S.pendingHandlers--
        this._reply(renderer, frame, channel, m.id, true, value)
      },
      err => {
        S.pendingHandlers--
        logHandlerError(channel, err)
        this._reply(renderer, frame, channel, m.id, false, errorText(err))
      }
    )
  }

  executeJavaScript(code) {
    if (this._destroyed) return Promise.reject(new TypeError(DESTROYED))
    // Whatever it waits on (a load in progress, queued messages, the page), a call
    // settles when the window crashes or is destroyed.
    return new Promise((resolve, reject) => {
      const gone = () => reject(new Error('electron-stand-in: the page went away before executeJavaScript finished'))
      this._execWaiters.add(gone)
      this._executeJavaScript(code)
        .then(resolve, reject)
        .finally(() => this._execWaiters.delete(gone))
    })
  }

  _executeJavaScript(code) {
    if (this._destroyed) return Promise.reject(new TypeError(DESTROYED))
    if (this._loading && this._loadDone) {
      // like Electron's older documented behaviour: wait for the page being loaded
      const pending = this._loadDone
      return pending.then(() =>
        this._loadDone === pending
          ? this._executeJavaScript(code)
          : Promise.reject(new Error('electron-stand-in: the page navigated before executeJavaScript ran'))
      )
    }
    const renderer = this._renderer
    if (!renderer || this._crashed || !this._committed) {
      return Promise.reject(new Error('electron-stand-in: executeJavaScript: no page is loaded'))
    }
    if (!delayed()) return renderer.executeJavaScript(String(code))
    // keep it behind the messages already queued to this window
    return new Promise((resolve, reject) => {
      const wentAway = () =>
        reject(new Error('electron-stand-in: the page went away before executeJavaScript finished'))
      this._out.push(
        () => {
          if (this._renderer !== renderer) wentAway()
          else renderer.executeJavaScript(String(code)).then(resolve, reject)
        },
        true,
        wentAway
      )
    })
  }

  loadFile(filePath, options = {}) {
    if (this._destroyed) return Promise.reject(new TypeError(DESTROYED))
    const abs = path.resolve(String(filePath))
    let url = pathToFileURL(abs).href
    if (options.search) url += (options.search.startsWith('?') ? '' : '?') + options.search
    if (options.hash) url += (options.hash.startsWith('#') ? '' : '#') + options.hash
    return this._load(url, abs)
  }

  loadURL(url) {
    if (this._destroyed) return Promise.reject(new TypeError(DESTROYED))
    const file = fileOfUrl(url)
    if (!file) {
      return Promise.reject(
        new Error(
          `electron-stand-in: only file: URLs and origins given to standIn.serve() can be loaded (got '${url}')`
        )
      )
    }
    return this._load(new URL(String(url)).href, file)
  }

  reload() {
    this._check()
    if (!this._url) return
    this._load(this._url, fileOfUrl(this._url)).catch(() => {})
  }

  reloadIgnoringCache() {
    this.reload()
  }

  _load(url, file) {
    const seq = ++this._loadSeq
    let settle
    const done = new Promise((resolve, reject) => (settle = { resolve, reject }))
    done.catch(() => {})
    this._loadDone = done
    this._loading = true
    this._url = url
    this.emit('did-start-loading', electronEvent())
    this.emit(
      'did-start-navigation',
      electronEvent({ url, isSameDocument: false, isMainFrame: true, frame: this._frame, initiator: null }),
      url,
      false,
      true,
      this._processId,
      this._frame ? this._frame.routingId : 0
    )
    const aborted = () => {
      const err = new Error(`ERR_ABORTED (-3) loading '${url}'`)
      err.code = 'ERR_ABORTED'
      err.errno = -3
      err.url = url
      return err
    }
    buildDocument(file, url, fileOfUrl).then(
      scripts => {
        if (seq !== this._loadSeq || this._destroyed) settle.reject(aborted())
        else this._commitDocument(url, scripts, settle)
      },
      err => {
        if (seq !== this._loadSeq || this._destroyed) return settle.reject(aborted())
        this._loading = false
        if (err.code === 'ERR_FILE_NOT_FOUND') {
          this.emit('did-fail-load', electronEvent(), err.errno, err.code, url, true, this._processId, 0)
        }
        settle.reject(err)
      }
    )
    return done
  }

  _commitDocument(url, scripts, settle) {
    let preload
    try {
      preload = readPreload(this._prefs.preload)
    } catch (err) {
      this._loading = false
      settle.reject(err)
      return
    }
    // navigation commits: the old document goes away
    this._teardownDocument()
    this._crashed = false
    const processId = S.nextProcessId++
    const routingId = S.nextRoutingId++
    this._processId = processId
    const frame = new WebFrameMain(this, url, processId, routingId, this._mainFtn, null)
    let renderer
    const hooks = {
      commit: () => {
        if (this._renderer !== renderer) return
        this._frame = frame
        this._committed = true
      },
      loaded: () => {
        if (this._renderer !== renderer) return
        this.emit('dom-ready', electronEvent())
        // then its <iframe>s (a browser loads them in parallel; 'did-finish-load' waits for them either way)
        this._loadSubFrames(frame, scripts.iframes ?? []).then(() => {
          if (this._renderer !== renderer) return
          this._loading = false
          this.emit('did-finish-load', electronEvent())
          settle.resolve()
        })
      },
      message: m => this._fromRenderer(renderer, frame, m),
      pageError: e => {
        S.pageErrors.push({ webContentsId: this.id, url, ...e })
      },
      exit: info => {
        if (this._renderer !== renderer || this._destroyed) return
        this._renderProcessGone(
          info.reason === 'clean-exit' ? 'clean-exit' : info.reason || 'crashed',
          info.exitCode ?? 1
        )
      }
    }
    const spec = {
      webContentsId: this.id,
      url,
      origin: frame.origin,
      isMainFrame: true,
      preload,
      scripts,
      processId,
      routingId,
      electronVersion: ELECTRON_VERSION,
      idleTimerMaxMs: S.config.idleTimerMaxMs,
      quietPageErrors: S.config.quietPageErrors
    }
    this._loadSettle = settle
    renderer = this._renderer = S.backend.createRenderer(spec, hooks)
    frame._renderer = renderer
  }

  // Sub-frames of `parent`, one renderer each: the preload runs in them only with
  // nodeIntegrationInSubFrames (each frame its own isolated world); a same-origin frame shares its
  // parent's processId, a cross-origin one gets its own (site isolation).
  async _loadSubFrames(parent, iframes) {
    await Promise.all(iframes.map(spec => this._loadSubFrame(parent, spec)))
  }

  async _loadSubFrame(parent, { url, name }) {
    const file = fileOfUrl(url)
    let scripts = []
    try {
      if (file) scripts = await buildDocument(file, url, fileOfUrl)
    } catch (err) {
      S.pageErrors.push({ webContentsId: this.id, url, where: 'iframe', message: String(err?.message ?? err) })
    }
    if (parent.detached || this._destroyed) return
    const sameOrigin = originOf(url) === parent.origin
    const processId = sameOrigin ? parent.processId : S.nextProcessId++
    const frame = new WebFrameMain(this, url, processId, S.nextRoutingId++, S.nextFrameTreeNodeId++, parent)
    frame.name = name ?? ''
    parent._children.push(frame)
    let preload = null
    if (this._prefs.nodeIntegrationInSubFrames === true) preload = readPreload(this._prefs.preload)
    await new Promise(resolve => {
      let renderer
      const hooks = {
        commit: () => {},
        loaded: () => {
          if (frame._renderer !== renderer || frame.detached) return resolve()
          this._loadSubFrames(frame, scripts.iframes ?? []).then(resolve)
        },
        message: m => this._fromRenderer(renderer, frame, m),
        pageError: e => S.pageErrors.push({ webContentsId: this.id, url, ...e }),
        exit: () => {
          resolve()
          if (frame._renderer === renderer) standIn.removeFrame(frame)
        }
      }
      renderer = S.backend.createRenderer(
        {
          webContentsId: this.id,
          url,
          origin: frame.origin,
          isMainFrame: false,
          preload,
          scripts,
          processId,
          routingId: frame.routingId,
          electronVersion: ELECTRON_VERSION,
          idleTimerMaxMs: S.config.idleTimerMaxMs,
          quietPageErrors: S.config.quietPageErrors
        },
        hooks
      )
      frame._renderer = renderer
      frame._stopped = resolve
    })
  }

  // MessagePorts into windows are not reproduced (see README): a clear error rather than a missing method
  postMessage() {
    throw new Error('electron-stand-in: webContents.postMessage (MessagePorts into a window) is not reproduced')
  }

  sendToFrame(frameId, channel, ...args) {
    let frame
    if (typeof frameId === 'number') frame = webFrameMain.fromId(this.mainFrame.processId, frameId)
    else if (Array.isArray(frameId) && frameId.length === 2 && frameId.every(v => typeof v === 'number')) {
      frame = webFrameMain.fromId(frameId[0], frameId[1])
    } else throw new Error('Missing required frame argument (must be number or [processId, frameId])')
    if (!frame) return false
    frame.send(channel, ...args)
    return true
  }

  // Crash and destroy end every executeJavaScript call still waiting (a navigation
  // does not: calls made during a load wait for that load, as in Electron).
  _rejectExecWaiters() {
    const waiters = [...this._execWaiters]
    this._execWaiters.clear()
    for (const gone of waiters) gone()
  }

  _teardownDocument(reason) {
    const renderer = this._renderer
    if (this._frame) {
      for (const sub of this._frame.framesInSubtree.slice(1)) stopRenderer(sub)
      this._frame._detach()
    }
    this._frame = null
    this._committed = false
    this._out.clear()
    this._in.clear()
    if (this._loadSettle && this._loading && renderer) {
      const url = this._url
      const err = new Error(`${reason === 'crash' ? 'ERR_FAILED (-2)' : 'ERR_ABORTED (-3)'} loading '${url}'`)
      this._loadSettle.reject(err)
    }
    this._loadSettle = null
    this._renderer = null
    if (renderer) {
      const stopped = reason === 'crash' ? renderer.crash() : renderer.destroy()
      const p = Promise.resolve(stopped).catch(() => {})
      S.closing.add(p)
      p.then(() => S.closing.delete(p))
    }
  }

  _renderProcessGone(reason, exitCode) {
    if (this._destroyed) return
    this._loadSeq++ // a load still building its document is aborted with the process
    this._teardownDocument('crash')
    this._rejectExecWaiters()
    this._loading = false
    this._crashed = true
    this.emit('render-process-gone', electronEvent(), { reason, exitCode })
  }

  _destroy() {
    if (this._destroyed) return
    this._destroyed = true
    this._teardownDocument()
    this._rejectExecWaiters()
    this._loading = false
    S.contents.delete(this.id)
    this.emit('destroyed', electronEvent())
  }

  close() {
    if (this._window) this._window.close()
    else this._destroy()
  }

  // a few no-op conveniences real code calls
  openDevTools() {}
  closeDevTools() {}
  isDevToolsOpened() {
    return false
  }
  setWindowOpenHandler() {}
  focus() {}
}
S.closing = new Set()

function stopRenderer(frame) {
  const renderer = frame._renderer
  frame._renderer = null
  frame._stopped?.()
  if (!renderer) return
  const p = Promise.resolve(renderer.destroy()).catch(() => {})
  S.closing.add(p)
  p.then(() => S.closing.delete(p))
}

function errorText(err) {
  try {
    return String(err)
  } catch {
    return 'Error'
  }
}

function logHandlerError(channel, err) {
  if (S.config.logHandlerErrors) console.error(`Error occurred in handler for '${channel}':`, err)
}

const webContents = {
  fromId: id => WebContents.fromId(id),
  getAllWebContents: () => [...S.contents.values()],
  getFocusedWebContents: () => null,
  fromFrame: frame => (frame?._wc && !frame._wc._destroyed ? frame._wc : undefined)
}

// ------------------------------------------------------------------------------------ View, WebContentsView
// Bookkeeping views (no layout). A WebContentsView's webContents shows in the window whose content
// view tree it joins: that window becomes its owner (BrowserWindow.fromWebContents) and stays so after
// removeChildView (Electron resets the owner only when the webContents is destroyed); closing the
// window does not destroy the view's webContents (docs/api/base-window.md, "Resource management").
class View extends EventEmitter {
  constructor() {
    super()
    this.children = []
    this._parent = null
    this._window = null // set on a window's contentView
    this._bounds = { x: 0, y: 0, width: 0, height: 0 }
    this._visible = true
  }
  _rootWindow() {
    let v = this
    while (v._parent) v = v._parent
    return v._window
  }
  addChildView(view, index) {
    if (!(view instanceof View)) throw new TypeError('Error processing argument at index 0, conversion failure')
    if (view._parent) view._parent.removeChildView(view)
    const at = index === undefined || index < 0 || index > this.children.length ? this.children.length : index
    this.children.splice(at, 0, view)
    view._parent = this
    const win = this._rootWindow()
    if (win) view._attached(win)
  }
  removeChildView(view) {
    const i = this.children.indexOf(view)
    if (i < 0) return
    this.children.splice(i, 1)
    view._parent = null
  }
  _attached(win) {
    for (const child of this.children) child._attached(win)
  }
  setBounds(bounds) {
    this._bounds = { ...this._bounds, ...bounds }
  }
  getBounds() {
    return { ...this._bounds }
  }
  setVisible(visible) {
    this._visible = Boolean(visible)
  }
  getVisible() {
    return this._visible
  }
  setBackgroundColor() {}
}

class WebContentsView extends View {
  #webContents
  constructor(options = {}) {
    super()
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object')
    if (
      options.webPreferences !== undefined &&
      (options.webPreferences === null || typeof options.webPreferences !== 'object')
    ) {
      throw new TypeError('options.webPreferences must be an object')
    }
    if (options.webContents !== undefined) {
      if (!(options.webContents instanceof WebContents))
        throw new TypeError('options.webContents must be a WebContents')
      if (options.webContents.getOwnerBrowserWindow()) {
        throw new TypeError('options.webContents is already attached to a window')
      }
      this.#webContents = options.webContents
    } else {
      this.#webContents = new WebContents(securePreferences(options.webPreferences))
    }
  }
  /** null once its webContents is destroyed (shell/browser/api/electron_api_web_contents_view.cc). */
  get webContents() {
    const wc = this.#webContents
    return wc && !wc._destroyed ? wc : null
  }
  _attached(win) {
    const wc = this.webContents
    if (wc) wc._owner = win
    super._attached(win)
  }
  setBorderRadius() {}
}

function securePreferences(prefs = {}) {
  const webPreferences = { contextIsolation: true, sandbox: true, nodeIntegration: false, ...prefs }
  if (
    webPreferences.contextIsolation === false ||
    webPreferences.nodeIntegration === true ||
    webPreferences.sandbox === false
  ) {
    throw new Error(
      'electron-stand-in: only the secure defaults are reproduced (contextIsolation: true, sandbox: true, nodeIntegration: false)'
    )
  }
  return webPreferences
}

// ------------------------------------------------------------------------------------ BrowserWindow
class BrowserWindow extends EventEmitter {
  constructor(options = {}) {
    super()
    this.setMaxListeners(0)
    const webPreferences = securePreferences(options.webPreferences || {})
    this.id = S.nextWindowId++
    this._destroyed = false
    this._title = options.title ?? ''
    this._visible = options.show !== false
    this._webContents = new WebContents(webPreferences)
    this._webContents._window = this
    this._webContents._owner = this
    this.contentView = new View()
    this.contentView._window = this
    S.windows.set(this.id, this)
    app.emit('browser-window-created', electronEvent(), this)
  }

  get webContents() {
    if (this._destroyed) throw new TypeError(DESTROYED)
    return this._webContents
  }

  static getAllWindows() {
    return [...S.windows.values()]
  }
  // lib/browser/api/browser-window.ts: webContents.getOwnerBrowserWindow()
  static fromWebContents(wc) {
    return wc instanceof WebContents ? wc.getOwnerBrowserWindow() : null
  }
  static fromId(id) {
    return S.windows.get(id) ?? null
  }
  static getFocusedWindow() {
    return null
  }

  _check() {
    if (this._destroyed) throw new TypeError(DESTROYED)
  }
  loadFile(file, options) {
    this._check()
    return this._webContents.loadFile(file, options)
  }
  loadURL(url, options) {
    this._check()
    return this._webContents.loadURL(url, options)
  }
  reload() {
    this._check()
    this._webContents.reload()
  }
  isDestroyed() {
    return this._destroyed
  }

  close() {
    if (this._destroyed) return
    setImmediate(() => {
      if (this._destroyed) return
      const ev = electronEvent()
      this.emit('close', ev)
      if (!ev.defaultPrevented) this.destroy()
    })
  }

  destroy() {
    if (this._destroyed) return
    this._destroyed = true
    S.windows.delete(this.id)
    this._webContents._destroy()
    this.emit('closed')
    if (S.windows.size === 0) app.emit('window-all-closed', electronEvent())
  }

  // window chrome: no-ops with plausible answers
  show() {
    this._visible = true
  }
  showInactive() {
    this._visible = true
  }
  hide() {
    this._visible = false
  }
  isVisible() {
    return this._visible
  }
  focus() {}
  blur() {}
  isFocused() {
    return false
  }
  setTitle(t) {
    this._title = String(t)
  }
  getTitle() {
    return this._title
  }
  minimize() {}
  maximize() {}
  restore() {}
}

// ------------------------------------------------------------------------------------ app
class App extends EventEmitter {
  constructor() {
    super()
    this.setMaxListeners(0)
    this._ready = Promise.resolve()
    this.isPackaged = false
  }
  whenReady() {
    return this._ready
  }
  isReady() {
    return true
  }
  getName() {
    return 'nanostore-ipc-bridge-stand-in'
  }
  getVersion() {
    return '0.0.0'
  }
  getPath() {
    return require('node:os').tmpdir()
  }
  getAppPath() {
    return process.cwd()
  }
  requestSingleInstanceLock() {
    return true
  }
  quit() {
    const ev = electronEvent()
    this.emit('before-quit', ev)
    if (ev.defaultPrevented) return
    for (const win of BrowserWindow.getAllWindows()) win.destroy()
    const ev2 = electronEvent()
    this.emit('will-quit', ev2)
    if (ev2.defaultPrevented) return
    this.emit('quit', electronEvent(), 0)
  }
  exit() {
    for (const win of BrowserWindow.getAllWindows()) win.destroy()
  }
}
const app = new App()

// ------------------------------------------------------------------------------------ test control
const standIn = {
  ELECTRON_VERSION,

  /** Close every window, remove every ipcMain handler/listener and app listener, clear stats and page errors. Ids keep counting up. Config is kept. */
  async reset() {
    for (const win of BrowserWindow.getAllWindows()) win.destroy()
    for (const wc of [...S.contents.values()]) wc._destroy()
    ipcMain.removeAllListeners()
    ipcMain._invokeHandlers.clear()
    app.removeAllListeners()
    S.stats = emptyStats()
    S.pageErrors = []
    S.served.clear()
    await utility.killAll()
    // every port of the old run is dead: a new main site, an empty hub
    mainQueue.length = 0
    hub.removeSite('main')
    hub.reset()
    newMainSite()
    await standIn.closed()
  },

  /**
   * Serve `dir` at `origin` (e.g. 'https://third.example'): loadURL and <iframe src> of that origin
   * read files from dir, so frames can have their own origin. Cleared by reset().
   */
  serve(origin, dir) {
    const o = new URL(origin).origin
    if (o === 'null') throw new TypeError(`standIn.serve: '${origin}' has no origin`)
    S.served.set(o, path.resolve(dir))
  },

  /** The page removed this sub-frame (its <iframe>): its document goes away, senderFrame of its events becomes null. */
  removeFrame(frame) {
    if (!(frame instanceof WebFrameMain) || !frame.parent)
      throw new TypeError('standIn.removeFrame: expected a sub-frame')
    for (const f of frame.framesInSubtree) stopRenderer(f)
    frame._detach()
    const siblings = frame.parent._children
    const i = siblings.indexOf(frame)
    if (i >= 0) siblings.splice(i, 1)
  },

  /** Live utility processes (forked and not yet reaped). */
  utilityProcesses() {
    return utility.live()
  },

  /** Kill a utility process from outside, like `kill -<signal> <pid>` (default SIGKILL): 'exit' with the signal's number. */
  killUtilityProcess(child, signal = 'SIGKILL') {
    if (!(child instanceof utility.UtilityProcess))
      throw new TypeError('standIn.killUtilityProcess: expected a UtilityProcess')
    child._signal(signal)
  },

  /** Open port ends known to the hub (for leak checks). */
  openPorts() {
    return hub.openEnds()
  },

  /** Resolves once every renderer torn down so far has really stopped. */
  async closed() {
    while (S.closing.size) {
      const all = [...S.closing]
      await Promise.all(all)
      for (const p of all) S.closing.delete(p)
    }
  },

  /**
   * seed: seeds the random delays (default 1); maxDelayMs: each message waits a random 0..maxDelayMs
   * (0 = deliver at once, the default); countBytes: count v8-serialized bytes in stats (default off);
   * idleTimerMaxMs: page setTimeouts up to this delay keep a window busy for idle() (default 2000);
   * logHandlerErrors: console.error handler errors like Electron does (default off);
   * quietPageErrors: do not print uncaught page errors (they are still in pageErrors()).
   * Pass nothing to restore the defaults.
   */
  configure(options) {
    if (options === undefined) S.config = defaultConfig()
    else {
      for (const k of Object.keys(options)) {
        if (!(k in S.config)) throw new TypeError(`standIn.configure: unknown option '${k}'`)
      }
      S.config = { ...S.config, ...options }
    }
    if (options === undefined || 'seed' in options) S.rng = seededRandom(S.config.seed)
    return { ...S.config }
  },

  config() {
    return { ...S.config }
  },

  /**
   * Resolves when no message is in flight in either direction, no invoke handler is pending, no window
   * is loading and no page has a pending short setTimeout, twice in a row with no IPC in between.
   */
  async idle({ timeoutMs = 10000 } = {}) {
    const deadline = performance.now() + timeoutMs
    const tick = () => new Promise(r => setImmediate(r))
    let why = ''
    for (;;) {
      const before = S.events
      const loading = [...S.contents.values()].filter(wc => wc._loading)
      const mainBusy = S.queued > 0 || S.pendingHandlers > 0 || loading.length > 0 || mainQueue.length > 0
      if (mainBusy) {
        why = `${S.queued} queued message(s), ${S.pendingHandlers} pending invoke handler(s), ${loading.length} loading window(s), ${mainQueue.length} port op(s) for main`
      } else {
        const renderers = [...S.contents.values()]
          .filter(wc => wc._renderer && wc._committed && !wc._crashed && wc._frame)
          .flatMap(wc => wc._frame.framesInSubtree.filter(f => f._renderer).map(f => ({ wc, r: f._renderer })))
        const pongs = await Promise.all(
          renderers.map(({ wc, r }) => {
            if (!delayed()) return r.ping()
            return new Promise(resolve =>
              wc._out.push(() => r.ping().then(p => wc._in.push(() => resolve(p), true)), true)
            )
          })
        )
        // utility processes: answered after everything sent to them before was handled
        const children = utility.live()
        const childPongs = await Promise.all(children.map(child => child._ping()))
        await tick()
        await tick()
        const busy = pongs.map((p, i) => (p.busy ? `window ${renderers[i].wc.id}: ${p.detail}` : '')).filter(Boolean)
        childPongs.forEach((p, i) => {
          if (p.busy) busy.push(`utility process ${children[i].pid}: ${p.detail}`)
        })
        if (!busy.length && S.events === before && S.queued === 0 && S.pendingHandlers === 0 && !mainQueue.length)
          return
        why = busy.length ? busy.join('; ') : 'IPC still flowing'
      }
      if (performance.now() > deadline) throw new Error(`standIn.idle(): still busy after ${timeoutMs} ms (${why})`)
      await new Promise(r => setTimeout(r, mainBusy ? 1 : 0))
    }
  },

  /** Messages and bytes per channel and per window, both directions; `dropped` counts sends nobody received. */
  stats() {
    return {
      countBytes: S.config.countBytes,
      mainToRenderer: snapshotDirection(S.stats.mainToRenderer),
      rendererToMain: snapshotDirection(S.stats.rendererToMain),
      dropped: snapshotDirection(S.stats.dropped)
    }
  },
  resetStats() {
    S.stats = emptyStats()
  },

  /** Uncaught errors seen in pages and preloads since the last reset: [{ webContentsId, url, where, message, stack }]. */
  pageErrors() {
    return S.pageErrors.slice()
  },

  /** Kill the window's renderer: 'render-process-gone' with { reason, exitCode }; the webContents stays, isCrashed() is true, reload() brings it back. */
  crash(wcOrWindow, reason = 'crashed', exitCode) {
    const wc = wcOrWindow instanceof BrowserWindow ? wcOrWindow._webContents : wcOrWindow
    if (!(wc instanceof WebContents)) throw new TypeError('standIn.crash: expected a WebContents or BrowserWindow')
    if (wc._destroyed) throw new TypeError(DESTROYED)
    const codes = {
      crashed: 139,
      killed: 9,
      oom: 137,
      'abnormal-exit': 1,
      'launch-failed': 1,
      'integrity-failure': 1,
      'clean-exit': 0
    }
    wc._renderProcessGone(reason, exitCode ?? codes[reason] ?? 1)
  },

  /** Register a window backend under backend.name; setBackend(name) makes it the one new loads use. */
  registerBackend(backend) {
    if (!backend || typeof backend.name !== 'string' || typeof backend.createRenderer !== 'function') {
      throw new TypeError('standIn.registerBackend: a backend is { name: string, createRenderer(spec, hooks) }')
    }
    S.backends.set(backend.name, backend)
  },
  setBackend(nameOrBackend) {
    if (typeof nameOrBackend === 'object') {
      standIn.registerBackend(nameOrBackend)
      nameOrBackend = nameOrBackend.name
    }
    const b = S.backends.get(nameOrBackend)
    if (!b) throw new Error(`standIn.setBackend: no backend named '${nameOrBackend}'`)
    S.backend = b
  },
  backend() {
    return S.backend.name
  },

  /**
   * Open one window: new BrowserWindow({ webPreferences: { preload } , ...options }) and load `page`
   * (an .html or .js file). Resolves with the window after 'did-finish-load'.
   */
  async openWindow({ preload, page, webPreferences = {}, ...options } = {}) {
    const win = new BrowserWindow({
      show: false,
      ...options,
      webPreferences: { ...webPreferences, ...(preload ? { preload } : {}) }
    })
    if (page) await win.loadFile(page)
    return win
  },

  /** Open n windows with the same preload and page, loading in parallel. */
  openWindows(n, options = {}) {
    const wins = []
    for (let i = 0; i < n; i++) wins.push(standIn.openWindow(options))
    return Promise.all(wins)
  },

  /** webContents.executeJavaScript on a window or webContents. */
  exec(wcOrWindow, code) {
    const wc = wcOrWindow instanceof BrowserWindow ? wcOrWindow.webContents : wcOrWindow
    return wc.executeJavaScript(code)
  },

  // for the tests of the stand-in and for backends
  WebContents,
  WebFrameMain,
  IpcMain
}

// what require('electron') gives in the main process
const electron = {
  app,
  BrowserWindow,
  ipcMain,
  webContents,
  MessageChannelMain,
  utilityProcess: utility.utilityProcess,
  View,
  WebContentsView,
  webFrameMain
}

module.exports = { electron, standIn }
