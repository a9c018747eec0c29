// The shared stores module: imported by main.js (Electron main process) and
// bundled into the renderer by Vite. The same line declares the store in both
// places; nanostore-ipc-bridge keeps every copy identical.
import { syncedAtom } from 'nanostore-ipc-bridge/atom'

/** A plain number: any window (or main) can change it. */
export const $counter = syncedAtom('counter', 0)

/** App settings: the theme switch in every window. */
export const $settings = syncedAtom('settings', { theme: 'light' })

/**
 * A request from a window to start a streamed answer. `seq` goes up on every
 * click, so the same prompt twice is still a new request.
 */
export const $streamRequest = syncedAtom('streamRequest', { seq: 0, prompt: '' })

/**
 * The answer main streams chunk by chunk, like an LLM. Main sets it a few
 * hundred times a second; `throttleMs` makes main broadcast it at most once per
 * 100 ms, and the last value (done: true, the full text) always arrives.
 */
export const $answer = syncedAtom('answer', { id: 0, text: '', done: true }, { throttleMs: 100 })
