// Builds preload/index.cjs from preload/src/: one CommonJS file whose only require
// is 'electron', because a sandboxed preload can require nothing else. Runs on
// `npm install` in this repository (prepare), before packing, and before the tests.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { buildSync } from 'esbuild'

const root = fileURLToPath(new URL('../', import.meta.url))
const outfile = `${root}preload/index.cjs`

buildSync({
  entryPoints: [`${root}preload/src/index.js`],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'es2022',
  external: ['electron'],
  banner: { js: '// Generated from preload/src/ by scripts/build-preload.js: edit the sources, not this file.' },
  outfile,
  logLevel: 'warning'
})

const required = [...readFileSync(outfile, 'utf8').matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map(m => m[1])
const extra = required.filter(id => id !== 'electron')
if (extra.length) {
  console.error(`preload/index.cjs requires ${extra.join(', ')}: a sandboxed preload may require only 'electron'`)
  process.exit(1)
}
