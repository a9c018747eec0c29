// Failed writes are reported (PERSIST_WRITE_FAILED) and retried; flush() rejects meanwhile;
// the in-memory state and what windows see stay correct; once the disk accepts writes again,
// the newest values land.
//
// Tests run as root here, where chmod does not stop writes. So:
// - everywhere: the directory's path goes through a regular file (ENOTDIR, for root too);
// - with mount rights (root with CAP_SYS_ADMIN, as in CI containers): a read-only tmpfs
//   (EROFS) and a full 64 KiB tmpfs (ENOSPC); without them, as a normal user, a chmod 0555
//   directory (EACCES) instead, and the disk-full case is skipped, saying so.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { standIn, until } from '../bridge/harness.js'
import { cleanDirs, openWindows, readStored, seenIn, tempDir, watchIn, writeStored } from './helpers.js'

let ipc
const mounts = []
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
  for (const dir of mounts.splice(0)) {
    try {
      execFileSync('umount', [dir], { stdio: 'ignore' })
    } catch {}
  }
  cleanDirs()
})

const writeFailed = { code: 'PERSIST_WRITE_FAILED' }

// A tmpfs mounted on a fresh directory, or null without the rights to mount.
function tmpfs(options) {
  const dir = tempDir('tmpfs')
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' })
  } catch {
    return null
  }
  mounts.push(dir)
  return dir
}

function remount(dir, mode) {
  execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'ignore' })
}

test('a directory whose path goes through a file: every write fails, is reported and retried; memory and windows stay right; fixed, the newest value lands', async () => {
  const base = tempDir('blocked')
  const blocker = join(base, 'user-data')
  writeFileSync(blocker, 'a file where the directory should be')
  const dir = join(blocker, 'state')
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', persist: { dir, debounceMs: 10 }, onError: e => errors.push(e) })
  assert.equal(errors.length, 1)
  assert.equal(errors[0].code, 'PERSIST_WRITE_FAILED')
  const $counter = atom(0)
  ipc.registerStore('counter', $counter, { persist: true })
  const [win] = await openWindows(1)
  await watchIn(win, [['counter', null]])
  for (let i = 1; i <= 3; i++) $counter.set(i)
  await assert.rejects(ipc.flush(), writeFailed)
  await standIn.idle()
  assert.equal($counter.get(), 3)
  assert.deepEqual((await seenIn(win, 'counter')).at(-1), [3, 1])
  await until(() => errors.length >= 2, { what: 'the failed write reported' })
  assert.ok(ipc.stats().persist.failedWrites >= 1)

  rmSync(blocker)
  $counter.set(4)
  await ipc.flush()
  assert.deepEqual(readStored(dir).stores.counter, { version: 0, value: 4 })
})

test('read-only directory (read-only tmpfs, or chmod 0555 as a normal user): values load, writes fail and are reported, and succeed once writable', async t => {
  const asRoot = process.getuid?.() === 0
  const dir = asRoot ? tmpfs('size=1m') : tempDir('chmod')
  if (!dir) {
    t.skip('running as root without the right to mount a tmpfs: the ENOTDIR test above covers failed writes')
    return
  }
  writeStored(dir, { counter: { version: 0, value: 10 } })
  if (asRoot) remount(dir, 'ro')
  else chmodSync(dir, 0o555)
  const errors = []
  ipc = initNanoStoreIPC({ persist: { dir, debounceMs: 10 }, onError: e => errors.push(e) })
  const $counter = atom(0)
  ipc.registerStore('counter', $counter, { persist: true })
  assert.equal($counter.get(), 10, 'a read-only directory still loads')
  assert.equal(errors[0]?.code, 'PERSIST_WRITE_FAILED', 'no lock file can be made: reported at start')
  $counter.set(11)
  const rejected = await ipc.flush().catch(e => e)
  assert.equal(rejected.code, 'PERSIST_WRITE_FAILED')
  assert.match(rejected.message, asRoot ? /[Rr]ead-only file system/ : /[Pp]ermission denied/)
  assert.equal($counter.get(), 11)
  assert.deepEqual(readStored(dir).stores.counter, { version: 0, value: 10 })

  if (asRoot) remount(dir, 'rw')
  else chmodSync(dir, 0o755)
  await ipc.flush()
  assert.deepEqual(readStored(dir).stores.counter, { version: 0, value: 11 })
})

test('disk full (a 64 KiB tmpfs): the big value fails and is reported, the file keeps the last value that fit, a smaller one lands', async t => {
  const dir = tmpfs('size=64k')
  if (!dir) {
    t.skip('needs the right to mount a tmpfs (root with CAP_SYS_ADMIN) to fill a disk')
    return
  }
  mkdirSync(join(dir, 'app'))
  const errors = []
  ipc = initNanoStoreIPC({ persist: { dir: join(dir, 'app'), debounceMs: 10 }, onError: e => errors.push(e) })
  const $doc = atom('')
  ipc.registerStore('doc', $doc, { persist: true })
  $doc.set('small')
  await ipc.flush()
  $doc.set('x'.repeat(200_000))
  const rejected = await ipc.flush().catch(e => e)
  assert.equal(rejected.code, 'PERSIST_WRITE_FAILED')
  assert.match(rejected.message, /[Nn]o space left/)
  // onError hears it from the writer thread, through the event loop.
  await until(() => errors.some(e => e.code === 'PERSIST_WRITE_FAILED'), { what: 'the failed write reported' })
  assert.equal($doc.get().length, 200_000)
  assert.deepEqual(readStored(join(dir, 'app')).stores.doc, { version: 0, value: 'small' })
  $doc.set('fits again')
  await ipc.flush()
  assert.deepEqual(readStored(join(dir, 'app')).stores.doc, { version: 0, value: 'fits again' })
})
