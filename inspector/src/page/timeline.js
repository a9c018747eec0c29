// The timeline pane: commits, refused writes and pauses, newest first, filtered by store and by
// writer; a row selects its store and, for a commit, shows its value on the right.
import { byId, fill, h } from './dom.js'
import { bytes, clock, short, writer } from './format.js'
import { byWhom, cached, selectEvent, state } from './state.js'

const SHOWN = 400 // rows rendered

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

export function renderTimeline() {
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
