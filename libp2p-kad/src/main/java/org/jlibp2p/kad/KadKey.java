package org.jlibp2p.kad;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import org.jlibp2p.core.PeerId;

/**
 * A point in the DHT's keyspace (kad-dht/README.md, "Distance"): the SHA-256 of a key's bytes, so
 * that peer ids and record keys spread evenly over 256 bits. The distance between two points is
 * their XOR, read as an unsigned 256-bit integer ("the XOR of the SHA-256 of the two keys").
 *
 * <p>A peer's point is the SHA-256 of its peer id's bytes (its multihash); a record's is the SHA-256
 * of its key; a provider record's is the SHA-256 of the content's multihash.
 */
public final class KadKey {
    /** Bits in the keyspace. */
    public static final int BITS = 256;

    private final byte[] bytes;
    private final int hash;

    private KadKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * The point of a key.
     *
     * @param key the key's bytes
     * @return SHA-256 of them
     */
    public static KadKey of(byte[] key) {
        try {
            return new KadKey(MessageDigest.getInstance("SHA-256").digest(key));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * The point of a peer.
     *
     * @param peer the peer
     * @return SHA-256 of its id's bytes
     */
    public static KadKey of(PeerId peer) {
        return of(peer.bytes());
    }

    /**
     * A point given directly (for refreshing a bucket: a random point at a chosen distance).
     *
     * @param digest 32 bytes
     * @return the point
     */
    static KadKey ofDigest(byte[] digest) {
        if (digest.length != BITS / 8) {
            throw new IllegalArgumentException("a key is 32 bytes, not " + digest.length);
        }
        return new KadKey(digest.clone());
    }

    /**
     * {@return the XOR distance to another point, as an unsigned integer}
     *
     * @param other the other point
     */
    public BigInteger distance(KadKey other) {
        return new BigInteger(1, xor(other));
    }

    byte[] xor(KadKey other) {
        byte[] d = new byte[bytes.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (bytes[i] ^ other.bytes[i]);
        }
        return d;
    }

    /**
     * {@return the number of leading bits this point shares with another: 256 for the same point}.
     * A peer at common prefix length {@code i} with the local peer belongs in bucket {@code i}.
     *
     * @param other the other point
     */
    public int commonPrefixLength(KadKey other) {
        for (int i = 0; i < bytes.length; i++) {
            int x = (bytes[i] ^ other.bytes[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return BITS;
    }

    /**
     * Compares the distances of two points to this one, without building integers.
     *
     * @param a a point
     * @param b another point
     * @return negative if {@code a} is closer, positive if {@code b} is, 0 if they are the same point
     */
    public int compareDistance(KadKey a, KadKey b) {
        for (int i = 0; i < bytes.length; i++) {
            int da = (a.bytes[i] ^ bytes[i]) & 0xff;
            int db = (b.bytes[i] ^ bytes[i]) & 0xff;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    /** {@return orders points by their distance to this one, closest first} */
    public Comparator<KadKey> byDistance() {
        return this::compareDistance;
    }

    /**
     * {@return a copy of this point with bit {@code i} flipped and the bits after it random}: a point
     * whose common prefix with this one is exactly {@code i} bits, used to refresh bucket {@code i}.
     *
     * @param i      the bit (0 is the most significant)
     * @param random the source of the random bits
     */
    KadKey randomAtPrefix(int i, java.util.random.RandomGenerator random) {
        byte[] b = new byte[bytes.length];
        random.nextBytes(b);
        for (int bit = 0; bit < i; bit++) { // keep the first i bits
            int mask = 0x80 >>> (bit % 8);
            b[bit / 8] = (byte) ((b[bit / 8] & ~mask) | (bytes[bit / 8] & mask));
        }
        if (i < BITS) { // flip bit i
            int mask = 0x80 >>> (i % 8);
            b[i / 8] = (byte) ((b[i / 8] & ~mask) | (~bytes[i / 8] & mask));
        }
        return new KadKey(b);
    }

    /** {@return the 32 bytes} */
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes, 0, 6) + "...";
    }
}
