// Preload source. A sandboxed preload can require only 'electron' (and events,
// timers, url), so `npm run build` bundles this file and the package's preload
// into one CommonJS file: dist/preload.cjs (see build-preload.js).
const { exposeNanoStoreIPC } = require('nanostore-ipc-bridge/preload')

exposeNanoStoreIPC({ channelPrefix: 'wf' })
