// Appended to the benchmark preload: the baseline's preload API, as first specified:
// get, set, and subscribe(id, cb), one ipcRenderer listener per subscription.
contextBridge.exposeInMainWorld('baselineIPC', {
  get: id => ipcRenderer.invoke('base:get', id),
  set: (id, value) => ipcRenderer.invoke('base:set', id, value),
  subscribe: (id, cb) => {
    const listener = (_event, snapshot) => {
      if (snapshot.id === id) cb(snapshot)
    }
    ipcRenderer.on('base:update', listener)
    return () => ipcRenderer.removeListener('base:update', listener)
  }
})
