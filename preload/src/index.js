// exposeNanoStoreIPC(): the preload half of nanostore-ipc-bridge. Built into
// ../index.cjs, one CommonJS file that requires only 'electron', so it runs in a
// sandboxed preload (scripts/build-preload.js).
import { contextBridge, ipcRenderer } from 'electron'

import { DEFAULT_GLOBAL_NAME, channelsFor } from '../../protocol/index.js'
import { createBridge } from './bridge.js'

export function exposeNanoStoreIPC(options = {}) {
  const { channelPrefix, globalName = DEFAULT_GLOBAL_NAME } = options
  const api = createBridge(ipcRenderer, channelsFor(channelPrefix))
  contextBridge.exposeInMainWorld(globalName, api)
  return api
}
