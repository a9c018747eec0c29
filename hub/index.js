// The meeting point between syncedAtom() calls in main and initNanoStoreIPC().
// It lives on globalThis so that two copies of this package in one main process
// (a bundled main plus node_modules) still share one registry.
// - atoms: every syncedAtom created in main, kept across destroy()/re-init
// - revs: last revision of every store id, so a re-init never reuses a revision
// - runtime: the live initNanoStoreIPC() instance, or null

const HUB = Symbol.for('nanostore-ipc-bridge/main-hub')

export function mainHub() {
  return (globalThis[HUB] ||= { atoms: new Map(), revs: new Map(), runtime: null })
}
