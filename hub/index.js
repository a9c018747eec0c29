// The meeting point between syncedAtom() / defineService() calls in main and
// initNanoStoreIPC(). It lives on globalThis so that two copies of this package in
// one main process (a bundled main plus node_modules) still share one registry.
// - atoms: every syncedAtom created in main, kept across destroy()/re-init
// - revs: last revision of every store id, so a re-init never reuses a revision
// - services: every defineService() made in main, kept across destroy()/re-init
// - currentCall: the context of the service handler running now (synchronously),
//   what getCallContext() returns
// - runtime: the live initNanoStoreIPC() instance, or null

const HUB = Symbol.for('nanostore-ipc-bridge/main-hub')

export function mainHub() {
  const hub = (globalThis[HUB] ||= { atoms: new Map(), revs: new Map(), runtime: null })
  hub.services ||= new Map()
  return hub
}

// The hub if main code created it, without creating one (renderers never have one).
export function existingHub() {
  return globalThis[HUB]
}
