'use strict'
// Runs inside a window's worker thread: one document (one load). The worker's own realm plays the
// preload's isolated world; a node:vm context plays the page's main world (contextIsolation).
// Messages with the main thread (see worker-backend.cjs):
//   in : {t:'m', ch, a}  ipc message      {t:'r', id, ok, v}  invoke reply (v: result or error text)
//        {t:'x', id, code} executeJavaScript  {t:'p', id} ping
//   out: {t:'commit'} {t:'loaded'} {t:'s', ch, a} send {t:'i', id, ch, a} invoke
//        {t:'x', id, ok, v} executeJavaScript result   {t:'p', id, busy, detail} pong
//        {t:'err', message, stack} uncaught page/preload error
const { parentPort, workerData } = require('node:worker_threads')
const vm = require('node:vm')
const EventEmitter = require('node:events')
const { createBridge, deepFreeze, INTRINSICS_SRC, CLONE_ERROR } = require('./context-bridge.cjs')

const spec = workerData
process.type = 'renderer'
process.versions.electron = spec.electronVersion
// nodeIntegrationInSubFrames: the preload runs in every frame and tells them apart with this
process.isMainFrame = spec.isMainFrame !== false

const post = m => parentPort.postMessage(m)

function reportError(err, where) {
  const message = err && typeof err === 'object' && 'message' in err ? String(err.message) : String(err)
  const stack = err && typeof err === 'object' && typeof err.stack === 'string' ? err.stack : undefined
  if (!spec.quietPageErrors) {
    console.error(`[electron-stand-in window ${spec.webContentsId}] Uncaught (${where}):`, stack || message)
  }
  try {
    post({ t: 'err', where, message, stack })
  } catch {}
}
process.on('uncaughtException', e => reportError(e, 'exception'))
process.on('unhandledRejection', e => reportError(e, 'unhandled rejection'))

post({ t: 'commit' })

// ---------------------------------------------------------------- timers (tracked for standIn.idle)
const timers = new Map()
let nextTimerId = 1
let pendingShortTimeouts = 0
const idleTimerMaxMs = spec.idleTimerMaxMs
// A timer delay as browsers read it: NaN and negatives are 0.
const nonNegative = ms => (Number.isNaN(Number(ms)) ? 0 : Math.max(0, Number(ms)))

function makeTimers() {
  function setTimeoutImpl(fn, ms, ...args) {
    const id = nextTimerId++
    const delay = nonNegative(ms)
    const short = delay <= idleTimerMaxMs
    if (short) pendingShortTimeouts++
    const handle = setTimeout(() => {
      timers.delete(id)
      if (short) pendingShortTimeouts--
      if (typeof fn !== 'function') return
      try {
        fn(...args)
      } catch (e) {
        reportError(e, 'setTimeout callback')
      }
    }, delay)
    timers.set(id, { handle, short, interval: false })
    return id
  }
  function setIntervalImpl(fn, ms, ...args) {
    const id = nextTimerId++
    const handle = setInterval(() => {
      try {
        if (typeof fn === 'function') fn(...args)
      } catch (e) {
        reportError(e, 'setInterval callback')
      }
    }, nonNegative(ms))
    timers.set(id, { handle, short: false, interval: true })
    return id
  }
  function clearTimer(id) {
    const t = timers.get(id)
    if (!t) return
    timers.delete(id)
    if (t.interval) clearInterval(t.handle)
    else {
      clearTimeout(t.handle)
      if (t.short) pendingShortTimeouts--
    }
  }
  return {
    setTimeout: setTimeoutImpl,
    setInterval: setIntervalImpl,
    clearTimeout: clearTimer,
    clearInterval: clearTimer
  }
}

// ---------------------------------------------------------------- the page's main world
const pageContext = vm.createContext({}, { name: `window ${spec.webContentsId} main world` })
const pageGlobal = vm.runInContext('globalThis', pageContext)
const pageIntrinsics = vm.runInContext(INTRINSICS_SRC, pageContext)
const preloadIntrinsics = vm.runInThisContext(INTRINSICS_SRC)
// toA: into the page (main world), toB: into the preload (isolated world)
const bridge = createBridge(pageIntrinsics, preloadIntrinsics)

{
  const t = makeTimers()
  const url = new URL(spec.url)
  const eventTarget = new EventTarget()
  const nodeStructuredClone = structuredClone
  const define = (k, v) =>
    Object.defineProperty(pageGlobal, k, { value: v, writable: true, configurable: true, enumerable: false })
  define('window', pageGlobal)
  define('self', pageGlobal)
  define('setTimeout', t.setTimeout)
  define('setInterval', t.setInterval)
  define('clearTimeout', t.clearTimeout)
  define('clearInterval', t.clearInterval)
  define('queueMicrotask', fn =>
    queueMicrotask(() => {
      try {
        fn()
      } catch (e) {
        reportError(e, 'queueMicrotask callback')
      }
    })
  )
  define('structuredClone', (v, o) => {
    let c
    try {
      c = nodeStructuredClone(v, o)
    } catch (e) {
      if (e && e.name === 'DataCloneError') throw new pageIntrinsics.Error(CLONE_ERROR)
      throw e
    }
    return bridge.toA(c)
  })
  define('console', console)
  define('location', {
    href: url.href,
    origin: spec.origin ?? 'file://',
    protocol: url.protocol,
    pathname: url.pathname,
    host: url.protocol === 'file:' ? '' : url.host,
    hostname: url.protocol === 'file:' ? '' : url.hostname,
    search: url.search,
    hash: url.hash
  })
  define('document', { readyState: 'loading', URL: url.href, title: '' })
  define('addEventListener', eventTarget.addEventListener.bind(eventTarget))
  define('removeEventListener', eventTarget.removeEventListener.bind(eventTarget))
  define('dispatchEvent', eventTarget.dispatchEvent.bind(eventTarget))
  for (const k of [
    'TextEncoder',
    'TextDecoder',
    'URL',
    'URLSearchParams',
    'AbortController',
    'AbortSignal',
    'Event',
    'EventTarget',
    'atob',
    'btoa',
    'performance',
    'crypto'
  ]) {
    if (k in globalThis) define(k, globalThis[k])
  }
}

// ---------------------------------------------------------------- preload world: ipcRenderer, contextBridge
const pendingInvokes = new Map()
let nextInvokeId = 1

function cloneError() {
  return new Error(CLONE_ERROR)
}

class IpcRenderer extends EventEmitter {
  send(channel, ...args) {
    try {
      post({ t: 's', ch: String(channel), a: args })
    } catch (e) {
      if (e && e.name === 'DataCloneError') throw cloneError()
      throw e
    }
  }
  invoke(channel, ...args) {
    return new Promise((resolve, reject) => {
      const id = nextInvokeId++
      try {
        post({ t: 'i', id, ch: String(channel), a: args })
      } catch (e) {
        reject(e && e.name === 'DataCloneError' ? cloneError() : e)
        return
      }
      pendingInvokes.set(id, { resolve, reject, channel: String(channel) })
    })
  }
  sendSync() {
    throw new Error('electron-stand-in: ipcRenderer.sendSync is not supported')
  }
  sendToHost() {
    throw new Error('electron-stand-in: ipcRenderer.sendToHost is not supported')
  }
  postMessage() {
    throw new Error('electron-stand-in: ipcRenderer.postMessage is not supported')
  }
}
const ipcRenderer = new IpcRenderer()
ipcRenderer.setMaxListeners(0)

const contextBridge = {
  exposeInMainWorld(apiKey, api) {
    if (typeof apiKey !== 'string') throw new TypeError('Error processing argument at index 0, conversion failure')
    if (apiKey in pageGlobal) {
      throw new Error('Cannot bind an API on top of an existing property on the window object')
    }
    const value = deepFreeze(bridge.toA(api))
    Object.defineProperty(pageGlobal, apiKey, { value, enumerable: true, writable: false, configurable: false })
  },
  exposeInIsolatedWorld() {
    throw new Error('electron-stand-in: contextBridge.exposeInIsolatedWorld is not supported')
  }
}

const electronModule = Object.freeze({ ipcRenderer, contextBridge })
const preloadModules = new Map([
  ['electron', electronModule],
  ['electron/renderer', electronModule],
  ['electron/common', Object.freeze({})],
  ['events', EventEmitter],
  ['timers', require('node:timers')],
  ['url', require('node:url')]
])
function preloadRequire(name) {
  if (preloadModules.has(name)) return preloadModules.get(name)
  // Electron's sandboxed preload require (lib/sandboxed_renderer): same text
  throw new Error(`module not found: ${name}`)
}

// ---------------------------------------------------------------- messages from main
parentPort.on('message', m => {
  switch (m.t) {
    case 'm': {
      const event = { sender: ipcRenderer, senderId: 0, ports: [] }
      ipcRenderer.emit(m.ch, event, ...m.a)
      break
    }
    case 'r': {
      const p = pendingInvokes.get(m.id)
      if (!p) return
      pendingInvokes.delete(m.id)
      if (m.ok) p.resolve(m.v)
      else p.reject(new Error(`Error invoking remote method '${p.channel}': ${m.v}`))
      break
    }
    case 'x':
      runExecuteJavaScript(m.id, m.code)
      break
    case 'p': {
      const busy = pendingShortTimeouts > 0
      post({ t: 'p', id: m.id, busy, detail: busy ? `${pendingShortTimeouts} pending setTimeout(s)` : '' })
      break
    }
  }
})

async function runExecuteJavaScript(id, code) {
  let ok = true
  let value
  try {
    value = vm.runInContext(String(code), pageContext, { filename: 'executeJavaScript' })
    if (value && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function') {
      value = await value
    }
  } catch (e) {
    ok = false
    value = e
  }
  try {
    post({ t: 'x', id, ok, v: value })
  } catch (_e) {
    if (ok) post({ t: 'x', id, ok: false, v: new Error(CLONE_ERROR) })
    else
      post({
        t: 'x',
        id,
        ok: false,
        v: new Error(String(value && value.message !== undefined ? value.message : value))
      })
  }
}

// ---------------------------------------------------------------- load: preload, then the page scripts
if (spec.preload) {
  try {
    const wrapper = vm.runInThisContext(
      '(function (exports, require, module, process, Buffer, global, setImmediate, clearImmediate) {' +
        spec.preload.source +
        '\n})',
      { filename: spec.preload.filename }
    )
    const module = { exports: {} }
    wrapper.call(
      module.exports,
      module.exports,
      preloadRequire,
      module,
      process,
      Buffer,
      globalThis,
      setImmediate,
      clearImmediate
    )
  } catch (e) {
    // Electron logs "Unable to load preload script: <path>" and the page still loads
    reportError(e, `Unable to load preload script: ${spec.preload.filename}`)
  }
}
for (const script of spec.scripts) {
  try {
    vm.runInContext(script.code, pageContext, { filename: script.filename })
  } catch (e) {
    reportError(e, `page script ${script.filename}`)
  }
}
pageGlobal.document.readyState = 'complete'
try {
  pageGlobal.dispatchEvent(new Event('DOMContentLoaded'))
  pageGlobal.dispatchEvent(new Event('load'))
} catch (e) {
  reportError(e, 'load event')
}
post({ t: 'loaded' })
