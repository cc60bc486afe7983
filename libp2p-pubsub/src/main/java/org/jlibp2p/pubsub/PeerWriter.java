package org.jlibp2p.pubsub;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.StreamResetException;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.ProtocolStream;

/**
 * Our long-lived outbound stream to one peer (pubsub/README.md, "Stream management"): opened on the
 * peer's connection with our protocols, most preferred first, our subscriptions written first, then
 * the peer's {@link OutboundQueue}; watched for a reset, and opened anew while the connection lives
 * (go's {@code handleNewPeer}, {@code handlePeerDead} and {@code handleDeadPeers}). Runs on a
 * virtual thread of the peer's own, started by {@link PeerStreams}.
 */
final class PeerWriter {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.pubsub");
    /** go-libp2p-pubsub's backoff.go: MaxBackoffAttempts. */
    static final int MAX_STREAM_ATTEMPTS = 4;
    /** go-libp2p-pubsub's backoff.go: TimeToLive of a peer's backoff history. */
    static final Duration STREAM_ATTEMPTS_TTL = Duration.ofMinutes(10);
    /** go-libp2p-pubsub's backoff.go: MinBackoffDelay, MaxBackoffDelay, MaxBackoffJitterCoff (ms). */
    private static final long MIN_REDIAL_MILLIS = 100;
    private static final long MAX_REDIAL_MILLIS = 10_000;
    private static final int MAX_REDIAL_JITTER_MILLIS = 100;
    /** Peers whose stream failures are remembered, the least recently failed forgotten first. */
    static final int MAX_REMEMBERED_PEERS = 4096;
    private final GossipRouter r;
    private final PeerStreams streams;
    /**
     * Each peer's recent stream failures, kept across its being dropped and taken back (go's backoff
     * history is per peer too): a peer that resets every stream while it keeps talking gets
     * {@link #MAX_STREAM_ATTEMPTS} new streams per {@link #STREAM_ATTEMPTS_TTL}, not per return.
     */
    private final LinkedHashMap<PeerId, long[]> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, long[]> eldest) {
            return size() > MAX_REMEMBERED_PEERS;
        }
    };
    private final ReentrantLock failuresLock = new ReentrantLock();

    PeerWriter(GossipRouter r, PeerStreams streams) {
        this.r = r;
        this.streams = streams;
    }

    /**
     * Opens our long-lived stream to the peer and writes its queue until either side ends. A stream
     * that fails while the peer's connection lives is opened anew, as go's {@code handleDeadPeers}
     * respawns its writer: after {@link #redialDelay} (go's backoff.go: 100 ms doubling, with up to
     * 100 ms of jitter), at most {@link #MAX_STREAM_ATTEMPTS} times in a row (go's
     * {@code MaxBackoffAttempts}), the count forgotten {@link #STREAM_ATTEMPTS_TTL} after the last
     * failure (go's {@code TimeToLive}). Past that the peer is dropped, until it speaks again.
     */
    void run(PeerLink link) {
        try {
            while (writeStream(link)) {
                int failed = failed(link.peer);
                if (failed > MAX_STREAM_ATTEMPTS) {
                    int n = failed - 1;
                    r.refusals.refused("maxStreamAttempts", () -> "our stream to " + link.peer + " failed after " + n
                            + " new attempts (" + MAX_STREAM_ATTEMPTS + " at most): the peer is dropped until it speaks again");
                    return;
                }
                Thread.sleep(redialDelay(failed));
                if (r.isClosed() || link.removed || openConnection(link.peer) == null) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.removePeer(link);
        }
    }

    /** Counts a failure of the peer's stream; {@return its failures in a row, the first after a quiet {@link #STREAM_ATTEMPTS_TTL} being 1} */
    private int failed(PeerId peer) {
        long now = System.nanoTime();
        failuresLock.lock();
        try {
            long[] f = failures.computeIfAbsent(peer, p -> new long[2]); // {count, last failure}
            if (f[0] > 0 && now - f[1] > STREAM_ATTEMPTS_TTL.toNanos()) {
                f[0] = 0;
            }
            f[1] = now;
            return (int) Math.min(++f[0], Integer.MAX_VALUE);
        } finally {
            failuresLock.unlock();
        }
    }

    /** {@return how long to wait before the n-th new attempt (n from 1): go's doubling from 100 ms, capped at 10 s, with jitter} */
    private long redialDelay(int n) {
        long base = Math.min(MIN_REDIAL_MILLIS << Math.min(n - 1, MAX_STREAM_ATTEMPTS), MAX_REDIAL_MILLIS);
        return base + r.random.nextInt(MAX_REDIAL_JITTER_MILLIS + 1);
    }

    private Connection openConnection(PeerId peer) {
        return r.ctx.connections(peer).stream().filter(x -> !x.isClosed() && !x.isLimited()).findFirst().orElse(null);
    }

    /**
     * Opens one stream and writes the queue on it, our subscriptions first.
     *
     * @return true if the stream failed while the peer's connection lives, so that a new one is worth opening;
     *         false if the host, the peer or its connection ended
     */
    private boolean writeStream(PeerLink link) throws InterruptedException {
        ProtocolStream s = null;
        AtomicBoolean dead = new AtomicBoolean();
        try {
            Connection c = openConnection(link.peer);
            if (c == null) {
                return false;
            }
            s = c.newStream(r.config.protocols().toArray(String[]::new));
            byte[] hello;
            r.lock.lock();
            try {
                if (link.removed) {
                    return false;
                }
                link.protocol = s.protocol();
                link.ready = true;
                hello = helloRpc().encode();
            } finally {
                r.lock.unlock();
            }
            LOG.log(Level.DEBUG, () -> "pubsub with " + link.peer + " over " + link.protocol);
            ProtocolStream watched = s;
            r.ctx.execute("pubsub-watch-" + link.peer.toBase58(), () -> watch(watched, link.peer, dead));
            OutputStream out = new BufferedOutputStream(s.out(), 64 * 1024);
            if (hello.length > 0) {
                write(out, hello, true);
            }
            while (!r.isClosed() && !link.removed) {
                if (dead.get()) {
                    throw new StreamResetException("the peer reset our stream");
                }
                byte[] rpc = link.queue.take(1, TimeUnit.SECONDS);
                if (rpc == null) {
                    continue;
                }
                write(out, rpc, link.queue.size() == 0);
            }
            return false;
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "pubsub stream to " + link.peer + " ended: " + e);
            return !r.isClosed() && streamFailed(link);
        } finally {
            if (s != null) {
                s.reset();
            }
        }
    }

    /**
     * go's handlePeerDead: reads our outbound stream, on which the peer never writes, to find out at
     * once when it resets it, instead of at our next write. An end of stream is no failure: the
     * peer may close its side of a stream it only reads.
     */
    private void watch(ProtocolStream s, PeerId peer, AtomicBoolean dead) {
        try {
            s.setReadTimeout(Duration.ZERO);
            if (s.in().read() >= 0) {
                LOG.log(Level.DEBUG, () -> peer + " wrote on our pubsub stream: it is reset");
                dead.set(true);
            }
        } catch (IOException e) {
            dead.set(true);
        }
    }

    /**
     * Our stream to a peer failed: until a new one is open, the peer gets nothing and leaves our
     * meshes and fanouts (the heartbeat grafts it again once it is back), but what it told us of its
     * topics stands, since its own stream still brings its RPCs.
     *
     * @return true if the peer is still ours and connected
     */
    private boolean streamFailed(PeerLink link) {
        r.lock.lock();
        try {
            if (link.removed) {
                return false;
            }
            link.ready = false;
            link.protocol = null;
            int dropped = link.queue.clear();
            if (dropped > 0) {
                LOG.log(Level.DEBUG, () -> "dropped " + dropped + " RPCs queued for " + link.peer + "'s failed stream");
            }
            for (Map.Entry<String, Set<PeerId>> e : r.mesh.entrySet()) {
                if (e.getValue().remove(link.peer)) {
                    r.score.prune(link.peer, e.getKey());
                }
            }
            for (Set<PeerId> f : r.fanout.values()) {
                f.remove(link.peer);
            }
        } finally {
            r.lock.unlock();
        }
        return openConnection(link.peer) != null;
    }

    private void write(OutputStream out, byte[] rpc, boolean flush) throws IOException {
        LengthPrefixed.write(out, rpc);
        if (flush) {
            out.flush();
        }
        r.stats.rpcBytesSent.addAndGet(rpc.length);
    }

    private Rpc helloRpc() {
        List<Rpc.SubOpts> subs = new ArrayList<>();
        for (String t : r.subscriptions.keySet()) {
            subs.add(new Rpc.SubOpts(true, t));
        }
        return new Rpc(subs, List.of(), Optional.empty());
    }
}
