// The smaller panes: the header (history stats, notices), the sidebar (stores, services,
// windows), service calls and the log (filtered by level).
import { byId, fill, h } from './dom.js'
import { bytes, clock, rate, writer } from './format.js'
import { cached, selectStore, state } from './state.js'

const SHOWN = 400 // log lines rendered
const LEVELS = ['error', 'warn', 'info', 'debug', 'trace']

export function renderHeader() {
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
export function renderSidebar() {
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

export function renderCalls() {
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

export function renderLog() {
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
