// Shared by the stand-in's self-tests (not a test file itself).
import './register.js'
import { fileURLToPath } from 'node:url'
import { standIn, app, BrowserWindow, ipcMain, webContents } from './index.js'

export { standIn, app, BrowserWindow, ipcMain, webContents }

export const fixture = name => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

export const PRELOAD = fixture('preload.cjs')
export const PROBE_PRELOAD = fixture('probe-preload.cjs')

/** Open windows with the probe preload (which also exposes window.api) and a page. */
export function openProbe(page = 'empty-page.js', n = 1) {
  return standIn.openWindows(n, { preload: PROBE_PRELOAD, page: fixture(page) })
}

export const exec = (win, code) => win.webContents.executeJavaScript(code)

/** Resolves with the args of the next ipcMain message on `channel`. */
export function nextMessage(channel) {
  return new Promise(resolve => ipcMain.once(channel, (event, ...args) => resolve({ event, args })))
}

export function randomSeed() {
  const env = process.env.STAND_IN_SEED
  return env ? Number(env) : (Math.random() * 2 ** 31) >>> 0
}
