package org.jlibp2p.noise;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Remote (identity key, Noise static key, signature) triples whose signature has been verified: a
 * peer that reconnects with the same static key (rust-libp2p and jlibp2p keep one for a while) is not
 * verified again. An entry holds a SHA-256 digest of the three, so only the very same signature over
 * the very same keys matches; bounded, least recently used out first.
 */
final class VerifiedIdentities {
    /** Entries kept: 1024 digests of 32 bytes. */
    static final int CAPACITY = 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<ByteBuffer, Boolean> verified = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    static ByteBuffer digest(byte[] identityKey, byte[] staticKey, byte[] signature) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] part : new byte[][] {identityKey, staticKey, signature}) {
                sha.update(ByteBuffer.allocate(4).putInt(part.length).array()); // lengths first: no two triples digest alike
                sha.update(part);
            }
            return ByteBuffer.wrap(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private long hits;

    boolean contains(ByteBuffer digest) {
        lock.lock();
        try {
            boolean found = verified.get(digest) != null;
            hits += found ? 1 : 0;
            return found;
        } finally {
            lock.unlock();
        }
    }

    /** {@return how many verifications the cache saved} */
    long hits() {
        lock.lock();
        try {
            return hits;
        } finally {
            lock.unlock();
        }
    }

    void add(ByteBuffer digest) {
        lock.lock();
        try {
            verified.put(digest, Boolean.TRUE);
        } finally {
            lock.unlock();
        }
    }
}
