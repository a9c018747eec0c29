// The fixed text main streams into $answer, so the final value is known
// (an end-to-end test asserts every window ends with exactly this text).
export const ANSWER_TEXT = [
  'Electron apps keep their state in two separate JavaScript worlds: the main',
  'process and one renderer per window. A reactive store in one of them does not',
  'update the others by itself, so a value changed in main (a setting, a download',
  'progress, an answer streamed from a language model) leaves every window looking',
  'at a stale copy until somebody remembers to send an IPC message for it.',
  'nanostore-ipc-bridge turns that into one line: declare the store with syncedAtom',
  'in a module that main and the windows share, and every copy stays the same.',
  'Main is the source of truth. A window that sets the store sends the value to',
  'main, main commits it and broadcasts it to every other window that uses it, and',
  'a window that loads or reloads asks main for the current value before it shows',
  'anything. This answer is streamed by main a few words at a time, hundreds of',
  'times in a few seconds, the way a model writes. Sending every chunk to every',
  'window would flood the IPC channel, so this store is throttled: main sends it at',
  'most ten times a second, and always sends the last value, so every window ends',
  'with the full text and the done flag, even one that was reloaded halfway through.',
  'Try it: start the stream, reload the other window in the middle, and watch it',
  'pick up where main is, then finish with exactly the same words as this one.'
].join(' ')

/**
 * Split the text into chunks the way a model emits tokens: one word (with its
 * trailing space) per chunk, every fourth chunk two words. Deterministic, so
 * every run streams the same ~200 chunks and `chunks.join('') === text`.
 */
export function chunkText(text = ANSWER_TEXT) {
  const words = text.split(/(?<= )/)
  const chunks = []
  for (let i = 0, n = 0; i < words.length; n++) {
    const size = n % 4 === 3 ? 2 : 1
    chunks.push(words.slice(i, i + size).join(''))
    i += size
  }
  return chunks
}
