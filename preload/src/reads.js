// Batched reads: every id read in one microtask goes to main in one ns:get invoke
// (chunked at MAX_BATCH ids). Each read resolves { id, rev, value } or { id, error };
// it never rejects. If main's reply could not be cloned (one store holds a value IPC
// cannot carry), the chunk is asked again with `verify`: main then checks each value
// on its own, and only the bad store fails, by name.
import { ErrorCodes } from '../../error/index.js'
import { chunks } from './subscriptions.js'

const isCloneError = error => /could not be cloned/.test(String(error?.message))

export function createReads(invokeGet, schedule) {
  let waiting = new Map() // store id -> resolvers waiting for the next flush

  function enqueue(id, resolve) {
    const resolvers = waiting.get(id)
    if (resolvers) resolvers.push(resolve)
    else waiting.set(id, [resolve])
    schedule()
  }

  function readChunk(ids, batch, verify) {
    const settle = (id, entry) => {
      for (const resolve of batch.get(id)) resolve(entry)
    }
    invokeGet(ids, verify ? { verify: true } : undefined).then(
      reply => {
        const byId = new Map()
        for (const entry of reply?.snapshots ?? []) byId.set(entry.id, entry)
        const failed = reply?.error ?? { code: ErrorCodes.IPC_FAILED, message: 'No snapshot in reply' }
        for (const id of ids) settle(id, byId.get(id) ?? { id, error: { ...failed, storeId: id } })
      },
      error => {
        if (!verify && isCloneError(error)) return readChunk(ids, batch, true)
        const code = isCloneError(error) ? ErrorCodes.SERIALIZATION_FAILED : ErrorCodes.IPC_FAILED
        for (const id of ids) settle(id, { id, error: { code, message: String(error?.message), storeId: id } })
      }
    )
  }

  return {
    enqueue,
    read: id => new Promise(resolve => enqueue(id, resolve)),
    flush() {
      if (!waiting.size) return
      const batch = waiting
      waiting = new Map()
      for (const ids of chunks([...batch.keys()])) readChunk(ids, batch, false)
    }
  }
}
