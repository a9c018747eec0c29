// The wire protocol's names and limits, shared by main, the preload and renderers
// (pure JS: the preload bundle and renderer bundles include it).
//
// Channels under a prefix p (`p:ns:*`, or `ns:*` without one); see ARCHITECTURE.md
// for the payloads:
//   hello   window → main  send    the preload started (page load or reload)
//   sub     window → main  send    subscription changes { add, remove, all }
//   get     window → main  invoke  batch read → snapshots
//   set     window → main  invoke  write (id, value, { key }?) → { rev } or { error, snapshot? }
//   update  main → window  send    { id, rev, value } or a delta (./delta.js)
//   resync  main → window  send    subscribe and read again

export const MAX_ID_LENGTH = 256
export const DEFAULT_GLOBAL_NAME = 'nanostoreIPC'
// Upper bound on ids in one get/sub batch from a renderer (keeps a hostile
// renderer from making main do unbounded work in one message).
export const MAX_BATCH = 10000
// Longest map key a renderer may set with setKey.
export const MAX_KEY_LENGTH = 4096

export function channelsFor(prefix) {
  const p = prefix ? `${prefix}:ns:` : 'ns:'
  return {
    hello: `${p}hello`,
    sub: `${p}sub`,
    get: `${p}get`,
    set: `${p}set`,
    update: `${p}update`,
    resync: `${p}resync`
  }
}

export function isValidId(id) {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH
}

export function describeInvalidId(id) {
  if (typeof id !== 'string') return `Store id must be a string, got ${typeof id}`
  if (id.length === 0) return 'Store id must not be empty'
  return `Store id is ${id.length} characters long; the limit is ${MAX_ID_LENGTH}`
}
