// A js-libp2p node for jlibp2p's interoperability tests.
//
//   node peer.mjs listen [--key ed25519|secp256k1|rsa] [--relay <relay multiaddr with /p2p/>]
//       prints {"event":"listening","peerId":...,"addrs":[...]} and serves ping, identify (and push),
//       /echo/1.0.0 (also on limited, relayed connections) and /perf/1.0.0 until stdin closes or
//       the process is killed. With --relay it also reserves a slot on that circuit relay v2 and
//       prints {"event":"reserved","addrs":[...its /p2p-circuit addresses]}.
//   node peer.mjs relay [--key ...]
//       a circuit relay v2 (stock limits; --unlimited lifts the per-circuit duration and data
//       limits, for throughput benchmarks); prints {"event":"listening",...} like listen.
//   node peer.mjs dial <multiaddr> ping|identify|echo <bytes> <streams>|perf <upload> <download>
//                      |connect-ping <n>|rates <seconds> <dialers> <openers> [--key ...]
//       <multiaddr> may be a /p2p-circuit address: the dialer has the circuit relay transport.
//       prints one JSON result line and exits 0, or {"ok":false,"error":...} and exits 1.
//   node peer.mjs transport-interop
//       the libp2p interop harness's test app, configured by environment variables (both the
//       test-plans and the unified-testing generations), talking to Redis with a small RESP client.
//
// Logs go to stderr; stdout carries only JSON lines.

import './node20.mjs' // Promise.withResolvers for node 20, before js-libp2p loads

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { identify, identifyPush } = await import('@libp2p/identify')
const { ping } = await import('@libp2p/ping')
const { generateKeyPair } = await import('@libp2p/crypto/keys')
const { multiaddr } = await import('@multiformats/multiaddr')
const { circuitRelayServer, circuitRelayTransport } = await import('@libp2p/circuit-relay-v2')

const ECHO = '/echo/1.0.0'
const PERF = '/perf/1.0.0'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : fallback
}
const keyType = option('--key', 'ed25519')
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

// listen: listen on loopback TCP; relayAddr: also reserve a slot there (listen on
// <relay>/p2p-circuit); relay: be a circuit relay v2 server with its stock limits.
async function newNode (listen, { relayAddr = null, relay = false, unlimited = false } = {}) {
  const privateKey = await generateKeyPair(keyType === 'ed25519' ? 'Ed25519' : keyType === 'secp256k1' ? 'secp256k1' : 'RSA', 2048)
  const listenAddrs = listen ? ['/ip4/127.0.0.1/tcp/0'] : []
  if (relayAddr != null) listenAddrs.push(relayAddr + '/p2p-circuit')
  // identify push as js-libp2p's own examples configure it: pushes are taken and sent
  const services = { identify: identify(), identifyPush: identifyPush(), ping: ping() }
  if (relay) services.relay = circuitRelayServer(unlimited ? { reservations: { applyDefaultLimit: false } } : {})
  const node = await createLibp2p({
    privateKey,
    addresses: { listen: listenAddrs },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 1000 },
    services
  })
  // runOnLimitedConnection: js serves only ping, identify and the relay protocols on a relayed
  // (limited) connection unless a handler opts in
  await node.handle(ECHO, async (stream) => {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) await stream.onDrain()
    }
    await stream.close()
  }, { maxInboundStreams: 1024, maxOutboundStreams: 1024, runOnLimitedConnection: true })
  await node.handle(PERF, servePerf, { maxInboundStreams: 64 })
  return node
}

// perf/perf.md: read the u64 big-endian count of bytes to send back, drain the upload to EOF,
// then send that many bytes and close.
async function servePerf (stream) {
  let header = new Uint8Array(0)
  let sendBack = null
  for await (const chunk of stream) {
    if (sendBack === null) {
      const bytes = chunk.subarray ? chunk.subarray() : chunk
      const merged = new Uint8Array(header.length + bytes.length)
      merged.set(header); merged.set(bytes, header.length)
      header = merged
      if (header.length >= 8) sendBack = new DataView(header.buffer, header.byteOffset, 8).getBigUint64(0)
    }
  }
  const block = new Uint8Array(64 * 1024)
  let left = sendBack ?? 0n
  while (left > 0n) {
    const n = left < BigInt(block.length) ? Number(left) : block.length
    if (!stream.send(block.subarray(0, n))) await stream.onDrain()
    left -= BigInt(n)
  }
  await stream.close()
}

function identifyFields (result) {
  return {
    peerId: result.peerId.toString(),
    // identify results carry the public key as its protobuf bytes
    publicKey: result.publicKey == null ? null : Buffer.from(result.publicKey).toString('hex'),
    protocols: result.protocols,
    agentVersion: result.agentVersion,
    protocolVersion: result.protocolVersion,
    listenAddrs: result.listenAddrs.map(a => a.toString()),
    observedAddr: result.observedAddr?.toString() ?? null,
    // present only when the remote sent a signed peer record that js verified (identify/utils.js
    // throws, and emits no identify result, when a record does not verify)
    signedPeerRecord: result.signedPeerRecord == null
      ? null
      : { seq: result.signedPeerRecord.seq.toString(), addrs: result.signedPeerRecord.addresses.map(a => a.toString()) }
  }
}

async function readAll (stream, expected) {
  const chunks = []
  let n = 0
  for await (const chunk of stream) {
    const bytes = chunk.subarray ? chunk.subarray() : chunk
    chunks.push(bytes); n += bytes.length
  }
  const all = new Uint8Array(n)
  let at = 0
  for (const c of chunks) { all.set(c, at); at += c.length }
  return all
}

async function dial (target, action) {
  const node = await newNode(false)
  try {
    const ma = multiaddr(target)
    const start = performance.now()
    if (action === 'ping') {
      const rtt = await node.services.ping.ping(ma)
      out({ action: 'ping', ok: true, rttMs: rtt, handshakePlusOneRttMs: performance.now() - start })
    } else if (action === 'connect-ping') {
      // N fresh connections one after another: dial + handshake + first ping, then hang up. Now and
      // then (once in 1500 here) js-libp2p 3.3.11 pings on the connection it is still closing and
      // fails with "Cannot write to a stream that is closed", or its ping or hang-up never settles
      // (seen once in 1500 against a js listener): each ping and each hang-up has TRY_MS to finish.
      // A failed ping is counted, not timed, and its try made again; a failed hang-up is counted
      // (its try was timed); up to 10 failures in all.
      const TRY_MS = 10000
      const n = Number(args[3] ?? 20)
      const times = []
      const failures = []
      for (let i = 0; i < n; i++) {
        const t0 = performance.now()
        try {
          await node.services.ping.ping(ma, { signal: AbortSignal.timeout(TRY_MS) })
        } catch (err) {
          failures.push(err.message)
          if (failures.length > 10) throw err
          await node.hangUp(ma, { signal: AbortSignal.timeout(TRY_MS) }).catch(() => {})
          i--
          continue
        }
        times.push(performance.now() - t0)
        try {
          await node.hangUp(ma, { signal: AbortSignal.timeout(TRY_MS) })
        } catch (err) {
          failures.push('hang-up: ' + err.message)
          if (failures.length > 10) throw err
        }
      }
      out({ action: 'connect-ping', ok: true, connectionsMs: times, failedTries: failures.length, failures })
    } else if (action === 'identify') {
      // js runs identify by itself on every new connection (and allows one identify stream at a
      // time), so wait for that result rather than asking a second time.
      const identified = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no identify result in 10 s')), 10000)
        // through a relay the relay is identified too: wait for the target's result
        const target = ma.getComponents().filter(c => c.name === 'p2p').pop()?.value
        node.addEventListener('peer:identify', (e) => {
          if (target != null && e.detail.peerId.toString() !== target) return
          clearTimeout(timer); resolve(e.detail)
        })
      })
      const conn = await node.dial(ma)
      const result = await identified
      out({ action: 'identify', ok: true, ...identifyFields(result), muxer: conn.multiplexer, encryption: conn.encryption })
      // The remote identifies us too, on its own schedule: stay connected a moment so that its
      // identify is not cut off by our exit (on a busy machine it can start after ours has ended).
      await new Promise(resolve => setTimeout(resolve, 1500))
    } else if (action === 'echo') {
      const size = Number(args[3] ?? 1024)
      const streams = Number(args[4] ?? 1)
      const conn = await node.dial(ma)
      await Promise.all(Array.from({ length: streams }, async (_, i) => {
        const data = new Uint8Array(size).map((_, j) => (i * 31 + j) & 0xff)
        const s = await conn.newStream(ECHO, { runOnLimitedConnection: true })
        const back = readAll(s)
        for (let at = 0; at < size; at += 65536) {
          if (!s.send(data.subarray(at, Math.min(size, at + 65536)))) await s.onDrain()
        }
        await s.close()
        const got = await back
        if (got.length !== size || got.some((b, j) => b !== data[j])) throw new Error('echo mismatch on stream ' + i)
      }))
      out({ action: 'echo', ok: true, bytes: size, streams, seconds: (performance.now() - start) / 1000 })
    } else if (action === 'perf') {
      const up = BigInt(args[3] ?? 0)
      const down = BigInt(args[4] ?? 0)
      const conn = await node.dial(ma)
      const s = await conn.newStream(PERF)
      const header = new Uint8Array(8)
      new DataView(header.buffer).setBigUint64(0, down)
      s.send(header)
      const block = new Uint8Array(64 * 1024)
      for (let left = up; left > 0n;) {
        const n = left < 65536n ? Number(left) : 65536
        if (!s.send(block.subarray(0, n))) await s.onDrain()
        left -= BigInt(n)
      }
      await s.close()
      let received = 0
      for await (const chunk of s) received += chunk.byteLength ?? chunk.length
      out({ action: 'perf', ok: true, uploadBytes: Number(up), downloadBytes: received, seconds: (performance.now() - start) / 1000 })
    } else if (action === 'rates') {
      // Connections per second: `dialers` nodes of their own (one node keeps one connection per
      // peer), each dialing, pinging and hanging up in a loop. Then /echo/1.0.0 streams opened and
      // closed per second on one connection by `openers` concurrent loops.
      const seconds = Number(args[3] ?? 3)
      const dialers = Number(args[4] ?? 4)
      const openers = Number(args[5] ?? 64)
      const nodes = [node]
      for (let i = 1; i < dialers; i++) nodes.push(await newNode(false))
      let connections = 0
      let end = performance.now() + seconds * 1000
      const t0 = performance.now()
      await Promise.all(nodes.map(async (n) => {
        while (performance.now() < end) {
          await n.services.ping.ping(ma)
          await n.hangUp(ma)
          connections++
        }
      }))
      const connectionsPerSecond = connections / ((performance.now() - t0) / 1000)
      for (const n of nodes.slice(1)) await n.stop()
      const conn = await node.dial(ma)
      let streams = 0
      end = performance.now() + seconds * 1000
      const t1 = performance.now()
      await Promise.all(Array.from({ length: openers }, async () => {
        while (performance.now() < end) {
          const s = await conn.newStream(ECHO)
          await s.close()
          for await (const chunk of s) throw new Error('echo sent ' + (chunk.byteLength ?? chunk.length) + ' unexpected bytes')
          streams++
        }
      }))
      const streamsPerSecond = streams / ((performance.now() - t1) / 1000)
      out({ action: 'rates', ok: true, seconds, dialers, connectionsPerSecond, openers, streamsPerSecond })
    } else {
      throw new Error('unknown action ' + action)
    }
  } finally {
    await node.stop()
  }
}

// ---- Redis, RESP 2, just enough for RPUSH and BLPOP ----
const net = await import('node:net')

function parseReply (buf, at = 0) {
  const end = buf.indexOf('\r\n', at)
  if (end < 0) return null
  const type = String.fromCharCode(buf[at])
  const line = buf.subarray(at + 1, end).toString()
  const next = end + 2
  if (type === '+' || type === ':') return [type === ':' ? Number(line) : line, next]
  if (type === '-') return [new Error('redis: ' + line), next]
  if (type === '$') {
    const n = Number(line)
    if (n < 0) return [null, next]
    if (buf.length < next + n + 2) return null
    return [buf.subarray(next, next + n).toString(), next + n + 2]
  }
  if (type === '*') {
    const n = Number(line)
    if (n < 0) return [null, next]
    const items = []
    let pos = next
    for (let i = 0; i < n; i++) {
      const r = parseReply(buf, pos)
      if (r === null) return null
      items.push(r[0]); pos = r[1]
    }
    return [items, pos]
  }
  throw new Error('redis: unexpected reply ' + type)
}

function redis (hostPort, ...command) {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))]
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host)
    let buf = Buffer.alloc(0)
    socket.on('connect', () => {
      let req = `*${command.length}\r\n`
      for (const c of command) req += `$${Buffer.byteLength(String(c))}\r\n${c}\r\n`
      socket.write(req)
    })
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      const r = parseReply(buf)
      if (r !== null) {
        socket.end()
        r[0] instanceof Error ? reject(r[0]) : resolve(r[0])
      }
    })
    socket.on('error', reject)
  })
}

async function transportInterop () {
  const env = process.env
  const unified = env.IS_DIALER !== undefined
  const get = (u, l, fallback) => ((unified ? env[u] : env[l]) ?? '').trim() || fallback
  const isDialer = get('IS_DIALER', 'is_dialer', 'false') === 'true'
  const redisAddr = get('REDIS_ADDR', 'redis_addr', unified ? 'transport-redis:6379' : 'redis:6379')
  const timeout = Number(get('TEST_TIMEOUT_SECONDS', 'test_timeout_seconds', '180'))
  const key = unified ? get('TEST_KEY', 'TEST_KEY', '') + '_listener_multiaddr' : 'listenerAddr'
  if (isDialer) {
    const reply = await redis(redisAddr, 'BLPOP', key, String(timeout))
    if (reply === null) throw new Error('no listener address within ' + timeout + ' s')
    const node = await newNode(false)
    const start = performance.now()
    const rtt = await node.services.ping.ping(multiaddr(reply[1]))
    const total = performance.now() - start
    if (unified) {
      process.stdout.write(`latency:\n  handshake_plus_one_rtt: ${total}\n  ping_rtt: ${rtt}\n  unit: ms\n`)
    } else {
      out({ handshakePlusOneRTTMillis: total, pingRTTMilllis: rtt })
    }
    await node.stop()
    process.exit(0)
  } else {
    const node = await newNode(true)
    const addr = node.getMultiaddrs()[0].toString()
    await redis(redisAddr, 'RPUSH', key, addr)
    process.stderr.write('listening on ' + addr + '\n')
    setTimeout(async () => { await node.stop(); process.exit(0) }, timeout * 1000)
  }
}

try {
  if (args[0] === 'transport-interop') {
    await transportInterop()
  } else if (args[0] === 'listen' || args[0] === 'relay') {
    const relayAddr = option('--relay', null)
    const node = await newNode(true, { relayAddr, relay: args[0] === 'relay', unlimited: args.includes('--unlimited') })
    node.addEventListener('peer:identify', (e) => {
      out({ event: 'identify', ...identifyFields(e.detail) })
    })
    node.addEventListener('connection:open', (e) => {
      const c = e.detail
      out({ event: 'connection', peerId: c.remotePeer.toString(), remoteAddr: c.remoteAddr.toString(), muxer: c.multiplexer, encryption: c.encryption })
    })
    const circuitAddrs = () => node.getMultiaddrs().map(a => a.toString()).filter(a => a.includes('/p2p-circuit'))
    out({ event: 'listening', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()).filter(a => !a.includes('/p2p-circuit')) })
    if (relayAddr != null) {
      // the circuit address appears among ours once the relay granted the slot
      let reported = false
      const report = () => {
        const addrs = circuitAddrs()
        if (!reported && addrs.length > 0) { reported = true; out({ event: 'reserved', addrs }) }
      }
      node.addEventListener('self:peer:update', report)
      report()
    }
    process.stdin.resume()
    process.stdin.on('end', async () => { await node.stop(); process.exit(0) })
  } else if (args[0] === 'dial') {
    await dial(args[1], args[2])
    process.exit(0)
  } else {
    process.stderr.write('usage: node peer.mjs listen | dial <multiaddr> <action> ...\n')
    process.exit(2)
  }
} catch (e) {
  out({ ok: false, error: String(e?.message ?? e), errorType: e?.name })
  process.stderr.write(String(e?.stack ?? e) + '\n')
  process.exit(1)
}
