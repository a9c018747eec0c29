// Main of the example: the bridge, the producer in a utility process (forked again if it
// exits, and registered again: it hydrates and resumes), and windows.
//   start({ preload, page, windows, producerArgs }) → { ipc, windows, producer(), stop() }
// app.js runs it in Electron; the tests run it in the Electron stand-in.
import { fileURLToPath } from 'node:url'

import { BrowserWindow, utilityProcess } from 'electron'
import { initNanoStoreIPC } from 'nanostore-ipc-bridge'

const PRODUCER = fileURLToPath(new URL('./producer.js', import.meta.url))

export async function start({ preload, page, windows = 2, producerArgs = [] }) {
  const ipc = initNanoStoreIPC()
  await import('./shared.js') // main's stores and service

  let producer = null
  let stopped = false
  const fork = () => {
    producer = utilityProcess.fork(PRODUCER, producerArgs, { serviceName: 'llm-producer' })
    ipc.registerUtilityProcess(producer, { name: 'producer' })
    producer.once('exit', () => {
      if (!stopped) fork() // a crashed producer comes back, and picks the answer up again
    })
  }
  fork()

  const opened = []
  for (let i = 0; i < windows; i++) {
    const win = new BrowserWindow({ show: true, webPreferences: { preload } })
    win.loadFile(page, { search: i === 0 ? 'live=1' : '' })
    opened.push(win)
  }
  return {
    ipc,
    windows: opened,
    producer: () => producer,
    stop() {
      stopped = true
      producer.kill()
      ipc.destroy()
    }
  }
}
