// The baseline: the bridge's design as first specified, written plainly, to measure the
// bridge against. Main keeps a revision per store and, on every change of every store,
// sends { id, rev, value } to every window (no selective delivery, no coalescing);
// windows read each store with its own invoke; a write is an invoke that sets the store.
export function initBaseline({ ipcMain, BrowserWindow }, prefix = 'base') {
  const stores = new Map() // id -> { store, rev, off }
  const broadcast = (id, entry) => {
    const snapshot = { id, rev: entry.rev, value: entry.store.get() }
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(`${prefix}:update`, snapshot)
    }
  }
  ipcMain.handle(`${prefix}:get`, (_event, id) => {
    const entry = stores.get(id)
    if (!entry) throw new Error(`STORE_NOT_FOUND: ${id}`)
    return { id, rev: entry.rev, value: entry.store.get() }
  })
  ipcMain.handle(`${prefix}:set`, (_event, id, value) => {
    const entry = stores.get(id)
    if (!entry) throw new Error(`STORE_NOT_FOUND: ${id}`)
    entry.store.set(value)
    return { rev: entry.rev }
  })
  return {
    register(id, store) {
      const entry = { store, rev: 0, off: null }
      entry.off = store.listen(() => {
        entry.rev++
        broadcast(id, entry)
      })
      stores.set(id, entry)
    },
    destroy() {
      for (const entry of stores.values()) entry.off()
      stores.clear()
      ipcMain.removeHandler(`${prefix}:get`)
      ipcMain.removeHandler(`${prefix}:set`)
    }
  }
}
