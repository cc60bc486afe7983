// A js-libp2p gossipsub node (@libp2p/gossipsub) for jlibp2p's pubsub interoperability tests.
//
//   node gossipsub.mjs [--sign strict|none] [--d N --dlo N --dhi N]
//       listens on loopback TCP and prints {"event":"listening","peerId":...,"addrs":[...]}; then reads
//       one JSON command per line on stdin:
//         {"cmd":"connect","addr":<multiaddr with /p2p/>}         -> {"event":"connected","peer":...}
//         {"cmd":"subscribe","topic":T}                           -> {"event":"subscribed","topic":T}
//         {"cmd":"publish","topic":T,"data":<text>}                -> {"event":"published","recipients":n}
//         {"cmd":"peers","topic":T}                               -> {"event":"peers","topic":T,"subscribers":[...],"mesh":[...],
//                                                                      "streams":{<peer>:[<protocols of its pubsub streams>]}}
//         {"cmd":"flood","topic":T,"count":N,"size":S,"from":F}   -> publishes N messages of S bytes (the first 8 the
//                                                                      counter from F + 1, big-endian) one after another, then
//                                                                      {"event":"flooded","ms":<time taken>}
//         {"cmd":"expect","topic":T,"count":N}                    -> counts the next N messages of T without printing them,
//                                                                      then {"event":"received-all","count":N,"ms":<since the command>}
//       and prints {"event":"message","topic":...,"from":<publisher or null>,"data":<text>,"seqno":<decimal or null>,
//       "signed":bool} for every other message delivered. Ends when stdin closes.
//
// Logs go to stderr; stdout carries only JSON lines.

import './node20.mjs' // Promise.withResolvers for node 20, before js-libp2p loads
import { gossipNode, gossipOptions, serveCommands } from './gossipsub-node.mjs'

const { multiaddr } = await import('@multiformats/multiaddr')

const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

const node = await gossipNode(gossipOptions(process.argv.slice(2)))
const pubsub = node.services.pubsub

let expecting = null // { topic, left, count, start } while counting a flood

pubsub.addEventListener('message', (evt) => {
  const m = evt.detail
  if (expecting != null && m.topic === expecting.topic) {
    expecting.left--
    if (expecting.left === 0) {
      out({ event: 'received-all', count: expecting.count, ms: Number(process.hrtime.bigint() - expecting.start) / 1e6 })
      expecting = null
    }
    return
  }
  out({
    event: 'message',
    topic: m.topic,
    from: m.type === 'signed' ? m.from.toString() : null,
    data: new TextDecoder().decode(m.data),
    seqno: m.type === 'signed' ? m.sequenceNumber.toString() : null,
    signed: m.type === 'signed'
  })
})

out({ event: 'listening', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) })

const PUBSUB_PROTOCOLS = ['/meshsub/1.2.0', '/meshsub/1.1.0', '/meshsub/1.0.0', '/floodsub/1.0.0']

async function run (cmd) {
  switch (cmd.cmd) {
    case 'connect': {
      const c = await node.dial(multiaddr(cmd.addr))
      out({ event: 'connected', peer: c.remotePeer.toString() })
      break
    }
    case 'subscribe':
      pubsub.subscribe(cmd.topic)
      out({ event: 'subscribed', topic: cmd.topic })
      break
    case 'publish': {
      const r = await pubsub.publish(cmd.topic, new TextEncoder().encode(cmd.data))
      out({ event: 'published', recipients: r.recipients.length })
      break
    }
    case 'peers': {
      const streams = {}
      for (const c of node.getConnections()) {
        const list = c.streams.filter(s => PUBSUB_PROTOCOLS.includes(s.protocol)).map(s => s.direction + ' ' + s.protocol)
        streams[c.remotePeer.toString()] = (streams[c.remotePeer.toString()] ?? []).concat(list)
      }
      out({
        event: 'peers',
        topic: cmd.topic,
        subscribers: pubsub.getSubscribers(cmd.topic).map(p => p.toString()),
        mesh: pubsub.getMeshPeers(cmd.topic),
        streams
      })
      break
    }
    case 'flood': {
      const start = process.hrtime.bigint()
      for (let i = 0; i < cmd.count; i++) {
        const data = new Uint8Array(cmd.size)
        new DataView(data.buffer).setBigUint64(0, BigInt((cmd.from ?? 0) + i + 1))
        await pubsub.publish(cmd.topic, data)
      }
      out({ event: 'flooded', ms: Number(process.hrtime.bigint() - start) / 1e6 })
      break
    }
    case 'expect':
      expecting = { topic: cmd.topic, left: cmd.count, count: cmd.count, start: process.hrtime.bigint() }
      out({ event: 'expecting', count: cmd.count })
      break
    default:
      out({ event: 'error', error: 'unknown command ' + cmd.cmd })
  }
}

await serveCommands(run, out, () => node.stop())
