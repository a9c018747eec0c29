// Whole values for the page callbacks that take snapshots only (subscribe,
// subscribeAll): updates may be deltas (protocol/delta.js), so for the stores those
// callbacks watch, the preload keeps the last whole value and applies deltas to it;
// when it holds no value at a delta's base, it reads the store whole instead.
// syncedAtom's watch takes deltas as they are and costs nothing here.
import { applyUpdate, isDelta } from '../../protocol/delta.js'

export function createWholes(read) {
  const known = new Map() // store id -> { rev, value }
  const reading = new Set() // store ids with a whole read on its way

  // Calls deliver(snapshot) with the whole snapshot `update` leads to, now or
  // once a read brought it.
  function resolve(update, deliver) {
    const { id } = update
    const last = known.get(id)
    if (last && !(update.rev > last.rev)) return
    if (!isDelta(update)) {
      known.set(id, { rev: update.rev, value: update.value })
      return deliver(update)
    }
    if (last && last.rev === update.base) {
      const snapshot = { id, rev: update.rev, value: applyUpdate(last.value, update) }
      known.set(id, { rev: snapshot.rev, value: snapshot.value })
      return deliver(snapshot)
    }
    if (reading.has(id)) return
    reading.add(id)
    read(id).then(entry => {
      reading.delete(id)
      if (entry.error || known.get(id)?.rev >= entry.rev) return
      known.set(id, { rev: entry.rev, value: entry.value })
      deliver(entry)
    })
  }

  // forget(id), or forget(predicate) for every id it accepts.
  const forget = which => {
    if (typeof which !== 'function') return known.delete(which)
    for (const id of [...known.keys()]) if (which(id)) known.delete(id)
  }
  return { resolve, forget }
}
