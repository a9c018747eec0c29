// Electron's security checklist: validate the sender of every message. A message
// counts only from a registered window's live frame that passes allowedOrigins
// and allowSender; it returns the window's id or throws a typed error.
import { ErrorCodes, NanoStoreIPCError } from '../error/index.js'

export function createSenderCheck(opts, windows) {
  return event => {
    const wcId = event?.sender?.id
    if (!windows.has(wcId)) {
      throw new NanoStoreIPCError(
        ErrorCodes.WINDOW_NOT_FOUND,
        `Message from webContents ${wcId}, which is not a registered window`
      )
    }
    let frame
    try {
      frame = event.senderFrame
    } catch {
      frame = null
    }
    if (!frame) {
      throw new NanoStoreIPCError(ErrorCodes.SENDER_REJECTED, 'The sending frame is gone (navigated or destroyed)')
    }
    if (opts.allowedOrigins && !opts.allowedOrigins.includes(frame.origin)) {
      throw new NanoStoreIPCError(ErrorCodes.SENDER_REJECTED, `Origin '${frame.origin}' is not in allowedOrigins`)
    }
    if (opts.allowSender && !opts.allowSender({ url: frame.url, origin: frame.origin, webContentsId: wcId })) {
      throw new NanoStoreIPCError(ErrorCodes.SENDER_REJECTED, `Sender ${frame.url} rejected by allowSender`)
    }
    return wcId
  }
}
