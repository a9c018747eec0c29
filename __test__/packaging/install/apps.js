// Fresh apps in a temp dir for `npm run test:package`: the package's release tarballs (scripts/pack.js),
// npm installs as a user runs them (the platform package of this machine stands in for the registry's
// through `overrides`), and an app's main run under the Electron stand-in with headless Chromium
// windows (fixtures/app-driver.js reads what the page shows).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { pack } from '../../../scripts/pack.js'

export const repo = fileURLToPath(new URL('../../../', import.meta.url))
const register = join(repo, '__test__/electron-stand-in/register.js')
const driver = join(repo, '__test__/packaging/fixtures/app-driver.js')
const { platformSuffix } = createRequire(import.meta.url)('../../../native/diagnose.cjs')

export const platform = platformSuffix()
export const PACKAGE = 'nanostore-ipc-bridge'
export const PLATFORM_PACKAGE = `${PACKAGE}-${platform}`

/** One temp dir per run, removed at the end unless KEEP_PACKAGE_TEST_DIR is set. */
export function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'nanostore-ipc-bridge-package-'))
  return {
    root,
    dir(name) {
      const dir = join(root, name)
      mkdirSync(dir, { recursive: true })
      return dir
    },
    remove() {
      if (process.env.KEEP_PACKAGE_TEST_DIR) console.log(`kept ${root}`)
      else rmSync(root, { recursive: true, force: true })
    }
  }
}

/**
 * The tarballs, once: root (optionalDependencies wired, as published), unwired (as on a platform
 * with no prebuilt binary), platform (this machine's binary package).
 */
export function tarballs(ws) {
  const result = pack({ out: ws.dir('tarballs') })
  const own = result.platforms.find(p => p.platform === platform)
  assert.ok(own, `a platform package for ${platform} (run npm run build first)`)
  return { root: result.root, unwired: result.unwired, platform: own }
}

// npm as a user runs it: none of the parent `npm run`'s npm_* variables, no audit/fund noise,
// Electron's package without its binary (it cannot be downloaded here).
function npmEnv(extra = {}) {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(cache|registry|userconfig)$/i.test(key)) continue
    env[key] = value
  }
  return {
    ...env,
    ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra
  }
}

export function run(command, args, { cwd, env, allowFailure = false, timeout = 600_000 } = {}) {
  const result = spawnSync(command, args, {
    cwd,
    env: npmEnv(env),
    encoding: 'utf8',
    timeout,
    maxBuffer: 64 * 1024 * 1024
  })
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
  if (!allowFailure) {
    assert.equal(result.status, 0, `${command} ${args.join(' ')} (in ${cwd}) failed:\n${output}\n${result.error ?? ''}`)
  }
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', output }
}

export function npm(args, options) {
  return run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, options)
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

export function writeJson(file, value) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
}

export function writeFiles(dir, files) {
  for (const [name, content] of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), content)
  }
}

/**
 * Point npm at the local platform package: what the registry's `nanostore-ipc-bridge-<platform>`
 * would give (the root tarball lists it in optionalDependencies, as a release does).
 */
export function withOverride(pkg, tars) {
  return { ...pkg, overrides: { ...pkg.overrides, [PLATFORM_PACKAGE]: `file:${tars.platform.tarball}` } }
}

/** `npm install <args>` as the README writes it, with the package's name replaced by its tarball. */
export function readmeInstall(line, tars) {
  const words = line.trim().split(/\s+/)
  assert.deepEqual(words.slice(0, 2), ['npm', 'install'], line)
  return words.slice(2).map(w => (w === PACKAGE ? tars.root.tarball : w))
}

/** The `.node` file a fresh Node process loads for the package installed in `dir`. */
export function loadedBinary(dir) {
  const probe =
    `const n = require(${JSON.stringify(join(dir, 'node_modules', PACKAGE, 'native', 'index.cjs'))});` +
    `console.log(JSON.stringify({ loaded: Object.keys(require.cache).filter(f => f.endsWith('.node')),` +
    ` api: [typeof n.StoreRuntime, typeof n.checkSerializable] }))`
  const result = run(process.execPath, ['-e', probe], { cwd: dir, allowFailure: true })
  if (result.status !== 0) return { error: result.stderr }
  return JSON.parse(result.stdout)
}

/**
 * What loading the installed package's native addon throws (or null when it loads): { code,
 * message }. Through the package's loader (native/index.cjs), which main requires.
 */
export function loadError(dir) {
  const loader = join(dir, 'node_modules', PACKAGE, 'native', 'index.cjs')
  const probe =
    `try { require(${JSON.stringify(loader)}); console.log('null') }` +
    ` catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }`
  const result = run(process.execPath, ['-e', probe], { cwd: dir })
  return JSON.parse(result.stdout)
}

/** `import('nanostore-ipc-bridge')` in the app: the entry main imports loads. */
export function assertImports(dir) {
  const probe = `import(${JSON.stringify(PACKAGE)}).then(m => console.log(typeof m.initNanoStoreIPC))`
  assert.equal(run(process.execPath, ['-e', probe], { cwd: dir }).stdout.trim(), 'function')
}

/**
 * Runs an app's main under the stand-in with Chromium windows; returns the driver's report
 * ({ ok, counters, themes, pageErrors, error }) and main's own output.
 */
export function runApp(dir, main) {
  assert.ok(existsSync(join(dir, main)), `${main} exists in ${dir}`)
  const result = run(process.execPath, ['--import', register, '--import', driver, main], {
    cwd: dir,
    allowFailure: true,
    timeout: 120_000
  })
  const line = result.stdout.split('\n').find(l => l.startsWith('APP-CHECK '))
  assert.ok(line, `the app reported nothing (exit ${result.status}):\n${result.output}`)
  const report = JSON.parse(line.slice('APP-CHECK '.length))
  return { report, output: result.output }
}

/** The checks every app run must pass: the page shows main's ticking counter, a click reaches main. */
export function assertAppWorks({ report, output }, { theme = true } = {}) {
  assert.equal(report.ok, true, `${report.error}\n${output}`)
  assert.deepEqual(report.pageErrors, [], output)
  assert.ok(report.counters[1] >= report.counters[0] + 2, `counter ticks: ${report.counters}`)
  if (theme) assert.deepEqual(report.themes, ['light', 'dark'])
}

export function hasChromium() {
  return existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium')
}
