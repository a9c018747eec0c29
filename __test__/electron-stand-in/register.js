// Installs the Electron stand-in for the main process:
//   node --import ./__test__/electron-stand-in/register.js --test __test__/
// - ESM: `import { app } from 'electron'` resolves to ./electron.js (module.register resolve hook)
// - CommonJS: `require('electron')` resolves to ./electron.cjs (Module._resolveFilename patch)
// Both give the same singletons. Windows (worker threads) are started without this hook.
// Importing it a second time (e.g. from a test file as well as --import) is harmless.
import { register, createRequire } from 'node:module'
import { isMainThread } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'

const INSTALLED = Symbol.for('electron-stand-in.register')

if (isMainThread && !globalThis[INSTALLED]) {
  globalThis[INSTALLED] = true
  register('./hooks.js', import.meta.url)
  const require = createRequire(import.meta.url)
  const Module = require('node:module')
  const target = fileURLToPath(new URL('./electron.cjs', import.meta.url))
  const original = Module._resolveFilename
  Module._resolveFilename = function resolveElectron(request, ...rest) {
    if (request === 'electron' || request === 'electron/main') return target
    return original.call(this, request, ...rest)
  }
  process.type = 'browser'
  process.versions.electron = require('./electron-main.cjs').standIn.ELECTRON_VERSION
}
