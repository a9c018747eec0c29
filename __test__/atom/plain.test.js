// Outside Electron (no preload bridge, not Electron's main) syncedAtom is a plain atom.
// Runs in a fresh Node process: the test runner's process may carry the stand-in.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'

const atomEntry = fileURLToPath(new URL('../../atom/index.js', import.meta.url))

function runPlain(code) {
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

test('a plain atom outside Electron: get/set/listen work locally', () => {
  const out = runPlain(`
    import { syncedAtom } from ${JSON.stringify(atomEntry)}
    const $a = syncedAtom('plain', { n: 1 })
    const seen = []
    $a.listen(v => seen.push(v.n))
    $a.set({ n: 2 })
    console.log(JSON.stringify({ value: $a.get(), seen, type: typeof process.type }))
  `)
  assert.deepEqual(JSON.parse(out), { value: { n: 2 }, seen: [2], type: 'undefined' })
})

test('warnIfNoIPC warns once per store, and only when asked', () => {
  const code = warn => `
    import { syncedAtom } from ${JSON.stringify(atomEntry)}
    const warnings = []
    console.warn = m => warnings.push(m)
    syncedAtom('a', 0, { warnIfNoIPC: ${warn} })
    console.log(JSON.stringify(warnings))
  `
  const warned = JSON.parse(runPlain(code(true)))
  assert.equal(warned.length, 1)
  assert.match(warned[0], /syncedAtom\('a'\): no IPC bridge found/)
  assert.deepEqual(JSON.parse(runPlain(code(false))), [])
})
