// Incremental updates. Main sends a store's change either whole, as a snapshot
//   { id, rev, value }
// or as a delta on top of the value at revision `base` (always rev - 1):
//   { id, rev, base, append }         the value grew at its end: a string's added
//                                     characters, an array's added elements
//   { id, rev, base, entries, del }   a map's keys set ([key, value] pairs) and deleted
// Main makes them (updateFor), renderers apply them (applyUpdate), and only to the
// value at exactly `base`: a window holding another revision reads the store whole.
// Pure JS: main, the preload and renderer bundles share it.

// What `next` appended to `prev`, or undefined when it is not a pure append: a
// string that starts with the previous string, or an array whose first elements
// are the previous array's elements (same identity).
export function appendOf(prev, next) {
  if (typeof next === 'string') {
    if (typeof prev !== 'string' || prev.length === 0 || next.length <= prev.length) return undefined
    return next.startsWith(prev) ? next.slice(prev.length) : undefined
  }
  if (!Array.isArray(next) || !Array.isArray(prev) || prev.length === 0 || next.length <= prev.length) return undefined
  for (let i = 0; i < prev.length; i++) if (next[i] !== prev[i]) return undefined
  return next.slice(prev.length)
}

const isPlainObject = value =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)

// The keys of a map that changed from `prev` to `next`: { entries, del }, or
// undefined when either side is not a plain object. `keys`: the keys known to have
// changed (nanostores' setKey tells them), or null to compare every key; then a
// whole value is sent instead when no key stayed the same.
export function mapChanges(prev, next, keys) {
  if (!isPlainObject(prev) || !isPlainObject(next)) return undefined
  const entries = []
  const del = []
  const compare = key => {
    if (!Object.hasOwn(next, key)) {
      if (Object.hasOwn(prev, key)) del.push(key)
    } else if (!Object.hasOwn(prev, key) || !Object.is(prev[key], next[key])) {
      entries.push([key, next[key]])
    }
  }
  if (keys) {
    for (const key of keys) compare(key)
  } else {
    const nextKeys = Object.keys(next)
    for (const key of nextKeys) compare(key)
    for (const key of Object.keys(prev)) if (!Object.hasOwn(next, key)) del.push(key)
    if (nextKeys.length > 0 && entries.length === nextKeys.length) return undefined
  }
  return del.length ? { entries, del } : { entries }
}

// The message for main's change from `prev` (committed at rev - 1) to `next`.
export function updateFor(id, rev, prev, next, kind, changedKeys) {
  if (kind === 'map') {
    const changes = mapChanges(prev, next, changedKeys)
    if (changes) return { id, rev, base: rev - 1, ...changes }
  } else {
    const append = appendOf(prev, next)
    if (append !== undefined) return { id, rev, base: rev - 1, append }
  }
  return { id, rev, value: next }
}

// Sets an own data property, so that '__proto__' stays an ordinary key.
const define = (map, key, value) =>
  Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true })

// A copy of `map` with `key` set to `value`, or without it when `value` is
// undefined: nanostores' setKey semantics.
export function withKey(map, key, value) {
  const next = { ...map }
  if (value === undefined) delete next[key]
  else define(next, key, value)
  return next
}

export const isDelta = update => update.base !== undefined

// The value after `update`, given the value at `update.base` (or any value, for
// a whole snapshot).
export function applyUpdate(value, update) {
  if (!isDelta(update)) return update.value
  if ('append' in update) return typeof value === 'string' ? value + update.append : value.concat(update.append)
  const next = { ...value }
  for (const key of update.del ?? []) delete next[key]
  for (const [key, item] of update.entries ?? []) define(next, key, item)
  return next
}
