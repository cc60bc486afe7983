// A js-libp2p Kademlia DHT node (@libp2p/kad-dht) for jlibp2p's interoperability tests.
//
//   node kad.mjs [--client]
//       listens on loopback TCP, serves /ipfs/kad/1.0.0 (in server mode unless --client), ping and
//       identify, and prints {"event":"listening","peerId":...,"addrs":[...]}. Then it reads one JSON
//       command per line on stdin and prints one JSON result per command, with the command's "id":
//         {"id":1,"cmd":"connect","addr":"/ip4/.../p2p/..."}           -> {"id":1,"ok":true}
//         {"id":2,"cmd":"put","key":"/jlibp2p/k","value":"hex"}       -> {"id":2,"ok":true}
//         {"id":3,"cmd":"get","key":"/jlibp2p/k"}                     -> {"id":3,"ok":true,"value":"hex"}
//         {"id":4,"cmd":"provide","cid":"bafk..."}                    -> {"id":4,"ok":true}
//         {"id":5,"cmd":"find-providers","cid":"bafk..."}             -> {"id":5,"ok":true,"providers":[{"id":...,"addrs":[...]}]}
//         {"id":6,"cmd":"find-peer","peer":"12D3Koo..."}              -> {"id":6,"ok":true,"addrs":[...]}
//         {"id":7,"cmd":"table"}                                      -> {"id":7,"ok":true,"peers":[...]}
//       A failed command prints {"id":n,"ok":false,"error":...}. It ends when stdin closes.
//
// The /jlibp2p/ namespace is configured as jlibp2p's tool configures it: any value up to 64 KiB,
// the bytewise greater of two wins. Loopback addresses are kept (passthroughMapper): stock js drops
// private addresses from DHT answers and from its routing table.
//
// Logs go to stderr; stdout carries only JSON lines.

import './node20.mjs' // Promise.withResolvers for node 20, before js-libp2p loads

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { identify } = await import('@libp2p/identify')
const { ping } = await import('@libp2p/ping')
const { kadDHT, passthroughMapper } = await import('@libp2p/kad-dht')
const { multiaddr } = await import('@multiformats/multiaddr')
const { peerIdFromString } = await import('@libp2p/peer-id')
const { CID } = await import('multiformats/cid')
const readline = await import('node:readline')

const client = process.argv.includes('--client')
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')
const hex = (bytes) => Buffer.from(bytes).toString('hex')
const MAX_VALUE = 64 * 1024

function compareBytes (a, b) {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  connectionManager: { inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 1000 },
  services: {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({
      protocol: '/ipfs/kad/1.0.0',
      clientMode: client,
      peerInfoMapper: passthroughMapper,
      allowQueryWithZeroPeers: true,
      validators: {
        jlibp2p: async (key, value) => {
          if (value.length > MAX_VALUE) throw new Error('value over 64 KiB')
        }
      },
      selectors: {
        jlibp2p: (key, values) => {
          let best = 0
          for (let i = 1; i < values.length; i++) if (compareBytes(values[i], values[best]) > 0) best = i
          return best
        }
      }
    })
  }
})
const dht = node.services.dht

async function run (c) {
  const signal = AbortSignal.timeout(30000)
  switch (c.cmd) {
    case 'connect': {
      await node.dial(multiaddr(c.addr), { signal })
      return {}
    }
    case 'put': {
      for await (const e of dht.put(new TextEncoder().encode(c.key), Buffer.from(c.value, 'hex'), { signal })) {
        if (e.name === 'QUERY_ERROR') console.error('put query error', e.error?.message)
      }
      return {}
    }
    case 'get': {
      let value = null
      for await (const e of dht.get(new TextEncoder().encode(c.key), { signal })) {
        if (e.name === 'VALUE') value = hex(e.value)
      }
      if (value == null) throw new Error('no value found')
      return { value }
    }
    case 'provide': {
      for await (const e of dht.provide(CID.parse(c.cid), { signal })) {
        if (e.name === 'QUERY_ERROR') console.error('provide query error', e.error?.message)
      }
      return {}
    }
    case 'find-providers': {
      const providers = new Map()
      for await (const e of dht.findProviders(CID.parse(c.cid), { signal })) {
        if (e.name === 'PROVIDER') {
          for (const p of e.providers) providers.set(p.id.toString(), p.multiaddrs.map(a => a.toString()))
        }
      }
      return { providers: [...providers].map(([id, addrs]) => ({ id, addrs })) }
    }
    case 'find-peer': {
      for await (const e of dht.findPeer(peerIdFromString(c.peer), { signal })) {
        if (e.name === 'FINAL_PEER' && e.peer.id.toString() === c.peer) {
          return { addrs: e.peer.multiaddrs.map(a => a.toString()) }
        }
      }
      throw new Error('peer not found')
    }
    case 'table': {
      return { peers: [...(dht.routingTable?.kb?.toIterable?.() ?? [])].map(p => p.peerId.toString()), size: dht.routingTable?.size ?? -1 }
    }
    default:
      throw new Error('unknown command ' + c.cmd)
  }
}

out({ event: 'listening', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) })

const lines = readline.createInterface({ input: process.stdin })
const pending = []
lines.on('line', (line) => {
  if (line.trim() === '') return
  let c
  try { c = JSON.parse(line) } catch (e) { out({ ok: false, error: 'bad JSON: ' + e.message }); return }
  pending.push(run(c).then(
    (r) => out({ id: c.id, ok: true, ...r }),
    (e) => out({ id: c.id, ok: false, error: String(e?.message ?? e) })))
})
lines.on('close', async () => {
  await Promise.allSettled(pending)
  await node.stop()
  process.exit(0)
})
