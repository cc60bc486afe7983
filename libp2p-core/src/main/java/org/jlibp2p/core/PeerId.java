package org.jlibp2p.core;

import java.util.Arrays;
import java.util.Optional;
import org.jlibp2p.core.codec.Cid;
import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.core.codec.Multihash;
import org.jlibp2p.core.crypto.PublicKey;

/**
 * A peer id: the multihash of a node's marshalled public key (peer-ids/peer-ids.md, "Peer Ids").
 *
 * <ul>
 *   <li>A key that marshals to at most 42 bytes is inlined with the identity multihash, so the id
 *       carries the key itself: Ed25519 ids start {@code 12D3KooW}, secp256k1 ids {@code 16Uiu2}.</li>
 *   <li>A longer key (RSA, ECDSA) is hashed with SHA-256: those ids start {@code Qm}.</li>
 * </ul>
 *
 * Text is base58btc for output, as the spec says implementations SHOULD; parsing accepts base58btc and
 * the CIDv1 form ({@code bafz...}, codec libp2p-key). Immutable; equal and ordered by the multihash bytes.
 */
public final class PeerId implements Comparable<PeerId> {
    /** "If the length of the serialized bytes is less than or equal to 42, compute the identity multihash". */
    public static final int MAX_INLINE_KEY_LENGTH = 42;

    private final byte[] multihash;
    /** The base58btc text, made on first use: logs, events and maps ask for it often. */
    private volatile String base58;

    private PeerId(byte[] multihash) {
        this.multihash = multihash;
    }

    /**
     * The peer id of a public key.
     *
     * @param key the key
     * @return its peer id
     */
    public static PeerId fromPublicKey(PublicKey key) {
        byte[] marshalled = key.marshal();
        Multihash mh = marshalled.length <= MAX_INLINE_KEY_LENGTH ? Multihash.identity(marshalled) : Multihash.sha256(marshalled);
        return new PeerId(mh.bytes());
    }

    /**
     * A peer id from its binary form (a multihash, as in {@code /p2p/} multiaddr components).
     *
     * @param bytes the multihash
     * @return the peer id
     * @throws MalformedMessageException if it is not an identity or sha2-256 multihash, or an identity
     *                                   multihash that is too long to be an inlined key
     */
    public static PeerId fromBytes(byte[] bytes) throws MalformedMessageException {
        Multihash mh = Multihash.decode(bytes);
        if (mh.code() == Multihash.IDENTITY) {
            if (mh.digest().length > MAX_INLINE_KEY_LENGTH) {
                throw new MalformedMessageException("identity peer id longer than " + MAX_INLINE_KEY_LENGTH + " bytes");
            }
        } else if (mh.code() != Multihash.SHA2_256) {
            throw new MalformedMessageException("peer id multihash code 0x" + Integer.toHexString(mh.code()) + " is neither identity nor sha2-256");
        }
        return new PeerId(bytes.clone());
    }

    /**
     * Parses either text form, per peer-ids/peer-ids.md "Decoding": base58btc when it starts with
     * {@code 1} or {@code Qm}, otherwise a multibase CIDv1 with the libp2p-key codec.
     *
     * @param text the peer id text
     * @return the peer id
     * @throws IllegalArgumentException naming what is wrong
     */
    public static PeerId parse(String text) {
        byte[] bytes;
        if (text.startsWith("1") || text.startsWith("Qm")) {
            bytes = Multibase.BASE58BTC.decodeRaw(text);
        } else {
            Cid cid;
            try {
                cid = Cid.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid peer id '" + text + "': " + e.getMessage(), e);
            }
            if (cid.codec() != Cid.LIBP2P_KEY) {
                throw new IllegalArgumentException("invalid peer id '" + text + "': CID codec 0x" + Long.toHexString(cid.codec()) + " is not libp2p-key (0x72)");
            }
            bytes = cid.multihash().bytes();
        }
        try {
            return fromBytes(bytes);
        } catch (MalformedMessageException e) {
            throw new IllegalArgumentException("invalid peer id '" + text + "': " + e.getMessage(), e);
        }
    }

    /** {@return the binary form: the multihash} */
    public byte[] bytes() {
        return multihash.clone();
    }

    /** {@return the canonical text form, base58btc} */
    public String toBase58() {
        String text = base58;
        if (text == null) {
            text = Multibase.BASE58BTC.encodeRaw(multihash);
            base58 = text;
        }
        return text;
    }

    /** {@return the CIDv1 form (codec libp2p-key); its {@code toString()} is base32, {@code bafz...}} */
    public Cid toCid() {
        try {
            return new Cid(Cid.LIBP2P_KEY, Multihash.decode(multihash));
        } catch (MalformedMessageException e) {
            throw new IllegalStateException("a PeerId always holds a valid multihash", e);
        }
    }

    /**
     * The public key inlined in an identity peer id (Ed25519, secp256k1).
     *
     * @return the key, or empty for a hashed (sha2-256) id, which does not contain its key
     * @throws MalformedMessageException if the inlined bytes are not a valid key
     */
    public Optional<PublicKey> extractPublicKey() throws MalformedMessageException {
        Multihash mh = Multihash.decode(multihash);
        if (mh.code() != Multihash.IDENTITY) {
            return Optional.empty();
        }
        return Optional.of(PublicKey.unmarshal(mh.digest()));
    }

    /**
     * Whether {@code key} is the key this id was made from.
     *
     * @param key a public key
     * @return true if the key's peer id is this id
     */
    public boolean matches(PublicKey key) {
        return equals(fromPublicKey(key));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId other && Arrays.equals(multihash, other.multihash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(multihash);
    }

    @Override
    public int compareTo(PeerId other) {
        return Arrays.compareUnsigned(multihash, other.multihash);
    }

    /** {@return the base58btc text form} */
    @Override
    public String toString() {
        return toBase58();
    }
}
