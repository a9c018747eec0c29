// The inspector page's preload (built into inspector/preload.cjs by scripts/build-inspector.js:
// one CommonJS file that requires only 'electron'). It exposes window.nanostoreInspector, five
// functions over the inspector's own channels and nothing else: no raw ipcRenderer, no store
// writes. Main answers them only from this page (inspector/protocol.js).
import { contextBridge, ipcRenderer } from 'electron'

import { INSPECTOR_CHANNELS, INSPECTOR_GLOBAL } from '../protocol.js'

contextBridge.exposeInMainWorld(INSPECTOR_GLOBAL, {
  // The snapshot the page starts from; feed messages follow it.
  hello: () => ipcRenderer.invoke(INSPECTOR_CHANNELS.hello),
  // cb(message) per feed message; returns a function that stops it.
  onFeed(cb) {
    const listener = (_event, message) => cb(message)
    ipcRenderer.on(INSPECTOR_CHANNELS.feed, listener)
    return () => ipcRenderer.removeListener(INSPECTOR_CHANNELS.feed, listener)
  },
  // A store's value (a preview): its current one, or the one it had at `rev` (from the history).
  value: (storeId, rev) => ipcRenderer.invoke(INSPECTOR_CHANNELS.value, storeId, rev),
  // A new commit of the value the store had at `rev`; every window follows.
  restore: (storeId, rev) => ipcRenderer.invoke(INSPECTOR_CHANNELS.restore, storeId, rev),
  // Hold (true) or resume (false) the store's delivery to windows.
  pause: (storeId, paused) => ipcRenderer.invoke(INSPECTOR_CHANNELS.pause, storeId, paused)
})
