package org.jlibp2p.pubsub;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seen cache of pubsub/README.md ("Message Identification") and gossipsub-v1.0.md ("Message
 * Processing"): ids of messages seen recently, each kept for a time to live (go's
 * {@code TimeCacheDuration}, 2 minutes), so that a message comes in and goes out once. Bounded: past
 * {@code capacity} ids the oldest is forgotten early. Not thread-safe: the router calls it under its lock.
 */
final class SeenCache {
    private final long ttlNanos;
    private final int capacity;
    private final LinkedHashMap<MessageId, Long> seen = new LinkedHashMap<>();
    private long evicted;

    SeenCache(java.time.Duration ttl, int capacity) {
        this.ttlNanos = ttl.toNanos();
        this.capacity = capacity;
    }

    /** {@return true if the id was new, and is now seen} */
    boolean add(MessageId id, long now) {
        if (seen.containsKey(id)) {
            return false;
        }
        if (seen.size() >= capacity) {
            Iterator<MessageId> it = seen.keySet().iterator();
            it.next();
            it.remove();
            evicted++;
        }
        seen.put(id, now + ttlNanos);
        return true;
    }

    boolean contains(MessageId id) {
        return seen.containsKey(id);
    }

    /** Forgets the ids whose time has come (insertion order is expiry order). */
    void expire(long now) {
        Iterator<Map.Entry<MessageId, Long>> it = seen.entrySet().iterator();
        while (it.hasNext() && it.next().getValue() - now <= 0) {
            it.remove();
        }
    }

    int size() {
        return seen.size();
    }

    long evicted() {
        return evicted;
    }
}
