// The right pane: the selected store (options, windows, value, Pause delivery) and the selected
// commit (its change, the value at that revision, Restore).
import { byId, fill, h } from './dom.js'
import { bytes, clock, rate, writer } from './format.js'
import { api, byWhom, render, state, tree } from './state.js'

// The two sections are made again only when what they show changed: a tick that brings the
// same state leaves the buttons in place.
const shown = { storeKey: null, storeValue: null, storeEl: null, commitOf: null, commitEl: null }

export function renderDetail() {
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
