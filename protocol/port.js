// The protocol over a MessagePort between main and a utility process: the channels of
// ./index.js carried as messages of one port, so the child runs the preload's page API
// (preload/src/bridge.js) and main serves it with the handlers that serve windows.
//
// Main hands the child its end of a MessageChannelMain on process.parentPort, in a message
// { [CONNECT]: PORT_PROTOCOL } (other parentPort messages are the app's). On that port:
//   child → main  [SEND, key, ...args]           a send (ipcRenderer.send)
//                 [INVOKE, id, key, ...args]     an invoke (ipcRenderer.invoke); id: a positive integer
//   main → child  [SEND, key, ...args]           a send (webContents.send)
//                 [REPLY, id, ok, value]         the invoke's result, or (ok false) its error text
// `key` is a channel's name in channelsFor() (`get`, `svcCall`, …), not the channel itself: the port
// is private to the two ends, so no prefix is needed, and the child needs none to be configured.
// Messages are arrays: they clone faster than objects with named fields.

export const CONNECT = '@nanostore-ipc-bridge/connect'
export const PORT_PROTOCOL = 1

export const SEND = 0
export const INVOKE = 1
export const REPLY = 2

// The child's channel names: each key names itself.
export const PORT_CHANNELS = Object.freeze({
  hello: 'hello',
  sub: 'sub',
  get: 'get',
  set: 'set',
  update: 'update',
  resync: 'resync',
  svcCall: 'svcCall',
  svcCancel: 'svcCancel',
  svcCredit: 'svcCredit',
  svcSub: 'svcSub',
  svcEvent: 'svcEvent',
  svcChunk: 'svcChunk'
})

export const isConnectMessage = data => data !== null && typeof data === 'object' && data[CONNECT] === PORT_PROTOCOL

// The text of a failed invoke, as Electron words it for ipcRenderer.invoke.
export const invokeErrorText = (channel, message) => `Error invoking remote method '${channel}': ${message}`
