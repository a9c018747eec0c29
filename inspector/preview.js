// A store value as the inspector shows it: a bounded tree of plain data that any value can be
// turned into (cycles, functions, class instances, huge arrays included) and that IPC carries.
// Primitives stay themselves (strings cut at `chars`, with their length); everything else is a
// node `{ $: type, ... }`:
//   { $: 'object' | 'array' | 'map' | 'set', size, items: [[key, node], …], more?, cut?, name? }
//       items: the first `items` entries; `more`: how many were left out; `cut`: deeper than
//       `depth` or over the `nodes` budget (no items); `name`: a class instance's constructor
//       (map keys are nodes themselves)
//   { $: 'string', v, length }  { $: 'undefined' }  { $: 'bigint' | 'symbol' | 'function' |
//   'date' | 'regexp' | 'error', v }  { $: 'bytes', type, length }  { $: 'cycle' }
//   { $: 'unreadable', v }: a getter threw
// Pure JS, main side.

export const LIST_LIMITS = Object.freeze({ nodes: 300, depth: 5, items: 40, chars: 200 })
export const DETAIL_LIMITS = Object.freeze({ nodes: 4000, depth: 12, items: 500, chars: 20000 })
// A delta in the timeline (what was appended, a map's changed keys).
export const DELTA_LIMITS = Object.freeze({ nodes: 60, depth: 3, items: 20, chars: 160 })

export function preview(value, limits = LIST_LIMITS) {
  const ancestors = new Set()
  let nodes = limits.nodes

  const child = (read, depth) => {
    let v
    try {
      v = read()
    } catch (error) {
      return { $: 'unreadable', v: String(error?.message ?? error).slice(0, 200) }
    }
    return node(v, depth)
  }

  function node(v, depth) {
    switch (typeof v) {
      case 'string':
        return v.length > limits.chars ? { $: 'string', v: v.slice(0, limits.chars), length: v.length } : v
      case 'number':
      case 'boolean':
        return v
      case 'undefined':
        return { $: 'undefined' }
      case 'bigint':
        return { $: 'bigint', v: String(v) }
      case 'symbol':
        return { $: 'symbol', v: String(v) }
      case 'function':
        return { $: 'function', v: v.name || '(anonymous)' }
    }
    if (v === null) return null
    if (ancestors.has(v)) return { $: 'cycle' }
    const leaf = leafOf(v)
    if (leaf) return leaf
    const container = containerOf(v)
    if (depth >= limits.depth || nodes <= 0) return { ...container.head, cut: true }
    ancestors.add(v)
    const items = []
    for (const [key, read] of container.entries()) {
      if (items.length >= limits.items || nodes <= 0) break
      nodes--
      items.push([key, child(read, depth + 1)])
    }
    ancestors.delete(v)
    const out = { ...container.head, items }
    if (container.head.size > items.length) out.more = container.head.size - items.length
    return out
  }

  // Map keys may be objects: they are nodes too.
  function* mapEntries(map) {
    for (const [k, v] of map) yield [node(k, limits.depth), () => v]
  }

  function containerOf(v) {
    if (v instanceof Map) return { head: { $: 'map', size: v.size }, entries: () => mapEntries(v) }
    if (v instanceof Set) {
      return { head: { $: 'set', size: v.size }, entries: () => members(v) }
    }
    if (Array.isArray(v)) {
      return { head: { $: 'array', size: v.length }, entries: () => indexes(v) }
    }
    const keys = Object.keys(v)
    const head = { $: 'object', size: keys.length }
    const proto = Object.getPrototypeOf(v)
    if (proto !== null && proto !== Object.prototype) head.name = proto?.constructor?.name || '(class)'
    return { head, entries: () => keys.map(k => [k, () => v[k]]).values() }
  }

  return node(value, 0)
}

function* members(set) {
  let i = 0
  for (const m of set) yield [i++, () => m]
}

function* indexes(array) {
  for (let i = 0; i < array.length; i++) yield [i, () => array[i]]
}

function leafOf(v) {
  if (v instanceof Date) return { $: 'date', v: Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString() }
  if (v instanceof RegExp) return { $: 'regexp', v: String(v) }
  if (v instanceof Error) return { $: 'error', v: `${v.name}: ${v.message}` }
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
    return { $: 'bytes', type: v.constructor?.name ?? 'ArrayBuffer', length: v.byteLength }
  }
  return null
}

// A map's changed keys ([key, value, …], value undefined: deleted) as one node.
export function previewKeys(pairs, limits = DELTA_LIMITS) {
  const items = []
  for (let i = 0; i < pairs.length && items.length < limits.items; i += 2) {
    items.push([pairs[i], pairs[i + 1] === undefined ? { $: 'deleted' } : preview(pairs[i + 1], limits)])
  }
  const size = pairs.length / 2
  const out = { $: 'keys', size, items }
  if (size > items.length) out.more = size - items.length
  return out
}
