import type { MapStore } from 'nanostores'

import type { SyncedAtomOptions } from '../atom/index.js'

/**
 * A nanostores map kept identical in Electron's main process and every window, key by key:
 * main broadcasts only the keys that changed, a renderer's `setKey` sends only that key, and
 * concurrent `setKey`s of different keys from different windows all survive.
 */
export declare function syncedMap<T extends Record<string, unknown>>(
  id: string,
  initial?: T,
  options?: SyncedAtomOptions<T>
): SyncedMap<T>

export interface SyncedMap<T extends object> extends MapStore<T> {
  /** In renderers: the highest revision of main's store this window has seen (-1 before the first snapshot). */
  readonly rev?: number
}
