// Shared setup for the utility-process tests: a test utility process (fixtures/child.js) with a
// channel to run code in it, beside the bridge's own messages on process.parentPort.
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

import { utilityProcess } from 'electron'

export const CHILD = fileURLToPath(new URL('./fixtures/child.js', import.meta.url))

let lastTest = 0

// Forks `entry` and gives { child, exec(code), request(fields) }: exec runs `code` as the body
// of an async function of `ctx` in the child (fixtures/child.js) and resolves its value;
// request sends { test, ...fields } (fixtures/raw-child.js) and resolves the answer's value.
export function forkChild(entry = CHILD) {
  const child = utilityProcess.fork(entry, [], { stdio: 'inherit' })
  const waiting = new Map()
  child.on('message', message => {
    const settle = waiting.get(message?.test)
    if (!settle) return
    waiting.delete(message.test)
    settle(message)
  })
  child.once('exit', code => {
    for (const settle of waiting.values()) settle({ error: { message: `the child exited (${code})` } })
    waiting.clear()
  })
  const request = fields =>
    new Promise((resolve, reject) => {
      const test = ++lastTest
      waiting.set(test, message => {
        if (message.error) reject(Object.assign(new Error(message.error.message), { code: message.error.code }))
        else resolve(message.value)
      })
      child.postMessage({ test, ...fields })
    })
  return { child, exec: code => request({ code }), request }
}

export const exited = child => once(child, 'exit').then(([code]) => code)
export const RAW_CHILD = fileURLToPath(new URL('./fixtures/raw-child.js', import.meta.url))
export const NO_CONNECT = fileURLToPath(new URL('./fixtures/no-connect.js', import.meta.url))
