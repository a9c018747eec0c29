#!/usr/bin/env node
// `npm run demo` (repository root) and `npm run demo` (electron-demo/): start the demo.
//
// - Where Electron's binary is installed and there is a display: build, then run `electron .` here.
// - Otherwise (CI, headless machines, no binary): say so, build, and run the same main.js headless
//   under the repository's Electron stand-in with each window a headless Chromium page
//   (/usr/bin/chromium). A short scripted tour clicks in window A, prints what both windows show,
//   and leaves screenshots in electron-demo/screenshots/.
//
// Flags: --headless forces the stand-in; --electron forces Electron (fails without its binary);
// --strict and --inspector are the demo's own (main.js), passed on to Electron.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const demoRequire = createRequire(path.join(here, 'package.json'))
const args = new Set(process.argv.slice(2))

/** Path of Electron's binary if it is installed, without loading `electron` (that would download it). */
function electronBinary() {
  try {
    const dir = path.dirname(demoRequire.resolve('electron/package.json'))
    const rel = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim()
    const bin = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(dir, 'dist'), rel)
    return fs.existsSync(bin) ? bin : null
  } catch {
    return null
  }
}

function hasDisplay() {
  if (process.platform !== 'linux') return true
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
}

function build() {
  const viteBin = path.join(path.dirname(demoRequire.resolve('vite/package.json')), 'bin', 'vite.js')
  execFileSync(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], { cwd: here, stdio: 'inherit' })
  execFileSync(process.execPath, ['build-preload.js'], { cwd: here, stdio: ['ignore', 'ignore', 'inherit'] })
}

function runElectron(bin) {
  console.log(`electron-demo: starting Electron (${bin})`)
  build()
  const own = ['--strict', '--inspector'].filter(flag => args.has(flag))
  const child = spawn(bin, ['.', ...own], { cwd: here, stdio: 'inherit' })
  child.on('close', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
}

async function runHeadless(why) {
  console.log(`electron-demo: ${why}.`)
  console.log('electron-demo: running it HEADLESS instead: the same main.js under the Electron stand-in')
  console.log('               (__test__/electron-stand-in), each window a headless Chromium page.\n')
  build()
  await import(pathToFileURL(path.join(root, '__test__/electron-stand-in/register.js')).href)
  const { standIn } = await import(pathToFileURL(path.join(root, '__test__/electron-stand-in/index.js')).href)
  const { createChromiumBackend, chromiumAvailable } = await import(
    pathToFileURL(path.join(root, '__test__/electron-stand-in/backends/chromium.js')).href
  )
  if (!chromiumAvailable()) {
    console.error('electron-demo: no Chromium at /usr/bin/chromium either (Debian: apt-get install -y chromium).')
    process.exit(1)
  }
  const chromium = createChromiumBackend()
  standIn.setBackend(chromium)
  const { demo } = await import(pathToFileURL(path.join(here, 'main.js')).href)
  const { windows, stores } = await demo
  const shotsDir = path.join(here, 'screenshots')
  fs.mkdirSync(shotsDir, { recursive: true })
  const named = Object.entries(windows).map(([name, win]) => ({ name, id: win.webContents.id }))

  const show = async step => {
    console.log(`— ${step}`)
    for (const { name, id } of named) {
      const page = chromium.page(id)
      const v =
        page &&
        (await page
          .evaluate(() => {
            const text = t => document.querySelector(`[data-testid="${t}"]`)?.textContent ?? ''
            const done = document.querySelector('[data-testid="stream-done"]')?.dataset.done
            const answer = text('stream-text')
            return {
              counter: text('counter-value'),
              theme: text('theme-value'),
              done,
              chars: answer.length,
              tail: answer.slice(-48)
            }
          })
          .catch(() => null))
      if (!v) {
        console.log(`  Window ${name}: (loading)`)
        continue
      }
      const stream =
        v.done === 'false'
          ? `streaming, ${v.chars} chars so far`
          : v.chars
            ? `done, ${v.chars} chars: "…${v.tail}"`
            : 'idle (empty)'
      console.log(`  Window ${name}: counter ${v.counter} · theme ${v.theme} · answer ${stream}`)
    }
  }
  const wait = async (what, check, timeoutMs = 15000) => {
    const deadline = Date.now() + timeoutMs
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise(resolve => setTimeout(resolve, 25))
    }
  }
  const pageOf = name => chromium.page(windows[name].webContents.id)
  const textIn = async (name, testId) => {
    const page = pageOf(name)
    if (!page) return null
    return page
      .evaluate(t => document.querySelector(`[data-testid="${t}"]`)?.textContent ?? null, testId)
      .catch(() => null)
  }

  try {
    await wait(
      'both windows',
      async () => (await textIn('A', 'counter-value')) !== null && (await textIn('B', 'counter-value')) !== null
    )
    await show("both windows open, showing main's values")
    for (let i = 0; i < 3; i++) await pageOf('A').getByTestId('counter-increment').click()
    await wait('window B to show 3', async () => (await textIn('B', 'counter-value')) === String(stores.$counter.get()))
    await show('clicked + three times in window A')
    await pageOf('A').getByTestId('theme-toggle').click()
    await wait('window B to turn dark', async () => (await textIn('B', 'theme-value')) === stores.$settings.get().theme)
    await show('flipped the theme switch in window A')
    await pageOf('A').getByTestId('stream-start').click()
    await wait('the stream to start', () => stores.$answer.get().done === false)
    await new Promise(resolve => setTimeout(resolve, 700))
    await show('clicked "Start stream" in window A: main streams the answer, throttled to 10 updates/s')
    for (const { name } of named)
      await pageOf(name).screenshot({ path: path.join(shotsDir, `window-${name.toLowerCase()}-streaming.png`) })
    await wait('the stream to end', () => stores.$answer.get().done === true, 30000)
    await wait('both windows to show the full answer', async () => {
      for (const { name } of named) if ((await textIn(name, 'stream-text')) !== stores.$answer.get().text) return false
      return true
    })
    await show('the stream ended: every window has the full text')
    for (const { name } of named)
      await pageOf(name).screenshot({ path: path.join(shotsDir, `window-${name.toLowerCase()}.png`) })
    console.log(
      `\nelectron-demo: screenshots in ${path.relative(process.cwd(), shotsDir) || '.'}/ (window-a.png, window-b.png, *-streaming.png)`
    )
  } finally {
    await standIn.reset()
    await chromium.close()
  }
}

const bin = args.has('--headless') ? null : electronBinary()
if (args.has('--electron') || (bin && hasDisplay())) {
  if (!bin) {
    console.error(
      "electron-demo: Electron's binary is not installed (node_modules/electron/dist); run `npx install-electron` in a place that can download it."
    )
    process.exit(1)
  }
  runElectron(bin)
} else {
  const why = args.has('--headless')
    ? 'headless run requested (--headless)'
    : bin
      ? 'Electron is installed but there is no display (DISPLAY / WAYLAND_DISPLAY unset)'
      : "Electron's binary is not installed here (npm installs only its CLI; the binary is downloaded on first run, which this machine cannot do)"
  runHeadless(why).catch(err => {
    console.error('electron-demo:', err.message)
    process.exit(1)
  })
}
