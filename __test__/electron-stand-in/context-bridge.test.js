// Self-tests: contextBridge, the sandboxed preload and the page's main world.
import { test, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { standIn, openProbe, exec, fixture, PRELOAD } from './harness.js'

afterEach(() => standIn.reset())

test("the sandboxed preload's require serves only electron, events, timers, url; anything else throws 'module not found'", async () => {
  const [win] = await openProbe()
  assert.deepEqual(await exec(win, 'window.probe.required'), {
    events: 'ok',
    timers: 'ok',
    url: 'ok',
    electron: 'ok',
    fs: 'Error: module not found: fs',
    path: 'Error: module not found: path',
    child_process: 'Error: module not found: child_process'
  })
  assert.equal(await exec(win, 'window.probe.processType'), 'renderer')
})

test('the page runs in its own main world: window === globalThis, no require/process/Buffer, browser timers and structuredClone', async () => {
  const [win] = await openProbe()
  assert.deepEqual(
    await exec(
      win,
      `({ win: window === globalThis, self: self === window, require: typeof require, process: typeof process, Buffer: typeof Buffer,
          ipcRenderer: typeof ipcRenderer, timers: [typeof setTimeout(() => {}, 0), typeof setInterval, typeof clearTimeout, typeof queueMicrotask],
          clone: structuredClone(new Map([[1, [2]]])) instanceof Map, href: location.href })`
    ),
    {
      win: true,
      self: true,
      require: 'undefined',
      process: 'undefined',
      Buffer: 'undefined',
      ipcRenderer: 'undefined',
      timers: ['number', 'function', 'function', 'function'],
      clone: true,
      href: new URL(fixture('empty-page.js'), 'file://').href
    }
  )
  assert.equal(
    await exec(win, `try { structuredClone(() => 1); 'no error' } catch (e) { e.message }`),
    'An object could not be cloned.'
  )
})

test('exposeInMainWorld throws when the key already exists on window', async () => {
  const [win] = await openProbe()
  assert.deepEqual(await exec(win, 'window.collisions'), {
    collision: 'Cannot bind an API on top of an existing property on the window object',
    collisionBuiltin: 'Cannot bind an API on top of an existing property on the window object'
  })
})

test('the exposed API is deep-frozen in the main world and cannot be replaced', async () => {
  const [win] = await openProbe()
  const r = await exec(
    win,
    `(() => {
      'use strict';
      const out = { top: Object.isFrozen(window.probe), deep: Object.isFrozen(window.probe.nested.deep.list[2]), fn: Object.isFrozen(window.probe.fail) };
      try { window.probe.extra = 1; out.add = 'no error'; } catch (e) { out.add = e.constructor.name; }
      try { window.probe.nested.deep.list.push(3); out.push = 'no error'; } catch (e) { out.push = e.constructor.name; }
      try { window.probe = {}; out.replace = 'no error'; } catch (e) { out.replace = e.constructor.name; }
      return out;
    })()`
  )
  assert.deepEqual(r, { top: true, deep: true, fn: true, add: 'TypeError', push: 'TypeError', replace: 'TypeError' })
})

test('function identity is not kept across crossings (the same callback passed in two calls arrives as two functions; within one call, Electron shares one object cache)', async () => {
  const [win] = await openProbe()
  const r = await exec(
    win,
    `(() => { const f = () => 1; return { same: window.probe.same(f, f), kept: (window.probe.keep(f), window.probe.keep(f), window.probe.keptSame()) }; })()`
  )
  assert.deepEqual(r, { same: true, kept: false })
})

test('functions are proxied both ways: arguments and results are copied, objects lose their prototype', async () => {
  const [win] = await openProbe()
  const r = await exec(
    win,
    `(() => {
      class PageThing { constructor() { this.p = 1 } method() {} }
      const d = window.probe.describe(new PageThing());
      const inst = window.probe.makeInstance();
      let cbArg;
      window.probe.callBack((a) => { cbArg = { proto: Object.getPrototypeOf(a) === Object.prototype, a } });
      return { d, inst: { keys: Object.keys(inst), proto: Object.getPrototypeOf(inst) === Object.prototype, norm: typeof inst.norm }, cbArg,
        arr: window.probe.describe([1, 2]) };
    })()`
  )
  assert.deepEqual(r, {
    d: { tag: '[object Object]', plainProto: true, isPreloadArray: false, keys: ['p'] },
    inst: { keys: ['x'], proto: true, norm: 'undefined' },
    cbArg: { proto: true, a: { n: 1 } },
    arr: { tag: '[object Array]', plainProto: false, isPreloadArray: true, keys: ['0', '1'] }
  })
})

test('Errors crossing the bridge become plain Error(message) in both directions; promises are proxied', async () => {
  const [win] = await openProbe()
  const r = await exec(
    win,
    `(async () => {
      const out = {};
      try { window.probe.fail(); } catch (e) { out.thrown = { ctorIsError: e.constructor === Error, name: e.name, message: e.message, code: e.code }; }
      try { await window.probe.rejectLater(); } catch (e) { out.rejected = { ctorIsError: e.constructor === Error, name: e.name, message: e.message, code: e.code }; }
      out.resolved = await window.probe.resolveLater([1]);
      out.isPromise = window.probe.resolveLater(1) instanceof Promise;
      out.pageToPreload = window.probe.callBackCatch(() => { const e = new TypeError('from page'); e.code = 'E_PAGE'; e.extra = 1; throw e; });
      return out;
    })()`
  )
  assert.deepEqual(r, {
    thrown: { ctorIsError: true, name: 'Error', message: 'bad thing', code: undefined },
    rejected: { ctorIsError: true, name: 'Error', message: 'later', code: undefined },
    resolved: { got: [1] },
    isPromise: true,
    pageToPreload: { ctorIsError: true, name: 'Error', message: 'from page', code: undefined, extra: undefined }
  })
})

test('an .html page runs its classic and module scripts in document order; bare imports resolve', async () => {
  const [win] = await standIn.openWindows(1, { preload: PRELOAD, page: fixture('page.html') })
  assert.deepEqual(await exec(win, 'window.order'), [
    'classic inline',
    'classic src 42',
    'module src 2',
    'module inline 7'
  ])
})

test("a page can import the package by its own name ('nanostore-ipc-bridge/...' self reference)", async () => {
  const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dir = mkdtempSync(join(tmpdir(), 'stand-in-'))
  try {
    const page = join(dir, 'self-ref.js')
    writeFileSync(
      page,
      `import * as err from 'nanostore-ipc-bridge/error';\nimport { atom } from 'nanostores';\nwindow.ok = typeof err === 'object' && atom(3).get();\n`
    )
    const [win] = await standIn.openWindows(1, { preload: PRELOAD, page })
    assert.equal(await exec(win, 'window.ok'), 3)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('executeJavaScript awaits promises, returns a structured clone, rejects on throw', async () => {
  const [win] = await openProbe()
  assert.deepEqual(await exec(win, 'Promise.resolve({ a: new Map([[1, 2]]) })'), { a: new Map([[1, 2]]) })
  await assert.rejects(exec(win, 'throw new TypeError("nope")'), { message: 'nope' })
  await assert.rejects(exec(win, '() => 1'), { message: 'An object could not be cloned.' })
})

test('an uncaught page error does not kill the window; it is reported in pageErrors()', async () => {
  standIn.configure({ quietPageErrors: true })
  try {
    const [win] = await openProbe()
    await exec(win, `setTimeout(() => { throw new Error('page blew up') }, 0); 1`)
    await standIn.idle()
    assert.equal(await exec(win, '1 + 1'), 2)
    assert.deepEqual(
      standIn.pageErrors().map(e => e.message),
      ['page blew up']
    )
  } finally {
    standIn.configure({ quietPageErrors: false })
  }
})
