// Electron's main-process modules, loaded when initNanoStoreIPC() runs rather than at
// import, so the entry stays importable outside Electron (NanoStoreIPCError, syncedAtom).
// require() reaches Electron's built-in module from CommonJS and ESM mains alike.
import { createRequire } from 'node:module'

import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'

const require = createRequire(import.meta.url)

export function loadElectron() {
  const type = globalThis.process?.type
  const wrongProcess = originalError =>
    new NanoStoreIPCError(
      ErrorCodes.WRONG_PROCESS,
      `initNanoStoreIPC() must run in Electron's main process (process.type is '${type ?? 'undefined'}' here); ` +
        'renderers call exposeNanoStoreIPC() in their preload instead',
      { originalError }
    )
  // Both, as in Electron's main process: without Electron, `require('electron')` would
  // load the npm package, which exports the path of (or downloads) its binary.
  if (type !== 'browser' || !globalThis.process.versions?.electron) throw wrongProcess()
  let electron
  try {
    electron = require('electron')
  } catch (error) {
    throw wrongProcess(error)
  }
  if (!electron?.ipcMain || !electron.app || !electron.BrowserWindow) throw wrongProcess()
  return electron
}
