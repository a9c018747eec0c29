// Migration from @janhendry/nanostore-ipc-bridge: its subpaths (/main, /universal,
// /services, /preload) are entries of this package, and an app written for it runs after
// only its package name was replaced.
import assert from 'node:assert/strict'
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { afterEach, test } from 'node:test'

import { build } from 'esbuild'

import { preloadFor, read, standIn, until } from '../bridge/harness.js'

afterEach(() => standIn.reset())

test("the original's subpaths are this package's entries (same modules)", async () => {
  const main = await import('nanostore-ipc-bridge')
  const atom = await import('nanostore-ipc-bridge/atom')
  const aliasMain = await import('nanostore-ipc-bridge/main')
  const universal = await import('nanostore-ipc-bridge/universal')
  const services = await import('nanostore-ipc-bridge/services')
  assert.equal(aliasMain.initNanoStoreIPC, main.initNanoStoreIPC)
  assert.equal(universal.syncedAtom, atom.syncedAtom)
  assert.equal(services.defineService, atom.defineService)
  assert.equal(services.defineService, main.defineService)
})

test('nanostore-ipc-bridge/services and /universal bundle for the browser with nothing from Node', async () => {
  const nodeBuiltins = new Set(builtinModules.flatMap(m => [m, `node:${m}`]))
  const result = await build({
    stdin: {
      contents: `import { defineService } from 'nanostore-ipc-bridge/services'
                 import { syncedAtom } from 'nanostore-ipc-bridge/universal'
                 window.s = defineService({ id: 's', handlers: { async a() {} } }); window.$a = syncedAtom('a', 1)`,
      resolveDir: process.cwd()
    },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent'
  })
  const inputs = Object.keys(result.metafile.inputs)
  assert.ok(inputs.some(i => i.endsWith('atom/service.js')))
  assert.deepEqual(
    inputs.filter(i => nodeBuiltins.has(i) || /\.node$|native\.cjs$|main\/|electron/.test(i)),
    []
  )
})

test('an app written for the original works: services, events, errors, callService, a synced store', async () => {
  const { initNanoStoreIPC } = await import('nanostore-ipc-bridge/main')
  const { $counter } = await import('./fixtures/original-app/shared.js')
  const ipc = initNanoStoreIPC({ autoRegisterWindows: true })
  try {
    const win = await standIn.openWindow({
      preload: preloadFor({}),
      page: fileURLToPath(new URL('./fixtures/original-app/page.js', import.meta.url))
    })
    const result = await read(win, 'window.run()')
    assert.deepEqual(result.todo, { id: 1, text: 'Buy milk', completed: false })
    assert.deepEqual(result.listed, [{ id: 1, text: 'Buy milk', completed: true }])
    assert.deepEqual(result.failure, ['NanoStoreIPCError', 'SERVICE_FAILED', 'Todo 99 not found'])
    assert.equal(result.viaBridge, 'SERVICE_FAILED: Todo 99 not found')
    await until(() => $counter.get() === 1, { what: 'the counter write to reach main' })
    await standIn.idle()
    assert.deepEqual(await read(win, 'window.seen'), [
      ['added', 'Buy milk'],
      ['toggled', 1, true]
    ])
  } finally {
    ipc.destroy()
  }
})
