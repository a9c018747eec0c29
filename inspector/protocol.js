// The inspector's own channels, apart from the stores' and services' (pure JS: main and the
// inspector's preload share it). One fixed name per channel, under the package's name: the
// inspector's preload cannot know the app's channelPrefix, and one instance runs per process.
// Main answers them only from the inspector window's page; any other sender is refused
// (SENDER_REJECTED) and changes nothing. They exist only while an inspector is open.
//   hello    inspector → main  invoke  ()                 → snapshot: stores, windows, services,
//                                                            history, timeline, calls, logs
//   feed     main → inspector  send    { events, stores, windows?, services?, history? }
//   value    inspector → main  invoke  (storeId, rev?)    → { rev, value, bytes } (a preview)
//   restore  inspector → main  invoke  (storeId, rev)     → { rev }: a new commit of that value
//   pause    inspector → main  invoke  (storeId, paused)  → { paused }: hold or resume delivery
// Replies carry errors as data: { error: { code, message, storeId? } }.

const PREFIX = 'nanostore-ipc-bridge:inspector:'

export const INSPECTOR_CHANNELS = Object.freeze({
  hello: `${PREFIX}hello`,
  feed: `${PREFIX}feed`,
  value: `${PREFIX}value`,
  restore: `${PREFIX}restore`,
  pause: `${PREFIX}pause`
})

// Where the preload exposes the inspector's API in its page.
export const INSPECTOR_GLOBAL = 'nanostoreInspector'
