// The persist option's life: no option, no disk; invalid options are typed errors at the call;
// bursts are coalesced; a renderer's write is saved; app quit and destroy() write what is
// pending (throttled stores included) and release the lock; a re-registered store keeps its
// value in memory.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, test } from 'node:test'

import { app } from 'electron'
import { atom } from 'nanostores'

import { ErrorCodes, initNanoStoreIPC, syncedAtom } from '../../index.js'
import { setInWindow, standIn } from '../bridge/harness.js'
import { cleanDirs, openWindows, readStored, tempDir, watchIn } from './helpers.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
  cleanDirs()
})

const invalid = { name: 'NanoStoreIPCError', code: 'INVALID_ARGUMENT' }

test('the PERSIST_* codes are error codes', () => {
  for (const code of [
    'PERSIST_CORRUPT',
    'PERSIST_VERSION',
    'PERSIST_MIGRATION_FAILED',
    'PERSIST_UNSERIALIZABLE',
    'PERSIST_LOCKED',
    'PERSIST_WRITE_FAILED'
  ]) {
    assert.equal(ErrorCodes[code], code)
  }
})

test('without the persist option nothing is saved: a store asking for it syncs and is reported', () => {
  const errors = []
  ipc = initNanoStoreIPC({ onError: e => errors.push(e) })
  const $s = atom(1)
  ipc.registerStore('wants-disk', $s, { persist: true })
  assert.deepEqual(
    errors.map(e => [e.code, e.storeId]),
    [['INVALID_ARGUMENT', 'wants-disk']]
  )
  assert.equal(ipc.stats().persist, null)
  assert.equal(ipc.inspect().stores.length, 1)
  return ipc.flush()
})

test('invalid persist options are INVALID_ARGUMENT at the call, and nothing is created', () => {
  const dir = tempDir('options')
  for (const persist of [
    null,
    'yes',
    {},
    { dir: 'relative/dir' },
    { dir, fileName: 'a/b.json' },
    { dir, fileName: '..' },
    { dir, debounceMs: -1 },
    { dir, debounceMs: Number.NaN },
    { dir, onError: 'no' }
  ]) {
    assert.throws(() => initNanoStoreIPC({ persist }), invalid, JSON.stringify(persist))
  }
  assert.ok(!existsSync(join(dir, 'nanostore-ipc-bridge.json.lock')))
  for (const persist of [
    'yes',
    { version: -1 },
    { version: 1.5 },
    { version: 2 ** 32 },
    { serialize: String },
    { deserialize: JSON.parse },
    { migrate: 'no' }
  ]) {
    assert.throws(() => syncedAtom('bad-persist', 0, { persist }), invalid, JSON.stringify(persist))
  }
  ipc = initNanoStoreIPC({ persist: { dir } })
  // A store without set() (a read-only view of an atom) has nothing to load into.
  const $source = atom(1)
  const readOnly = { get: $source.get, listen: $source.listen, subscribe: $source.subscribe }
  assert.throws(() => ipc.registerStore('read-only', readOnly, { persist: true }), invalid)
  assert.equal(ipc.inspect().stores.length, 0, 'the refused store was not registered')
})

test('10,000 changes in a burst are coalesced into a few writes of the last value', async () => {
  const dir = tempDir('burst')
  ipc = initNanoStoreIPC({ persist: { dir } })
  const $s = atom(0)
  ipc.registerStore('s', $s, { persist: true })
  for (let i = 1; i <= 10_000; i++) {
    $s.set(i)
    // each change committed on its own (a microtask each), so each is handed to the writer
    await null
  }
  await ipc.flush()
  const { sets, writes } = ipc.stats().persist
  assert.equal(sets, 10_000)
  assert.ok(writes < 100, `${writes} writes for 10,000 changes`)
  assert.deepEqual(readStored(dir).stores.s, { version: 0, value: 10_000 })
})

test('a renderer write to a persisted store is saved', async () => {
  const dir = tempDir('renderer')
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', persist: { dir } })
  const $theme = atom('light')
  ipc.registerStore('theme', $theme, { persist: true })
  const [win] = await openWindows(1)
  await watchIn(win, [['theme', null]])
  await setInWindow(win, 'theme', 'dark')
  await standIn.idle()
  await ipc.flush()
  assert.deepEqual(readStored(dir).stores.theme, { version: 0, value: 'dark' })
})

test('app quit writes what is pending during will-quit, a throttled change included', () => {
  const dir = tempDir('quit')
  ipc = initNanoStoreIPC({ persist: { dir, debounceMs: 60_000 } })
  const $s = atom('a')
  const $slow = atom(0)
  ipc.registerStore('s', $s, { persist: true })
  ipc.registerStore('slow', $slow, { persist: true, throttleMs: 60_000 })
  $s.set('b')
  $slow.set(1)
  $slow.set(2)
  const seen = []
  app.on('before-quit', () => seen.push(['before-quit', existsSync(join(dir, 'nanostore-ipc-bridge.json'))]))
  app.on('will-quit', () => seen.push(['will-quit', readStored(dir).stores]))
  app.quit()
  // Our will-quit listener ran first (added at init): the file was complete for the app's own.
  assert.deepEqual(seen, [
    ['before-quit', seen[0][1]],
    [
      'will-quit',
      {
        s: { version: 0, value: 'b' },
        slow: { version: 0, value: 2 }
      }
    ]
  ])
})

test('destroy() writes what is pending and releases the lock; a store registered again keeps its newer value', async () => {
  const dir = tempDir('destroy')
  const errors = []
  ipc = initNanoStoreIPC({ persist: { dir, debounceMs: 60_000 }, onError: e => errors.push(e) })
  const $s = atom('first')
  ipc.registerStore('s', $s, { persist: true })
  $s.set('second')
  ipc.destroy()
  assert.deepEqual(readStored(dir).stores.s, { version: 0, value: 'second' })
  // Changed while nothing synced it: registering it again saves the value in memory.
  $s.set('third')
  ipc = initNanoStoreIPC({ persist: { dir, debounceMs: 60_000 }, onError: e => errors.push(e) })
  ipc.registerStore('s', $s, { persist: true })
  assert.equal($s.get(), 'third')
  await ipc.flush()
  assert.deepEqual(readStored(dir).stores.s, { version: 0, value: 'third' })
  assert.deepEqual(errors, [], 'no PERSIST_LOCKED: destroy() released the lock')
  ipc.destroy()
  await ipc.flush()
  ipc = undefined
})
