'use strict'
// The default window backend: one worker_threads Worker (its own V8 isolate) per loaded document.
// See ../README.md ("Window backends") for the interface every backend implements.
const path = require('node:path')
const { Worker } = require('node:worker_threads')

const ENTRY = path.join(__dirname, 'worker-window.cjs')

class WorkerRenderer {
  constructor(spec, hooks) {
    this._hooks = hooks
    this._gone = false
    this._nextId = 1
    this._execs = new Map()
    this._pings = new Map()
    this._worker = new Worker(ENTRY, {
      workerData: spec,
      // the test process's --import (the 'electron' hook) must not run inside a window
      execArgv: [],
      name: `electron-stand-in window ${spec.webContentsId}`
    })
    this._worker.on('message', m => this._onMessage(m))
    this._worker.on('error', err => {
      // an error escaping the worker's own handlers (e.g. in bootstrap): the renderer process died
      this._died({ reason: 'crashed', exitCode: 1, error: err })
    })
    this._worker.on('exit', code => this._died({ reason: code === 0 ? 'clean-exit' : 'crashed', exitCode: code }))
  }

  _onMessage(m) {
    switch (m.t) {
      case 's':
      case 'i':
        this._hooks.message(m)
        break
      case 'x': {
        const p = this._execs.get(m.id)
        if (!p) return
        this._execs.delete(m.id)
        if (m.ok) p.resolve(m.v)
        else p.reject(m.v)
        break
      }
      case 'p': {
        const p = this._pings.get(m.id)
        if (!p) return
        this._pings.delete(m.id)
        p({ busy: m.busy, detail: m.detail })
        break
      }
      case 'commit':
        this._hooks.commit()
        break
      case 'loaded':
        this._hooks.loaded()
        break
      case 'err':
        this._hooks.pageError({ where: m.where, message: m.message, stack: m.stack })
        break
    }
  }

  _died(info) {
    if (this._gone) return
    this._gone = true
    this._settleAll()
    this._hooks.exit(info)
  }

  _settleAll() {
    for (const p of this._execs.values())
      p.reject(new Error('electron-stand-in: the page went away before executeJavaScript finished'))
    this._execs.clear()
    for (const p of this._pings.values()) p({ busy: false, detail: '' })
    this._pings.clear()
  }

  deliver(channel, args) {
    this._worker.postMessage({ t: 'm', ch: channel, a: args })
  }

  reply(id, ok, value) {
    this._worker.postMessage({ t: 'r', id, ok, v: value })
  }

  executeJavaScript(code) {
    if (this._gone) return Promise.reject(new Error('electron-stand-in: the page is gone'))
    return new Promise((resolve, reject) => {
      const id = this._nextId++
      this._execs.set(id, { resolve, reject })
      this._worker.postMessage({ t: 'x', id, code })
    })
  }

  ping() {
    if (this._gone) return Promise.resolve({ busy: false, detail: '' })
    return new Promise(resolve => {
      const id = this._nextId++
      this._pings.set(id, resolve)
      this._worker.postMessage({ t: 'p', id })
    })
  }

  crash() {
    if (this._gone) return Promise.resolve()
    this._gone = true
    this._settleAll()
    return this._worker.terminate().then(() => {})
  }

  destroy() {
    if (this._gone) return Promise.resolve()
    this._gone = true
    this._settleAll()
    return this._worker.terminate().then(() => {})
  }
}

const workerBackend = {
  name: 'worker',
  createRenderer(spec, hooks) {
    return new WorkerRenderer(spec, hooks)
  }
}

module.exports = { workerBackend }
