// The page's state and what every pane shares: the inspector's API (the preload's
// window.nanostoreInspector), render scheduling, elements made once per event or value, and
// selection. The panes themselves are timeline.js, detail.js and panes.js; index.js feeds the state.
import { writer } from './format.js'
import { tree as buildTree } from './tree.js'

export const api = window.nanostoreInspector

export const state = {
  stores: new Map(),
  windows: [],
  services: [],
  history: null,
  timeline: [],
  calls: [],
  logs: [],
  dropped: 0,
  selectedStore: null,
  selected: null, // the timeline event shown on the right
  selectedValue: null, // its value: { rev, value, bytes } | { error }
  filters: { store: '', window: '' },
  logLevel: 'debug',
  notice: ''
}

// name -> render function, in render order (index.js fills it). A pane is rendered again only
// when it was marked (render(name)), and rows stay the same elements, so a row under the pointer
// is not replaced while it is clicked.
export const panes = {}
const dirty = new Set()
let renderQueued = false
export function render(...names) {
  for (const name of names.length ? names : Object.keys(panes)) dirty.add(name)
  if (renderQueued) return
  renderQueued = true
  // a timer, not requestAnimationFrame: a window in the background gets few frames
  setTimeout(() => {
    renderQueued = false
    for (const name of Object.keys(panes)) if (dirty.has(name)) panes[name]()
    dirty.clear()
  }, 16)
}

// One tree element per preview: re-rendering a pane keeps what the developer expanded.
const trees = new WeakMap()
export function tree(node) {
  if (node === null || typeof node !== 'object') return buildTree(node)
  let el = trees.get(node)
  if (!el) trees.set(node, (el = buildTree(node)))
  return el
}

const rowsOf = new WeakMap() // event -> its row

// One element per event, made once.
export function cached(event, make) {
  let el = rowsOf.get(event)
  if (!el) rowsOf.set(event, (el = make(event)))
  return el
}

// A commit's writer: main, a window, or the inspector (a restore or a resume).
export function byWhom(event) {
  if (event.change === 'restore' || event.change === 'resume') return 'inspector'
  if (event.change === 'baseline') return '(before recording)'
  return writer(event.writer, event.writerLabel)
}

export function selectStore(id) {
  state.selectedStore = id
  render('sidebar', 'detail')
}

export async function selectEvent(event) {
  state.selected = event
  state.selectedStore = event.store
  state.selectedValue = null
  render('timeline', 'sidebar', 'detail')
  if (event.type !== 'commit') return
  const reply = await api.value(event.store, event.rev)
  if (state.selected === event) {
    state.selectedValue = reply
    render('detail')
  }
}
