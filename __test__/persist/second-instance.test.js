// Two app instances on one file: the second gets PERSIST_LOCKED, loads the values, never
// writes the file (flush() says why), and the first keeps writing it alone.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { cleanDirs, fileIn, readStored, runChild, tempDir } from './helpers.js'

let ipc
afterEach(() => {
  ipc?.destroy()
  ipc = undefined
  cleanDirs()
})

test('second instance: PERSIST_LOCKED, loads the values, never writes; the first instance still owns the file', async () => {
  const dir = tempDir('second')
  let ready
  const isReady = new Promise(resolve => {
    ready = resolve
  })
  let firstChild
  const first = runChild('app.js', ['hold', dir], {
    onSpawn: child => {
      firstChild = child
    },
    onLine: line => line === 'ready' && ready()
  })
  await Promise.race([isReady, first.then(r => assert.fail(`the first instance exited: ${r.stderr}`))])
  const before = readFileSync(fileIn(dir), 'utf8')
  assert.equal(readStored(dir).stores.counter.value, 41)

  const errors = []
  ipc = initNanoStoreIPC({ persist: { dir, debounceMs: 0 }, onError: e => errors.push(e) })
  const $counter = atom(0)
  ipc.registerStore('counter', $counter, { persist: true })
  assert.equal($counter.get(), 41, 'the second instance reads the file')
  assert.deepEqual(
    errors.map(e => e.code),
    ['PERSIST_LOCKED']
  )
  assert.match(errors[0].message, /another instance/)
  assert.equal(ipc.stats().persist.readOnly, true)
  $counter.set(99)
  await assert.rejects(ipc.flush(), { code: 'PERSIST_LOCKED' })
  ipc.destroy()
  ipc = undefined
  assert.equal(readFileSync(fileIn(dir), 'utf8'), before, 'the second instance never wrote')

  // The first quits normally (its stdin closes: app.quit()).
  firstChild.stdin.end()
  const result = await first
  assert.equal(result.code, 0, result.stderr)
  assert.equal(readStored(dir).stores.counter.value, 41)
})
