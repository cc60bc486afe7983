package org.jlibp2p.core.codec;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.jlibp2p.core.MalformedMessageException;

/**
 * A self-describing hash, per <a href="https://github.com/multiformats/multihash">multiformats/multihash</a>:
 * {@code uvarint(hash function code) || uvarint(digest length) || digest}.
 *
 * <p>libp2p uses two functions: {@code identity} (0x00, the "digest" is the data itself; peer ids of
 * small keys such as Ed25519) and {@code sha2-256} (0x12, peer ids of RSA keys, certificate hashes).
 * Other codes are carried through unchanged but cannot be computed here.
 *
 * <p>Immutable; equality is on the encoded bytes.
 */
public final class Multihash {
    /** The identity function: the digest is the input. */
    public static final int IDENTITY = 0x00;
    /** SHA-256. */
    public static final int SHA2_256 = 0x12;
    /** Digest length of SHA-256. */
    public static final int SHA2_256_LENGTH = 32;
    /**
     * The longest digest accepted when decoding. Peer ids inline keys of at most 42 bytes
     * (peer-ids/peer-ids.md) and real hash functions stay far below this; the bound keeps a hostile
     * length from allocating.
     */
    public static final int MAX_DIGEST_LENGTH = 1024;

    private final int code;
    private final byte[] digest;

    private Multihash(int code, byte[] digest) {
        this.code = code;
        this.digest = digest;
    }

    /**
     * Wraps an existing digest.
     *
     * @param code   the hash function code
     * @param digest the digest (copied)
     * @return the multihash
     */
    public static Multihash of(int code, byte[] digest) {
        if (code < 0) {
            throw new IllegalArgumentException("negative multihash code");
        }
        if (code == SHA2_256 && digest.length != SHA2_256_LENGTH) {
            throw new IllegalArgumentException("a sha2-256 digest is 32 bytes, not " + digest.length);
        }
        if (digest.length > MAX_DIGEST_LENGTH) {
            throw new IllegalArgumentException("digest of " + digest.length + " bytes is over " + MAX_DIGEST_LENGTH);
        }
        return new Multihash(code, digest.clone());
    }

    /**
     * The identity multihash of {@code data}: no hashing, the data is inlined.
     *
     * @param data the data
     * @return the multihash
     */
    public static Multihash identity(byte[] data) {
        return of(IDENTITY, data);
    }

    /**
     * The sha2-256 multihash of {@code data}.
     *
     * @param data the data to hash
     * @return the multihash
     */
    public static Multihash sha256(byte[] data) {
        try {
            return new Multihash(SHA2_256, MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Decodes a multihash that fills {@code bytes} exactly.
     *
     * @param bytes the encoded multihash
     * @return the multihash
     * @throws MalformedMessageException if the varints are malformed, the length is wrong, or bytes trail
     */
    public static Multihash decode(byte[] bytes) throws MalformedMessageException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Multihash mh = read(in);
        if (in.hasRemaining()) {
            throw new MalformedMessageException("multihash followed by " + in.remaining() + " trailing bytes");
        }
        return mh;
    }

    /**
     * Reads one multihash from a buffer, advancing its position.
     *
     * @param in the buffer
     * @return the multihash
     * @throws MalformedMessageException if the varints are malformed or the digest is truncated or too long
     */
    public static Multihash read(ByteBuffer in) throws MalformedMessageException {
        long code = Varint.read(in);
        long length = Varint.read(in);
        if (code > Integer.MAX_VALUE) {
            throw new MalformedMessageException("multihash code " + code + " is out of range");
        }
        if (length > MAX_DIGEST_LENGTH) {
            throw new MalformedMessageException("multihash digest length " + length + " is over " + MAX_DIGEST_LENGTH);
        }
        if (length > in.remaining()) {
            throw new MalformedMessageException("multihash digest truncated: " + length + " bytes announced, " + in.remaining() + " present");
        }
        if (code == SHA2_256 && length != SHA2_256_LENGTH) {
            throw new MalformedMessageException("sha2-256 multihash with a digest of " + length + " bytes");
        }
        byte[] digest = new byte[(int) length];
        in.get(digest);
        return new Multihash((int) code, digest);
    }

    /** {@return the hash function code} */
    public int code() {
        return code;
    }

    /** {@return a copy of the digest} */
    public byte[] digest() {
        return digest.clone();
    }

    /** {@return the encoded form: code, length, digest} */
    public byte[] bytes() {
        byte[] out = new byte[Varint.encodedLength(code) + Varint.encodedLength(digest.length) + digest.length];
        int n = Varint.write(code, out, 0);
        n += Varint.write(digest.length, out, n);
        System.arraycopy(digest, 0, out, n, digest.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multihash other && code == other.code && Arrays.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return Multibase.BASE58BTC.encodeRaw(bytes());
    }
}
