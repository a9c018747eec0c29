// The published .d.ts files compile against real usage (strict, nodenext),
// and the @ts-expect-error lines prove the types reject misuse.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'

const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url))
const project = fileURLToPath(new URL('../types/tsconfig.json', import.meta.url))

test('index.d.ts, atom, preload and error types compile against usage.ts', () => {
  const result = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' })
  assert.equal(result.status, 0, result.stdout + result.stderr)
})
