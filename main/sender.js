// Electron's security checklist: validate the sender of every message. A message counts
// only from a participant main registered (./windows.js), and returns its id or throws a
// typed error:
//   - from ipcMain: the sender must be a registered window's own webContents, its frame
//     live (senderFrame is null once it navigated or was removed) and in allowedOrigins.
//     A sub-frame (an <iframe>: senderFrame is not the main frame) is refused unless its
//     origin is in allowedSubFrameOrigins; then it is a participant of its own, so its
//     page never speaks for the window's page, nor receives what that page subscribed to.
//   - from a utility process's port (./utility.js): the event carries its participant, which
//     must still be registered. Origins are a web notion and do not apply; the app trusted
//     the process when it registered it.
// Every sender then passes allowSender({ kind, url, origin, webContentsId }).
import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'

const rejected = message => new NanoStoreIPCError(ErrorCodes.SENDER_REJECTED, message)

export function createSenderCheck(opts, windows) {
  const allow = (sender, describe) => {
    if (opts.allowSender && !opts.allowSender(sender)) throw rejected(`Sender ${describe} rejected by allowSender`)
  }

  return event => {
    const utility = windows.utilityOf(event)
    if (utility) {
      allow(senderInfo(event.senderFrame, 'utility', undefined), `utility process '${utility.name}'`)
      return utility.id
    }
    const sender = event?.sender
    const win = windows.windowOf(sender)
    if (!win) {
      throw new NanoStoreIPCError(
        ErrorCodes.WINDOW_NOT_FOUND,
        `Message from webContents ${sender?.id}, which is not a registered window`
      )
    }
    let frame
    try {
      frame = event.senderFrame
    } catch {
      frame = null
    }
    if (!frame) throw rejected('The sending frame is gone (navigated or destroyed)')
    if (opts.allowedOrigins && !opts.allowedOrigins.includes(frame.origin)) {
      throw rejected(`Origin '${frame.origin}' is not in allowedOrigins`)
    }
    // Electron's WebFrameMain: parent is null for the main frame only.
    const subFrame = frame.parent != null
    if (subFrame && !opts.allowedSubFrameOrigins?.includes(frame.origin)) {
      throw rejected(
        `A sub-frame (${frame.url}) of window ${win.id} is not the window's page; ` +
          `origin '${frame.origin}' is not in allowedSubFrameOrigins`
      )
    }
    allow(senderInfo(frame, subFrame ? 'frame' : 'window', win.id), frame.url)
    return subFrame ? windows.frameId(win, frame) : win.id
  }
}

// What allowSender (initNanoStoreIPC's and a service's) is told about a sender.
export function senderInfo(frame, kind, webContentsId) {
  return { kind, url: frame.url, origin: frame.origin, webContentsId }
}
