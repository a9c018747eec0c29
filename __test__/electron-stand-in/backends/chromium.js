// Window backend for the Electron stand-in: every document is a page in headless Chromium
// (Debian's /usr/bin/chromium, driven by playwright-core). Implements the `WindowBackend` interface
// of ../README.md ("Window backends"):
//
//   import { standIn } from '../electron-stand-in/index.js'
//   import { createChromiumBackend } from '../electron-stand-in/backends/chromium.js'
//   const chromium = createChromiumBackend()
//   standIn.setBackend(chromium)           // later loads open Chromium pages
//   ...
//   chromium.page(win.webContents.id)      // the Playwright Page of a window's current document
//   await chromium.close()                 // after standIn.reset(): stops the browser
//
// How a document runs:
// - The page loads the real file (spec.url, a file: URL) with Chromium's own HTML parser, CSS and
//   ES modules; spec.scripts (the stand-in's esbuild bundles) are not used. `--allow-file-access-from-files`
//   lets file: pages load `<script type="module" crossorigin>` as Electron's file: handling does.
// - Before any page script (page.addInitScript) a runtime installs the renderer side: a stand-in
//   `ipcRenderer` and `contextBridge`, the sandboxed `require` (electron, events, timers, url), and
//   runs the preload (spec.preload) as CommonJS. The preload runs in the page's main world inside a
//   closure (Playwright has no isolated worlds for init scripts), so page code cannot reach
//   ipcRenderer, but it does share the page's intrinsics; contextBridge copies values by Electron's
//   rules (functions proxied, no identity kept; objects copied, prototypes dropped; Errors become
//   new Error(message); deep-frozen).
// - Window → main: one page binding (exposeBinding, removed from `window` before page code runs).
//   Main → window: page.evaluate of a receiver with an unguessable name, one batch at a time, in order.
//   Values cross with structured-clone semantics: structuredClone() on the sending side (its errors
//   are the real DataCloneErrors), then a tagged JSON encoding that keeps what structured clone keeps
//   (undefined, NaN, -0, ±Infinity, BigInt, Date, RegExp, Map, Set, ArrayBuffer, typed arrays,
//   DataView, Error name/message/stack/cause, boxed primitives, holes, cycles and shared references).
// - executeJavaScript: CDP Runtime.evaluate in the main world (a script: its completion value,
//   thenables awaited), the result structured-cloned in the page.
// - ping(): after everything delivered before it; busy while the page has setTimeouts of at most
//   spec.idleTimerMaxMs pending (the runtime wraps setTimeout/clearTimeout to count them).
// - Every load is a new Page (the stand-in creates a renderer per load), so a reload closes the old
//   Page and page(id) returns the new one.
//
// Known differences (see also the stand-in's README): a .js/.ts page runs from a generated document
// in a temp dir, so its `location` is not spec.url; module scripts of an .html page are loaded by
// Chromium itself, so bare imports (`import 'nanostores'`) fail as in any browser — pages must be
// built (Vite, esbuild) as they are for Electron. Navigations the page starts itself
// (location.reload()) are not reported to main: the interface has no hook for them.
// Env: CHROMIUM_PATH (binary), CHROMIUM_BACKEND_CONSOLE=1 (echo page consoles),
// CHROMIUM_BACKEND_DEBUG=1 (log renderer deaths).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'

export const DEFAULT_CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  // file: pages may load their ES modules and stylesheets (crossorigin), as in Electron
  '--allow-file-access-from-files'
]

const CLONE_ERROR = 'An object could not be cloned.'

/** Is there a Chromium binary to drive? (`apt-get install -y chromium` on Debian.) */
export function chromiumAvailable(executablePath = DEFAULT_CHROMIUM_PATH) {
  try {
    fs.accessSync(executablePath, fs.constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * @param {object} [options]
 * @param {string} [options.executablePath] Chromium binary (default /usr/bin/chromium, or $CHROMIUM_PATH)
 * @param {string[]} [options.args] extra Chromium arguments
 * @param {{ width: number, height: number }} [options.viewport] every page's size (default 520×680:
 *   RendererSpec carries no window size)
 * @param {number} [options.deviceScaleFactor] default 1
 * @param {boolean} [options.echoConsole] print the pages' console messages (default: $CHROMIUM_BACKEND_CONSOLE)
 * @param {string} [options.name] backend name (default 'chromium')
 */
export function createChromiumBackend(options = {}) {
  const {
    executablePath = DEFAULT_CHROMIUM_PATH,
    args = [],
    viewport = { width: 520, height: 680 },
    deviceScaleFactor = 1,
    echoConsole = Boolean(process.env.CHROMIUM_BACKEND_CONSOLE),
    name = 'chromium'
  } = options

  let browserPromise = null // Promise<{ browser, context }>
  const current = new Map() // webContentsId -> ChromiumRenderer of its current document
  const renderers = new Set()

  async function launch() {
    if (!chromiumAvailable(executablePath)) {
      throw new Error(`chromium backend: no Chromium at ${executablePath} (Debian: apt-get install -y chromium)`)
    }
    const { chromium } = await import('playwright-core')
    // Playwright gives every launch a fresh temporary --user-data-dir (and removes it on close).
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, ...args]
    })
    // One context for every window, like the windows of one Electron session.
    const context = await browser.newContext({ viewport, deviceScaleFactor })
    return { browser, context }
  }

  function browser() {
    browserPromise ??= launch()
    return browserPromise
  }

  const backend = {
    name,
    createRenderer(spec, hooks) {
      const renderer = new ChromiumRenderer(spec, hooks, browser, { echoConsole })
      renderers.add(renderer)
      current.set(spec.webContentsId, renderer)
      renderer.stopped.then(() => {
        renderers.delete(renderer)
        if (current.get(spec.webContentsId) === renderer) current.delete(spec.webContentsId)
      })
      return renderer
    },
    /** The Playwright Page showing webContents `id`'s current document, or null (not created yet, or gone). */
    page(id) {
      const r = current.get(typeof id === 'object' && id !== null ? id.id : id)
      return r && !r.gone ? r.page : null
    },
    /** Resolves with the Page once webContents `id` has a document that committed (bounded). */
    async waitForPage(id, { timeoutMs = 10000 } = {}) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const r = current.get(typeof id === 'object' && id !== null ? id.id : id)
        if (r && !r.gone && r.page && r.committed) return r.page
        if (Date.now() > deadline)
          throw new Error(`chromium backend: webContents ${id} has no committed page after ${timeoutMs} ms`)
        await new Promise(resolve => setTimeout(resolve, 10))
      }
    },
    /** Console lines of webContents `id`'s current document: [{ type, text }]. */
    consoleOf(id) {
      const r = current.get(id)
      return r ? r.consoleLines.slice() : []
    },
    /** The Playwright Browser (launching it if needed). */
    async browser() {
      return (await browser()).browser
    },
    /** Close every page and the browser. Call after standIn.reset(). */
    async close() {
      await Promise.all([...renderers].map(r => r.destroy()))
      if (!browserPromise) return
      const p = browserPromise
      browserPromise = null
      try {
        const { browser: b } = await p
        await b.close()
      } catch {}
    }
  }
  return backend
}

class ChromiumRenderer {
  constructor(spec, hooks, getBrowser, { echoConsole }) {
    this.spec = spec
    this.hooks = hooks
    this.page = null
    this.cdp = null
    this.gone = false
    this.committed = false
    this.consoleLines = []
    this._echoConsole = echoConsole
    this._binding = `__standin_${randomBytes(8).toString('hex')}`
    this._receiver = `__standin_${randomBytes(8).toString('hex')}`
    this._queue = [] // { kind: 'msg', m } | { kind: 'exec', code, resolve, reject } | { kind: 'ping', resolve }
    this._pumping = false
    this._nextSeq = 1 // next page → main message expected
    this._early = new Map() // out-of-order page messages, by seq
    let stop
    this.stopped = new Promise(resolve => (stop = resolve))
    this._stop = stop
    this._ready = this._start(getBrowser).catch(err => this._failed(err))
  }

  // ------------------------------------------------------------------------------ start
  async _start(getBrowser) {
    const { context } = await getBrowser()
    if (this.gone) return
    const page = await context.newPage()
    if (this.gone) {
      await page.close().catch(() => {})
      return
    }
    this.page = page
    page.on('console', msg => {
      const line = { type: msg.type(), text: msg.text() }
      this.consoleLines.push(line)
      if (this.consoleLines.length > 500) this.consoleLines.shift()
      if (this._echoConsole) console.log(`[chromium window ${this.spec.webContentsId}] ${line.type}: ${line.text}`)
    })
    page.on('pageerror', err => {
      if (this.gone) return
      if (!this.spec.quietPageErrors) {
        console.error(
          `[electron-stand-in window ${this.spec.webContentsId}] Uncaught (exception):`,
          err.stack || err.message
        )
      }
      this.hooks.pageError({ where: 'exception', message: String(err.message), stack: err.stack })
    })
    page.on('crash', () => this._died({ reason: 'crashed', exitCode: 139 }))
    page.on('close', () => this._died({ reason: 'killed', exitCode: 9 }))
    await page.exposeBinding(this._binding, (_source, json) => this._fromPage(json))
    await page.addInitScript({ content: this._initScript() })
    this.cdp = await page.context().newCDPSession(page)
    if (this.gone) return
    // 'commit' and 'loaded' come from the page itself, ordered with its IPC messages.
    await page.goto(this._documentUrl(), { waitUntil: 'commit' })
  }

  // An .html file loads as it is. Any other page (a .js/.ts file, which the stand-in treats as a
  // module script and bundled into spec.scripts) runs from a generated document in a temp dir that
  // loads those bundles as classic scripts, in order (so its location is not spec.url).
  _documentUrl() {
    const url = new URL(this.spec.url)
    if (/\.html?$/i.test(url.pathname)) return this.spec.url
    this._tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-chromium-'))
    const tags = this.spec.scripts.map((script, i) => {
      const file = path.join(this._tempDir, `script-${i}.js`)
      fs.writeFileSync(file, `${script.code}\n//# sourceURL=${script.filename}\n`)
      return `<script src="${pathToFileURL(file).href}"></script>`
    })
    const html = path.join(this._tempDir, 'index.html')
    fs.writeFileSync(
      html,
      `<!doctype html><html><head><meta charset="utf-8"><title></title></head><body>\n${tags.join('\n')}\n</body></html>\n`
    )
    return pathToFileURL(html).href + url.search + url.hash
  }

  _failed(err) {
    if (this.gone) return
    const message = `chromium backend: could not load ${this.spec.url}: ${err?.message ? err.message : err}`
    console.error(message)
    this.hooks.pageError({ where: 'navigation', message, stack: err?.stack })
    this._died({ reason: 'launch-failed', exitCode: 1 })
  }

  _died(info) {
    if (this.gone) return
    if (process.env.CHROMIUM_BACKEND_DEBUG)
      console.error(`[chromium window ${this.spec.webContentsId}] renderer gone:`, info, new Error().stack)
    this._halt()
    this.hooks.exit(info)
  }

  // Stop everything; later hooks are never called.
  _halt() {
    this.gone = true
    for (const item of this._queue) {
      if (item.kind === 'exec')
        item.reject(new Error('electron-stand-in: the page went away before executeJavaScript finished'))
      else if (item.kind === 'ping') item.resolve({ busy: false, detail: '' })
    }
    this._queue = []
    this._early.clear()
  }

  _initScript() {
    const cfg = {
      binding: this._binding,
      receiver: this._receiver,
      webContentsId: this.spec.webContentsId,
      electronVersion: this.spec.electronVersion,
      idleTimerMaxMs: this.spec.idleTimerMaxMs,
      preloadFilename: this.spec.preload ? this.spec.preload.filename : null,
      platform: process.platform
    }
    const preload = this.spec.preload
      ? `function (exports, require, module, process, Buffer, global, setImmediate, clearImmediate) {\n${this.spec.preload.source}\n}`
      : 'null'
    return `(${pageRuntime.toString()})(${JSON.stringify(cfg)}, ${installCodec.toString()}, ${preload});`
  }

  // ------------------------------------------------------------------------------ window → main
  _fromPage(json) {
    if (this.gone) return
    let m
    try {
      m = JSON.parse(json)
    } catch {
      return
    }
    // Playwright dispatches binding calls in order; the sequence number makes sure of it.
    if (m.q !== this._nextSeq) {
      if (m.q > this._nextSeq) this._early.set(m.q, m)
      return
    }
    this._handle(m)
    this._nextSeq++
    while (!this.gone && this._early.has(this._nextSeq)) {
      const next = this._early.get(this._nextSeq)
      this._early.delete(this._nextSeq)
      this._handle(next)
      this._nextSeq++
    }
  }

  _handle(m) {
    if (this.gone) return
    switch (m.t) {
      case 'commit':
        if (this.committed) {
          // a navigation the stand-in did not start (location.reload() in the page): the new
          // document's preload says hello on its own; nothing else to do here.
          return
        }
        this.committed = true
        this.hooks.commit()
        break
      case 'loaded':
        this.hooks.loaded()
        break
      case 's':
        this.hooks.message({ t: 's', ch: m.ch, a: decodeValue(m.a) })
        break
      case 'i':
        this.hooks.message({ t: 'i', id: m.id, ch: m.ch, a: decodeValue(m.a) })
        break
      case 'err':
        if (!this.spec.quietPageErrors) {
          console.error(
            `[electron-stand-in window ${this.spec.webContentsId}] Uncaught (${m.where}):`,
            m.stack || m.message
          )
        }
        this.hooks.pageError({ where: m.where, message: m.message, stack: m.stack })
        break
    }
  }

  // ------------------------------------------------------------------------------ main → window
  deliver(channel, args) {
    const a = encodeClone(args) // throws DataCloneError synchronously
    if (this.gone) return
    this._push({ kind: 'msg', m: { t: 'm', ch: String(channel), a } })
  }

  reply(id, ok, value) {
    const v = ok ? encodeClone(value) : String(value)
    if (this.gone) return
    this._push({ kind: 'msg', m: { t: 'r', id, ok, v } })
  }

  executeJavaScript(code) {
    if (this.gone) return Promise.reject(new Error('electron-stand-in: the page is gone'))
    return new Promise((resolve, reject) => this._push({ kind: 'exec', code: String(code), resolve, reject }))
  }

  ping() {
    if (this.gone) return Promise.resolve({ busy: false, detail: '' })
    return new Promise(resolve => this._push({ kind: 'ping', resolve }))
  }

  _push(item) {
    this._queue.push(item)
    if (!this._pumping) this._pump()
  }

  async _pump() {
    this._pumping = true
    try {
      await this._ready
      while (!this.gone && this._queue.length) {
        const item = this._queue[0]
        if (item.kind === 'msg') {
          const batch = []
          while (this._queue.length && this._queue[0].kind === 'msg') batch.push(this._queue.shift().m)
          await this._call('batch', JSON.stringify(batch)).catch(() => {})
        } else if (item.kind === 'ping') {
          this._queue.shift()
          const pong = await this._call('ping').catch(() => null)
          item.resolve(pong || { busy: false, detail: '' })
        } else {
          // started after everything delivered before it, but not awaited: the script may wait
          // for IPC queued behind it
          this._queue.shift()
          await this._call('drain').catch(() => {})
          this._execute(item.code).then(item.resolve, item.reject)
        }
      }
    } finally {
      this._pumping = false
    }
  }

  // Call the page's receiver (main world) and return its result.
  _call(op, arg) {
    return this.page.evaluate(
      ([receiver, o, a]) => {
        const r = globalThis[receiver]
        return r ? r(o, a) : null
      },
      [this._receiver, op, arg]
    )
  }

  async _execute(code) {
    if (this.gone || !this.cdp) throw new Error('electron-stand-in: the page is gone')
    let r
    try {
      r = await this.cdp.send('Runtime.evaluate', { expression: code, awaitPromise: true, returnByValue: false })
    } catch (err) {
      throw new Error(`electron-stand-in: executeJavaScript failed: ${err.message}`)
    }
    if (r.exceptionDetails) throw exceptionToError(r.exceptionDetails)
    const res = r.result
    if (res.objectId) {
      const enc = await this.cdp.send('Runtime.callFunctionOn', {
        objectId: res.objectId,
        functionDeclaration: `function () { return globalThis[${JSON.stringify(this._receiver)}]('encode', this) }`,
        returnByValue: true
      })
      this.cdp.send('Runtime.releaseObject', { objectId: res.objectId }).catch(() => {})
      if (enc.exceptionDetails) throw new Error(CLONE_ERROR)
      return decodeValue(enc.result.value)
    }
    if (res.type === 'undefined') return undefined
    if (res.type === 'symbol') throw new Error(CLONE_ERROR)
    if ('unserializableValue' in res) {
      const u = res.unserializableValue
      if (u === 'NaN') return NaN
      if (u === 'Infinity') return Infinity
      if (u === '-Infinity') return -Infinity
      if (u === '-0') return -0
      if (u.endsWith('n')) return BigInt(u.slice(0, -1))
    }
    return res.value
  }

  // ------------------------------------------------------------------------------ stop
  async crash() {
    return this.destroy()
  }

  async destroy() {
    this._halt()
    await this._ready
    if (this.page && !this.page.isClosed()) await this.page.close().catch(() => {})
    if (this._tempDir) fs.rmSync(this._tempDir, { recursive: true, force: true })
    this._stop()
  }
}

function exceptionToError(details) {
  const ex = details.exception
  const description =
    (ex && (ex.description || (ex.value !== undefined ? String(ex.value) : ''))) || details.text || 'Error'
  const first = description.split('\n')[0]
  const m = /^([A-Za-z]*Error|Error): (.*)$/.exec(first)
  const err = new Error(m ? m[2] : first)
  if (m && m[1] !== 'Error') err.name = m[1]
  return err
}

// ------------------------------------------------------------------------------ value transport
const nodeCodec = installCodec()

function encodeClone(value) {
  return nodeCodec.encode(structuredClone(value))
}

function decodeValue(data) {
  return nodeCodec.decode(data)
}

/**
 * Structured-clone values over JSON. Serialised with toString() into the page too: no imports, no
 * Node APIs, no free variables. encode() expects a value that already went through structuredClone.
 */
export function installCodec() {
  const NUM = n =>
    Number.isNaN(n) ? 'NaN' : n === Infinity ? 'Inf' : n === -Infinity ? '-Inf' : Object.is(n, -0) ? '-0' : null
  const hex = u8 => {
    let s = ''
    for (let i = 0; i < u8.length; i++) s += (u8[i] < 16 ? '0' : '') + u8[i].toString(16)
    return s
  }
  const unhex = s => {
    const u8 = new Uint8Array(s.length / 2)
    for (let i = 0; i < u8.length; i++) u8[i] = parseInt(s.substr(i * 2, 2), 16)
    return u8
  }
  const toStringTag = Object.prototype.toString
  const tag = v => toStringTag.call(v).slice(8, -1)
  const VIEWS = [
    'Int8Array',
    'Uint8Array',
    'Uint8ClampedArray',
    'Int16Array',
    'Uint16Array',
    'Int32Array',
    'Uint32Array',
    'Float32Array',
    'Float64Array',
    'BigInt64Array',
    'BigUint64Array',
    'DataView'
  ]
  const G = globalThis
  const ERRORS = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }
  const isArray = Array.isArray
  const keys = Object.keys
  const isView = ArrayBuffer.isView

  function encode(value) {
    const seen = new Map()
    const enc = v => {
      switch (typeof v) {
        case 'undefined':
          return { t: 'u' }
        case 'boolean':
        case 'string':
          return v
        case 'number': {
          const s = NUM(v)
          return s === null ? v : { t: 'n', v: s }
        }
        case 'bigint':
          return { t: 'b', v: v.toString() }
      }
      if (v === null) return null
      if (seen.has(v)) return { t: 'r', i: seen.get(v) }
      const i = seen.size
      seen.set(v, i)
      const k = tag(v)
      if (isArray(v)) {
        const items = []
        for (let j = 0; j < v.length; j++) items.push(j in v ? enc(v[j]) : { t: 'h' })
        return { t: 'a', i, v: items }
      }
      if (k === 'Date') return { t: 'd', i, v: enc(v.getTime()) }
      if (k === 'RegExp') return { t: 're', i, s: v.source, f: v.flags }
      if (k === 'Map') return { t: 'm', i, v: [...v].map(([a, b]) => [enc(a), enc(b)]) }
      if (k === 'Set') return { t: 's', i, v: [...v].map(enc) }
      if (k === 'ArrayBuffer') return { t: 'ab', i, v: hex(new Uint8Array(v)) }
      if (isView(v))
        return { t: 'av', i, c: k, b: enc(v.buffer), o: v.byteOffset, l: k === 'DataView' ? v.byteLength : v.length }
      if (k === 'Error') {
        const out = { t: 'e', i, n: String(v.name), m: String(v.message) }
        if (typeof v.stack === 'string') out.s = v.stack
        if ('cause' in v) out.c = enc(v.cause)
        return out
      }
      if (k === 'Boolean' || k === 'Number' || k === 'String' || k === 'BigInt')
        return { t: 'x', i, v: enc(v.valueOf()) }
      return { t: 'o', i, v: keys(v).map(key => [key, enc(v[key])]) }
    }
    return enc(value)
  }

  function decode(data) {
    const refs = []
    const dec = d => {
      if (d === null || typeof d !== 'object') return d
      switch (d.t) {
        case 'u':
          return undefined
        case 'n':
          return d.v === 'NaN' ? NaN : d.v === 'Inf' ? Infinity : d.v === '-Inf' ? -Infinity : -0
        case 'b':
          return BigInt(d.v)
        case 'r':
          return refs[d.i]
        case 'a': {
          const out = new Array(d.v.length)
          refs[d.i] = out
          for (let j = 0; j < d.v.length; j++) {
            const x = d.v[j]
            if (!(x !== null && typeof x === 'object' && x.t === 'h')) out[j] = dec(x)
          }
          return out
        }
        case 'd':
          return (refs[d.i] = new Date(dec(d.v)))
        case 're':
          return (refs[d.i] = new RegExp(d.s, d.f))
        case 'm': {
          const out = new Map()
          refs[d.i] = out
          for (const [a, b] of d.v) out.set(dec(a), dec(b))
          return out
        }
        case 's': {
          const out = new Set()
          refs[d.i] = out
          for (const x of d.v) out.add(dec(x))
          return out
        }
        case 'ab':
          return (refs[d.i] = unhex(d.v).buffer)
        case 'av': {
          const buf = dec(d.b)
          const C = G[VIEWS.includes(d.c) ? d.c : 'Uint8Array']
          return (refs[d.i] = new C(buf, d.o, d.l))
        }
        case 'e': {
          const C = ERRORS[d.n] || Error
          const out = new C(d.m)
          refs[d.i] = out
          if (out.name !== d.n) out.name = d.n
          if ('s' in d) out.stack = d.s
          if ('c' in d) out.cause = dec(d.c)
          return out
        }
        case 'x':
          return (refs[d.i] = Object(dec(d.v)))
        case 'o': {
          const out = {}
          refs[d.i] = out
          for (const [key, x] of d.v) out[key] = dec(x)
          return out
        }
      }
      throw new Error(`chromium backend: unknown value tag ${d.t}`)
    }
    return dec(data)
  }

  return { encode, decode }
}

/**
 * The renderer side, run in the page before any of its scripts (serialised with toString(): no free
 * variables). cfg: see _initScript; preloadFn: the preload wrapped as a CommonJS function, or null.
 */
function pageRuntime(cfg, installCodecFn, preloadFn) {
  const G = globalThis
  const CLONE_ERROR = 'An object could not be cloned.'
  const { encode, decode } = installCodecFn()
  const stringify = JSON.stringify
  const parse = JSON.parse
  const clone = G.structuredClone
  const defineProperty = Object.defineProperty
  const freeze = Object.freeze
  const toStringTag = Object.prototype.toString
  const tag = v => toStringTag.call(v).slice(8, -1)
  const realSetTimeout = G.setTimeout
  const realClearTimeout = G.clearTimeout
  const realSetInterval = G.setInterval
  const realClearInterval = G.clearInterval
  const consoleError = G.console.error.bind(G.console)

  // the binding to main: taken off window before page code runs
  const binding = G[cfg.binding]
  try {
    delete G[cfg.binding]
  } catch {}
  let seq = 0
  const post = m => {
    m.q = ++seq
    const p = binding(stringify(m))
    if (p && typeof p.catch === 'function') p.catch(() => {})
  }
  const report = (err, where) => {
    const message = err && typeof err === 'object' && 'message' in err ? String(err.message) : String(err)
    const stack = err && typeof err === 'object' && typeof err.stack === 'string' ? err.stack : undefined
    try {
      post({ t: 'err', where, message, stack })
    } catch {}
  }
  const cloneArgs = args => {
    try {
      return encode(clone(args))
    } catch (e) {
      if (e && e.name === 'DataCloneError') throw new Error(CLONE_ERROR)
      throw e
    }
  }

  post({ t: 'commit' })

  // ---- short timers, for standIn.idle()
  // A timer delay as browsers read it: NaN and negatives are 0.
  const nonNegative = ms => (Number.isNaN(Number(ms)) ? 0 : Math.max(0, Number(ms)))
  const shortTimers = new Set()
  G.setTimeout = function setTimeout(fn, ms, ...args) {
    if (typeof fn !== 'function') return realSetTimeout.call(G, fn, ms, ...args)
    const delay = nonNegative(ms)
    const id = realSetTimeout.call(
      G,
      function () {
        shortTimers.delete(id)
        return fn.apply(this, args)
      },
      delay
    )
    if (delay <= cfg.idleTimerMaxMs) shortTimers.add(id)
    return id
  }
  G.clearTimeout = function clearTimeout(id) {
    shortTimers.delete(id)
    return realClearTimeout.call(G, id)
  }
  G.clearInterval = function clearInterval(id) {
    shortTimers.delete(id)
    return realClearInterval.call(G, id)
  }

  // ---- a small EventEmitter (the sandboxed require('events'))
  class EventEmitter {
    constructor() {
      defineProperty(this, '_events', { value: new Map(), writable: true })
    }
    on(name, fn) {
      return this.addListener(name, fn)
    }
    addListener(name, fn) {
      if (typeof fn !== 'function') throw new TypeError('The "listener" argument must be of type function')
      const list = this._events.get(name)
      if (list) list.push(fn)
      else this._events.set(name, [fn])
      return this
    }
    prependListener(name, fn) {
      const list = this._events.get(name)
      if (list) list.unshift(fn)
      else this._events.set(name, [fn])
      return this
    }
    once(name, fn) {
      const wrapper = (...a) => {
        this.removeListener(name, wrapper)
        return fn.apply(this, a)
      }
      wrapper.listener = fn
      return this.on(name, wrapper)
    }
    off(name, fn) {
      return this.removeListener(name, fn)
    }
    removeListener(name, fn) {
      const list = this._events.get(name)
      if (!list) return this
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] === fn || list[i].listener === fn) {
          list.splice(i, 1)
          break
        }
      }
      if (!list.length) this._events.delete(name)
      return this
    }
    removeAllListeners(name) {
      if (name === undefined) this._events.clear()
      else this._events.delete(name)
      return this
    }
    emit(name, ...args) {
      const list = this._events.get(name)
      if (!list) {
        if (name === 'error') throw args[0] instanceof Error ? args[0] : new Error('Unhandled error.')
        return false
      }
      for (const fn of [...list]) fn.apply(this, args)
      return true
    }
    listenerCount(name) {
      return (this._events.get(name) || []).length
    }
    listeners(name) {
      return (this._events.get(name) || []).map(f => f.listener || f)
    }
    rawListeners(name) {
      return (this._events.get(name) || []).slice()
    }
    eventNames() {
      return [...this._events.keys()]
    }
    setMaxListeners() {
      return this
    }
    getMaxListeners() {
      return 0
    }
  }
  EventEmitter.EventEmitter = EventEmitter

  // ---- ipcRenderer
  const pending = new Map()
  let nextInvoke = 1
  class IpcRenderer extends EventEmitter {
    send(channel, ...args) {
      post({ t: 's', ch: String(channel), a: cloneArgs(args) })
    }
    invoke(channel, ...args) {
      return new Promise((resolve, reject) => {
        let a
        try {
          a = cloneArgs(args)
        } catch (e) {
          reject(e)
          return
        }
        const id = nextInvoke++
        pending.set(id, { resolve, reject, channel: String(channel) })
        post({ t: 'i', id, ch: String(channel), a })
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

  // ---- contextBridge (same realm: copies and proxies by Electron's rules)
  const crossError = err => {
    if (err && typeof err === 'object' && typeof err.message === 'string') return new Error(String(err.message))
    try {
      return copy(err, new Map())
    } catch {
      return new Error(String(err))
    }
  }
  function copy(v, seen) {
    const type = typeof v
    if (v === null || (type !== 'object' && type !== 'function')) {
      if (type === 'symbol') throw new Error(CLONE_ERROR)
      return v
    }
    if (seen.has(v)) return seen.get(v)
    if (type === 'function') {
      const fn = v
      const proxy = (...args) => {
        const inArgs = args.map(arg => copy(arg, new Map()))
        let result
        try {
          result = fn.apply(undefined, inArgs)
        } catch (err) {
          throw crossError(err)
        }
        return copy(result, new Map())
      }
      seen.set(v, proxy)
      return proxy
    }
    const k = tag(v)
    if (k === 'Promise') {
      const out = new Promise((resolve, reject) => {
        v.then(
          x => {
            try {
              resolve(copy(x, new Map()))
            } catch (e) {
              reject(e)
            }
          },
          e => reject(crossError(e))
        )
      })
      seen.set(v, out)
      return out
    }
    if (k === 'Error') {
      const out = new Error(String(v.message))
      seen.set(v, out)
      return out
    }
    if (Array.isArray(v)) {
      const out = new Array(v.length)
      seen.set(v, out)
      for (let i = 0; i < v.length; i++) out[i] = copy(v[i], seen)
      return out
    }
    if (k === 'Date') {
      const out = new Date(v.getTime())
      seen.set(v, out)
      return out
    }
    if (k === 'RegExp') {
      const out = new RegExp(v.source, v.flags)
      seen.set(v, out)
      return out
    }
    if (k === 'Map') {
      const out = new Map()
      seen.set(v, out)
      for (const [a, b] of v) out.set(copy(a, seen), copy(b, seen))
      return out
    }
    if (k === 'Set') {
      const out = new Set()
      seen.set(v, out)
      for (const x of v) out.add(copy(x, seen))
      return out
    }
    if (k === 'WeakMap' || k === 'WeakSet' || k === 'WeakRef' || k === 'SharedArrayBuffer' || k === 'Symbol')
      throw new Error(CLONE_ERROR)
    if (k === 'ArrayBuffer' || ArrayBuffer.isView(v)) {
      const out = clone(v)
      seen.set(v, out)
      return out
    }
    const out = {}
    seen.set(v, out)
    for (const key of Object.keys(v)) out[key] = copy(v[key], seen)
    return out
  }
  function deepFreeze(v, seen) {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) return v
    seen.add(v)
    if (ArrayBuffer.isView(v) || tag(v) === 'ArrayBuffer') return v
    if (tag(v) === 'Map')
      for (const [a, b] of v) {
        deepFreeze(a, seen)
        deepFreeze(b, seen)
      }
    else if (tag(v) === 'Set') for (const x of v) deepFreeze(x, seen)
    for (const key of Object.keys(v)) deepFreeze(v[key], seen)
    freeze(v)
    return v
  }
  const contextBridge = freeze({
    exposeInMainWorld(apiKey, api) {
      if (typeof apiKey !== 'string') throw new TypeError('Error processing argument at index 0, conversion failure')
      if (apiKey in G) throw new Error('Cannot bind an API on top of an existing property on the window object')
      const value = deepFreeze(copy(api, new Map()), new Set())
      defineProperty(G, apiKey, { value, enumerable: true, writable: false, configurable: false })
    },
    exposeInIsolatedWorld() {
      throw new Error('electron-stand-in: contextBridge.exposeInIsolatedWorld is not supported')
    }
  })

  // ---- receiver: main → window (called through page.evaluate / CDP)
  const dispatch = m => {
    if (m.t === 'm') {
      const args = decode(m.a)
      const event = { sender: ipcRenderer, senderId: 0, ports: [] }
      ipcRenderer.emit(m.ch, event, ...args)
    } else if (m.t === 'r') {
      const p = pending.get(m.id)
      if (!p) return
      pending.delete(m.id)
      if (m.ok) p.resolve(decode(m.v))
      else p.reject(new Error(`Error invoking remote method '${p.channel}': ${m.v}`))
    }
  }
  // Each message is dispatched in a task of its own, as Electron's IPC does: microtasks (promise
  // reactions to an invoke reply) run before the next message. The first of a batch runs in the
  // task of the call itself, the others through a MessageChannel.
  const inbox = []
  const drainedWaiters = []
  let draining = false
  const tasks = new G.MessageChannel()
  const dispatchOne = () => {
    const m = inbox.shift()
    try {
      dispatch(m)
    } catch (e) {
      consoleError(e)
      report(e, 'ipcRenderer listener')
    }
    if (inbox.length) tasks.port2.postMessage(0)
    else {
      draining = false
      for (const resolve of drainedWaiters.splice(0)) resolve()
    }
  }
  tasks.port1.onmessage = dispatchOne
  const drained = () => (draining ? new Promise(resolve => drainedWaiters.push(resolve)) : Promise.resolve())
  const receiver = (op, arg) => {
    if (op === 'batch') {
      for (const m of parse(arg)) inbox.push(m)
      if (!draining && inbox.length) {
        draining = true
        dispatchOne()
      }
      return null
    }
    if (op === 'ping') {
      return drained().then(() => {
        const busy = shortTimers.size > 0
        return { busy, detail: busy ? `${shortTimers.size} pending setTimeout(s)` : '' }
      })
    }
    if (op === 'drain') return drained().then(() => null)
    if (op === 'encode') return encode(clone(arg)) // throws DataCloneError: executeJavaScript rejects
    return null
  }
  defineProperty(G, cfg.receiver, { value: receiver, enumerable: false, writable: false, configurable: false })

  G.addEventListener('load', () => post({ t: 'loaded' }), { once: true })

  // Electron's sandboxed preload has a Buffer global; a small Uint8Array subclass stands in for it
  // (over IPC it arrives as a Uint8Array, as a real Buffer does).
  function makeBuffer() {
    const utf8 = new G.TextEncoder()
    const fromUtf8 = new G.TextDecoder()
    class Buffer extends Uint8Array {
      static from(x, encoding) {
        if (typeof x === 'string') {
          if (encoding === 'hex') return Buffer.from((x.match(/../g) || []).map(h => parseInt(h, 16)))
          if (encoding === 'base64') return Buffer.from([...G.atob(x)].map(c => c.charCodeAt(0)))
          const bytes = utf8.encode(x)
          return new Buffer(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        }
        if (tag(x) === 'ArrayBuffer') return new Buffer(x, encoding || 0)
        const out = new Buffer(x.length)
        for (let i = 0; i < x.length; i++) out[i] = x[i] & 255
        return out
      }
      static alloc(n, fill = 0) {
        return new Buffer(n).fill(fill)
      }
      static isBuffer(x) {
        return x instanceof Buffer
      }
      static byteLength(s) {
        return utf8.encode(String(s)).byteLength
      }
      toString(encoding) {
        if (encoding === 'hex') return [...this].map(b => (b < 16 ? '0' : '') + b.toString(16)).join('')
        if (encoding === 'base64') return G.btoa(String.fromCharCode(...this))
        return fromUtf8.decode(this)
      }
    }
    return Buffer
  }

  // ---- the preload: CommonJS, with Electron's sandboxed require
  if (preloadFn) {
    const electronModule = freeze({ ipcRenderer, contextBridge })
    const timers = freeze({
      setTimeout: G.setTimeout,
      clearTimeout: G.clearTimeout,
      setInterval: realSetInterval,
      clearInterval: G.clearInterval,
      setImmediate: (fn, ...a) => G.setTimeout(fn, 0, ...a),
      clearImmediate: id => G.clearTimeout(id)
    })
    const modules = new Map([
      ['electron', electronModule],
      ['electron/renderer', electronModule],
      ['electron/common', freeze({})],
      ['events', EventEmitter],
      ['timers', timers],
      ['url', freeze({ URL: G.URL, URLSearchParams: G.URLSearchParams })]
    ])
    const preloadRequire = name => {
      if (modules.has(name)) return modules.get(name)
      throw new Error(`module not found: ${name}`)
    }
    const processShim = {
      type: 'renderer',
      platform: cfg.platform,
      sandboxed: true,
      contextIsolated: true,
      versions: { electron: cfg.electronVersion },
      env: {},
      argv: []
    }
    const module = { exports: {} }
    try {
      preloadFn.call(
        module.exports,
        module.exports,
        preloadRequire,
        module,
        processShim,
        makeBuffer(),
        G,
        timers.setImmediate,
        timers.clearImmediate
      )
    } catch (e) {
      consoleError(`Unable to load preload script: ${cfg.preloadFilename}`, e)
      report(e, `Unable to load preload script: ${cfg.preloadFilename}`)
    }
  }
}
