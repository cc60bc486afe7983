package org.jlibp2p.core.host;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.PublicKey;

/**
 * The default {@link Peerstore}: in memory, bounded, never refusing a peer. Past its capacity it
 * evicts the least recently used peer that has no open connection (a remote that connects with fresh
 * identities over and over cannot fill it for good). One lock guards it; every operation is short.
 */
public final class BoundedPeerstore implements Peerstore {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.host");
    private static final int MAX_METADATA = 16;
    private static final int MAX_METADATA_LENGTH = 1024;
    private static final long NEVER = Long.MAX_VALUE;

    /** One address: when it expires, whether a signed record vouches for it, when it was last confirmed. */
    private static final class Addr {
        long expires;
        boolean connectedTtl;
        boolean signed;
        long confirmed;
    }

    private static final class Entry {
        final LinkedHashMap<Multiaddr, Addr> addrs = new LinkedHashMap<>();
        /** Whether a signed peer record is known, and its seq (unsigned, as RFC 0003's uint64). */
        boolean signed;
        long signedSeq;
        PublicKey publicKey;
        List<String> protocols = List.of();
        final Map<String, String> metadata = new HashMap<>();
        int connections;
    }

    private final int maxPeers;
    private final LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    /** In access order: the first entries are the least recently used. */
    private final LinkedHashMap<PeerId, Entry> peers = new LinkedHashMap<>(16, 0.75f, true);
    private long evictions;

    /** A peerstore of {@link #MAX_PEERS} peers. */
    public BoundedPeerstore() {
        this(MAX_PEERS);
    }

    /**
     * A peerstore of a given capacity.
     *
     * @param maxPeers peers kept before the least recently used unconnected one is evicted
     */
    public BoundedPeerstore(int maxPeers) {
        this(maxPeers, System::nanoTime);
    }

    /**
     * A peerstore with its own clock, for tests of expiry.
     *
     * @param maxPeers  peers kept before eviction
     * @param nanoClock a monotonic clock in nanoseconds, like {@link System#nanoTime()}
     */
    public BoundedPeerstore(int maxPeers, LongSupplier nanoClock) {
        if (maxPeers < 1) {
            throw new IllegalArgumentException("maxPeers must be positive");
        }
        this.maxPeers = maxPeers;
        this.nanoClock = nanoClock;
    }

    /** {@return how many peers were evicted to make room since the peerstore was made} */
    public long evictions() {
        lock.lock();
        try {
            return evictions;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void addAddrs(PeerId peer, Collection<Multiaddr> addrs, Duration ttl) {
        lock.lock();
        try {
            Entry e = entry(peer);
            if (e.signed) {
                return; // "if we have a signed PeerRecord, ignore attempts to add unsigned addrs" (go's address book)
            }
            long now = nanoClock.getAsLong();
            for (Multiaddr a : addrs) {
                put(e, a, ttl, false, now);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void replaceAddrs(PeerId peer, Collection<Multiaddr> addrs, Duration ttl) {
        lock.lock();
        try {
            Entry e = entry(peer);
            if (e.signed) {
                return;
            }
            long now = nanoClock.getAsLong();
            fadeOthers(e, addrs, now);
            for (Multiaddr a : addrs) {
                Addr existing = e.addrs.get(a.withoutPeerId());
                if (existing != null) {
                    existing.expires = expiry(ttl, now); // a replacement sets the TTL, it does not only extend it
                    existing.connectedTtl = ttl.equals(CONNECTED_TTL);
                }
                put(e, a, ttl, false, now);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean addSignedAddrs(PeerId peer, long seq, Collection<Multiaddr> addrs, Duration ttl) {
        lock.lock();
        try {
            Entry e = entry(peer);
            if (e.signed && Long.compareUnsigned(seq, e.signedSeq) < 0) {
                return false;
            }
            long now = nanoClock.getAsLong();
            if (e.signed && seq == e.signedSeq) {
                // the same record again (identify after peer exchange, a reconnect): its addresses
                // live on, each as long as the longer of the two TTLs, as go's ConsumePeerRecord does
                for (Multiaddr a : addrs) {
                    put(e, a, ttl, true, now);
                }
                return true;
            }
            e.signed = true;
            e.signedSeq = seq;
            e.addrs.clear(); // a newer signed record replaces every address we had
            for (Multiaddr a : addrs) {
                put(e, a, ttl, true, now);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Lowers the addresses not in {@code keep} to {@link #TEMPORARY_TTL}, if they would live longer. */
    private static void fadeOthers(Entry e, Collection<Multiaddr> keep, long now) {
        List<Multiaddr> kept = keep.stream().map(Multiaddr::withoutPeerId).toList();
        long temporary = expiry(TEMPORARY_TTL, now);
        for (Map.Entry<Multiaddr, Addr> a : e.addrs.entrySet()) {
            if (!kept.contains(a.getKey()) && a.getValue().expires > temporary) {
                a.getValue().expires = temporary;
                a.getValue().connectedTtl = false;
            }
        }
    }

    private static void put(Entry e, Multiaddr address, Duration ttl, boolean signed, long now) {
        Multiaddr a = address.withoutPeerId();
        long expires = expiry(ttl, now);
        Addr existing = e.addrs.get(a);
        if (existing == null) {
            removeExpired(e, now);
            if (e.addrs.size() >= MAX_ADDRS) {
                return;
            }
            existing = new Addr();
            e.addrs.put(a, existing);
        }
        if (expires >= existing.expires) {
            existing.expires = expires;
            existing.connectedTtl = ttl.equals(CONNECTED_TTL);
        }
        existing.signed |= signed;
        existing.confirmed = now;
    }

    private static long expiry(Duration ttl, long now) {
        if (ttl.compareTo(Duration.ofDays(365 * 100L)) > 0) {
            return NEVER;
        }
        long t = now + ttl.toNanos();
        return t < now ? NEVER : t;
    }

    private static void removeExpired(Entry e, long now) {
        e.addrs.values().removeIf(a -> a.expires != NEVER && a.expires - now <= 0);
    }

    @Override
    public List<Multiaddr> addrs(PeerId peer) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            if (e == null) {
                return List.of();
            }
            removeExpired(e, nanoClock.getAsLong());
            List<Map.Entry<Multiaddr, Addr>> live = new ArrayList<>(e.addrs.entrySet());
            live.sort(Comparator.<Map.Entry<Multiaddr, Addr>, Boolean>comparing(a -> !a.getValue().signed)
                    .thenComparing(a -> -a.getValue().confirmed));
            return live.stream().map(Map.Entry::getKey).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void addPublicKey(PeerId peer, PublicKey key) {
        if (!peer.matches(key)) {
            throw new IllegalArgumentException("the key does not belong to " + peer);
        }
        lock.lock();
        try {
            entry(peer).publicKey = key;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<PublicKey> publicKey(PeerId peer) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            return Optional.ofNullable(e == null ? null : e.publicKey);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void setProtocols(PeerId peer, Collection<String> protocols) {
        List<String> kept = protocols.stream().distinct().limit(MAX_PROTOCOLS).toList();
        lock.lock();
        try {
            entry(peer).protocols = kept;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> protocols(PeerId peer) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            return e == null ? List.of() : e.protocols;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<PeerId> peersSupporting(String protocol) {
        lock.lock();
        try {
            List<PeerId> out = new ArrayList<>();
            // iterate without touching the access order
            for (Map.Entry<PeerId, Entry> e : peers.entrySet()) {
                if (e.getValue().protocols.contains(protocol)) {
                    out.add(e.getKey());
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void putMetadata(PeerId peer, String key, String value) {
        String kept = value.length() > MAX_METADATA_LENGTH ? value.substring(0, MAX_METADATA_LENGTH) : value;
        lock.lock();
        try {
            Entry e = entry(peer);
            if (e.metadata.size() < MAX_METADATA || e.metadata.containsKey(key)) {
                e.metadata.put(key, kept);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<String> metadata(PeerId peer, String key) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            return Optional.ofNullable(e == null ? null : e.metadata.get(key));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void connectionChanged(PeerId peer, boolean connected) {
        lock.lock();
        try {
            Entry e = entry(peer);
            e.connections = Math.max(0, e.connections + (connected ? 1 : -1));
            if (e.connections == 0) {
                long now = nanoClock.getAsLong();
                long recently = expiry(RECENTLY_CONNECTED_TTL, now);
                for (Addr a : e.addrs.values()) {
                    if (a.connectedTtl) {
                        a.connectedTtl = false;
                        a.expires = recently;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<PeerInfo> get(PeerId peer) {
        lock.lock();
        try {
            Entry e = peers.get(peer);
            if (e == null) {
                return Optional.empty();
            }
            Optional<Multiaddr> observed = Optional.ofNullable(e.metadata.get(OBSERVED_ADDR)).flatMap(BoundedPeerstore::parse);
            return Optional.of(new PeerInfo(peer, addrs(peer), Optional.ofNullable(e.publicKey), e.protocols,
                    Optional.ofNullable(e.metadata.get(AGENT_VERSION)), Optional.ofNullable(e.metadata.get(PROTOCOL_VERSION)), observed));
        } finally {
            lock.unlock();
        }
    }

    private static Optional<Multiaddr> parse(String text) {
        try {
            return Optional.of(Multiaddr.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<PeerId> peers() {
        lock.lock();
        try {
            return new ArrayList<>(peers.keySet());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void remove(PeerId peer) {
        lock.lock();
        try {
            peers.remove(peer);
        } finally {
            lock.unlock();
        }
    }

    /** The peer's entry, made if new; makes room first by evicting the least recently used unconnected peer. */
    private Entry entry(PeerId peer) {
        Entry e = peers.get(peer);
        if (e != null) {
            return e;
        }
        if (peers.size() >= maxPeers) {
            evictOne();
        }
        e = new Entry();
        peers.put(peer, e);
        return e;
    }

    private void evictOne() {
        for (Iterator<Map.Entry<PeerId, Entry>> it = peers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<PeerId, Entry> oldest = it.next();
            if (oldest.getValue().connections == 0) {
                it.remove();
                evictions++;
                if (Long.bitCount(evictions) == 1) {
                    long n = evictions;
                    LOG.log(Level.DEBUG, () -> "peerstore full at " + maxPeers + " peers: evicted the least recently used, "
                            + n + " evictions so far");
                }
                return;
            }
        }
        // Every peer is connected: keep them all. Connection limits bound how far past maxPeers this goes.
    }
}
