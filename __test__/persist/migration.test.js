// Versions and migrations: an older saved version runs migrate(value, fromVersion) once and is
// saved under the new version; a newer one than the code knows is an error and stays as it is;
// a migrate that throws is reported, the file is kept aside, the store starts from initial.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { standIn } from '../bridge/harness.js'
import { cleanDirs, openWindows, readStored, seenIn, tempDir, watchIn, writeStored } from './helpers.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
  cleanDirs()
})

function start(dir, errors) {
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', persist: { dir }, onError: e => errors.push(e) })
  return ipc
}

test('migration: an older version is migrated once, served at rev 0, and saved under the new version', async () => {
  const dir = tempDir('migrate')
  writeStored(dir, { settings: { version: 1, value: { dark: true } }, other: { version: 0, value: 'kept' } })
  const calls = []
  const persist = {
    version: 3,
    migrate(value, fromVersion) {
      calls.push([value, fromVersion])
      return { theme: value.dark ? 'dark' : 'light', fontSize: 12 }
    }
  }
  const errors = []
  start(dir, errors)
  const $settings = atom({ theme: 'light', fontSize: 10 })
  ipc.registerStore('settings', $settings, { persist })
  assert.deepEqual(calls, [[{ dark: true }, 1]])
  assert.deepEqual($settings.get(), { theme: 'dark', fontSize: 12 })
  const [win] = await openWindows(1)
  await watchIn(win, [['settings', null]])
  await standIn.idle()
  assert.deepEqual(await seenIn(win, 'settings'), [
    [null, -1],
    [{ theme: 'dark', fontSize: 12 }, 0]
  ])
  await ipc.flush()
  const file = readStored(dir)
  assert.deepEqual(file.stores.settings, { version: 3, value: { theme: 'dark', fontSize: 12 } })
  assert.deepEqual(file.stores.other, { version: 0, value: 'kept' }, 'stores nobody registered are kept')
  ipc.destroy()

  // The next start finds version 3: no migration.
  start(dir, errors)
  const $again = atom(null)
  ipc.registerStore('settings', $again, { persist })
  assert.equal(calls.length, 1)
  assert.deepEqual($again.get(), { theme: 'dark', fontSize: 12 })
  assert.deepEqual(errors, [])
})

test('migration: a version newer than the code is PERSIST_VERSION; the store starts from initial and its saved value is never overwritten', async () => {
  const dir = tempDir('newer')
  writeStored(dir, { settings: { version: 5, value: { shape: 'from the future' } }, counter: { version: 0, value: 1 } })
  const errors = []
  start(dir, errors)
  const $settings = atom('initial')
  const $counter = atom(0)
  ipc.registerStore('settings', $settings, { persist: { version: 2, migrate: () => 'never called' } })
  ipc.registerStore('counter', $counter, { persist: true })
  assert.equal($settings.get(), 'initial')
  assert.equal($counter.get(), 1)
  assert.deepEqual(
    errors.map(e => [e.code, e.storeId]),
    [['PERSIST_VERSION', 'settings']]
  )
  assert.match(errors[0].message, /version 5.*knows up to 2/)
  $settings.set('changed in memory')
  $counter.set(2)
  await ipc.flush()
  const file = readStored(dir)
  assert.deepEqual(file.stores.settings, { version: 5, value: { shape: 'from the future' } })
  assert.deepEqual(file.stores.counter, { version: 0, value: 2 })
  assert.equal($settings.get(), 'changed in memory', 'the in-memory state stays correct')
})

test('migration: a migrate that throws is PERSIST_MIGRATION_FAILED, the file is kept aside, the store starts from initial', async () => {
  const dir = tempDir('migrate-throws')
  const original = writeStored(dir, { settings: { version: 0, value: [1, 2] } })
  const errors = []
  start(dir, errors)
  const $settings = atom({ initial: true })
  ipc.registerStore('settings', $settings, {
    persist: {
      version: 1,
      migrate() {
        throw new Error('bad migration')
      }
    }
  })
  assert.deepEqual($settings.get(), { initial: true })
  assert.equal(errors.length, 1)
  const [e] = errors
  assert.equal(e.code, 'PERSIST_MIGRATION_FAILED')
  assert.equal(e.storeId, 'settings')
  assert.equal(e.originalError.message, 'bad migration')
  assert.ok(existsSync(e.movedTo), e.message)
  assert.equal(readFileSync(e.movedTo, 'utf8'), original)
  $settings.set({ initial: false })
  await ipc.flush()
  assert.deepEqual(readStored(dir).stores.settings, { version: 1, value: { initial: false } })
})
