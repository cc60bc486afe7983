package org.jlibp2p.core.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.Reach;
import org.jlibp2p.core.ReadDeadline;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.record.Envelope;
import org.jlibp2p.core.record.PeerRecord;

/**
 * Identify and identify push (identify/README.md) as a host service.
 *
 * <ul>
 *   <li>On every new connection we ask the peer who it is ({@code /ipfs/id/1.0.0}): the answer goes
 *       to the peerstore and is announced as a {@link HostEvent.PeerIdentified}.</li>
 *   <li>We answer the same question for others: our public key, listen addresses, protocols, the
 *       address we see them at, our protocol and agent versions.</li>
 *   <li>When our addresses or protocols change, we tell every connected peer
 *       ({@code /ipfs/id/push/1.0.0}), and we take such pushes from them.</li>
 * </ul>
 *
 * What we send is sized and split as go-libp2p does it ({@link IdentifyWriter}).
 *
 * <p>"The peer MUST ... verify that the public key matches the peer ID": a peer whose identify breaks
 * the protocol (oversized, malformed, another peer's key) loses the connection. The whole exchange
 * has one deadline, the host's stream negotiation timeout, however the peer splits its messages.
 */
final class IdentifyService implements HostService {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.host");
    /** go may split one identify across several messages; it accepts at most 10 (identify/id.go). */
    static final int MAX_MESSAGES = 10;
    /** Pushes in flight at once in one round (go-libp2p's {@code maxPushConcurrency}). */
    static final int MAX_PUSH_CONCURRENCY = 32;
    /** How long a push waits for the peer to take it in (go-libp2p gives a push 5 s). */
    static final Duration PUSH_TIMEOUT = Duration.ofSeconds(5);
    /** How long a round of pushes waits after the change that asked for it, to gather a burst. */
    static final long PUSH_DELAY_MILLIS = 100;
    /** Peers whose last verified signed record is remembered, so that a reconnect does not verify it again. */
    static final int VERIFIED_RECORDS = 1024;

    private final String agentVersion;
    private final Consumer<HostEvent> publish;
    private ServiceContext ctx;
    /** Our signed peer record and the addresses it certifies; null until there is one. */
    private volatile Sealed ourRecord;
    private long lastSeq;
    /**
     * The SHA-256 of the signed record each peer last sent that verified, least recently used first:
     * at most {@value #VERIFIED_RECORDS} entries of about 100 bytes. The same bytes from the same peer
     * verify the same way, so they are not checked again: a signature check is most of what identify
     * costs a host that peers reconnect to. A peer can only fill its own entry (the connection
     * authenticated it), so another can at most evict entries, which costs a check.
     */
    private final Map<PeerId, byte[]> verified = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, byte[]> eldest) {
            return size() > VERIFIED_RECORDS;
        }
    };
    private final ReentrantLock verifiedLock = new ReentrantLock();
    /** A change has been made since the last round of pushes took our state. */
    private final AtomicBoolean pushWanted = new AtomicBoolean();
    /** A thread runs rounds of pushes (or is about to). */
    private final AtomicBoolean pushing = new AtomicBoolean();

    /**
     * @param agentVersion what we report as our implementation
     * @param publish      announces what identify learns (the host's event bus)
     */
    IdentifyService(String agentVersion, Consumer<HostEvent> publish) {
        this.agentVersion = agentVersion;
        this.publish = publish;
    }

    @Override
    public String name() {
        return "identify";
    }

    @Override
    public void start(ServiceContext context) {
        this.ctx = context;
        context.setStreamHandler(Host.IDENTIFY, this::answer);
        context.setStreamHandler(Host.IDENTIFY_PUSH, this::receivePush);
        context.allowOnLimitedConnections(Host.IDENTIFY);
        context.allowOnLimitedConnections(Host.IDENTIFY_PUSH);
        context.subscribe(HostEvent.ConnectionOpened.class, e -> context.execute("identify", () -> identify(e.connection())));
        // Sealed now for the addresses we start with, again on each change (and pushed), and checked
        // by every answer (recordFor), since the change events arrive on a thread of their own.
        recordFor(context.advertisedAddrs());
        context.subscribe(HostEvent.LocalAddressesChanged.class, e -> {
            recordFor(context.advertisedAddrs());
            pushToAll();
        });
        context.subscribe(HostEvent.LocalProtocolsChanged.class, e -> pushToAll());
    }

    /**
     * What we tell the peer of {@code c}. Our loopback addresses are for peers on this machine: a
     * peer that reached us another way is not told them, as go-libp2p does
     * ({@code createBaseIdentifyResponse}). The signed record certifies every address we advertise.
     */
    private IdentifyInfo ours(Connection c) {
        List<Multiaddr> advertised = ctx.advertisedAddrs();
        boolean viaLoopback = IdentifyWriter.reach(c.localAddress()) == Reach.LOOPBACK || IdentifyWriter.reach(c.remoteAddress()) == Reach.LOOPBACK;
        List<Multiaddr> told = viaLoopback ? advertised : advertised.stream().filter(a -> IdentifyWriter.reach(a) != Reach.LOOPBACK).toList();
        return new IdentifyInfo(Optional.of(ctx.publicKey()), told, ctx.protocols(),
                Optional.of(c.remoteAddress()), Optional.of(Host.PROTOCOL_VERSION), Optional.of(agentVersion), Optional.ofNullable(recordFor(advertised)));
    }

    /** A sealed peer record and the addresses it certifies. */
    private record Sealed(List<Multiaddr> addrs, byte[] envelope) {}

    /**
     * Our signed record of the addresses advertised now. Each answer asks for it rather than taking the
     * one the last LocalAddressesChanged event sealed: a peer that dials right after listen() could
     * otherwise be told the addresses without the record.
     *
     * <p>A host with no address to advertise (one that only dials) has nothing to certify: it sends no
     * record until it has one, and saves the signature, the largest cost of a fresh process's host
     * after its own key. As js-libp2p does; once sealed, a record follows every change, also to no
     * address at all, so that peers drop what was certified before (go-libp2p seals on every change).
     *
     * @return the sealed envelope; null before there was ever an address
     */
    private byte[] recordFor(List<Multiaddr> advertised) {
        Sealed current = ourRecord;
        if (current != null && current.addrs().equals(advertised)) {
            return current.envelope();
        }
        synchronized (this) {
            current = ourRecord;
            if (current != null && current.addrs().equals(advertised)) {
                return current.envelope();
            }
            if (current == null && advertised.isEmpty()) {
                return null;
            }
            Sealed fresh = new Sealed(List.copyOf(advertised), sealRecord(advertised));
            ourRecord = fresh;
            return fresh.envelope();
        }
    }

    /**
     * Seals a peer record of our addresses. Its sequence number is the wall clock in nanoseconds, as
     * go-libp2p's (peer.TimestampSeq), kept increasing: a peer takes a record only if its seq is
     * higher than the one it has. Called holding this object's lock ({@link #recordFor}).
     */
    private byte[] sealRecord(List<Multiaddr> addrs) {
        Instant wall = Instant.now();
        long now = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
        lastSeq = Math.max(now, lastSeq + 1);
        // bounded in count and in bytes, so that the record's message stays within what every peer reads
        List<Multiaddr> kept = IdentifyWriter.trim(addrs, IdentifyWriter.MAX_RECORD_ADDRESS_BYTES, PeerRecord.MAX_ADDRESSES);
        PeerRecord record = new PeerRecord(ctx.peerId(), lastSeq, kept);
        return ctx.seal(PeerRecord.DOMAIN, PeerRecord.payloadType(), record.encode()).marshal();
    }

    private void answer(ProtocolStream stream) throws IOException {
        IdentifyWriter.write(stream.out(), ours(stream.connection()));
        stream.closeWrite();
    }

    /** Asks a new connection's peer who it is. */
    void identify(Connection c) {
        if (c.isClosed()) {
            return;
        }
        try (ProtocolStream s = c.newStream(Host.IDENTIFY)) {
            Identified identified = read(s, c, true);
            IdentifyInfo info = identified.info();
            LOG.log(Level.DEBUG, () -> "identified " + c.remotePeer() + ": " + info.agentVersion().orElse("?")
                    + (identified.signedRecord() ? ", with a signed peer record" : ""));
            publish.accept(new HostEvent.PeerIdentified(c, info, identified.signedRecord()));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "identify with " + c.remotePeer() + " failed: " + e.getMessage());
        }
    }

    private void receivePush(ProtocolStream stream) throws IOException {
        read(stream, stream.connection(), false);
    }

    /**
     * Reads identify messages until the sender closes and records them. Concatenated protobuf
     * messages merge, as protobuf specifies, so several messages read as one.
     */
    private record Identified(IdentifyInfo info, boolean signedRecord) {}

    private Identified read(ProtocolStream s, Connection c, boolean whole) throws IOException {
        ReadDeadline deadline = new ReadDeadline(s, ctx.limits().streamNegotiationTimeout(), "identify");
        try {
            InputStream in = deadline.guard(s.in());
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] message;
            for (int i = 0; i < MAX_MESSAGES && (message = LengthPrefixed.readIfPresent(in, IdentifyInfo.MAX_MESSAGE_LENGTH)) != null; i++) {
                all.writeBytes(message);
            }
            IdentifyInfo info = IdentifyInfo.decode(all.toByteArray());
            if (info.publicKey().isPresent() && !c.remotePeer().matches(info.publicKey().get())) {
                throw new MalformedMessageException("identify: the public key does not belong to " + c.remotePeer());
            }
            return new Identified(info, record(c, info, whole));
        } catch (MalformedMessageException e) {
            LOG.log(Level.INFO, () -> "closing the connection to " + c.remotePeer() + ": " + e.getMessage());
            c.close();
            throw e;
        } finally {
            deadline.clear();
        }
    }

    /**
     * Puts what a peer said into the peerstore; a push leaves out what it does not mention.
     *
     * @return true if the peer sent a signed peer record that verified
     */
    private boolean record(Connection c, IdentifyInfo info, boolean whole) {
        Peerstore store = ctx.peerstore();
        PeerId peer = c.remotePeer();
        info.publicKey().ifPresent(k -> store.addPublicKey(peer, k));
        boolean signed = info.signedPeerRecord().map(bytes -> consumeRecord(peer, bytes)).orElse(false);
        if (whole || !info.listenAddrs().isEmpty()) {
            // A newer report replaces the older one: addresses it no longer lists fade out.
            store.replaceAddrs(peer, info.listenAddrs(), Peerstore.CONNECTED_TTL);
        }
        if (info.protocols() != null) {
            Set<String> before = new HashSet<>(store.protocols(peer));
            store.setProtocols(peer, info.protocols());
            Set<String> after = new HashSet<>(store.protocols(peer));
            Set<String> added = new HashSet<>(after);
            added.removeAll(before);
            before.removeAll(after);
            if (!added.isEmpty() || !before.isEmpty()) {
                publish.accept(new HostEvent.PeerProtocolsChanged(peer, added, before));
            }
        }
        info.agentVersion().ifPresent(v -> store.putMetadata(peer, Peerstore.AGENT_VERSION, v));
        info.protocolVersion().ifPresent(v -> store.putMetadata(peer, Peerstore.PROTOCOL_VERSION, v));
        info.observedAddr().ifPresent(a -> store.putMetadata(peer, Peerstore.OBSERVED_ADDR, a.toString()));
        return signed;
    }

    /**
     * Verifies a signed peer record (signature, payload type, and that the connection's peer signed
     * a record about itself) and gives its addresses precedence in the peerstore. A record that does
     * not verify is ignored, not fatal: the unsigned addresses still serve, as in go and js.
     */
    private boolean consumeRecord(PeerId peer, byte[] envelope) {
        try {
            byte[] digest = sha256(envelope);
            boolean known;
            verifiedLock.lock();
            try {
                known = MessageDigest.isEqual(verified.get(peer), digest);
            } finally {
                verifiedLock.unlock();
            }
            // bytes that passed every check of PeerRecord.open before pass them again: decode only
            PeerRecord record = known ? PeerRecord.decode(Envelope.unmarshal(envelope).payload()) : PeerRecord.open(envelope);
            if (!record.peerId().equals(peer)) {
                throw new MalformedMessageException("a peer record about " + record.peerId());
            }
            if (!known) {
                verifiedLock.lock();
                try {
                    verified.put(peer, digest);
                } finally {
                    verifiedLock.unlock();
                }
            }
            ctx.peerstore().addSignedAddrs(peer, record.seq(), record.addrs(), Peerstore.CONNECTED_TTL);
            return true;
        } catch (MalformedMessageException e) {
            LOG.log(Level.DEBUG, () -> "ignoring the signed peer record of " + peer + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * Identify push: tells every connected peer our current addresses and protocols, soon. Changes
     * come in bursts (a service registers its handlers one by one as it starts), so pushes go out in
     * rounds: a change asks for a round; a round starts {@value #PUSH_DELAY_MILLIS} ms later and sends
     * the state of that moment to every connection, at most {@value #MAX_PUSH_CONCURRENCY} at once
     * (go-libp2p's {@code maxPushConcurrency}); changes made meanwhile ask for one more round after it.
     * So a burst costs a peer one or two pushes, not one per change; and a peer has taken in one
     * round's push (it closed the stream) before the next round's starts, so that it does not take an
     * older state after a newer one.
     * go keeps at most one push queued behind the one running; js waits 1 s after a change
     * ({@code PUSH_DEBOUNCE_MS}); the delay here is shorter, so that peers learn of a change sooner.
     */
    private void pushToAll() {
        pushWanted.set(true);
        if (pushing.compareAndSet(false, true)) {
            ctx.execute("identify-push", this::pushRounds);
        }
    }

    private void pushRounds() {
        try {
            do {
                Thread.sleep(PUSH_DELAY_MILLIS);
                pushWanted.set(false);
                pushRound();
            } while (pushWanted.get());
        } catch (InterruptedException e) {
            return; // the host is closing: nothing more to tell
        } finally {
            pushing.set(false);
        }
        // A change asked for a round after the loop's last look, while this thread still held the
        // flag, so that its own pushToAll started none.
        if (pushWanted.get() && pushing.compareAndSet(false, true)) {
            ctx.execute("identify-push", this::pushRounds);
        }
    }

    /**
     * Pushes to every connection open now, at most {@value #MAX_PUSH_CONCURRENCY} at once, and returns
     * when all have ended: each push has written our state and seen the peer close the stream, which
     * go, js and this host do once they have taken the push in. A peer that has told us its protocols
     * and left out identify push gets none, as in go and js.
     */
    private void pushRound() throws InterruptedException {
        Semaphore slots = new Semaphore(MAX_PUSH_CONCURRENCY);
        for (Connection c : ctx.connections()) {
            Collection<String> known = ctx.peerstore().protocols(c.remotePeer());
            if (c.isClosed() || (!known.isEmpty() && !known.contains(Host.IDENTIFY_PUSH))) {
                continue;
            }
            slots.acquire();
            ctx.execute("identify-push", () -> {
                try (ProtocolStream s = c.newStream(Host.IDENTIFY_PUSH)) {
                    IdentifyWriter.write(s.out(), ours(c));
                    s.closeWrite();
                    awaitClose(s);
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, () -> "identify push to " + c.remotePeer() + " failed: " + e.getMessage());
                } finally {
                    slots.release();
                }
            });
        }
        // Each push ends within the negotiation timeout, the muxer's write timeout and the wait for
        // the peer's close. A push the host no longer starts (it is closing) releases no slot, but
        // then this thread is interrupted too; the bound is for what no timeout here covers.
        Duration bound = ctx.limits().streamNegotiationTimeout().plus(PUSH_TIMEOUT).plusSeconds(30);
        if (!slots.tryAcquire(MAX_PUSH_CONCURRENCY, bound.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.log(Level.DEBUG, () -> "identify push: a round's pushes did not all end within " + bound.toSeconds() + " s");
        }
    }

    /**
     * Waits until the peer closes a push stream, at most {@link #PUSH_TIMEOUT} (go-libp2p's bound on
     * a push), reading and dropping at most 1 KiB that a peer should not have sent.
     */
    private static void awaitClose(ProtocolStream s) throws IOException {
        ReadDeadline deadline = new ReadDeadline(s, PUSH_TIMEOUT, "identify push");
        try {
            InputStream in = deadline.guard(s.in());
            byte[] dropped = new byte[256];
            for (int total = 0; total < 1024; ) {
                int n = in.read(dropped);
                if (n < 0) {
                    return;
                }
                total += n;
            }
        } finally {
            deadline.clear();
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
