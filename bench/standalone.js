// Running one bench file alone (`node bench/persist.js [--scale=0.2]`): initNanoStoreIPC needs
// Electron's main process, so outside it the file re-runs itself in the stand-in; then its rows
// are printed, one `print(row)` each. A no-op when the file was imported (by bench/index.js).
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

export async function runStandalone(fileUrl, run, print) {
  if (!process.argv[1] || fileURLToPath(fileUrl) !== process.argv[1]) return
  if (process.type !== 'browser') {
    const register = pathToFileURL(join(root, '__test__/electron-stand-in/register.js')).href
    const child = spawnSync(process.execPath, ['--import', register, ...process.argv.slice(1)], {
      stdio: 'inherit',
      cwd: root
    })
    process.exit(child.status ?? 1)
  }
  const scaleArg = process.argv.find(a => a.startsWith('--scale='))
  const rows = await run({ scale: scaleArg ? Number(scaleArg.slice(8)) : 1, log: m => console.error(m) })
  for (const r of rows) console.log(print(r))
  const { standIn } = await import(pathToFileURL(join(root, '__test__/electron-stand-in/index.js')).href)
  await standIn.reset()
}
