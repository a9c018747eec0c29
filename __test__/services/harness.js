// Setup shared by the service tests: the bundled preload, the services page, and an
// initNanoStoreIPC() per test that records the errors main reports.
import { fileURLToPath } from 'node:url'

import { initNanoStoreIPC } from '../../index.js'
import { preloadFor, read, standIn, until } from '../bridge/harness.js'

export const page = fileURLToPath(new URL('./fixtures/page.js', import.meta.url))
export const preload = preloadFor({ channelPrefix: 'wf' })
export const hostilePreload = fileURLToPath(new URL('../bridge/fixtures/hostile-preload.cjs', import.meta.url))

export function start(options = {}) {
  const errors = []
  const ipc = initNanoStoreIPC({ channelPrefix: 'wf', onError: e => errors.push(e), ...options })
  return { ipc, errors }
}

export function openWindows(n, options = {}) {
  return standIn.openWindows(n, { preload, page, ...options })
}

export const js = (win, code) => read(win, code)
export const call = (win, service, method, args = []) =>
  read(win, `window.call(${JSON.stringify(service)}, ${JSON.stringify(method)}, ${JSON.stringify(args)})`)

export { read, standIn, until }
