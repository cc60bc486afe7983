package org.jlibp2p.kad;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;

/**
 * The provider records this peer stores (kad-dht/README.md, "Content provider advertisement and
 * discovery"): for each key, the peers that said they provide it and their addresses, each for a
 * time to live from its last ADD_PROVIDER (go-libp2p-kad-dht's {@code ProvideValidity}, 48 hours).
 *
 * <p>Bounded: at most {@code maxKeys} keys, {@code maxPerKey} providers of one key (a new provider of
 * a full key replaces the one announced longest ago, so a flood of announcements cannot push out
 * for long the providers that keep announcing), and {@code maxEntries} in all.
 */
final class ProviderStore {
    /** What {@link #add} did. */
    enum Outcome { ADDED, REPLACED_OLDEST, FULL }

    private record Entry(List<Multiaddr> addrs, Instant received) {}

    private final int maxKeys;
    private final int maxPerKey;
    private final int maxEntries;
    private final Duration ttl;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<ByteBuffer, LinkedHashMap<PeerId, Entry>> providers = new HashMap<>();
    private int entries;

    ProviderStore(int maxKeys, int maxPerKey, int maxEntries, Duration ttl) {
        this.maxKeys = maxKeys;
        this.maxPerKey = maxPerKey;
        this.maxEntries = maxEntries;
        this.ttl = ttl;
    }

    Outcome add(byte[] key, KadPeer provider, Instant now) {
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        lock.lock();
        try {
            LinkedHashMap<PeerId, Entry> of = providers.get(k);
            if (of == null) {
                if (providers.size() >= maxKeys || entries >= maxEntries) {
                    return Outcome.FULL;
                }
                of = new LinkedHashMap<>();
                providers.put(k, of);
            }
            Entry old = of.remove(provider.id());
            Outcome outcome = Outcome.ADDED;
            if (old == null) {
                if (of.size() >= maxPerKey) {
                    of.pollFirstEntry();
                    entries--;
                    outcome = Outcome.REPLACED_OLDEST;
                } else if (entries >= maxEntries) {
                    if (of.isEmpty()) {
                        providers.remove(k);
                    }
                    return Outcome.FULL;
                }
                entries++;
            }
            of.put(provider.id(), new Entry(provider.addrs(), now)); // at the tail: announced last
            return outcome;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the providers of a key, the most recently announced first, at most {@code max}} */
    List<KadPeer> get(byte[] key, int max, Instant now) {
        lock.lock();
        try {
            LinkedHashMap<PeerId, Entry> of = providers.get(ByteBuffer.wrap(key));
            List<KadPeer> out = new ArrayList<>();
            if (of != null) {
                for (Map.Entry<PeerId, Entry> e : of.reversed().entrySet()) {
                    if (out.size() >= max) {
                        break;
                    }
                    if (!e.getValue().received.plus(ttl).isBefore(now)) {
                        out.add(KadPeer.of(e.getKey(), e.getValue().addrs));
                    }
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    void expire(Instant now) {
        lock.lock();
        try {
            providers.values().removeIf(of -> {
                int before = of.size();
                of.values().removeIf(e -> e.received.plus(ttl).isBefore(now));
                entries -= before - of.size();
                return of.isEmpty();
            });
        } finally {
            lock.unlock();
        }
    }

    int keys() {
        lock.lock();
        try {
            return providers.size();
        } finally {
            lock.unlock();
        }
    }

    int entries() {
        lock.lock();
        try {
            return entries;
        } finally {
            lock.unlock();
        }
    }
}
