package org.jlibp2p.kad;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The value records this peer stores for others (kad-dht/README.md, "Value storage and
 * retrieval"), each kept for a time to live from when it arrived (go-libp2p-kad-dht's
 * {@code MaxRecordAge}, 36 hours), and bounded in count and in bytes: a record that would pass
 * either bound is refused, as is an older value than the one kept.
 */
final class RecordStore {
    /** A record as kept. */
    record Stored(KadRecord record, Instant received) {}

    /** What {@link #put} did. */
    enum Outcome { STORED, KEPT_BETTER, FULL }

    private final int maxRecords;
    private final long maxBytes;
    private final Duration ttl;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<ByteBuffer, Stored> records = new HashMap<>();
    private long bytes;

    RecordStore(int maxRecords, long maxBytes, Duration ttl) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.ttl = ttl;
    }

    /**
     * Stores a valid record, unless the one kept is better or a bound would be passed.
     *
     * @param record     the record, already validated
     * @param validators to select between it and the one kept
     * @param now        the time it arrived
     */
    Outcome put(KadRecord record, Validators validators, Instant now) throws InvalidRecordException {
        ByteBuffer k = ByteBuffer.wrap(record.key().clone());
        lock.lock();
        try {
            Stored old = records.get(k);
            if (old != null && !old.received.plus(ttl).isBefore(now)
                    && validators.select(record.key(), List.of(old.record.value(), record.value())) == 0
                    && !Arrays.equals(old.record.value(), record.value())) {
                return Outcome.KEPT_BETTER;
            }
            KadRecord kept = new KadRecord(record.key(), record.value(), now.toString());
            long freed = old == null ? 0 : old.record.size();
            if ((old == null && records.size() >= maxRecords) || bytes - freed + kept.size() > maxBytes) {
                return Outcome.FULL;
            }
            records.put(k, new Stored(kept, now));
            bytes += kept.size() - freed;
            return Outcome.STORED;
        } finally {
            lock.unlock();
        }
    }

    Optional<Stored> get(byte[] key, Instant now) {
        lock.lock();
        try {
            Stored s = records.get(ByteBuffer.wrap(key));
            return s == null || s.received.plus(ttl).isBefore(now) ? Optional.empty() : Optional.of(s);
        } finally {
            lock.unlock();
        }
    }

    /** Drops the records past their time to live. */
    void expire(Instant now) {
        lock.lock();
        try {
            records.values().removeIf(s -> {
                boolean gone = s.received.plus(ttl).isBefore(now);
                if (gone) {
                    bytes -= s.record.size();
                }
                return gone;
            });
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return records.size();
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
