// Many js-libp2p gossipsub nodes (@libp2p/gossipsub) in one process, for jlibp2p's gossipsub network
// benchmark: each node is the node of gossipsub.mjs (gossipsub-node.mjs), on a loopback TCP port of
// its own; nodes here and in other processes connect over loopback like any others.
//
//   node gossipsub-net.mjs --nodes N [--sign strict|none] [--d N --dlo N --dhi N]
//       starts N nodes and prints {"event":"listening","nodes":[{"peerId":...,"addr":<multiaddr with /p2p/>},...]};
//       then reads one JSON command per line on stdin (nodes are numbered from 0 in this process):
//         {"cmd":"connect","links":[[i,<multiaddr>],...]}         -> node i dials each address (8 dials at a time), then
//                                                                      {"event":"connected","count":n}, or an error
//                                                                      naming the first dial that failed
//         {"cmd":"subscribe","topic":T}                           -> every node subscribes; {"event":"subscribed","topic":T}
//         {"cmd":"meshes","topic":T}                              -> {"event":"meshes","sizes":[the mesh size of each node],
//                                                                      "subscribers":[its peers in T],"connections":[its connections]}
//         {"cmd":"expect","round":R,"topic":T,"counts":[c0,...]} -> from now on node i counts the messages of T it is
//                                                                      delivered; {"event":"expecting"}, then, once every
//                                                                      node i has c[i], {"event":"received-all","round":R,"ms":<since>}
//         {"cmd":"counts"}                                        -> {"event":"counts","round":R,"counts":[messages counted by each node]}
//         {"cmd":"flood","topic":T,"size":S,"messages":[[i,k],...]} -> node i publishes S bytes, the first 8 k (big-endian),
//                                                                      each message once the one before is published,
//                                                                      then {"event":"flooded","ms":<time taken>}; the
//                                                                      commands after it run meanwhile
//       Ends when stdin closes.
//
// Logs go to stderr; stdout carries only JSON lines.

import './node20.mjs' // Promise.withResolvers for node 20, before js-libp2p loads
import { gossipNode, gossipOptions, serveCommands } from './gossipsub-node.mjs'

const { multiaddr } = await import('@multiformats/multiaddr')

const args = process.argv.slice(2)
const count = Number(args[args.indexOf('--nodes') + 1])
if (!(count > 0) || args.indexOf('--nodes') < 0) {
  process.stderr.write('usage: node gossipsub-net.mjs --nodes N [--sign strict|none] [--d N --dlo N --dhi N]\n')
  process.exit(2)
}
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
// every node here is on 127.0.0.1, where js's default P6 (weight -5 past 10 peers on one address) would
// push the peers of any node with more than 10 connections below 0 and out of its mesh: the address is
// whitelisted, as the nodes of a network are on addresses of their own
const gsOpts = { ...gossipOptions(args), scoreParams: { IPColocationFactorWhitelist: new Set(['127.0.0.1']) } }
const DIALS_AT_ONCE = 8
// js-libp2p's connection monitor pings every connection each 10 s and aborts it when the ping does
// not come back in time: a ping queued behind a flood of messages on a loaded machine does not, and a
// run with it on lost every connection of the network within a minute. Ping failures are left
// unpunished here; nothing else closes a connection
const libp2pOpts = { connectionMonitor: { abortConnectionOnPingFailure: false } }

const nodes = []
for (let i = 0; i < count; i++) {
  nodes.push(await gossipNode(gsOpts, libp2pOpts))
}

// what the nodes count while a round is expected: counted[i] of target[i]
let expecting = null // { round, topic, counted, target, left, start }

nodes.forEach((node, i) => {
  node.services.pubsub.addEventListener('message', (evt) => {
    const e = expecting
    if (e == null || evt.detail.topic !== e.topic) {
      return
    }
    e.counted[i]++
    if (e.counted[i] === e.target[i]) {
      e.left--
      if (e.left === 0) {
        out({ event: 'received-all', round: e.round, ms: Number(process.hrtime.bigint() - e.start) / 1e6 })
      }
    }
  })
})

out({
  event: 'listening',
  nodes: nodes.map(n => ({ peerId: n.peerId.toString(), addr: n.getMultiaddrs()[0].toString() }))
})

async function flood (cmd) {
  const start = process.hrtime.bigint()
  for (const [i, k] of cmd.messages) {
    const data = new Uint8Array(cmd.size)
    new DataView(data.buffer).setBigUint64(0, BigInt(k))
    await nodes[i].services.pubsub.publish(cmd.topic, data)
  }
  out({ event: 'flooded', ms: Number(process.hrtime.bigint() - start) / 1e6 })
}

async function run (cmd) {
  switch (cmd.cmd) {
    case 'connect': {
      // a few dials at a time, each tried up to 3 times: all at once, on a loaded machine, the handshakes
      // outlast js-libp2p's dial timeout
      const links = cmd.links.slice()
      let failure = null
      const worker = async () => {
        for (let link; failure == null && (link = links.shift()) != null;) {
          const [i, addr] = link
          for (let attempt = 1; ; attempt++) {
            try {
              await nodes[i].dial(multiaddr(addr))
              break
            } catch (e) {
              if (attempt === 3) {
                failure = `node ${i} could not dial ${addr} in 3 attempts: ${e?.message ?? e}`
                break
              }
            }
          }
        }
      }
      await Promise.all(Array.from({ length: DIALS_AT_ONCE }, worker))
      out(failure == null ? { event: 'connected', count: cmd.links.length } : { event: 'error', error: failure })
      break
    }
    case 'subscribe':
      nodes.forEach(n => n.services.pubsub.subscribe(cmd.topic))
      out({ event: 'subscribed', topic: cmd.topic })
      break
    case 'meshes':
      out({
        event: 'meshes',
        sizes: nodes.map(n => n.services.pubsub.getMeshPeers(cmd.topic).length),
        subscribers: nodes.map(n => n.services.pubsub.getSubscribers(cmd.topic).length),
        connections: nodes.map(n => n.getConnections().length)
      })
      break
    case 'expect': {
      const target = cmd.counts.slice(0, count)
      expecting = {
        round: cmd.round,
        topic: cmd.topic,
        counted: nodes.map(() => 0),
        target,
        left: target.filter(c => c > 0).length,
        start: process.hrtime.bigint()
      }
      out({ event: 'expecting' })
      if (expecting.left === 0) {
        out({ event: 'received-all', round: cmd.round, ms: 0 })
      }
      break
    }
    case 'counts':
      out({ event: 'counts', round: expecting?.round ?? null, counts: expecting == null ? nodes.map(() => 0) : expecting.counted })
      break
    case 'flood':
      flood(cmd).catch(e => out({ event: 'error', error: 'flood: ' + String(e?.message ?? e) }))
      break
    default:
      out({ event: 'error', error: 'unknown command ' + cmd.cmd })
  }
}

await serveCommands(run, out, () => Promise.allSettled(nodes.map(n => n.stop())))
