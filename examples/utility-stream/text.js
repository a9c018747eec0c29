// The answer the producer streams: fixed, so a test knows what every window must end with.
export const ANSWER = [
  'Heavy work belongs in a utility process: a language model client, an indexer, a sync engine.',
  'It writes to the stores the windows show without a line of IPC code: main holds the truth,',
  'throttles what it broadcasts, and every window, even one reloaded in the middle of the stream,',
  'ends with exactly these words.'
].join(' ')

// One word (with its space) per chunk, the way a model emits tokens.
export const chunksOf = text => text.split(/(?<= )/)
