package org.jlibp2p.kad;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.PeerId;

/**
 * The routing table (kad-dht/README.md, "Kademlia routing table"; the Kademlia paper, section 2.2):
 * for each common prefix length {@code i} between a peer's {@link KadKey} and ours, a k-bucket of at
 * most k peers, the least recently seen first.
 *
 * <p>A peer seen again moves to the tail of its bucket. A new peer for a full bucket waits in the
 * bucket's replacement cache (at most k, the newest kept) while the bucket's least recently seen
 * peer is checked ({@link #add} answers with it); if that peer fails to answer, {@link #remove}
 * drops it and the newest waiting peer takes its place ("replacement of unresponsive peers"). The
 * table holds at most 256 × k peers and as many waiting ones.
 *
 * <p>Only peers that serve the DHT protocol belong here (the spec: "only peers in server mode");
 * {@link KadDht} adds a peer when identify says so and removes it when it stops.
 */
public final class RoutingTable {
    /** What {@link #add} did. */
    public sealed interface Added {
        /** The peer is in the table now (it was added or moved to its bucket's tail). */
        record InTable() implements Added {}

        /**
         * The bucket is full: the peer waits in its replacement cache.
         *
         * @param leastRecentlySeen the bucket's oldest peer, to check; if it does not answer,
         *                          {@link #remove} it and a waiting peer takes its place
         */
        record BucketFull(PeerId leastRecentlySeen) implements Added {}
    }

    private static final Added IN_TABLE = new Added.InTable();

    private final KadKey self;
    private final int k;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Bucket> buckets = new ArrayList<>();

    private static final class Bucket {
        /** Peers by insertion order, the least recently seen first. */
        final LinkedHashMap<PeerId, KadKey> peers = new LinkedHashMap<>();
        /** Peers waiting for a place, the newest last. */
        final Deque<PeerId> replacements = new ArrayDeque<>();
        Instant lastLookup = Instant.EPOCH;
    }

    /**
     * An empty table.
     *
     * @param self our own peer
     * @param k    the bucket size (the spec's k, 20)
     */
    public RoutingTable(PeerId self, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
        this.self = KadKey.of(self);
        this.k = k;
        for (int i = 0; i < KadKey.BITS; i++) {
            buckets.add(new Bucket());
        }
    }

    /** {@return the bucket size} */
    public int k() {
        return k;
    }

    /**
     * Adds a peer, or moves it to the tail of its bucket if present.
     *
     * @param peer the peer
     * @return {@link Added.InTable}, or {@link Added.BucketFull} naming the peer to check
     */
    public Added add(PeerId peer) {
        KadKey key = KadKey.of(peer);
        int cpl = self.commonPrefixLength(key);
        if (cpl >= KadKey.BITS) {
            throw new IllegalArgumentException("the local peer does not enter its own table");
        }
        lock.lock();
        try {
            Bucket b = buckets.get(cpl);
            if (b.peers.remove(peer) != null || b.peers.size() < k) {
                b.peers.put(peer, key);
                b.replacements.remove(peer);
                return IN_TABLE;
            }
            b.replacements.remove(peer);
            if (b.replacements.size() >= k) {
                b.replacements.removeFirst();
            }
            b.replacements.addLast(peer);
            return new Added.BucketFull(b.peers.firstEntry().getKey());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes a peer (it failed to answer, or stopped serving the protocol); the newest peer waiting
     * for its bucket takes its place.
     *
     * @param peer the peer
     * @return the peer that took its place, if any
     */
    public Optional<PeerId> remove(PeerId peer) {
        int cpl = self.commonPrefixLength(KadKey.of(peer));
        if (cpl >= KadKey.BITS) {
            return Optional.empty();
        }
        lock.lock();
        try {
            Bucket b = buckets.get(cpl);
            b.replacements.remove(peer);
            if (b.peers.remove(peer) == null || b.replacements.isEmpty()) {
                return Optional.empty();
            }
            PeerId next = b.replacements.removeLast();
            b.peers.put(next, KadKey.of(next));
            return Optional.of(next);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return true if the peer is in the table}
     *
     * @param peer the peer
     */
    public boolean contains(PeerId peer) {
        int cpl = self.commonPrefixLength(KadKey.of(peer));
        lock.lock();
        try {
            return cpl < KadKey.BITS && buckets.get(cpl).peers.containsKey(peer);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return the peers closest to a point, closest first}
     *
     * @param target the point
     * @param count  how many at most
     */
    public List<PeerId> closest(KadKey target, int count) {
        record Entry(PeerId peer, KadKey key) {}
        List<Entry> all = new ArrayList<>();
        lock.lock();
        try {
            for (Bucket b : buckets) {
                b.peers.forEach((p, key) -> all.add(new Entry(p, key)));
            }
        } finally {
            lock.unlock();
        }
        Comparator<KadKey> d = target.byDistance();
        return all.stream().sorted((x, y) -> d.compare(x.key, y.key)).limit(count).map(Entry::peer).toList();
    }

    /** {@return every peer in the table} */
    public List<PeerId> peers() {
        lock.lock();
        try {
            List<PeerId> out = new ArrayList<>();
            buckets.forEach(b -> out.addAll(b.peers.keySet()));
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the number of peers in the table} */
    public int size() {
        lock.lock();
        try {
            return buckets.stream().mapToInt(b -> b.peers.size()).sum();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return the peers of one bucket, the least recently seen first}
     *
     * @param commonPrefixLength the bucket's index
     */
    public List<PeerId> bucket(int commonPrefixLength) {
        lock.lock();
        try {
            return List.copyOf(buckets.get(commonPrefixLength).peers.keySet());
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return the number of peers waiting for a place in one bucket}
     *
     * @param commonPrefixLength the bucket's index
     */
    public int waiting(int commonPrefixLength) {
        lock.lock();
        try {
            return buckets.get(commonPrefixLength).replacements.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records that a lookup went through a bucket's range, so that it need not be refreshed yet.
     *
     * @param target the lookup's point
     * @param now    the time
     */
    void lookedUp(KadKey target, Instant now) {
        int cpl = Math.min(self.commonPrefixLength(target), KadKey.BITS - 1);
        lock.lock();
        try {
            buckets.get(cpl).lastLookup = now;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return the buckets due for a refresh}: those up to the deepest non-empty bucket (at most
     * {@code maxCpl}) that no lookup went through since {@code since}. go-libp2p-kad-dht refreshes
     * the same way, up to common prefix length 15.
     *
     * @param since  the oldest lookup that still counts
     * @param maxCpl the deepest bucket refreshed
     */
    List<Integer> due(Instant since, int maxCpl) {
        lock.lock();
        try {
            int deepest = -1;
            for (int i = 0; i < KadKey.BITS; i++) {
                if (!buckets.get(i).peers.isEmpty()) {
                    deepest = i;
                }
            }
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i <= Math.min(deepest, maxCpl); i++) {
                if (buckets.get(i).lastLookup.isBefore(since)) {
                    out.add(i);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** {@return our own point} */
    KadKey self() {
        return self;
    }

    /** {@return a map of bucket index to size, non-empty buckets only} */
    public Map<Integer, Integer> bucketSizes() {
        lock.lock();
        try {
            Map<Integer, Integer> out = new LinkedHashMap<>();
            for (int i = 0; i < KadKey.BITS; i++) {
                if (!buckets.get(i).peers.isEmpty()) {
                    out.put(i, buckets.get(i).peers.size());
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return a random peer id (a sha2-256 multihash) that falls in bucket {@code cpl}}: the target
     * of a lookup that refreshes that bucket (go-libp2p-kad-dht refreshes with such ids too).
     * Found by trying random ids: 2^(cpl+1) SHA-256 hashes on average, about 65,536 for bucket 15.
     *
     * @param cpl    the bucket
     * @param random the source of the random digests
     */
    byte[] randomPeerIdInBucket(int cpl, java.util.random.RandomGenerator random) {
        byte[] digest = new byte[32];
        while (true) {
            random.nextBytes(digest);
            byte[] id = org.jlibp2p.core.codec.Multihash.of(org.jlibp2p.core.codec.Multihash.SHA2_256, digest).bytes();
            if (self.commonPrefixLength(KadKey.of(id)) == cpl) {
                return id;
            }
        }
    }
}
