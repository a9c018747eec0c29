// Shared setup for the persistence tests: temporary directories, child processes that run
// main-process code in the Electron stand-in, the file's content, a page that logs every
// value its stores show.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { openWindows as openBridgeWindows } from '../bridge/harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
export const FILE = 'nanostore-ipc-bridge.json'

const dirs = []

// A fresh directory, removed by cleanDirs().
export function tempDir(tag = 'persist') {
  const dir = mkdtempSync(join(tmpdir(), `nsipc-${tag}-`))
  dirs.push(dir)
  return dir
}

export function cleanDirs() {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}

export function fileIn(dir, name = FILE) {
  return join(dir, name)
}

// The persistence file as data ({ format, formatVersion, stores }).
export function readStored(dir, name = FILE) {
  return JSON.parse(readFileSync(fileIn(dir, name), 'utf8'))
}

// Writes a persistence file by hand: stores = { id: { version, value } | { version, text } }.
export function writeStored(dir, stores, { name = FILE, formatVersion = 1 } = {}) {
  mkdirSync(dir, { recursive: true })
  const text = JSON.stringify({ format: 'nanostore-ipc-bridge', formatVersion, stores })
  writeFileSync(fileIn(dir, name), text)
  return text
}

// Runs fixtures/<script> as a main process in the stand-in:
//   node --import ./__test__/electron-stand-in/register.js <script> ...args
// Resolves with { code, signal, lines, stderr } once it exits. onSpawn(child) and
// onLine(line, child) (stdout lines as they come) can act on it, e.g. kill it.
export function runChild(script, args = [], { onLine, onSpawn, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', './__test__/electron-stand-in/register.js', join(fixtures, script), ...args],
      { cwd: root, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] }
    )
    onSpawn?.(child)
    const lines = []
    let stderr = ''
    let partial = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', chunk => {
      const parts = (partial + chunk).split('\n')
      partial = parts.pop()
      for (const line of parts) {
        lines.push(line)
        onLine?.(line, child)
      }
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', chunk => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (partial) lines.push(partial)
      resolve({ code, signal, lines, stderr, child })
    })
    child.stdin.on('error', () => {})
  })
}

export const page = join(fixtures, 'page.js')

// Windows with the bridge's preload (channel prefix 'wf') and the logging page.
export function openWindows(n) {
  return openBridgeWindows(n, { page })
}

// Creates logging stores in a window: specs = [[id, rendererInitial, options?], ...].
export function watchIn(win, specs) {
  return win.webContents.executeJavaScript(`window.watch(${JSON.stringify(specs)})`)
}

// Every [value, rev] a window's store showed since it was created, in order.
export function seenIn(win, id) {
  return win.webContents.executeJavaScript(`window.seen[${JSON.stringify(id)}]`)
}
