// Corruption: a file that is not a persistence file is moved aside under a timestamped name
// (kept as it was), PERSIST_CORRUPT names where it went, and the stores start from their
// initial values; one unusable entry fails alone.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { standIn } from '../bridge/harness.js'
import { FILE, cleanDirs, fileIn, openWindows, readStored, seenIn, tempDir, watchIn, writeStored } from './helpers.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
  cleanDirs()
})

test('corrupt file: moved aside with a timestamp, PERSIST_CORRUPT to onError, stores start from initial, the next write is whole', async () => {
  const dir = tempDir('corrupt')
  const garbage = '{"format":"nanostore-ipc-bridge","formatVersion":1,"stores":{"counter":{"version":0,"val'
  writeFileSync(fileIn(dir), garbage)
  const errors = []
  const persistErrors = []
  ipc = initNanoStoreIPC({
    channelPrefix: 'wf',
    persist: { dir, onError: e => persistErrors.push(e) },
    onError: e => errors.push(e)
  })
  assert.equal(errors.length, 1)
  const [e] = errors
  assert.equal(e.name, 'NanoStoreIPCError')
  assert.equal(e.code, 'PERSIST_CORRUPT')
  assert.equal(e.file, fileIn(dir))
  assert.match(e.movedTo, /nanostore-ipc-bridge\.json\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/)
  assert.equal(readFileSync(e.movedTo, 'utf8'), garbage, 'the bad file is kept as it was')
  assert.ok(!existsSync(fileIn(dir)))
  assert.deepEqual(persistErrors, errors, 'persist.onError gets it too')

  const $counter = atom(5)
  ipc.registerStore('counter', $counter, { persist: true })
  assert.equal($counter.get(), 5)
  const [win] = await openWindows(1)
  await watchIn(win, [['counter', null]])
  await standIn.idle()
  assert.deepEqual(await seenIn(win, 'counter'), [
    [null, -1],
    [5, 0]
  ])
  $counter.set(6)
  await ipc.flush()
  assert.deepEqual(readStored(dir).stores, { counter: { version: 0, value: 6 } })
  assert.deepEqual(readdirSync(dir).sort(), [FILE, `${FILE}.lock`, e.movedTo.split('/').pop()].sort())
})

test('one unusable entry fails alone: PERSIST_CORRUPT for that store, the others load', () => {
  const dir = tempDir('corrupt-entry')
  writeStored(dir, {
    good: { version: 0, value: 'fine' },
    broken: { version: 'one', value: 1 },
    custom: { version: 0, text: 'not what deserialize expects' }
  })
  const errors = []
  ipc = initNanoStoreIPC({ persist: { dir }, onError: e => errors.push(e) })
  const $good = atom(null)
  const $broken = atom('initial')
  const $custom = atom('initial')
  ipc.registerStore('good', $good, { persist: true })
  ipc.registerStore('broken', $broken, { persist: true })
  ipc.registerStore('custom', $custom, {
    persist: {
      serialize: v => `v:${v}`,
      deserialize: text => {
        if (!text.startsWith('v:')) throw new Error('no prefix')
        return text.slice(2)
      }
    }
  })
  assert.equal($good.get(), 'fine')
  assert.equal($broken.get(), 'initial')
  assert.equal($custom.get(), 'initial')
  assert.deepEqual(
    errors.map(e => [e.code, e.storeId]),
    [
      ['PERSIST_CORRUPT', 'broken'],
      ['PERSIST_CORRUPT', 'custom']
    ]
  )
  for (const e of errors) assert.ok(existsSync(e.movedTo), `${e.storeId}: the file is kept aside`)
  assert.match(errors[1].message, /no prefix/)
})
