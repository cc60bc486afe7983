package org.jlibp2p.kad;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What this peer put and provides, to announce again before the records expire on the peers that
 * hold them (kad-dht/README.md: "originators ... republish" their records; go reprovides every 22 h
 * inside the 48 h provider TTL). At most {@code max} of each, the oldest dropped first.
 */
final class Republisher {
    private final int max;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, KadRecord> published = new LinkedHashMap<>();
    private final LinkedHashMap<String, byte[]> provided = new LinkedHashMap<>();

    Republisher(int max) {
        this.max = max;
    }

    void put(byte[] key, byte[] value) {
        remember(published, key, KadRecord.of(key.clone(), value.clone()));
    }

    void provide(byte[] key) {
        remember(provided, key, key.clone());
    }

    List<KadRecord> values() {
        lock.lock();
        try {
            return new ArrayList<>(published.values());
        } finally {
            lock.unlock();
        }
    }

    List<byte[]> keys() {
        lock.lock();
        try {
            return new ArrayList<>(provided.values());
        } finally {
            lock.unlock();
        }
    }

    private <V> void remember(LinkedHashMap<String, V> what, byte[] key, V value) {
        String k = HexFormat.of().formatHex(key);
        lock.lock();
        try {
            what.remove(k);
            what.put(k, value); // the newest last
            if (what.size() > max) {
                what.pollFirstEntry();
            }
        } finally {
            lock.unlock();
        }
    }
}
