'use strict'
// The message-port hub, in main: knows where every port end lives and routes every op to it (see
// ports.cjs for the ops). Each site has one ordered channel from the hub (site.deliver) and sends its
// ops here in order, so messages on one port keep their order across transfers:
// - When an end is transferred it is "in transit": ops for it wait here until (1) the message that
//   carries it was handed to its new site and (2) every site it left answered 'drained' to a 'drain'
//   marker sent after the transfer. Ops that were already on their way to the old site come back as
//   'bounce' before that answer, and are delivered first.
// - A site that goes away (process exit, document destroyed) closes every end it holds: their peers
//   see 'close' after their queued messages.
function createPortHub(onEvent = () => {}) {
  const ends = new Map() // id -> { site: siteId|null (in transit), peer, closed }
  const sites = new Map() // siteId -> deliver(op)
  const moving = new Map() // id -> { waits: siteId[] (drains pending), bounced: op[], buffer: op[] }

  const eachId = (packs, fn) => {
    for (const p of packs) {
      fn(p.id)
      for (const m of p.queue) eachId(m.ports, fn)
    }
  }

  function closeEnd(id) {
    const e = ends.get(id)
    if (!e || e.closed) return
    e.closed = true
    route(e.peer, { op: 'peerClosed', to: e.peer })
    const peer = ends.get(e.peer)
    if (!peer || peer.closed) {
      ends.delete(id)
      ends.delete(e.peer)
    }
  }

  function drop(op) {
    if (op.op === 'msg') eachId(op.ports, closeEnd)
  }

  function route(to, op) {
    const e = ends.get(to)
    if (!e || e.closed) return drop(op)
    const mv = moving.get(to)
    if (mv) {
      mv.buffer.push(op)
      return
    }
    const deliver = sites.get(e.site)
    if (!deliver) return drop(op)
    onEvent()
    deliver(op)
    // after the carrier: ops that waited for its ends may follow it now
    if (op.op === 'msg') attach(op.ports, e.site)
  }

  // ends leaving `from` (transferred, or bounced back from there): in transit until drained
  function detach(packs, from) {
    eachId(packs, id => {
      const e = ends.get(id)
      if (!e) return
      e.site = null
      let mv = moving.get(id)
      if (!mv) moving.set(id, (mv = { waits: [], bounced: [], buffer: [] }))
      mv.waits.push(from)
      sites.get(from)?.({ op: 'drain', id })
    })
  }

  // the message carrying these ends is handed to `site`
  function attach(packs, site) {
    eachId(packs, id => {
      const e = ends.get(id)
      if (!e) return
      e.site = site
      settle(id)
    })
  }

  function settle(id) {
    const mv = moving.get(id)
    const e = ends.get(id)
    if (!mv || mv.waits.length || !e || e.site === null) return
    moving.delete(id)
    for (const op of mv.bounced) route(id, op)
    for (const op of mv.buffer) route(id, op)
  }

  const fromSite = (siteId, op) => {
    onEvent()
    switch (op.op) {
      case 'pair':
        ends.set(op.a, { site: siteId, peer: op.b, closed: false })
        ends.set(op.b, { site: siteId, peer: op.a, closed: false })
        break
      case 'post': {
        const e = ends.get(op.from)
        detach(op.ports, siteId)
        const msg = { op: 'msg', to: e ? e.peer : undefined, data: op.data, ports: op.ports }
        if (!e) drop(msg)
        else route(e.peer, msg)
        break
      }
      case 'close':
        closeEnd(op.id)
        break
      case 'bounce': {
        const msg = op.msg
        if (msg.op === 'msg') detach(msg.ports, siteId)
        const mv = moving.get(msg.to)
        if (mv) mv.bounced.push(msg)
        else route(msg.to, msg)
        break
      }
      case 'drained': {
        const mv = moving.get(op.id)
        if (!mv) return
        const i = mv.waits.indexOf(siteId)
        if (i >= 0) mv.waits.splice(i, 1)
        settle(op.id)
        break
      }
    }
  }

  return {
    /** A site with its ordered channel; returns the function the site sends its ops to. */
    addSite(siteId, deliver) {
      sites.set(siteId, deliver)
      return op => fromSite(siteId, op)
    },
    /** Ends carried by a message that main hands to `siteId` itself (webContents.postMessage, child.postMessage). */
    transfer(packs, fromSite, toSite) {
      detach(packs, fromSite)
      attach(packs, toSite)
    },
    /** The site is gone: its ends close, drains it owes are given up. */
    removeSite(siteId) {
      if (!sites.has(siteId)) return
      sites.delete(siteId)
      for (const [id, mv] of moving) {
        mv.waits = mv.waits.filter(s => s !== siteId)
        settle(id)
      }
      for (const [id, e] of [...ends]) if (e.site === siteId) closeEnd(id)
    },
    /** Close the ends of packs that will never arrive (a message dropped by main). */
    dropPacks(packs) {
      eachId(packs, closeEnd)
    },
    openEnds: () => [...ends.values()].filter(e => !e.closed).length,
    reset() {
      ends.clear()
      moving.clear()
    }
  }
}

module.exports = { createPortHub }
