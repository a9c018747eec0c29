// The stores and the service main, the windows and the producer (a utility process) share.
// Main holds the truth; the producer streams an answer chunk by chunk into main through a
// service; windows see it two ways, as the pattern of two channels goes:
//   $answer   the store: main broadcasts it at most every 100 ms (throttleMs) and always the
//             last value, so a window that loads or reloads mid-stream shows the full text so far
//   'chunk'   a service event: every chunk, live, only to windows that listen to it
import { defineService, syncedAtom } from 'nanostore-ipc-bridge/atom'

/** What a window asks for: `seq` goes up on every request, so the same prompt twice is new. */
export const $request = syncedAtom('llm.request', { seq: 0, prompt: '' })

/** The answer so far. Written only in main (by the service below); windows and the producer read it. */
export const $answer = syncedAtom(
  'llm.answer',
  { seq: 0, text: '', done: true },
  { throttleMs: 100, rendererCanSet: false }
)

const fromProducer = sender => sender.kind === 'utility'

export const llm = defineService({
  id: 'llm',
  // Windows may listen to chunks; only the producer (a utility process) may write the answer.
  allowSender: fromProducer,
  validateArgs: (method, args) =>
    method === 'begin'
      ? Number.isSafeInteger(args[0])
      : Number.isSafeInteger(args[0]) && (method !== 'append' || typeof args[1] === 'string'),
  handlers: {
    // A new answer for request `seq`: what was streamed for an older one is over.
    async begin(seq) {
      $answer.set({ seq, text: '', done: false })
      return true
    },
    async append(seq, chunk) {
      const answer = $answer.get()
      if (answer.seq !== seq || answer.done) return false // a late chunk of an answer that was replaced
      $answer.set({ ...answer, text: answer.text + chunk })
      llm.broadcast('chunk', { seq, chunk })
      return true
    },
    async finish(seq) {
      const answer = $answer.get()
      if (answer.seq !== seq) return false
      $answer.set({ ...answer, done: true })
      return true
    }
  }
})
