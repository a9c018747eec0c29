// Shared setup for the inspector's tests in the Electron stand-in (worker windows). The
// inspector's page needs a DOM to render, which worker windows do not have: its script does
// nothing there, and the tests play the page, calling window.nanostoreInspector (the inspector's
// own preload) in the inspector window as the page would. The page itself runs in real Chromium
// in __test__/e2e/inspector.test.js.
import { standIn, until } from '../bridge/harness.js'

export {
  hostilePreload,
  makeStore,
  openWindows,
  page,
  preloadFor,
  read,
  setInWindow,
  standIn,
  storeState,
  until
} from '../bridge/harness.js'

export const exec = (win, code) => win.webContents.executeJavaScript(code)

// ipc.openInspector(options), once its page (and preload) loaded.
export async function openInspector(ipc, options) {
  const win = ipc.openInspector(options)
  await loaded(win)
  return win
}

export async function loaded(win) {
  await until(() => !win.isDestroyed() && win.webContents.getURL() && !win.webContents.isLoading(), {
    what: 'the inspector window to load'
  })
}

// What the page does first: listen to the feed (into window.feed), then ask for the snapshot.
export function hello(win) {
  return exec(
    win,
    `window.feed = []
     window.stopFeed?.()
     window.stopFeed = window.nanostoreInspector.onFeed(m => window.feed.push(m))
     window.nanostoreInspector.hello()`
  )
}

// A call of the inspector's API in its window: value, restore, pause.
export function ask(win, method, ...args) {
  return exec(win, `window.nanostoreInspector.${method}(...${JSON.stringify(args)})`)
}

// Every feed message received so far.
export const feed = win => exec(win, 'window.feed')

// The feed's events of one type so far, in order.
export async function events(win, type) {
  return (await feed(win)).flatMap(m => m.events).filter(e => type === undefined || e.type === type)
}

// Waits until the feed holds events matching `predicate` (at least `count` of them); returns them.
export function eventsUntil(win, predicate, { count = 1, what = 'inspector events' } = {}) {
  return until(
    async () => {
      const matching = (await events(win)).filter(predicate)
      return matching.length >= count ? matching : null
    },
    { what, timeoutMs: 5000 }
  )
}

// The latest store state the feed carried for `id` (value from the last one that had it).
export async function latestStore(win, id) {
  let state = null
  for (const m of await feed(win)) {
    for (const s of m.stores) if (s.id === id) state = { ...state, ...s, value: s.value ?? state?.value }
  }
  return state
}

export async function reset(ipc) {
  ipc?.destroy()
  await standIn.reset()
}
