// Batched reads: every id read in one microtask goes to main in one ns:get invoke
// (chunked at MAX_BATCH ids). A request's results come as flat pairs, one per id in
// its order: rev, value, or -1 and the error data of that id; nothing rejects. If main's reply could not be cloned (one store holds a value IPC
// cannot carry), the chunk is asked again with `verify`: main then checks each value
// on its own, and only the bad store fails, by name.
import { ErrorCodes } from '../../error/index.js'
import { chunks } from './subscriptions.js'

const isCloneError = error => /could not be cloned/.test(String(error?.message))

export function createReads(invokeGet, schedule) {
  let requests = [] // { ids, done(pairs) } waiting for the next flush

  // done(pairs) once every chunk was answered.
  function readMany(ids, done) {
    requests.push({ ids, done })
    schedule()
  }

  function readChunk(ids, revs, values, verify, done) {
    const failAll = data => {
      for (const id of ids) {
        revs.set(id, -1)
        values.set(id, { ...data, storeId: id })
      }
    }
    invokeGet(ids, verify ? { verify: true } : undefined).then(
      reply => {
        const reads = reply?.reads
        if (!Array.isArray(reads) || reads.length !== 2 * ids.length) {
          failAll(reply?.error ?? { code: ErrorCodes.IPC_FAILED, message: 'No snapshot in reply' })
        } else {
          for (let i = 0; i < ids.length; i++) {
            revs.set(ids[i], reads[2 * i])
            values.set(ids[i], reads[2 * i + 1])
          }
        }
        done()
      },
      error => {
        if (!verify && isCloneError(error)) return readChunk(ids, revs, values, true, done)
        const code = isCloneError(error) ? ErrorCodes.SERIALIZATION_FAILED : ErrorCodes.IPC_FAILED
        failAll({ code, message: String(error?.message) })
        done()
      }
    )
  }

  return {
    readMany,
    // One store: { id, rev, value } or { id, error }.
    read: id =>
      new Promise(resolve =>
        readMany([id], ([rev, value]) => resolve(rev < 0 ? { id, error: value } : { id, rev, value }))
      ),
    flush() {
      if (!requests.length) return
      const batch = requests
      requests = []
      const ids = new Set()
      for (const request of batch) for (const id of request.ids) ids.add(id)
      const revs = new Map()
      const values = new Map()
      const parts = chunks([...ids])
      let left = parts.length
      const done = () => {
        if (--left > 0) return
        for (const request of batch) {
          const pairs = new Array(2 * request.ids.length)
          request.ids.forEach((id, i) => {
            pairs[2 * i] = revs.get(id)
            pairs[2 * i + 1] = values.get(id)
          })
          request.done(pairs)
        }
      }
      for (const part of parts) readChunk(part, revs, values, false, done)
    }
  }
}
