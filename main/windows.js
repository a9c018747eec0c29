// The windows main sends to: webContents by id, their lifecycle listeners, and
// their state in the native runtime (loading → ready on every load, gone when the
// renderer dies, forgotten when destroyed). The runtime decides who receives a
// commit; this module only turns its window ids back into webContents.
// onDrop(id, why): the window's page is gone (crashed) or the window is forgotten,
// so what it had running in main (service calls) can stop.
import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'

export function createWindows({ native, channels, onDrop = () => {} }) {
  const windows = new Map() // webContents id -> { wc, off }

  function register(target) {
    const wc = target?.webContents ?? target
    if (!wc || typeof wc.id !== 'number' || typeof wc.send !== 'function' || typeof wc.once !== 'function') {
      throw new NanoStoreIPCError(
        ErrorCodes.INVALID_ARGUMENT,
        'registerWindow() needs a BrowserWindow or a WebContents'
      )
    }
    if (wc.isDestroyed()) {
      throw new NanoStoreIPCError(ErrorCodes.WINDOW_NOT_FOUND, `Window ${wc.id} is already destroyed`)
    }
    if (windows.has(wc.id)) return false
    const id = wc.id
    native.registerWindow(id)
    // A once-listener re-armed after each load: nothing accumulates, and the
    // window is ready again after every reload.
    const onFinishLoad = () => {
      native.setWindowState(id, 'ready')
      wc.once('did-finish-load', onFinishLoad)
    }
    const onGone = () => {
      native.resetWindow(id)
      native.setWindowState(id, 'gone')
      onDrop(id, 'crashed')
    }
    const onDestroyed = () => forget(id)
    wc.once('did-finish-load', onFinishLoad)
    wc.on('render-process-gone', onGone)
    wc.once('destroyed', onDestroyed)
    windows.set(id, {
      wc,
      off() {
        wc.removeListener('did-finish-load', onFinishLoad)
        wc.removeListener('render-process-gone', onGone)
        wc.removeListener('destroyed', onDestroyed)
      }
    })
    // A page already running subscribed before main knew this window: ask it to
    // subscribe and read again. A page still loading drops this, and says hello.
    if (wc.getURL() && !wc.isLoading() && !wc.isCrashed()) wc.send(channels.resync)
    return true
  }

  function forget(id) {
    const target = windows.get(id)
    if (!target) return false
    target.off()
    windows.delete(id)
    native.forgetWindow(id)
    onDrop(id, 'closed')
    return true
  }

  return {
    register,
    forget,
    forgetAll: () => {
      for (const id of [...windows.keys()]) forget(id)
    },
    has: id => windows.has(id),
    // The webContents of a live registered window, or undefined.
    contents(id) {
      const wc = windows.get(id)?.wc
      return wc && !wc.isDestroyed() ? wc : undefined
    },
    get size() {
      return windows.size
    }
  }
}
