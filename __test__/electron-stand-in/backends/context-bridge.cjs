'use strict'
// contextBridge semantics between two V8 realms of one isolate (the preload's isolated world and the
// page's main world). Used inside a window (worker backend). Rules, as in Electron's
// api_context_bridge.cc:
//   - primitives pass as they are; Symbols cannot cross ('An object could not be cloned.')
//   - functions become a new proxy function in the target world on every crossing (identity is not
//     kept across crossings; within one, the arguments share one object cache, so a value passed
//     twice arrives as one); their arguments and results cross back under the same rules; a throw
//     crosses as an Error
//   - Promises become a new Promise of the target world, settled with the value crossed
//   - Errors become new Error(message) of the target world (class, stack, custom properties lost)
//   - arrays and objects are copied (prototype dropped, own enumerable string keys, getters
//     evaluated, cycles kept); Date, RegExp, Map, Set, ArrayBuffer, views are copied as such
//   - WeakMap, WeakSet, WeakRef, SharedArrayBuffer cannot cross
const { types } = require('node:util')

const INTRINSICS_SRC = `({
  Object, Array, Map, Set, Date, RegExp, Error, Promise, ArrayBuffer, DataView,
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  makeFunction: (call) => function () { return call(this, arguments); },
  freeze: Object.freeze,
})`

const CLONE_ERROR = 'An object could not be cloned.'

/**
 * @param {object} a intrinsics of realm A (from `INTRINSICS_SRC` evaluated there)
 * @param {object} b intrinsics of realm B
 * @returns {{ toA(v): any, toB(v): any }}
 */
function createBridge(a, b) {
  const toA = v => copy(v, a, b, new Map())
  const toB = v => copy(v, b, a, new Map())

  function crossFunction(fn, T, S) {
    // T: target realm intrinsics (where the proxy lives), S: source realm (where fn lives)
    return T.makeFunction((_thisArg, args) => {
      const inArgs = new S.Array(args.length)
      // One object cache per crossing, shared by its arguments, made only when an object
      // crosses (Electron's ProxyFunctionWrapper: one stack ObjectCache per call).
      let seen = null
      for (let i = 0; i < args.length; i++) {
        const v = args[i]
        inArgs[i] =
          v !== null && (typeof v === 'object' || typeof v === 'function')
            ? copy(v, S, T, (seen ??= new Map()))
            : copy(v, S, T, null)
      }
      let result
      try {
        result = fn.apply(undefined, inArgs)
      } catch (err) {
        throw crossError(err, T)
      }
      return copy(result, T, S, new Map())
    })
  }

  function crossError(err, T) {
    if (types.isNativeError(err) || (err && typeof err === 'object' && typeof err.message === 'string')) {
      return new T.Error(String(err.message))
    }
    try {
      return copy(err, T, null, new Map())
    } catch {
      return new T.Error(String(err))
    }
  }

  function copy(v, T, S, seen) {
    const type = typeof v
    if (v === null || (type !== 'object' && type !== 'function')) {
      if (type === 'symbol') throw new T.Error(CLONE_ERROR)
      return v
    }
    const known = seen.get(v)
    if (known !== undefined) return known
    if (type === 'function') {
      const out = crossFunction(v, T, S || (T === a ? b : a))
      seen.set(v, out)
      return out
    }
    if (types.isPromise(v)) {
      const out = new T.Promise((resolve, reject) => {
        v.then(
          x => {
            try {
              resolve(copy(x, T, S, new Map()))
            } catch (e) {
              reject(e)
            }
          },
          e => reject(crossError(e, T))
        )
      })
      seen.set(v, out)
      return out
    }
    if (types.isNativeError(v)) {
      const out = new T.Error(String(v.message))
      seen.set(v, out)
      return out
    }
    if (Array.isArray(v)) {
      const out = new T.Array(v.length)
      seen.set(v, out)
      for (let i = 0; i < v.length; i++) out[i] = copy(v[i], T, S, seen)
      return out
    }
    if (types.isDate(v)) return remember(seen, v, new T.Date(v.getTime()))
    if (types.isRegExp(v)) return remember(seen, v, new T.RegExp(v.source, v.flags))
    if (types.isMap(v)) {
      const out = new T.Map()
      seen.set(v, out)
      for (const [k, val] of v) out.set(copy(k, T, S, seen), copy(val, T, S, seen))
      return out
    }
    if (types.isSet(v)) {
      const out = new T.Set()
      seen.set(v, out)
      for (const val of v) out.add(copy(val, T, S, seen))
      return out
    }
    if (types.isSharedArrayBuffer(v) || types.isWeakMap(v) || types.isWeakSet(v) || isWeakRef(v)) {
      throw new T.Error(CLONE_ERROR)
    }
    if (types.isArrayBuffer(v)) {
      const out = new T.ArrayBuffer(v.byteLength)
      new T.Uint8Array(out).set(new Uint8Array(v))
      return remember(seen, v, out)
    }
    if (types.isArrayBufferView(v)) {
      const buf = new T.ArrayBuffer(v.byteLength)
      new T.Uint8Array(buf).set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
      if (types.isDataView(v)) return remember(seen, v, new T.DataView(buf))
      // Buffer (a Uint8Array subclass) arrives as a plain Uint8Array, as with structured clone
      const name = typedArrayName(v)
      const Ctor = T[name] || T.Uint8Array
      return remember(seen, v, new Ctor(buf, 0, v.byteLength / (Ctor.BYTES_PER_ELEMENT || 1)))
    }
    // any other object: own enumerable string keys, prototype dropped
    const out = new T.Object()
    seen.set(v, out)
    for (const key of Object.keys(v)) out[key] = copy(v[key], T, S, seen)
    return out
  }

  return { toA, toB }
}

function remember(seen, from, to) {
  seen.set(from, to)
  return to
}

function isWeakRef(v) {
  return typeof WeakRef === 'function' && Object.prototype.toString.call(v) === '[object WeakRef]'
}

const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype),
  Symbol.toStringTag
).get
function typedArrayName(v) {
  return typedArrayTag.call(v) || 'Uint8Array'
}

/** Object.freeze every object reachable from v (typed arrays and ArrayBuffers are left as they are). */
function deepFreeze(v, seen = new Set()) {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) return v
  seen.add(v)
  if (types.isArrayBufferView(v) || types.isArrayBuffer(v)) return v
  if (types.isMap(v)) {
    for (const [k, val] of v) {
      deepFreeze(k, seen)
      deepFreeze(val, seen)
    }
  } else if (types.isSet(v)) {
    for (const val of v) deepFreeze(val, seen)
  }
  for (const key of Object.keys(v)) deepFreeze(v[key], seen)
  Object.freeze(v)
  return v
}

module.exports = { createBridge, deepFreeze, INTRINSICS_SRC, CLONE_ERROR }
