// syncedMap(id, initial, options): a nanostores map kept identical in main and in
// every window, synced key by key: main sends only the keys that changed, a
// renderer's setKey sends only its key, and concurrent setKeys of different keys
// from different windows all survive.
import { map } from 'nanostores'

import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'
import { createSynced } from '../atom/create.js'
import { NO_OPTIONS } from '../atom/options.js'
import { syncStore, write } from '../atom/proxy.js'

const MAP = { name: 'syncedMap', local: map, renderer: createRendererMap }

export function syncedMap(id, initial = {}, options = NO_OPTIONS) {
  if (initial === null || typeof initial !== 'object' || Array.isArray(initial)) {
    throw new NanoStoreIPCError(
      ErrorCodes.INVALID_ARGUMENT,
      `syncedMap('${id}'): the initial value must be an object`,
      {
        storeId: id
      }
    )
  }
  return createSynced(MAP, id, initial, options)
}

function createRendererMap(id, initial, bridge, options) {
  const $map = map(initial)
  const state = syncStore($map, id, bridge, options)
  $map.setKey = (key, value) => {
    const name = typeof key === 'number' ? String(key) : key
    const current = $map.value
    // nanostores' own no-op rules: deleting a missing key, setting the same value
    if (value === undefined ? !(name in current) : current[name] === value) return
    write(state, { key: name, value })
  }
  return $map
}
