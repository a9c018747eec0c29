// Bundles preload.cjs (and nanostore-ipc-bridge/preload) into dist/preload.cjs,
// one CommonJS file for a sandboxed preload, then checks that the bundle
// requires nothing a sandboxed preload cannot have.
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const outfile = fileURLToPath(new URL('./dist/preload.cjs', import.meta.url))

await build({
  entryPoints: [fileURLToPath(new URL('./preload.cjs', import.meta.url))],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  logLevel: 'warning'
})

const SANDBOX_MODULES = new Set(['electron', 'events', 'timers', 'url'])
const required = [...readFileSync(outfile, 'utf8').matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map(m => m[1])
const forbidden = required.filter(id => !SANDBOX_MODULES.has(id))
if (forbidden.length > 0) {
  console.error(
    `dist/preload.cjs requires ${forbidden.join(', ')}: a sandboxed preload can require only ${[...SANDBOX_MODULES].join(', ')}`
  )
  process.exit(1)
}
console.log(`dist/preload.cjs built (requires: ${[...new Set(required)].join(', ') || 'nothing'})`)
