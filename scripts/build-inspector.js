// Builds the inspector's window files from inspector/src/: inspector/preload.cjs (one CommonJS
// file whose only require is 'electron', as a sandboxed preload needs) and inspector/page.js
// (one classic script for inspector/index.html, no dependencies). Runs with build-preload.js
// (`npm install` in this repository, before packing and before the tests).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { buildSync } from 'esbuild'

const dir = fileURLToPath(new URL('../inspector/', import.meta.url))
const banner = {
  js: '// Generated from inspector/src/ by scripts/build-inspector.js: edit the sources, not this file.'
}

buildSync({
  entryPoints: [`${dir}src/preload.js`],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'es2022',
  external: ['electron'],
  banner,
  outfile: `${dir}preload.cjs`,
  logLevel: 'warning'
})

buildSync({
  entryPoints: [`${dir}src/page/index.js`],
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  banner,
  outfile: `${dir}page.js`,
  logLevel: 'warning'
})

const required = [...readFileSync(`${dir}preload.cjs`, 'utf8').matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)]
const extra = required.map(m => m[1]).filter(id => id !== 'electron')
if (extra.length) {
  console.error(`inspector/preload.cjs requires ${extra.join(', ')}: a sandboxed preload may require only 'electron'`)
  process.exit(1)
}
