// The renderer side of syncedAtom: an atom synced by ./proxy.js.
import { atom } from 'nanostores'

import { syncStore } from './proxy.js'

export function createRendererAtom(id, initial, bridge, options) {
  const $store = atom(initial)
  syncStore($store, id, bridge, options)
  return $store
}
