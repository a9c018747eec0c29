'use strict'
// Bootstrap of a utility process (utilityProcess.fork): a real child process (child_process.fork with
// advanced serialization), set up like Electron's lib/utility/init.ts before the entry script runs:
// process.type 'utility', process.parentPort, `require('electron')` / `import 'electron'` giving the
// utility process's module (electron.cjs here), then the entry loaded through the ESM loader (CommonJS
// or ESM). Like Electron's, the process does not exit when its event loop is empty: only process.exit,
// a signal, a crash or an uncaught exception end it (the IPC channel keeps it alive; when main goes away
// the channel closes and the child exits).
//
// Channel with main (process.send / 'message', in order):
//   in : {t:'parent', data, ports: Pack[]}  {t:'po', op}  {t:'ping', id}
//   out: {t:'parent', data}  {t:'po', op}  {t:'pong', id, busy}
const path = require('node:path')
const Module = require('node:module')
const { EventEmitter } = require('node:events')
const { pathToFileURL } = require('node:url')
const { createPortSite, createMessagePortMainClass, cloneForPort } = require('../ports.cjs')

const spec = JSON.parse(process.argv[2])
process.argv.splice(1, 2) // [execPath, modulePath, ...args], as Electron's init.ts leaves it
process.type = 'utility'
process.versions.electron = spec.electronVersion

let entryLoaded = false
const send = m => {
  if (process.connected) process.send(m)
}

// ---------------------------------------------------------------- ports
const kPortId = Symbol('portId')
let site
const MessagePortMain = createMessagePortMainClass(() => site, kPortId)
site = createPortSite({
  prefix: spec.siteId,
  send: op => send({ t: 'po', op }),
  makePort: id => new MessagePortMain(id),
  dispatch: (port, data, ports) => port.emit('message', { data, ports }),
  closed: port => {
    port._closed = true
    port.emit('close')
  }
})

// ---------------------------------------------------------------- process.parentPort
// lib/utility/parent-port.ts + shell/services/node/parent_port.cc: messages queue until the first
// 'message' listener starts the port; removing the last one pauses it. postMessage(message) only
// (no transfer); it throws on a value that cannot be cloned.
const parentQueue = []
let parentStarted = false
let parentFlushScheduled = false
class ParentPort extends EventEmitter {
  start() {
    parentStarted = true
    scheduleParentFlush()
  }
  pause() {
    parentStarted = false
  }
  postMessage(message) {
    send({ t: 'parent', data: cloneForPort(message) })
  }
}
const parentPort = new ParentPort()
function flushParent() {
  while (parentStarted && parentQueue.length) {
    const { data, ids } = parentQueue.shift()
    parentPort.emit('message', { data, ports: ids.map(site.port) })
  }
}
function scheduleParentFlush() {
  if (parentFlushScheduled) return
  parentFlushScheduled = true
  setImmediate(() => {
    parentFlushScheduled = false
    flushParent()
  })
}
parentPort.on('newListener', name => {
  if (name === 'message' && parentPort.listenerCount('message') === 0) parentPort.start()
})
parentPort.on('removeListener', name => {
  if (name === 'message' && parentPort.listenerCount('message') === 0) parentPort.pause()
})
Object.defineProperty(process, 'parentPort', { enumerable: true, writable: false, value: parentPort })

process.on('message', m => {
  switch (m.t) {
    case 'parent':
      parentQueue.push({ data: m.data, ids: site.adopt(m.ports) })
      if (parentStarted) flushParent()
      break
    case 'po':
      site.receive(m.op)
      break
    case 'ping':
      // busy while the entry script is still loading (messages wait for its listeners) or a started
      // parentPort still has messages to dispatch
      send({ t: 'pong', id: m.id, busy: !entryLoaded || (parentStarted && parentQueue.length > 0) })
      break
  }
})
process.on('disconnect', () => process.exit(0))

// ---------------------------------------------------------------- require('electron') / import 'electron'
// lib/utility/api/module-list.ts: the utility process's 'electron' has net and systemPreferences (and
// in recent versions localAIHandler); no app, BrowserWindow, ipcMain, ipcRenderer, MessageChannelMain.
// lib/common/reset-search-paths.ts: 'electron', 'electron/main', 'electron/renderer', 'electron/common'
// (and 'electron/utility') all resolve to that same module.
const notReproduced = name =>
  new Proxy(
    {},
    {
      get(_t, key) {
        if (typeof key === 'symbol') return undefined
        throw new Error(`electron-stand-in: ${name}.${String(key)} is not reproduced in a utility process`)
      }
    }
  )
const electron = Object.freeze({
  net: Object.freeze({
    // Electron's net.fetch goes through Chromium's network stack; here it is Node's fetch.
    fetch: (...args) => globalThis.fetch(...args),
    isOnline: () => true,
    online: true
  }),
  systemPreferences: notReproduced('systemPreferences')
})
globalThis[Symbol.for('electron-stand-in.utility-electron')] = electron
const NAMES = new Set(['electron', 'electron/main', 'electron/renderer', 'electron/common', 'electron/utility'])
const target = path.join(__dirname, 'electron.cjs')
const original = Module._resolveFilename
Module._resolveFilename = function resolveElectron(request, ...rest) {
  if (NAMES.has(request)) return target
  return original.call(this, request, ...rest)
}
Module.register(pathToFileURL(path.join(__dirname, 'hooks.mjs')).href)

// ---------------------------------------------------------------- the entry script
import(pathToFileURL(path.resolve(process.argv[1])).href).then(
  () => {
    entryLoaded = true
  },
  err => {
    entryLoaded = true
    // Electron: internalBinding('errors').triggerUncaughtException(err) -> exit code 1 without a handler
    process.nextTick(() => {
      throw err
    })
  }
)
