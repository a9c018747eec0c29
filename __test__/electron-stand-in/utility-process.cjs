'use strict'
// utilityProcess in the main process (lib/browser/api/utility-process.ts over
// shell/browser/api/electron_api_utility_process.cc): fork() starts a real child process running
// utility/child.cjs, which loads the entry script. See the README ("Utility processes") for the
// semantics and where each was checked.
const os = require('node:os')
const path = require('node:path')
const { fork: forkChild } = require('node:child_process')
const { EventEmitter } = require('node:events')
const { PassThrough } = require('node:stream')
const { cloneForPort } = require('./ports.cjs')

const CHILD = path.join(__dirname, 'utility', 'child.cjs')

/**
 * @param {object} d
 * @param {object} d.hub the port hub
 * @param {() => object} d.mainSite the main process's port site
 * @param {Function} d.MessagePortMain
 * @param {symbol} d.kPortId
 * @param {string} d.electronVersion
 * @param {() => void} d.onEvent counts traffic for standIn.idle()
 */
function createUtilityProcessApi({ hub, mainSite, MessagePortMain, kPortId, electronVersion, onEvent }) {
  const live = new Set() // UtilityProcess objects whose process has not been reaped yet
  let nextSite = 1

  function parseStdio(stdio) {
    if (stdio === undefined) return ['ignore', 'inherit', 'inherit']
    if (typeof stdio === 'string') {
      if (!['inherit', 'ignore', 'pipe'].includes(stdio)) {
        throw new Error('stdio must be of the following values: inherit, pipe, ignore')
      }
      return ['ignore', stdio, stdio]
    }
    if (Array.isArray(stdio)) {
      if (stdio.length < 3) throw new Error('configuration missing for stdin, stdout or stderr.')
      if (stdio[0] !== 'ignore') throw new Error('stdin value other than ignore is not supported.')
      if (!['inherit', 'ignore', 'pipe'].includes(stdio[1])) {
        throw new Error('stdout configuration must be of the following values: inherit, pipe, ignore')
      }
      if (!['inherit', 'ignore', 'pipe'].includes(stdio[2])) {
        throw new Error('stderr configuration must be of the following values: inherit, pipe, ignore')
      }
      return stdio.slice(0, 3)
    }
    return ['ignore', 'inherit', 'inherit']
  }

  class UtilityProcess extends EventEmitter {
    #child
    #pid = undefined
    #dead = false // the OS process ended ('exit' may still be pending)
    #exited = false
    #killed = false
    #stdout = null
    #stderr = null
    #siteId
    #pings = new Map()
    #nextPing = 1
    #reaped

    constructor(modulePath, args, options) {
      super()
      if (!modulePath) throw new Error('Missing UtilityProcess entry script.')
      if (args == null) args = []
      else if (typeof args === 'object' && !Array.isArray(args)) {
        options = args
        args = []
      }
      options = options == null ? {} : { ...options }
      if (options.execArgv != null && !Array.isArray(options.execArgv)) {
        throw new Error('execArgv must be an array of strings.')
      }
      if (options.serviceName != null && typeof options.serviceName !== 'string') {
        throw new Error('serviceName must be a string.')
      }
      if (options.cwd != null && typeof options.cwd !== 'string') throw new Error('cwd path must be a string.')
      const stdio = parseStdio(options.stdio)
      if (stdio[1] === 'pipe') this.#stdout = new PassThrough()
      if (stdio[2] === 'pipe') this.#stderr = new PassThrough()

      this.#siteId = `utility${nextSite++}`
      const spec = JSON.stringify({ siteId: this.#siteId, electronVersion })
      const child = forkChild(CHILD, [spec, String(modulePath), ...args.map(String)], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        // the test process's --import (the main-process 'electron' hook) must not run in the child
        execArgv: options.execArgv ?? [],
        stdio: [...stdio, 'ipc'],
        serialization: 'advanced'
      })
      this.#child = child
      live.add(this)
      this.#reaped = new Promise(resolve => child.once('close', resolve))
      // messages sent to a process that died are dropped (Electron checks is_connected first)
      child.on('error', () => {})
      const siteSend = hub.addSite(this.#siteId, op => this.#send({ t: 'po', op }))
      child.on('message', m => {
        if (m.t !== 'pong') onEvent()
        switch (m.t) {
          case 'parent':
            this.emit('message', m.data)
            break
          case 'po':
            siteSend(m.op)
            break
          case 'pong': {
            const p = this.#pings.get(m.id)
            this.#pings.delete(m.id)
            p?.({ busy: m.busy, detail: m.busy ? 'entry script still loading' : '' })
            break
          }
        }
      })
      child.once('spawn', () => {
        this.#pid = child.pid
        if (this.#stdout) child.stdout.pipe(this.#stdout)
        if (this.#stderr) child.stderr.pipe(this.#stderr)
        this.emit('spawn')
      })
      child.once('exit', () => {
        this.#dead = true
      })
      // 'close': exited and its channel drained, so every message it sent was emitted before 'exit'
      child.once('close', (code, signal) => this.#onExit(code, signal))
    }

    #send(m) {
      if (this.#dead || !this.#child.connected) return
      if (m.t !== 'ping') onEvent() // idle()'s own pings are not traffic
      this.#child.send(m)
    }

    #onExit(code, signal) {
      if (this.#exited) return
      this.#exited = true
      this.#dead = true
      live.delete(this)
      hub.removeSite(this.#siteId)
      for (const p of this.#pings.values()) p({ busy: false, detail: '' })
      this.#pings.clear()
      let exitCode = code
      if (signal) {
        // the exit code from waitpid: the signal number for a killed process
        exitCode = os.constants.signals[signal] ?? 1
        // kill() is a graceful termination: Electron reports 0 for its SIGTERM (or the SIGKILL after it)
        if (this.#killed && (signal === 'SIGTERM' || signal === 'SIGKILL')) exitCode = 0
      }
      this.#pid = undefined
      try {
        this.emit('exit', exitCode ?? 0)
      } finally {
        this.#stdout?.removeAllListeners()
        this.#stderr?.removeAllListeners()
        this.#stdout = null
        this.#stderr = null
      }
    }

    get pid() {
      return this.#pid
    }
    get stdout() {
      return this.#stdout
    }
    get stderr() {
      return this.#stderr
    }

    postMessage(message, transfer) {
      if (this.#dead) return undefined
      const data = cloneForPort(message)
      let packs = []
      if (Array.isArray(transfer)) {
        if (!transfer.every(x => x instanceof MessagePortMain)) throw new TypeError('Invalid value for transfer')
        packs = mainSite().detach(transfer, x => x[kPortId])
        hub.transfer(packs, 'main', this.#siteId)
      }
      this.#send({ t: 'parent', data, ports: packs })
      return undefined
    }

    kill() {
      if (this.#pid === undefined || this.#dead) return false
      const ok = this.#child.kill('SIGTERM')
      this.#killed = ok
      return ok
    }

    // ---- stand-in only
    /** Resolves ({ busy, detail }) once everything sent to the child before was handled there (or it is gone). */
    _ping() {
      if (this.#dead || !this.#child.connected) return Promise.resolve({ busy: false, detail: '' })
      return new Promise(resolve => {
        const id = this.#nextPing++
        this.#pings.set(id, resolve)
        this.#send({ t: 'ping', id })
      })
    }
    /** SIGKILL (a crash from outside, like `kill -9`): 'exit' with code 9. */
    _signal(signal) {
      if (!this.#dead) this.#child.kill(signal)
    }
    _reaped() {
      return this.#reaped
    }
  }

  return {
    utilityProcess: Object.freeze({
      fork: (modulePath, args, options) => new UtilityProcess(modulePath, args, options)
    }),
    UtilityProcess,
    live: () => [...live],
    async killAll() {
      const all = [...live]
      for (const child of all) child._signal('SIGKILL')
      await Promise.all(all.map(c => c._reaped()))
    }
  }
}

module.exports = { createUtilityProcessApi }
