// How numbers, times, writers and value previews read in the page. A preview is the tree main
// sends (inspector/preview.js): primitives as themselves, everything else { $: type, … }.

export function bytes(n) {
  if (n === null || n === undefined) return ''
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

export function rate(n, unit) {
  if (!n) return `0 ${unit}/s`
  return `${n >= 10 ? Math.round(n) : n.toFixed(1)} ${unit}/s`
}

export function clock(ms) {
  const d = new Date(ms)
  const pad = (v, n = 2) => String(v).padStart(n, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

// 0: main; a window: "#3 Window A" (its title, else its page's file name); a sub-frame or a
// utility process: what main called it (their ids are large numbers of their own).
export function writer(id, label) {
  if (id === 0) return 'main'
  if (id === undefined || id === null) return '?'
  if (label?.kind === 'frame' || label?.kind === 'utility') return label.title
  const name = label?.title || label?.url?.split(/[?#]/)[0].split('/').pop() || ''
  return name ? `#${id} ${name}` : `#${id}`
}

// One line of a preview, at most `max` characters.
export function short(node, max = 80) {
  const text = line(node, 2)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function line(node, depth) {
  if (node === null) return 'null'
  if (typeof node === 'string') return JSON.stringify(node)
  if (typeof node !== 'object') return String(node)
  switch (node.$) {
    case 'string':
      return `${JSON.stringify(node.v)}… (${node.length} chars)`
    case 'undefined':
    case 'cycle':
    case 'deleted':
      return `(${node.$})`
    case 'bigint':
      return `${node.v}n`
    case 'bytes':
      return `${node.type}(${node.length})`
    case 'array':
    case 'set':
      return bracket(node, depth, '[', ']', ([, v]) => line(v, depth - 1))
    case 'map':
      return bracket(node, depth, 'Map {', '}', ([k, v]) => `${line(k, 0)} => ${line(v, depth - 1)}`)
    case 'object':
    case 'keys':
      return bracket(
        node,
        depth,
        `${node.name ? `${node.name} ` : ''}{`,
        '}',
        ([k, v]) => `${k}: ${line(v, depth - 1)}`
      )
    default:
      return node.v ?? node.$
  }
}

function bracket(node, depth, open, close, item) {
  if (depth <= 0 || node.cut) return `${open}…${node.size}${close}`
  const items = node.items.slice(0, 6).map(item)
  if (node.size > items.length) items.push(`…${node.size - items.length}`)
  return `${open}${items.join(', ')}${close}`
}

// A container's summary line in the tree.
export function summary(node) {
  const name = node.name ? `${node.name} ` : ''
  switch (node.$) {
    case 'array':
      return `Array(${node.size})`
    case 'map':
      return `Map(${node.size})`
    case 'set':
      return `Set(${node.size})`
    case 'keys':
      return `${node.size} key${node.size === 1 ? '' : 's'} changed`
    default:
      return `${name}{${node.size} key${node.size === 1 ? '' : 's'}}`
  }
}
