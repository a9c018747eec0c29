// A value preview as a collapsible tree: containers are <details> (the first levels open),
// leaves one line each; what main left out shows as "… n more" or "(cut)".
import { h } from './dom.js'
import { short, summary } from './format.js'

const OPEN_LEVELS = 2

export function tree(node, level = 0) {
  if (node?.cut) return h('span', { class: 'leaf cut' }, `${summary(node)} (cut)`)
  if (!isContainer(node)) return h('span', { class: `leaf ${kind(node)}` }, short(node, 400))
  const rows = node.items.map(([key, child]) =>
    h(
      'li',
      null,
      h('span', { class: 'key' }, isContainer(key) ? short(key, 40) : String(key)),
      ': ',
      tree(child, level + 1)
    )
  )
  if (node.more) rows.push(h('li', { class: 'more' }, `… ${node.more} more`))
  return h(
    'details',
    { class: 'node', open: level < OPEN_LEVELS },
    h('summary', null, summary(node)),
    h('ul', null, rows)
  )
}

function isContainer(node) {
  return node !== null && typeof node === 'object' && Array.isArray(node.items)
}

function kind(node) {
  if (node === null) return 'null'
  if (typeof node === 'object') return node.$
  return typeof node
}
