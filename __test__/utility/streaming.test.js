// examples/utility-stream run in the Electron stand-in: the streaming answer of an LLM client
// produced in a utility process. The windows see the throttled answer (the store), one of them
// every chunk live (the service event); a window reloaded mid-stream and a producer killed
// mid-stream both end with the full text.
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { afterEach, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { buildSync } from 'esbuild'

import { ANSWER, chunksOf } from '../../examples/utility-stream/text.js'
import { read, standIn, until } from '../bridge/harness.js'
import { exited } from './harness.js'

const example = path => fileURLToPath(new URL(`../../examples/utility-stream/${path}`, import.meta.url))
const artifacts = fileURLToPath(new URL('../.artifacts/', import.meta.url))

function examplePreload() {
  mkdirSync(artifacts, { recursive: true })
  const outfile = `${artifacts}utility-stream-preload.cjs`
  buildSync({
    entryPoints: [example('preload.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['electron'],
    outfile,
    logLevel: 'silent'
  })
  return outfile
}

let running
afterEach(async () => {
  running?.stop()
  running = null
  await standIn.reset()
})

async function startExample() {
  const { start } = await import('../../examples/utility-stream/main.js')
  running = await start({ preload: examplePreload(), page: example('page.js'), producerArgs: ['--delay=4'] })
  const [live, plain] = running.windows
  await until(() => !live.webContents.isLoading() && !plain.webContents.isLoading(), { what: 'windows loaded' })
  await standIn.idle()
  return { live, plain, shared: await import('../../examples/utility-stream/shared.js') }
}

const lastAnswer = win => read(win, 'window.example.answers.at(-1)')
// main's throttle timer sends the last value up to throttleMs after it (idle() cannot see main's timers)
const ended = (win, final) =>
  until(async () => JSON.stringify(await lastAnswer(win)) === JSON.stringify(final), {
    what: `window ${win.webContents.id} shows the full answer`
  })

test('the producer streams in a utility process; windows see the throttled answer, the live window every chunk', async () => {
  const { live, plain, shared } = await startExample()
  const startedAt = Date.now()
  await read(plain, `window.example.ask('Why a utility process?')`)
  // mid-stream: the plain window is reloaded and picks the answer up where main is
  await until(() => shared.$answer.get().text.length > ANSWER.length / 3, { what: 'a third of the answer' })
  plain.webContents.reload()
  await until(() => shared.$answer.get().done, { timeoutMs: 10000, what: 'the answer done in main' })
  const elapsed = Date.now() - startedAt
  await standIn.idle()
  const final = { seq: 1, text: ANSWER, done: true }
  assert.deepEqual(shared.$answer.get(), final)
  for (const win of [live, plain]) await ended(win, final)
  // every chunk, in order, to the window that listens to them, and to no other
  assert.equal(await read(live, 'window.example.liveText'), ANSWER)
  assert.equal(await read(live, 'window.example.chunks'), chunksOf(ANSWER).length)
  assert.equal(await read(plain, 'window.example.chunks'), 0)
  // throttled: main sets the answer once per chunk, and broadcasts it at most every 100 ms
  const shown = (await read(live, 'window.example.answers')).length
  const chunks = chunksOf(ANSWER).length
  assert.ok(shown <= chunks / 3, `${shown} answers shown for ${chunks} chunks in ${elapsed} ms`)
  const producers = running.ipc.inspect().windows.filter(w => w.kind === 'utility')
  // selective delivery: the producer watches the requests, and is sent none of the answers it writes
  assert.deepEqual(
    producers.map(w => [w.name, w.stores]),
    [['producer', ['llm.request']]]
  )
})

test('the producer killed mid-stream is forked again, hydrates, and finishes the answer', async () => {
  const { live, plain, shared } = await startExample()
  await read(live, `window.example.ask('Again?')`)
  await until(() => shared.$answer.get().text.length > ANSWER.length / 3, { what: 'a third of the answer' })
  const first = running.producer()
  const firstId = running.ipc.inspect().windows.find(w => w.kind === 'utility').id
  const gone = exited(first)
  standIn.killUtilityProcess(first)
  await gone
  await until(() => running.producer() !== first, { what: 'a new producer' })
  await until(() => shared.$answer.get().done, { timeoutMs: 10000, what: 'the answer done' })
  await standIn.idle()
  const final = { seq: 1, text: ANSWER, done: true }
  assert.deepEqual(shared.$answer.get(), final)
  for (const win of [live, plain]) await ended(win, final)
  const state = running.ipc.inspect()
  assert.ok(!state.windows.some(w => w.id === firstId), 'the killed producer is gone')
  assert.equal(state.windows.filter(w => w.kind === 'utility').length, 1)
  assert.equal(running.ipc.stats().openCalls, 0)
})

test('windows cannot write the answer: llm accepts calls from a utility process only', async () => {
  const { plain, shared } = await startExample()
  const replies = await read(
    plain,
    `Promise.all([
      window.nanostoreIPC.callService('llm', 'begin', 99).catch(e => e.message),
      window.nanostoreIPC.write('llm.answer', { seq: 99, text: 'forged', done: true }).then(r => r.error.code)
    ])`
  )
  assert.match(replies[0], /^SENDER_REJECTED/)
  assert.equal(replies[1], 'RENDERER_WRITE_DISABLED')
  assert.notEqual(shared.$answer.get().text, 'forged')
})
