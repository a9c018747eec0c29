// The preload entry, as published, loads in a sandboxed preload (require limited to
// what Electron's sandbox serves) and exposes the bridge when called.
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { after, test } from 'node:test'

import { standIn } from '../electron-stand-in/index.js'

const preloadEntry = fileURLToPath(new URL('../../preload/index.cjs', import.meta.url))
const page = fileURLToPath(new URL('../bridge/fixtures/page.js', import.meta.url))

after(() => standIn.reset())

test('preload/index.cjs loads as a sandboxed preload, with no error', async () => {
  const [win] = await standIn.openWindows(1, { preload: preloadEntry, page })
  assert.deepEqual(standIn.pageErrors(), [])
  assert.equal(await win.webContents.executeJavaScript('typeof window.nanostoreIPC'), 'undefined')
})

test('a sandboxed preload that requires a Node built-in fails, so the check above means something', async () => {
  const bad = fileURLToPath(new URL('./fixtures/fs-preload.cjs', import.meta.url))
  await standIn.openWindows(1, { preload: bad, page })
  assert.match(
    standIn
      .pageErrors()
      .map(e => e.message)
      .join('\n'),
    /fs/
  )
})
