// The js-libp2p gossipsub node of the interoperability tests and benchmarks, shared by gossipsub.mjs
// (one node per process) and gossipsub-net.mjs (many): loopback TCP, Noise, Yamux, identify, ping and
// @libp2p/gossipsub without emitSelf, messages published even to no peer; and the loop both run
// their stdin commands in.

import './node20.mjs' // Promise.withResolvers for node 20, before js-libp2p loads

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { identify } = await import('@libp2p/identify')
const { ping } = await import('@libp2p/ping')
const { gossipsub } = await import('@libp2p/gossipsub')
const readline = await import('node:readline')

/**
 * Reads the options the gossipsub scripts share from their arguments:
 * --sign strict|none (StrictSign, js's default, or StrictNoSign, ids from the data), --d N --dlo N --dhi N.
 */
export function gossipOptions (args) {
  const option = (name, fallback) => {
    const i = args.indexOf(name)
    return i >= 0 ? args[i + 1] : fallback
  }
  const opts = {
    globalSignaturePolicy: option('--sign', 'strict') === 'strict' ? 'StrictSign' : 'StrictNoSign',
    allowPublishToZeroTopicPeers: true,
    emitSelf: false
  }
  if (option('--d') != null) {
    opts.D = Number(option('--d'))
    opts.Dlo = Number(option('--dlo'))
    opts.Dhi = Number(option('--dhi'))
  }
  return opts
}

/**
 * Starts one node listening on a loopback TCP port of its own; its gossipsub is node.services.pubsub.
 * libp2pOpts adds to (or replaces) the options of createLibp2p.
 */
export async function gossipNode (gsOpts, libp2pOpts = {}) {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 1000 },
    services: { identify: identify(), ping: ping(), pubsub: gossipsub(gsOpts) },
    ...libp2pOpts
  })
}

/**
 * Runs each line of standard input as a JSON command with run(cmd) until stdin closes; a command that
 * throws is reported with out({ event: 'error', ... }) and the loop goes on. Then stop() and exit 0.
 */
export async function serveCommands (run, out, stop) {
  const rl = readline.createInterface({ input: process.stdin })
  for await (const line of rl) {
    if (line.trim() === '') continue
    try {
      await run(JSON.parse(line))
    } catch (e) {
      out({ event: 'error', error: String(e?.message ?? e) })
    }
  }
  await stop()
  process.exit(0)
}
