// The main entry loads with require() and with import, and every entry of the
// exports map resolves to a file that exists.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'

const root = fileURLToPath(new URL('../../', import.meta.url))
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))

// In a child Node with the Electron stand-in's loader, as an app's main would run.
function runMain(args, code) {
  return execFileSync(process.execPath, [...args, code], { cwd: root, encoding: 'utf8' })
}

const register = './__test__/electron-stand-in/register.js'

test('require("nanostore-ipc-bridge") works from CommonJS', () => {
  const out = runMain(
    ['--import', register, '-e'],
    `const m = require('nanostore-ipc-bridge');
     console.log(JSON.stringify([typeof m.initNanoStoreIPC, typeof m.syncedAtom, typeof m.NanoStoreIPCError]))`
  )
  assert.deepEqual(JSON.parse(out), ['function', 'function', 'function'])
})

test('import "nanostore-ipc-bridge" works from ESM', () => {
  const out = runMain(
    ['--import', register, '--input-type=module', '-e'],
    `import { initNanoStoreIPC, syncedAtom, NanoStoreIPCError } from 'nanostore-ipc-bridge'
     console.log(JSON.stringify([typeof initNanoStoreIPC, typeof syncedAtom, typeof NanoStoreIPCError]))`
  )
  assert.deepEqual(JSON.parse(out), ['function', 'function', 'function'])
})

test('every export target and every "files" entry exists', () => {
  for (const [name, target] of Object.entries(pkg.exports)) {
    for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
      assert.ok(existsSync(root + file), `${name} → ${file}`)
    }
  }
  for (const file of pkg.files.filter(f => !f.includes('*'))) {
    assert.ok(existsSync(root + file), `files: ${file}`)
  }
})

test('the preload entry requires nothing but electron', () => {
  const source = readFileSync(`${root}preload/index.cjs`, 'utf8')
  const required = [...source.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)].map(m => m[1])
  assert.deepEqual(required, ['electron'])
})

test('the preload and protocol/ name channels the same way', async () => {
  const { channelsFor } = await import('../../protocol/index.js')
  const source = readFileSync(`${root}preload/index.cjs`, 'utf8')
  const preloadChannels = new Function(
    `${source.match(/function channelsFor\(prefix\) \{[\s\S]*?\n\}/)[0]}; return channelsFor`
  )()
  for (const prefix of ['', 'wf', 'a:b']) {
    assert.deepEqual(preloadChannels(prefix), channelsFor(prefix))
  }
})
