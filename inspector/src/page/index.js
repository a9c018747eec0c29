// The inspector's page: starts from main's snapshot (hello), then applies feed messages, and
// renders four panes: stores, services and windows (left); the timeline of commits, refused
// writes and pauses (center); calls and the runtime's log (below it); the selected store and
// commit (right), where the developer restores a value or pauses a store. Everything comes
// through window.nanostoreInspector (the preload); the page holds no store itself.
import { byId, fill, h } from './dom.js'
import { bytes, clock, rate, short, writer } from './format.js'
import { tree as buildTree } from './tree.js'

const api = window.nanostoreInspector
const MAX_TIMELINE = 3000 // events kept
const SHOWN = 400 // rows rendered (newest first)
const MAX_CALLS = 500
const MAX_LOGS = 2000
const LEVELS = ['error', 'warn', 'info', 'debug', 'trace']

const state = {
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

// One tree element per preview: re-rendering a pane keeps what the developer expanded.
const trees = new WeakMap()
function tree(node) {
  if (node === null || typeof node !== 'object') return buildTree(node)
  let el = trees.get(node)
  if (!el) trees.set(node, (el = buildTree(node)))
  return el
}

// Panes are rendered again only when what they show changed (rows stay the same elements, so
// a row under the pointer is not replaced while it is clicked).
const panes = {
  header: renderHeader,
  sidebar: renderSidebar,
  timeline: renderTimeline,
  calls: renderCalls,
  log: renderLog,
  detail: renderDetail
}
const dirty = new Set()
let renderQueued = false
function render(...names) {
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

// ---- data in

function take(events) {
  for (const event of events) {
    if (event.type === 'log') {
      state.logs.push(event)
      render('log')
    } else if (event.type === 'call') {
      state.calls.push(event)
      render('calls')
    } else {
      state.timeline.push(event)
      render('timeline')
    }
  }
  trim(state.timeline, MAX_TIMELINE)
  trim(state.calls, MAX_CALLS)
  trim(state.logs, MAX_LOGS)
}

function trim(list, max) {
  if (list.length > max) list.splice(0, list.length - max)
}

function applyStores(list, all) {
  const next = all ? new Map() : state.stores
  for (const store of list) {
    const previous = state.stores.get(store.id)
    // a state without a value keeps the value the page has
    next.set(store.id, store.value === undefined && previous ? { ...store, value: previous.value } : store)
  }
  state.stores = next
}

function onFeed(message) {
  take(message.events)
  if (message.dropped) state.dropped += message.dropped
  if (message.stores.length || message.all) {
    applyStores(message.stores, message.all)
    render('sidebar', 'detail')
  }
  if (message.windows) state.windows = message.windows
  if (message.services) state.services = message.services
  if (message.history !== undefined) state.history = message.history
  if (message.dropped || message.history !== undefined) render('header')
}

// ---- header

function renderHeader() {
  const h1 = state.history
  fill(
    byId('history'),
    h1
      ? `history: ${h1.entries} commits · ${bytes(h1.bytes)} of ${bytes(h1.maxBytes)} · up to ${h1.size} per store`
      : 'history off',
    state.dropped ? ` · ${state.dropped} events dropped (too many at once)` : ''
  )
  fill(byId('notice'), state.notice)
}

// ---- left: stores, services, windows

// A store's item is made again only when its line changes.
const storeItems = new Map() // id -> { line, el }

function storeItem(s) {
  const line = `rev ${s.rev} · ${rate(s.updatesPerSecond, 'upd')}`
  let item = storeItems.get(s.id)
  if (!item || item.line !== line || item.paused !== s.paused) {
    const el = h(
      'li',
      { dataset: { store: s.id }, onclick: () => selectStore(s.id) },
      h('span', { class: 'name' }, s.id),
      s.paused ? h('span', { class: 'badge paused' }, 'paused') : null,
      h('span', { class: 'meta' }, line)
    )
    storeItems.set(s.id, (item = { line, paused: s.paused, el }))
  }
  item.el.classList.toggle('selected', s.id === state.selectedStore)
  return item.el
}

let sidebarKey = ''
function renderSidebar() {
  const stores = [...state.stores.values()].sort((a, b) => a.id.localeCompare(b.id))
  const items = stores.map(storeItem)
  const list = byId('stores')
  if (items.length !== list.children.length || items.some((el, i) => list.children[i] !== el)) fill(list, items)
  const key = JSON.stringify([state.services, state.windows])
  if (key === sidebarKey) return
  sidebarKey = key
  fill(
    byId('services'),
    state.services.map(s =>
      h(
        'li',
        { dataset: { service: s.id } },
        h('span', { class: 'name' }, s.id),
        h(
          'span',
          { class: 'meta' },
          `${s.methods.length} methods · ${s.calls.calls} calls${s.calls.errors ? `, ${s.calls.errors} failed` : ''}`
        ),
        s.events.length
          ? h(
              'span',
              { class: 'meta' },
              `events: ${s.events.map(e => `${e.name} → ${e.windows.map(w => `#${w.id}`).join(' ')}`).join(', ')}`
            )
          : null
      )
    )
  )
  fill(
    byId('windows'),
    state.windows.map(w =>
      h(
        'li',
        { dataset: { window: w.id } },
        h('span', { class: 'name' }, writer(w.id, w)),
        h('span', { class: 'meta' }, `${w.state} · ${w.all ? 'every store' : `${w.stores} stores`}`),
        h('span', { class: 'meta url' }, w.url)
      )
    )
  )
}

function selectStore(id) {
  state.selectedStore = id
  render('sidebar', 'detail')
}

// ---- center: timeline

function visible(event) {
  const { store, window } = state.filters
  if (store && event.store !== store) return false
  if (window !== '' && event.type !== 'pause' && String(event.writer ?? '') !== window) return false
  return true
}

let filterOptions = ''
function renderFilters() {
  const stores = [...new Set([...state.stores.keys(), ...state.timeline.map(e => e.store)])].sort()
  const writers = new Map([[0, 'main']])
  for (const e of state.timeline)
    if (typeof e.writer === 'number') writers.set(e.writer, writer(e.writer, e.writerLabel))
  for (const w of state.windows) writers.set(w.id, writer(w.id, w))
  const storeOptions = [['', 'every store'], ...stores.map(s => [s, s])]
  const writerOptions = [['', 'every writer'], ...[...writers].map(([id, label]) => [String(id), label])]
  // rebuilt only when they change (an open drop-down would close)
  const key = JSON.stringify([storeOptions, writerOptions])
  if (key === filterOptions) return
  filterOptions = key
  const options = (select, entries) => {
    const current = select.value
    fill(
      select,
      entries.map(([value, label]) => h('option', { value }, label))
    )
    select.value = entries.some(([value]) => value === current) ? current : ''
  }
  options(byId('filter-store'), storeOptions)
  options(byId('filter-window'), writerOptions)
}

const rowsOf = new WeakMap() // event -> its row

function renderTimeline() {
  renderFilters()
  const rows = []
  for (let i = state.timeline.length - 1; i >= 0 && rows.length < SHOWN; i--) {
    const event = state.timeline[i]
    if (!visible(event)) continue
    const row = cached(event, timelineRow)
    row.classList.toggle('selected', event === state.selected)
    rows.push(row)
  }
  fill(byId('timeline'), rows.length ? rows : h('tr', null, h('td', { colspan: 6, class: 'empty' }, 'nothing yet')))
}

function timelineRow(event) {
  const cells = [h('td', { class: 'time' }, clock(event.time)), h('td', { class: 'store' }, event.store)]
  if (event.type === 'commit') {
    cells.push(
      h('td', { class: 'rev' }, event.rev),
      h('td', { class: 'writer' }, byWhom(event)),
      h(
        'td',
        { class: 'change' },
        h(
          'span',
          { class: `badge ${event.change}` },
          event.change === 'restore' ? `restore of rev ${event.restoredFrom}` : event.change
        ),
        event.held ? h('span', { class: 'badge paused' }, 'held') : null,
        event.kept === false
          ? h('span', { class: 'badge warn', title: 'not kept in the history' }, 'value not kept')
          : null
      ),
      h(
        'td',
        { class: 'detail' },
        event.delta !== undefined ? short(event.delta) : event.value !== undefined ? short(event.value) : '',
        h('span', { class: 'size' }, bytes(event.bytes))
      )
    )
  } else if (event.type === 'refused') {
    cells.push(
      h('td', { class: 'rev' }, ''),
      h('td', { class: 'writer' }, writer(event.writer, event.writerLabel)),
      h('td', { class: 'change' }, h('span', { class: 'badge refused' }, event.code)),
      h('td', { class: 'detail' }, event.message)
    )
  } else {
    cells.push(
      h('td', { class: 'rev' }, event.rev),
      h('td', { class: 'writer' }, 'inspector'),
      h('td', { class: 'change' }, h('span', { class: 'badge paused' }, event.paused ? 'paused' : 'resumed')),
      h('td', { class: 'detail' }, event.paused ? 'delivery held' : 'delivery resumed')
    )
  }
  return h(
    'tr',
    {
      class: event.type,
      dataset: { kind: event.type, store: event.store, rev: event.rev ?? '', writer: event.writer ?? '' },
      onclick: () => selectEvent(event)
    },
    cells
  )
}

// A commit's writer: main, a window, or the inspector (a restore or a resume).
function byWhom(event) {
  if (event.change === 'restore' || event.change === 'resume') return 'inspector'
  if (event.change === 'baseline') return '(before recording)'
  return writer(event.writer, event.writerLabel)
}

async function selectEvent(event) {
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

// ---- below: calls and log

// One element per event, made once.
function cached(event, make) {
  let el = rowsOf.get(event)
  if (!el) rowsOf.set(event, (el = make(event)))
  return el
}

function renderCalls() {
  const rows = state.calls
    .slice(-200)
    .reverse()
    .map(c => cached(c, callRow))
  fill(byId('calls'), rows.length ? rows : h('tr', null, h('td', { colspan: 5, class: 'empty' }, 'no calls yet')))
}

function callRow(c) {
  return h(
    'tr',
    { dataset: { service: c.service ?? '', code: c.code ?? '' } },
    h('td', { class: 'time' }, clock(c.time)),
    h('td', { class: 'fit' }, `${c.service ?? '?'}.${c.method ?? '?'}()${c.stream ? ' stream' : ''}`),
    h('td', { class: 'fit' }, writer(c.writer, c.writerLabel)),
    h('td', { class: 'num' }, `${c.durationMs.toFixed(1)} ms`),
    h(
      'td',
      null,
      c.code ? h('span', { class: 'badge refused', title: c.message }, c.code) : h('span', { class: 'badge ok' }, 'ok')
    )
  )
}

function renderLog() {
  const max = LEVELS.indexOf(state.logLevel)
  const rows = []
  for (let i = state.logs.length - 1; i >= 0 && rows.length < SHOWN; i--) {
    const e = state.logs[i]
    if (LEVELS.indexOf(e.level) <= max) rows.push(cached(e, logRow))
  }
  fill(byId('log'), rows.length ? rows : h('li', { class: 'empty' }, 'no log events at this level'))
}

function logRow(e) {
  const fields = Object.entries(e.fields ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')
  return h(
    'li',
    { dataset: { level: e.level } },
    h('span', { class: 'time' }, clock(e.time)),
    h('span', { class: `badge level ${e.level}` }, e.level),
    h('span', { class: 'message' }, e.message),
    h('span', { class: 'fields' }, fields)
  )
}

// ---- right: the selected store and commit

// The two sections are made again only when what they show changed: a tick that brings the
// same state leaves the buttons in place.
const shown = { storeKey: null, storeValue: null, storeEl: null, commitOf: null, commitEl: null }

function renderDetail() {
  const store = state.stores.get(state.selectedStore)
  const pane = byId('detail')
  if (!store) {
    shown.storeKey = shown.commitOf = null
    fill(pane, h('p', { class: 'empty' }, 'Select a store, or a commit in the timeline.'))
    return
  }
  const windows = store.subscribers.map(id => state.windows.find(x => x.id === id))
  const storeKey = JSON.stringify({ ...store, value: undefined, windows })
  const storeChanged = storeKey !== shown.storeKey || store.value !== shown.storeValue
  const commitOf = [state.selected, state.selectedValue, state.selectedStore]
  const commitChanged = !shown.commitOf || commitOf.some((v, i) => v !== shown.commitOf[i])
  if (!storeChanged && !commitChanged) return
  if (storeChanged) {
    shown.storeKey = storeKey
    shown.storeValue = store.value
    shown.storeEl = storeSection(store)
  }
  if (commitChanged) {
    shown.commitOf = commitOf
    shown.commitEl = commitDetail()
  }
  fill(pane, shown.storeEl, shown.commitEl)
}

function storeSection(store) {
  const subscribers = store.subscribers.map(id => {
    const w = state.windows.find(x => x.id === id)
    return h('li', null, writer(id, w), w ? h('span', { class: 'meta url' }, w.url) : null)
  })
  const options = Object.entries(store.options).map(([k, v]) => h('li', null, `${k}: ${v === null ? '—' : v}`))
  return h(
    'section',
    { id: 'store-detail', dataset: { store: store.id } },
    h('h2', null, store.id, ' ', h('span', { class: 'meta' }, `rev ${store.rev} · ${store.kind}`)),
    h(
      'button',
      { id: 'pause', type: 'button', class: store.paused ? 'active' : null, onclick: () => pause(store) },
      store.paused ? `Resume delivery (${store.held} held)` : 'Pause delivery'
    ),
    h(
      'p',
      { class: 'meta' },
      `${rate(store.updatesPerSecond, 'updates')} · ${rate(Math.round(store.bytesPerSecond), 'B')} sent`
    ),
    h('h3', null, 'Options'),
    h('ul', { class: 'plain' }, options),
    h('h3', null, `Windows (${store.subscribers.length})`),
    h('ul', { class: 'plain' }, subscribers.length ? subscribers : h('li', { class: 'empty' }, 'none')),
    h('h3', null, 'Value ', h('span', { class: 'meta' }, bytes(store.bytes))),
    h('div', { id: 'store-value', class: 'tree' }, store.value === undefined ? '' : tree(store.value))
  )
}

function commitDetail() {
  const event = state.selected
  if (event?.type !== 'commit' || event.store !== state.selectedStore) return null
  const reply = state.selectedValue
  let body
  if (!reply) body = h('p', { class: 'meta' }, 'loading…')
  else if (reply.error) body = h('p', { class: 'error' }, `${reply.error.code}: ${reply.error.message}`)
  else body = h('div', { id: 'commit-value', class: 'tree' }, tree(reply.value))
  return h(
    'section',
    { id: 'commit-detail', dataset: { store: event.store, rev: event.rev } },
    h(
      'h2',
      null,
      `rev ${event.rev}`,
      ' ',
      h('span', { class: 'meta' }, `${event.change} by ${byWhom(event)} at ${clock(event.time)}`)
    ),
    event.delta !== undefined ? h('div', { class: 'tree delta' }, h('h3', null, 'Change'), tree(event.delta)) : null,
    h('h3', null, 'Value at this revision ', h('span', { class: 'meta' }, bytes(reply?.bytes))),
    body,
    h(
      'button',
      { id: 'restore', type: 'button', disabled: !reply || Boolean(reply.error), onclick: () => restore(event) },
      `Restore rev ${event.rev}`
    )
  )
}

async function restore(event) {
  const reply = await api.restore(event.store, event.rev)
  state.notice = reply.error
    ? `Restore failed: ${reply.error.code}: ${reply.error.message}`
    : `Restored ${event.store} to its value at rev ${event.rev}: new rev ${reply.rev}`
  render('header')
}

async function pause(store) {
  const reply = await api.pause(store.id, !store.paused)
  if (reply.error) state.notice = `${reply.error.code}: ${reply.error.message}`
  else state.stores.set(store.id, { ...store, paused: reply.paused, held: 0 })
  render('header', 'sidebar', 'detail')
}

// ---- start

async function start() {
  for (const [id, key] of [
    ['filter-store', 'store'],
    ['filter-window', 'window']
  ]) {
    byId(id).addEventListener('change', e => {
      state.filters[key] = e.target.value
      render('timeline')
    })
  }
  byId('log-level').value = state.logLevel
  byId('log-level').addEventListener('change', e => {
    state.logLevel = e.target.value
    render('log')
  })
  if (!api) {
    state.notice = 'This page needs the inspector preload (openInspector() opens it with it).'
    render()
    return
  }
  const snapshot = await api.hello()
  if (snapshot.error) {
    state.notice = `${snapshot.error.code}: ${snapshot.error.message}`
    render()
    return
  }
  applyStores(snapshot.stores, true)
  state.windows = snapshot.windows
  state.services = snapshot.services
  state.history = snapshot.history
  take(snapshot.timeline)
  take(snapshot.logs)
  state.selectedStore ??= [...state.stores.keys()].sort()[0] ?? null
  api.onFeed(onFeed)
  document.body.dataset.ready = 'true'
  render()
}

// Only where there is a document to render into.
if (typeof document.getElementById === 'function') start()
