// The shared entry must be pure JS: a renderer bundle (platform browser) of
// nanostore-ipc-bridge/atom pulls in no Node built-in and no native addon.
import assert from 'node:assert/strict'
import { builtinModules } from 'node:module'
import { test } from 'node:test'

import { build } from 'esbuild'

const nodeBuiltins = new Set(builtinModules.flatMap(m => [m, `node:${m}`]))

test('nanostore-ipc-bridge/atom bundles for the browser with nothing from Node', async () => {
  const result = await build({
    stdin: {
      contents: `import { syncedAtom, NanoStoreIPCError } from 'nanostore-ipc-bridge/atom'
                 window.$a = syncedAtom('a', 1); window.E = NanoStoreIPCError`,
      resolveDir: process.cwd()
    },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' }
  })
  const inputs = Object.keys(result.metafile.inputs)
  assert.ok(
    inputs.some(i => i.endsWith('atom/index.js')),
    inputs.join('\n')
  )
  assert.ok(
    inputs.some(i => i.includes('nanostores')),
    'nanostores is bundled'
  )
  const forbidden = inputs.filter(i => nodeBuiltins.has(i) || /\.node$|native\.cjs$|main\/|electron/.test(i))
  assert.deepEqual(forbidden, [])
  const imports = Object.values(result.metafile.outputs).flatMap(o => o.imports.map(i => i.path))
  assert.deepEqual(imports, [], 'no import left unbundled')
  const code = result.outputFiles[0].text
  assert.doesNotMatch(code, /\brequire\(/)
})
