// syncedAtom(id, initial, options): a nanostores atom kept identical in main and in
// every window; the same call in every process (./create.js picks the role).
// Every one has update(fn), an atomic read-modify-write: in renderers a conditional
// write through main, retried on conflict (./proxy.js); in main and plain JS
// applied at once. defineService: ./service.js.
import { atom } from 'nanostores'

import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'
import { NO_OPTIONS } from './options.js'
import { createSynced } from './create.js'
import { createRendererAtom } from './renderer.js'

export { ErrorCodes, NanoStoreIPCError } from '../error/index.js'
export { syncedMap } from '../map/index.js'
export { defineService, getCallContext } from './service.js'

// update(fn) where this process holds the truth (main, plain JS): fn runs on the
// current value and its result is set in the same turn, so nothing comes in between.
function localAtom(initial) {
  const store = atom(initial)
  store.update = fn => {
    try {
      if (typeof fn !== 'function') {
        throw new NanoStoreIPCError(ErrorCodes.INVALID_ARGUMENT, 'update(fn) needs a function')
      }
      const next = fn(store.get())
      store.set(next)
      return Promise.resolve(next)
    } catch (error) {
      return Promise.reject(error)
    }
  }
  return store
}

const ATOM = { name: 'syncedAtom', local: localAtom, renderer: createRendererAtom }

export function syncedAtom(id, initial, options = NO_OPTIONS) {
  return createSynced(ATOM, id, initial, options)
}
