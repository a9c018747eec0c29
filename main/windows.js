// The participants main syncs with, each under an id of its own in the native runtime
// (its state, store subscriptions and service events), with what to send() to and its
// lifecycle. The runtime decides who receives a commit; this module turns its ids back
// into something to send to.
//   window   a registered webContents: a BrowserWindow's or a view's (WebContentsView,
//            BrowserView). Id: the webContents id. Loading → ready on every load, gone when
//            its renderer dies, forgotten when destroyed.
//   frame    a sub-frame of a registered window that the sender check let in
//            (allowedSubFrameOrigins): its document is a participant of its own, sent to with
//            frame.send. Forgotten with its window, when its window loads again, and once the
//            frame is found detached (Electron tells main nothing when a page removes an
//            <iframe>: that is noticed at the next send to it, load of its window, or prune()).
//   utility  a utility process connected over a MessagePort (./utility.js).
// The id spaces never meet: webContents ids count from 1, frames from FRAME_IDS, utility
// processes from UTILITY_IDS, all below 2^53 as the runtime requires.
// onDrop(id, why): the participant's page is gone (crashed) or it is forgotten, so what it
// had running in main (service calls) can stop.
import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'

export const UTILITY_IDS = 2 ** 50
export const FRAME_IDS = 2 ** 51
// The brand of a utility process's events (./utility.js): a message speaks for a utility
// process only if its event carries that participant under this key, which no renderer can
// put on an event.
export const PORT_EVENT = Symbol('nanostore-ipc-bridge/port-event')

const frameGone = frame => frame.detached === true || frame.isDestroyed?.() === true

export function createWindows({ native, channels, onDrop = () => {} }) {
  const participants = new Map() // id -> { id, kind, target, off, ... } (kind-specific fields below)
  const frameIds = new Map() // WebFrameMain -> id of its participant
  let lastUtilityId = UTILITY_IDS
  let lastFrameId = FRAME_IDS

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
    if (participants.has(wc.id)) return false
    const id = wc.id
    native.registerWindow(id)
    const frames = new Set() // ids of its sub-frame participants
    // A once-listener re-armed after each load: nothing accumulates, and the
    // window is ready again after every reload.
    const onFinishLoad = () => {
      native.setWindowState(id, 'ready')
      for (const frameId of [...frames]) {
        if (frameGone(participants.get(frameId).frame)) forget(frameId)
        else native.setWindowState(frameId, 'ready')
      }
      wc.once('did-finish-load', onFinishLoad)
    }
    const onGone = () => {
      for (const frameId of [...frames]) forget(frameId)
      native.resetWindow(id)
      native.setWindowState(id, 'gone')
      onDrop(id, 'crashed')
    }
    const onDestroyed = () => forget(id)
    wc.once('did-finish-load', onFinishLoad)
    wc.on('render-process-gone', onGone)
    wc.once('destroyed', onDestroyed)
    participants.set(id, {
      id,
      kind: 'window',
      wc,
      target: wc,
      frames,
      off() {
        wc.removeListener('did-finish-load', onFinishLoad)
        wc.removeListener('render-process-gone', onGone)
        wc.removeListener('destroyed', onDestroyed)
        for (const frameId of [...frames]) forget(frameId)
      }
    })
    // A page already running subscribed before main knew this window: ask it to
    // subscribe and read again. A page still loading drops this, and says hello.
    if (wc.getURL() && !wc.isLoading() && !wc.isCrashed()) wc.send(channels.resync)
    return true
  }

  // The participant of a sub-frame of `win` (the sender check allowed it), made on its first message.
  function frameId(win, frame) {
    const known = frameIds.get(frame)
    if (known !== undefined) return known
    const id = ++lastFrameId
    native.registerWindow(id)
    frameIds.set(frame, id)
    win.frames.add(id)
    participants.set(id, {
      id,
      kind: 'frame',
      frame,
      target: frame,
      webContentsId: win.id,
      off() {
        frameIds.delete(frame)
        win.frames.delete(id)
      }
    })
    return id
  }

  // A utility process (./utility.js): send(channel, ...args) posts on its port, off() closes it.
  function addUtility({ send, off, name, pid }) {
    const id = ++lastUtilityId
    native.registerWindow(id)
    const participant = { id, kind: 'utility', target: { send }, off, name, pid }
    participants.set(id, participant)
    return participant
  }

  function forget(id) {
    const participant = participants.get(id)
    if (!participant) return false
    participants.delete(id)
    participant.off()
    native.forgetWindow(id)
    onDrop(id, 'closed')
    return true
  }

  return {
    register,
    frameId,
    addUtility,
    forget,
    forgetAll: () => {
      for (const id of [...participants.keys()]) forget(id)
    },
    // Sub-frames found detached are forgotten (before inspect() and stats() report).
    prune() {
      for (const [frame, id] of [...frameIds]) if (frameGone(frame)) forget(id)
    },
    has: id => participants.has(id),
    kindOf: id => participants.get(id)?.kind,
    // The webContents a participant's messages come from: its own, its window's, none (utility).
    webContentsIdOf(id) {
      const participant = participants.get(id)
      if (participant?.kind === 'window') return id
      return participant?.webContentsId
    },
    // The registered window whose webContents sent an ipcMain event: the very object, so an
    // object that only carries its id is not it.
    windowOf(sender) {
      const participant = participants.get(sender?.id)
      return participant?.kind === 'window' && participant.wc === sender ? participant : undefined
    },
    // The live utility process a port event (./utility.js) speaks for.
    utilityOf(event) {
      const participant = event?.[PORT_EVENT]
      return participant !== undefined && participants.get(participant?.id) === participant ? participant : undefined
    },
    // What to send() to for a participant: a window's live webContents, a sub-frame's
    // WebFrameMain (forgotten here if it went away), a utility process's port; or undefined.
    contents(id) {
      const participant = participants.get(id)
      if (!participant) return undefined
      if (participant.kind === 'window') return participant.wc.isDestroyed() ? undefined : participant.wc
      if (participant.kind === 'frame' && frameGone(participant.frame)) {
        forget(id)
        return undefined
      }
      return participant.target
    },
    // What inspect() adds to the runtime's view of a participant.
    describe(id) {
      const participant = participants.get(id)
      if (!participant) return {}
      if (participant.kind === 'window') return { kind: 'window' }
      if (participant.kind === 'frame') {
        return { kind: 'frame', webContentsId: participant.webContentsId, url: participant.frame.url }
      }
      return { kind: 'utility', name: participant.name, pid: participant.pid() }
    },
    count(kind) {
      let n = 0
      for (const participant of participants.values()) if (participant.kind === kind) n++
      return n
    },
    get size() {
      return participants.size
    }
  }
}
