// syncedAtom(id, initial, options): a nanostores atom kept identical in main and in
// every window; the same call in every process (./create.js picks the role).
import { atom } from 'nanostores'

import { createSynced } from './create.js'
import { createRendererAtom } from './renderer.js'

export { ErrorCodes, NanoStoreIPCError } from '../error/index.js'
export { syncedMap } from '../map/index.js'

const ATOM = { name: 'syncedAtom', local: atom, renderer: createRendererAtom }

export function syncedAtom(id, initial, options = {}) {
  return createSynced(ATOM, id, initial, options)
}
