// The addon's Persistence class on its own (main/persist.js is its only user): its checks give
// our codes, a second opener is read-only, and errors carry the store and files.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, test } from 'node:test'

import { loadNative } from '../../main/native.js'
import { until } from '../bridge/harness.js'
import { FILE, cleanDirs, fileIn, tempDir } from './helpers.js'

const { Persistence } = loadNative()
const open = (dir, options = {}, onError = () => {}) =>
  new Persistence({ dir, fileName: FILE, debounceMs: 10, ...options }, onError)

afterEach(cleanDirs)

test('bad options throw INVALID_ARGUMENT before anything is created; wrong types throw', () => {
  const dir = tempDir('native-options')
  for (const options of [{ fileName: 'a/b' }, { fileName: '..' }, { debounceMs: -1 }, { debounceMs: Number.NaN }]) {
    assert.throws(() => open(join(dir, 'x'), options), { code: 'INVALID_ARGUMENT' }, JSON.stringify(options))
  }
  assert.ok(!existsSync(join(dir, 'x')))
  assert.throws(() => new Persistence({ dir, fileName: 5, debounceMs: 1 }, () => {}))
  assert.throws(() => new Persistence(null, () => {}))
  assert.throws(() => new Persistence({ dir, fileName: FILE, debounceMs: 1 }, 'not a function'))
})

test('set, flush, takeLoad once, close: the file holds JSON values and texts with their versions', async () => {
  const dir = tempDir('native-roundtrip')
  const p = open(dir)
  assert.deepEqual(p.takeLoad().entries, [])
  p.set('a', 3, '{"x":[1,null]}', false)
  p.set('b', 0, 'any text, "quoted"', true)
  assert.equal(await p.flush(), null)
  assert.equal(p.close(5000), null)
  const again = open(dir)
  const load = again.takeLoad()
  assert.deepEqual(
    load.entries.map(e => ({ ...e })),
    [
      { id: 'a', version: 3, json: '{"x":[1,null]}' },
      { id: 'b', version: 0, text: 'any text, "quoted"' }
    ]
  )
  assert.deepEqual(load.problems, [])
  assert.deepEqual(again.takeLoad().entries, [], 'given once')
  assert.equal(again.stats().writes, 0)
  again.close(5000)
})

test('a second opener of the same file is read-only: PERSIST_LOCKED from load, flush, close and copyAside', async () => {
  const dir = tempDir('native-locked')
  const first = open(dir)
  first.set('a', 0, '1', false)
  await first.flush()
  const before = readFileSync(fileIn(dir), 'utf8')
  const second = open(dir)
  const load = second.takeLoad()
  assert.equal(load.readOnly.code, 'PERSIST_LOCKED')
  assert.deepEqual(
    load.problems.map(e => e.code),
    ['PERSIST_LOCKED']
  )
  second.set('a', 0, '2', false)
  assert.equal((await second.flush()).code, 'PERSIST_LOCKED')
  assert.throws(() => second.copyAside('x'), { code: 'PERSIST_LOCKED', file: fileIn(dir) })
  assert.equal(second.close(1000).code, 'PERSIST_LOCKED')
  assert.equal(readFileSync(fileIn(dir), 'utf8'), before)
  first.close(5000)
})

test('JSON the writer cannot parse is reported to onError with its store and never written', async () => {
  const dir = tempDir('native-bad-json')
  const errors = []
  const p = open(dir, {}, e => errors.push(e))
  p.set('good', 0, '"ok"', false)
  p.set('bad', 0, '{not json', false)
  assert.equal(await p.flush(), null)
  // onError hears it from the writer thread, through the event loop.
  await until(() => errors.length > 0, { what: 'the error reported' })
  assert.deepEqual(
    errors.map(e => [e.code, e.storeId]),
    [['PERSIST_UNSERIALIZABLE', 'bad']]
  )
  const stored = JSON.parse(readFileSync(fileIn(dir), 'utf8')).stores
  assert.deepEqual(Object.keys(stored), ['good'])
  p.close(5000)
  writeFileSync(fileIn(dir), 'garbage')
  const q = open(dir)
  const [problem] = q.takeLoad().problems
  assert.equal(problem.code, 'PERSIST_CORRUPT')
  assert.equal(readFileSync(problem.movedTo, 'utf8'), 'garbage')
  q.close(5000)
})
