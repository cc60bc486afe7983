package org.jlibp2p.core.codec;

import java.nio.ByteBuffer;
import org.jlibp2p.core.MalformedMessageException;

/**
 * A version 1 content identifier, per <a href="https://github.com/multiformats/cid">multiformats/cid</a>:
 * {@code uvarint(1) || uvarint(content codec) || multihash}, written in text as a multibase string.
 *
 * <p>libp2p uses CIDs for one thing: the newer text form of peer ids (peer-ids/peer-ids.md, "String
 * representation"), with the {@code libp2p-key} codec (0x72) and base32 by default, which is why
 * those peer ids start with {@code bafz}.
 *
 * @param codec     the content codec (multicodec table)
 * @param multihash the hash of the content
 */
public record Cid(long codec, Multihash multihash) {
    /** The only CID version this class reads and writes. */
    public static final int VERSION_1 = 1;
    /** The multicodec code for a libp2p public key. */
    public static final long LIBP2P_KEY = 0x72;

    /**
     * Validates the components.
     *
     * @param codec     the content codec
     * @param multihash the hash
     */
    public Cid {
        if (codec < 0) {
            throw new IllegalArgumentException("negative codec");
        }
        if (multihash == null) {
            throw new NullPointerException("multihash");
        }
    }

    /** {@return the binary form} */
    public byte[] bytes() {
        byte[] mh = multihash.bytes();
        byte[] out = new byte[1 + Varint.encodedLength(codec) + mh.length];
        out[0] = VERSION_1;
        int n = 1 + Varint.write(codec, out, 1);
        System.arraycopy(mh, 0, out, n, mh.length);
        return out;
    }

    /**
     * The text form in a chosen base.
     *
     * @param base the multibase
     * @return multibase text
     */
    public String toString(Multibase base) {
        return base.encode(bytes());
    }

    /** {@return the text form in base32, the CIDv1 default} */
    @Override
    public String toString() {
        return toString(Multibase.BASE32);
    }

    /**
     * Decodes the binary form of a CIDv1.
     *
     * @param bytes the CID
     * @return the CID
     * @throws MalformedMessageException if it is not a well-formed CIDv1
     */
    public static Cid decode(byte[] bytes) throws MalformedMessageException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long version = Varint.read(in);
        if (version != VERSION_1) {
            throw new MalformedMessageException("CID version " + version + " is not supported (only CIDv1)");
        }
        long codec = Varint.read(in);
        Multihash mh = Multihash.read(in);
        if (in.hasRemaining()) {
            throw new MalformedMessageException("CID followed by " + in.remaining() + " trailing bytes");
        }
        return new Cid(codec, mh);
    }

    /**
     * Parses the text form: a multibase string holding a CIDv1.
     *
     * @param text the CID text
     * @return the CID
     * @throws IllegalArgumentException if the text is not a CIDv1 in a supported base
     */
    public static Cid parse(String text) {
        byte[] bytes = Multibase.decode(text);
        try {
            return decode(bytes);
        } catch (MalformedMessageException e) {
            throw new IllegalArgumentException("invalid CID '" + text + "': " + e.getMessage(), e);
        }
    }
}
