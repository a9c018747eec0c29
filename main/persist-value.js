// A persisted store's value ⇄ the string the file keeps. Without serialize/deserialize the
// value must be plain JSON data: JSON.stringify would silently drop or change anything else
// (undefined, functions, Map, Set, Date, NaN, ...) and throw on BigInt or a cycle, so the value
// is checked first and refused with the path of the first thing JSON cannot hold.
import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

// Deeper than this, the fast check hands over to the iterative walk (no stack overflow, and
// a cycle shows up as depth).
const FAST_DEPTH = 256

// The first thing in `value` that JSON cannot store as it is: { path, kind } or null.
// A fast recursive check first (no paths, no allocation); only a value it does not accept
// is walked again to find the path.
export function findNonJson(value, root) {
  return isPlainJson(value, 0) ? null : walk(value, root)
}

function isPlainJson(v, depth) {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(v)
    case 'object':
      break
    default:
      return false
  }
  if (v === null) return true
  if (depth >= FAST_DEPTH) return false
  const proto = Object.getPrototypeOf(v)
  if (proto === Array.prototype) {
    if (!Array.isArray(v)) return false
    // A hole reads as undefined: refused like undefined.
    for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i], depth + 1)) return false
    return true
  }
  if (proto !== Object.prototype && proto !== null) return false
  const keys = Object.keys(v)
  for (let i = 0; i < keys.length; i++) if (!isPlainJson(v[keys[i]], depth + 1)) return false
  return true
}

// The slow walk: iterative (no recursion limit), each object entered once per path from the
// root, so shared references are fine and cycles are found.
function walk(value, root) {
  const values = [value]
  const parents = [-1]
  const keys = [root]
  // Objects on the path from the root to the current one, to tell a cycle from a shared reference.
  const open = new Set()
  const stack = [0]
  while (stack.length) {
    const at = stack.pop()
    if (at < 0) {
      open.delete(values[~at])
      continue
    }
    const v = values[at]
    const kind = nonJsonKind(v)
    if (kind === null) continue
    if (kind !== 'object' && kind !== 'array') return { path: pathOf(at, parents, keys), kind }
    if (open.has(v)) return { path: pathOf(at, parents, keys), kind: 'cycle' }
    open.add(v)
    stack.push(~at)
    if (kind === 'array') {
      for (let i = v.length - 1; i >= 0; i--) {
        // A hole reads as undefined (JSON writes null): refused like undefined.
        values.push(i in v ? v[i] : undefined)
        parents.push(at)
        keys.push(i)
        stack.push(values.length - 1)
      }
    } else {
      const own = Object.keys(v)
      for (let i = own.length - 1; i >= 0; i--) {
        values.push(v[own[i]])
        parents.push(at)
        keys.push(own[i])
        stack.push(values.length - 1)
      }
    }
  }
  return null
}

// null: stored as it is; 'object' / 'array': look inside; anything else: the kind refused.
function nonJsonKind(v) {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return null
    case 'number':
      return Number.isFinite(v) ? null : 'number'
    case 'object':
      break
    default:
      return typeof v // undefined, function, symbol, bigint
  }
  if (v === null) return null
  if (Array.isArray(v)) return Object.getPrototypeOf(v) === Array.prototype ? 'array' : 'class-instance'
  const proto = Object.getPrototypeOf(v)
  if (proto === Object.prototype || proto === null) return 'object'
  if (v instanceof Map) return 'map'
  if (v instanceof Set) return 'set'
  if (v instanceof Date) return 'date'
  if (v instanceof RegExp) return 'regexp'
  if (ArrayBuffer.isView(v)) return 'typed-array'
  if (v instanceof ArrayBuffer) return 'array-buffer'
  if (v instanceof Error) return 'error'
  return 'class-instance'
}

function pathOf(at, parents, keys) {
  const parts = []
  for (let i = at; parents[i] !== -1; i = parents[i]) parts.push(keys[i])
  let path = keys[0]
  for (let i = parts.length - 1; i >= 0; i--) {
    const key = parts[i]
    path += typeof key === 'number' ? `[${key}]` : IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
  }
  return path
}

function unserializable(id, message, details) {
  return new NanoStoreIPCError(ErrorCodes.PERSIST_UNSERIALIZABLE, message, { storeId: id, ...details })
}

// value → { payload, isText } for the writer. Throws PERSIST_UNSERIALIZABLE (nothing handed over).
export function encodeValue(id, value, persist) {
  if (persist.serialize) {
    let text
    try {
      text = persist.serialize(value)
    } catch (error) {
      throw unserializable(id, `Store '${id}': persist.serialize threw: ${error?.message ?? error}`, {
        originalError: error
      })
    }
    if (typeof text !== 'string') {
      throw unserializable(id, `Store '${id}': persist.serialize must return a string, got ${typeOf(text)}`, {
        kind: typeOf(text)
      })
    }
    return { payload: text, isText: true }
  }
  const bad = findNonJson(value, id)
  if (bad) {
    throw unserializable(
      id,
      `Store '${id}': the value at ${bad.path} cannot be stored as JSON (${bad.kind}); it was not persisted ` +
        '(give the store persist.serialize and persist.deserialize to store such values)',
      bad
    )
  }
  try {
    return { payload: JSON.stringify(value), isText: false }
  } catch (error) {
    // Deeper than JSON.stringify's recursion allows.
    throw unserializable(id, `Store '${id}': JSON.stringify failed: ${error?.message ?? error}`, {
      path: id,
      kind: 'depth',
      originalError: error
    })
  }
}

// A stored entry ({ json } or { text }) → the value. Throws what parse/deserialize throws.
export function decodeValue(stored, persist) {
  if (persist.deserialize) return persist.deserialize(stored.text ?? stored.json)
  if (stored.text != null) {
    throw new Error('it was stored by a persist.serialize, and the store has no persist.deserialize to read it')
  }
  return JSON.parse(stored.json)
}

function typeOf(v) {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
}
