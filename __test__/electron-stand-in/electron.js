// import ... from 'electron' in the main process, through the stand-in's loader hook (register.js).
import electron from './electron.cjs'

export const {
  app,
  BrowserWindow,
  ipcMain,
  webContents,
  MessageChannelMain,
  utilityProcess,
  View,
  WebContentsView,
  webFrameMain
} = electron
export default electron
