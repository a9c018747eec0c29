// What both end-to-end tests of electron-demo need: whether they can run here, the demo
// built as its own `npm run build` does, and a bounded wait on a condition.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { chromiumAvailable } from '../electron-stand-in/backends/chromium.js'

export const root = fileURLToPath(new URL('../../', import.meta.url))
export const demoDir = path.join(root, 'electron-demo')
export const artifacts = fileURLToPath(new URL('./.artifacts/', import.meta.url))
export const WAIT_MS = 15_000

/** Why the demo cannot run here (no Chromium, a dependency missing), or null. */
function missingPrerequisite() {
  if (!chromiumAvailable()) return 'no Chromium at /usr/bin/chromium (apt-get install -y chromium)'
  const demoRequire = createRequire(path.join(demoDir, 'package.json'))
  for (const dep of [
    'vite/package.json',
    'react',
    'react-dom',
    '@nanostores/react',
    'nanostore-ipc-bridge/package.json'
  ]) {
    try {
      demoRequire.resolve(dep)
    } catch {
      return `electron-demo cannot resolve '${dep}' (run npm install)`
    }
  }
  return null
}

// Skipped where the prerequisites are missing, except under CI, where that is a failure.
export const missing = missingPrerequisite()
if (missing && process.env.CI) throw new Error(`e2e: ${missing}`)

/** Build the demo as `npm run build` in electron-demo does: renderer (Vite) and preload (esbuild). */
export function buildDemo() {
  const demoRequire = createRequire(path.join(demoDir, 'package.json'))
  const viteBin = path.join(path.dirname(demoRequire.resolve('vite/package.json')), 'bin', 'vite.js')
  execFileSync(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], { cwd: demoDir, stdio: 'inherit' })
  execFileSync(process.execPath, ['build-preload.js'], { cwd: demoDir, stdio: ['ignore', 'ignore', 'inherit'] })
}

/** Polls `check` until it returns something truthy (returned), or throws after `timeoutMs`. */
export async function until(check, what, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    last = await check()
    if (last) return last
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
