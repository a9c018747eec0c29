// Batched reads: every id read in one microtask goes to main in one ns:get invoke
// (chunked at MAX_BATCH ids; a lone request that fits is sent as it is, repeated ids
// and all, and main's answer is its result). A request's results come as flat pairs, one per id in
// its order: rev, value, or -1 and the error data of that id; nothing rejects. If main's reply could not be cloned (one store holds a value IPC
// cannot carry), the chunk is asked again with `verify`: main then checks each value
// on its own, and only the bad store fails, by name.
import { ErrorCodes } from '../../error/index.js'
import { MAX_BATCH } from '../../protocol/index.js'
import { chunks } from './subscriptions.js'

const isCloneError = error => /could not be cloned/.test(String(error?.message))

export function createReads(invokeGet, schedule) {
  let requests = [] // { ids, done(pairs) } waiting for the next flush

  // done(pairs) once every chunk was answered.
  function readMany(ids, done) {
    requests.push({ ids, done })
    schedule()
  }

  // done(pairs) with one pair per id of `ids`, in its order (main answers a repeated id
  // each time it is asked).
  function readChunk(ids, verify, done) {
    const failAll = data => {
      const pairs = new Array(2 * ids.length)
      for (let i = 0; i < ids.length; i++) {
        pairs[2 * i] = -1
        pairs[2 * i + 1] = { ...data, storeId: ids[i] }
      }
      done(pairs)
    }
    invokeGet(ids, verify ? { verify: true } : undefined).then(
      reply => {
        const reads = reply?.reads
        if (Array.isArray(reads) && reads.length === 2 * ids.length) done(reads)
        else failAll(reply?.error ?? { code: ErrorCodes.IPC_FAILED, message: 'No snapshot in reply' })
      },
      error => {
        if (!verify && isCloneError(error)) return readChunk(ids, true, done)
        const code = isCloneError(error) ? ErrorCodes.SERIALIZATION_FAILED : ErrorCodes.IPC_FAILED
        failAll({ code, message: String(error?.message) })
      }
    )
  }

  // Several requests, or more ids than one invoke takes: each id asked once, and every
  // request gets its pairs from the merged answers.
  function readMerged(batch) {
    const ids = new Set()
    for (const request of batch) for (const id of request.ids) ids.add(id)
    const revs = new Map()
    const values = new Map()
    const parts = chunks([...ids])
    let left = parts.length
    for (const part of parts) {
      readChunk(part, false, pairs => {
        for (let i = 0; i < part.length; i++) {
          revs.set(part[i], pairs[2 * i])
          values.set(part[i], pairs[2 * i + 1])
        }
        if (--left > 0) return
        for (const request of batch) {
          const merged = new Array(2 * request.ids.length)
          request.ids.forEach((id, i) => {
            merged[2 * i] = revs.get(id)
            merged[2 * i + 1] = values.get(id)
          })
          request.done(merged)
        }
      })
    }
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
      // One request that fits one invoke (a page mounting its stores): main's answer is
      // its pairs as they are.
      if (batch.length === 1 && batch[0].ids.length <= MAX_BATCH) readChunk(batch[0].ids, false, batch[0].done)
      else readMerged(batch)
    }
  }
}
