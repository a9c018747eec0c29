// Test control for the Electron stand-in. Product code never imports this: it gets the stand-in
// through `require('electron')` / `import 'electron'` (see register.js and README.md).
import main from './electron-main.cjs'

export const { standIn } = main
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
} = main.electron
export default standIn
