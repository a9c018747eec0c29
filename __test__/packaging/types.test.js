// The published .d.ts files compile against real usage (strict), and the @ts-expect-error
// lines prove the types reject misuse: a function or class as a syncedAtom value, a
// window.nanostoreIPC used without its one reference line (README, "TypeScript").
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url))

function compile(project) {
  const path = fileURLToPath(new URL(`../types/${project}`, import.meta.url))
  const result = spawnSync(process.execPath, [tsc, '-p', path], { encoding: 'utf8' })
  assert.equal(result.status, 0, result.stdout + result.stderr)
}

test('index.d.ts, atom, preload and error types compile against usage.ts (nodenext)', () => {
  compile('tsconfig.json')
})

test('window.nanostoreIPC is typed in a renderer by the one reference line (bundler resolution)', () => {
  compile('renderer/tsconfig.json')
})

test('window.nanostoreIPC is typed in a renderer by the one reference line (nodenext resolution)', () => {
  compile('renderer/tsconfig.nodenext.json')
})

test('without the reference line window.nanostoreIPC does not exist', () => {
  compile('renderer-without/tsconfig.json')
})
