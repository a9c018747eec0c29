// The windows' preload (bundle it into one CommonJS file: a sandboxed preload can only
// require 'electron').
import { exposeNanoStoreIPC } from 'nanostore-ipc-bridge/preload'

exposeNanoStoreIPC()
