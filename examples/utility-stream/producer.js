// The producer, run in a utility process (utilityProcess.fork): it watches $request and streams
// an answer for the latest one into main, chunk by chunk, through the llm service. A new request
// stops the answer in progress. Started (or restarted after a crash) while an answer is not done,
// it answers that request again from the start.
// argv: [--delay=<ms>] the pause between two chunks (default 20).
import { connectNanoStoreIPC } from 'nanostore-ipc-bridge/utility'

import { $request, llm } from './shared.js'
import { ANSWER, chunksOf } from './text.js'

const delayArg = process.argv.find(a => a.startsWith('--delay='))
const DELAY_MS = delayArg ? Number(delayArg.slice(8)) : 20
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

const bridge = connectNanoStoreIPC()

let current = 0 // the request being answered
async function answer(seq) {
  current = seq
  await llm.begin(seq)
  for (const chunk of chunksOf(ANSWER)) {
    await sleep(DELAY_MS)
    if (current !== seq) return // a newer request took over
    await llm.append(seq, chunk)
  }
  await llm.finish(seq)
}

const report = error => console.error('[producer]', error.code ?? '', error.message)

// Where main is: a request whose answer is not done is answered (again) from the start.
await bridge.ready
const request = await bridge.get('llm.request')
const answered = await bridge.get('llm.answer')
current = request.value.seq
if (current > 0 && !(answered.value.seq === current && answered.value.done)) answer(current).catch(report)
$request.listen(next => {
  if (next.seq > current) answer(next.seq).catch(report)
})
