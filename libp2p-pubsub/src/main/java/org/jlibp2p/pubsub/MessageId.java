package org.jlibp2p.pubsub;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A message id (pubsub/README.md, "Message Identification"): by default the publisher's peer id
 * bytes followed by the seqno bytes, or what the application's {@link MessageIdFunction} computes.
 * IHAVE, IWANT and IDONTWANT carry these bytes; the seen cache and the message cache key by them.
 */
public final class MessageId {
    /** The longest id accepted from the network (our bound; go's default id is about 46 bytes, Ethereum's 20). */
    public static final int MAX_BYTES = 1024;

    private final byte[] bytes;
    private final int hash;

    private MessageId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * An id from its bytes.
     *
     * @param bytes the bytes (copied)
     * @return the id
     */
    public static MessageId of(byte[] bytes) {
        return new MessageId(bytes.clone());
    }

    static MessageId wrap(byte[] bytes) {
        return new MessageId(bytes);
    }

    /** {@return a copy of the id's bytes} */
    public byte[] bytes() {
        return bytes.clone();
    }

    byte[] raw() {
        return bytes;
    }

    /** {@return the number of bytes} */
    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageId m && hash == m.hash && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
