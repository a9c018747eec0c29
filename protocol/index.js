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
// Services (`p:ns:svc:*`):
//   svc:call    window → main  invoke  (callId, serviceId, method, args) → { value } | { stream: true } | { error }
//   svc:cancel  window → main  send    callId: abort that call (or stop its stream)
//   svc:credit  window → main  send    { callId, n }: the page consumed n more chunks of a stream
//   svc:sub     window → main  send    { add?: [serviceId, event][], remove?: [serviceId, event][] }
//   svc:event   main → window  send    { serviceId, eventName, data }
//   svc:chunk   main → window  send    { callId, value } | { callId, done: true } | { callId, error }

export const MAX_ID_LENGTH = 256
export const DEFAULT_GLOBAL_NAME = 'nanostoreIPC'
// Upper bound on ids in one get/sub batch from a renderer (keeps a hostile
// renderer from making main do unbounded work in one message).
export const MAX_BATCH = 10000
// Most arguments one service call may carry.
export const MAX_CALL_ARGS = 1024
// Chunks main sends ahead of what a page consumed before it waits for credit; the
// page grants more every STREAM_WINDOW / 2 chunks it takes.
export const STREAM_WINDOW = 64
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
    resync: `${p}resync`,
    svcCall: `${p}svc:call`,
    svcCancel: `${p}svc:cancel`,
    svcCredit: `${p}svc:credit`,
    svcSub: `${p}svc:sub`,
    svcEvent: `${p}svc:event`,
    svcChunk: `${p}svc:chunk`
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

// Call ids are chosen by the preload, unique per window while the call runs.
export function isValidCallId(id) {
  return Number.isSafeInteger(id) && id > 0
}
