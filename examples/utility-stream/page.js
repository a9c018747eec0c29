// A window's script (bundled for the browser). It renders $answer (the throttled store); with
// ?live=1 it also renders every chunk as it comes (the 'chunk' event). `window.example` is what
// the tests read.
import { $answer, $request, llm } from './shared.js'

const live = new URLSearchParams(globalThis.location?.search ?? '').get('live') === '1'
const el = id => globalThis.document?.getElementById?.(id)

window.example = {
  answers: [], // every $answer value this window showed
  liveText: '', // the chunks as they came (with ?live=1, or after listenLive())
  chunks: 0,
  ask(prompt) {
    $request.set({ seq: $request.get().seq + 1, prompt })
    return true
  },
  listenLive() {
    llm.on('chunk', ({ chunk }) => {
      window.example.chunks++
      window.example.liveText += chunk
      const out = el('live')
      if (out) out.textContent = window.example.liveText
    })
    return true
  }
}

$answer.subscribe(answer => {
  window.example.answers.push(answer)
  const out = el('answer')
  if (out) out.textContent = `${answer.text}${answer.done ? '' : ' …'}`
})
if (live) window.example.listenLive()
