// Shared helpers for the native addon tests (not a test file itself).
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { ErrorCodes } from '../../error/index.js'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const require = createRequire(join(root, 'package.json'))

/** The built addon, through the generated loader. */
export const native = require(join(root, 'native.cjs'))
export const { StoreRuntime, checkSerializable } = native

/**
 * One commit through commitInto, the addon's commit: `{ rev, recipients }` read back from a
 * Float64Array sized for the runtime's windows.
 */
export function commit(rt, storeId, skipWindowId) {
  const out = new Float64Array(rt.stats().windows + 1)
  const count = rt.commitInto(storeId, skipWindowId, out)
  return { rev: out[0], recipients: [...out.subarray(1, count + 1)] }
}

// Every code the package knows (error/ and the runtime agree: __test__/error/codes.test.js).
export const CODES = Object.values(ErrorCodes)

/**
 * Asserts that fn throws a JS Error with the given code (and optional fields / message match).
 * Returns the error.
 */
export function throwsCode(fn, code, extra = {}) {
  let err
  try {
    fn()
  } catch (e) {
    err = e
  }
  assert.ok(err, `expected a ${code} error, nothing was thrown`)
  assert.ok(err instanceof Error, `expected an Error, got ${String(err)}`)
  assert.equal(err.code, code, `code of: ${err.message}`)
  assert.ok(CODES.includes(err.code))
  assert.equal(typeof err.message, 'string')
  assert.ok(err.message.length > 0)
  for (const [k, v] of Object.entries(extra)) {
    if (v instanceof RegExp) assert.match(err[k], v, k)
    else assert.deepEqual(err[k], v, k)
  }
  return err
}

/** Everything a runtime exposes, to compare before and after a failed call. */
export function snapshot(rt) {
  const stores = rt.storeIds().map(id => rt.storeInfo(id))
  const windows = rt.windowIds().map(id => rt.windowInfo(id))
  return { stores, windows, stats: rt.stats() }
}

/** A runtime with stores a, b, locked (rendererCanSet false) and windows 1 (ready), 2, 3 (gone). */
export function populated(options) {
  const rt = new StoreRuntime(options)
  rt.registerStore('a')
  rt.registerStore('b', { maxPayloadBytes: 100 })
  rt.registerStore('locked', { rendererCanSet: false })
  rt.registerWindow(1)
  rt.registerWindow(2)
  rt.registerWindow(3)
  rt.setWindowState(1, 'ready')
  rt.subscribe(1, ['a', 'b'])
  rt.subscribe(2, ['a'])
  rt.subscribeAll(3, true)
  rt.setWindowState(3, 'gone')
  commit(rt, 'a')
  return rt
}
