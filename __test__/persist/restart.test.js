// Restart: what a normally quitting app set is what the next start's windows see first,
// at revision 0, without ever showing main's initial value.
import assert from 'node:assert/strict'
import { afterEach, test } from 'node:test'

import { atom } from 'nanostores'

import { initNanoStoreIPC } from '../../index.js'
import { standIn } from '../bridge/harness.js'
import { $counter, $settings, $tags, INITIAL } from './fixtures/stores.js'
import { cleanDirs, openWindows, readStored, runChild, seenIn, tempDir, watchIn } from './helpers.js'

let ipc
afterEach(async () => {
  ipc?.destroy()
  ipc = undefined
  await standIn.reset()
  cleanDirs()
})

test('restart: a child sets persisted stores and quits; the next start serves those values at rev 0, never the initial ones', async () => {
  const dir = tempDir('restart')
  const saved = { counter: 7, settings: { theme: 'dark', fontSize: 15 }, tags: { first: 'one', second: 'two' } }
  const run = await runChild('app.js', ['write', dir, JSON.stringify(saved)])
  assert.equal(run.code, 0, run.stderr)
  assert.ok(run.lines.includes('quit'), run.lines.join('\n'))
  // The debounce was 60 s: the quit (before-quit / will-quit) wrote the file.
  const stats = JSON.parse(run.lines.find(l => l.startsWith('stats ')).slice(6))
  assert.equal(stats.writes, 0, 'nothing was written before the quit')
  const file = readStored(dir)
  assert.deepEqual(file.stores.counter, { version: 0, value: 7 })
  assert.deepEqual(file.stores.settings, { version: 1, value: saved.settings })
  assert.deepEqual(file.stores.tags, { version: 0, value: saved.tags })

  // The next start: the same stores module, and a store registered by hand.
  const $plain = atom('plain initial')
  const errors = []
  ipc = initNanoStoreIPC({ channelPrefix: 'wf', persist: { dir }, onError: e => errors.push(e) })
  ipc.registerStore('plain', $plain, { persist: true })
  assert.equal($counter.get(), 7)
  assert.deepEqual($settings.get(), saved.settings)
  assert.deepEqual($tags.get(), saved.tags)
  assert.equal($plain.get(), 'plain initial', 'never saved: keeps its initial value')
  for (const store of ipc.inspect().stores) assert.equal(store.rev, 0, `${store.id} was not committed by the load`)

  const windows = await openWindows(2)
  for (const win of windows) {
    await watchIn(win, [
      ['counter', null],
      ['settings', null],
      ['tags', {}, { map: true }],
      ['plain', null]
    ])
  }
  await standIn.idle()
  for (const win of windows) {
    // Each store shows the page's own placeholder (rev -1), then main's value at rev 0, and nothing else.
    assert.deepEqual(await seenIn(win, 'counter'), [
      [null, -1],
      [7, 0]
    ])
    assert.deepEqual(await seenIn(win, 'settings'), [
      [null, -1],
      [saved.settings, 0]
    ])
    assert.deepEqual(await seenIn(win, 'tags'), [
      [{}, -1],
      [saved.tags, 0]
    ])
    assert.deepEqual(await seenIn(win, 'plain'), [
      [null, -1],
      ['plain initial', 0]
    ])
    for (const id of ['counter', 'settings', 'tags']) {
      for (const [value] of await seenIn(win, id)) assert.notDeepEqual(value, INITIAL[id])
    }
  }
  assert.deepEqual(errors, [])
})
