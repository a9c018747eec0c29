'use strict'
// Message ports of the stand-in: the site side. A "site" is one place where port ends live (the main
// process, a utility process, a window's document); every site runs this file. All traffic between
// ends goes through the hub in main (port-hub.cjs), over the site's one ordered channel, so a port can
// be transferred between any two sites and messages on one port stay in order.
//
// A site keeps, per end it holds: the messages not yet dispatched (they queue until start(), and move
// with the end when it is transferred, as in a Mojo pipe), whether it was started, closed, and whether
// its peer closed (noticed only once started and the queue is drained, like a paused Mojo connector).
//
// Site -> hub ops: {op:'pair', a, b} {op:'post', from, data, ports: Pack[]} {op:'close', id}
//                  {op:'bounce', msg} (an op for an end that left this site) {op:'drained', id}
// Hub -> site ops: {op:'msg', to, data, ports: Pack[]} {op:'peerClosed', to} {op:'drain', id}
// Pack = { id, peerClosed, queue: [{ data, ports: Pack[] }] }: an end in transit with its queue.
const { EventEmitter } = require('node:events')

const CLONE_ERROR = 'An object could not be cloned.'

function cloneForPort(value) {
  try {
    return structuredClone(value)
  } catch (e) {
    if (e && e.name === 'DataCloneError') throw new Error(CLONE_ERROR)
    throw e
  }
}

/**
 * @param {object} o
 * @param {string} o.prefix unique per site: end ids are `${prefix}:${n}`
 * @param {(op: object) => void} o.send to the hub, in order
 * @param {(id: string) => object} o.makePort the user-facing object of an end (created on first use)
 * @param {(port: object, data: unknown, ports: object[]) => void} o.dispatch deliver one message to user code
 * @param {(port: object) => void} o.closed the end closed because its peer did (after the queue drained)
 * @param {(fn: () => void) => void} [o.later] run fn on a later task (default setImmediate)
 */
function createPortSite({ prefix, send, makePort, dispatch, closed, later = setImmediate }) {
  let next = 1
  const ends = new Map() // id -> { id, queue, started, closed, peerClosed, obj }
  const gone = new Set() // ids that left this site: ops for them bounce back to the hub

  const record = id => {
    const r = { id, queue: [], started: false, closed: false, peerClosed: false, obj: null, scheduled: false }
    ends.set(id, r)
    gone.delete(id)
    return r
  }

  const portOf = id => {
    const r = ends.get(id)
    if (!r.obj) r.obj = makePort(id)
    return r.obj
  }

  // the record behind a user object, if that object is still the live holder of its end
  const live = (obj, id) => {
    const r = ends.get(id)
    return r && r.obj === obj && !r.closed ? r : null
  }

  function unpack(pack) {
    const r = record(pack.id)
    r.peerClosed = Boolean(pack.peerClosed)
    for (const m of pack.queue) r.queue.push({ data: m.data, ports: m.ports.map(unpack) })
    return pack.id
  }

  function pack(id) {
    const r = ends.get(id)
    ends.delete(id)
    gone.add(id)
    return { id, peerClosed: r.peerClosed, queue: r.queue.map(m => ({ data: m.data, ports: m.ports.map(pack) })) }
  }

  const forget = packs => {
    for (const p of packs) {
      gone.add(p.id)
      for (const m of p.queue) forget(m.ports)
    }
  }

  function flush(r) {
    while (r.started && !r.closed && r.queue.length) {
      const m = r.queue.shift()
      dispatch(r.obj, m.data, m.ports.map(portOf))
    }
    if (r.started && !r.closed && !r.queue.length && r.peerClosed) {
      r.closed = true
      ends.delete(r.id)
      send({ op: 'close', id: r.id })
      closed(r.obj)
    }
  }

  const schedule = r => {
    if (r.scheduled) return
    r.scheduled = true
    later(() => {
      r.scheduled = false
      flush(r)
    })
  }

  return {
    /** A new entangled pair at this site: [idA, idB]; objects come from port(id). */
    createPair() {
      const a = `${prefix}:${next++}`
      const b = `${prefix}:${next++}`
      record(a)
      record(b)
      send({ op: 'pair', a, b })
      return [a, b]
    },
    port: portOf,
    /** Ends that arrived with a message main handed over directly (utility parentPort): their ids. */
    adopt: packs => packs.map(unpack),
    isLive: (obj, id) => live(obj, id) !== null,
    /**
     * Validate a transfer list of user objects (Electron's MessagePort::DisentanglePorts checks) and
     * take the ends out of this site. objOf(x) returns the id behind x or undefined.
     */
    detach(list, idOf, self) {
      const ids = []
      list.forEach((x, i) => {
        const id = idOf(x)
        if (id === undefined) throw new TypeError(`Port at index ${i} is not a valid port`)
        if (self !== undefined && x === self) throw new Error(`Port at index ${i} contains the source port.`)
        if (!live(x, id)) throw new Error(`Port at index ${i} is already neutered.`)
        if (ids.includes(id)) throw new Error(`Port at index ${i} is a duplicate.`)
        ids.push(id)
      })
      return ids.map(pack)
    },
    /** postMessage from the end `id` held by obj: silently dropped when closed or transferred (Electron). */
    post(obj, id, data, packs) {
      if (!live(obj, id)) return false
      send({ op: 'post', from: id, data, ports: packs })
      return true
    },
    start(obj, id) {
      const r = live(obj, id)
      if (!r || r.started) return
      r.started = true
      schedule(r)
    },
    /** Close the end held by obj; returns whether it was live. */
    close(obj, id) {
      const r = live(obj, id)
      if (!r) return false
      r.closed = true
      r.queue = []
      ends.delete(id)
      send({ op: 'close', id })
      return true
    },
    /** An op from the hub. */
    receive(op) {
      if (op.op === 'drain') {
        send({ op: 'drained', id: op.id })
        return
      }
      const r = ends.get(op.to)
      if (!r) {
        if (op.op === 'msg') forget(op.ports)
        send({ op: 'bounce', msg: op })
        return
      }
      if (op.op === 'msg') {
        r.queue.push({ data: op.data, ports: op.ports.map(unpack) })
        if (r.started) flush(r)
      } else if (op.op === 'peerClosed') {
        r.peerClosed = true
        if (r.started) flush(r)
      }
    },
    /** Ends held here (for tests and cleanup). */
    size: () => ends.size
  }
}

// ------------------------------------------------------------------------------------ MessagePortMain
// Electron's MessagePortMain (lib/browser/message-port-main.ts over shell/browser/api/message_port.cc):
// an EventEmitter; 'message' with { data, ports } once started; 'close' (emitted synchronously by
// close(), and when the peer closed). Used in main and in utility processes.
function createMessagePortMainClass(getSite, kId) {
  class MessagePortMain extends EventEmitter {
    constructor(id) {
      super()
      this[kId] = id
      this._closed = false
    }
    start() {
      getSite().start(this, this[kId])
    }
    close() {
      if (this._closed) return
      this._closed = true
      getSite().close(this, this[kId])
      this.emit('close')
    }
    postMessage(...args) {
      const site = getSite()
      if (!site.isLive(this, this[kId])) return
      if (args.length === 0) throw new TypeError('Expected at least one argument to postMessage')
      const data = cloneForPort(args[0])
      let packs = []
      if (args.length > 1) {
        if (!Array.isArray(args[1])) throw new TypeError('transferables must be an array of MessagePorts')
        packs = site.detach(args[1], x => (x instanceof MessagePortMain ? x[kId] : undefined), this)
      }
      site.post(this, this[kId], data, packs)
    }
  }
  return MessagePortMain
}

module.exports = { createPortSite, createMessagePortMainClass, cloneForPort, CLONE_ERROR }
