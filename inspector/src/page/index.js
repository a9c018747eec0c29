// The inspector's page: starts from main's snapshot (hello), then applies feed messages, and
// renders its panes: stores, services and windows (left); the timeline of commits, refused writes
// and pauses (center); calls and the runtime's log (below it); the selected store and commit
// (right), where the developer restores a value or pauses a store. Everything comes through
// window.nanostoreInspector (the preload); the page holds no store itself.
import { byId } from './dom.js'
import { renderDetail } from './detail.js'
import { renderCalls, renderHeader, renderLog, renderSidebar } from './panes.js'
import { api, panes, render, state } from './state.js'
import { renderTimeline } from './timeline.js'

const MAX_TIMELINE = 3000 // events kept
const MAX_CALLS = 500
const MAX_LOGS = 2000

Object.assign(panes, {
  header: renderHeader,
  sidebar: renderSidebar,
  timeline: renderTimeline,
  calls: renderCalls,
  log: renderLog,
  detail: renderDetail
})

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
