package org.jlibp2p.core.codec;

/**
 * The protobuf wire types (protobuf.dev, "Encoding", section "Message Structure"): the low three bits
 * of every field tag, telling the reader how to find the end of the field's value.
 */
public enum WireType {
    /** A varint: int32, int64, uint32, uint64, sint32, sint64, bool, enum. */
    VARINT(0),
    /** Eight little-endian bytes: fixed64, sfixed64, double. */
    I64(1),
    /** A varint length, then that many bytes: string, bytes, embedded messages, packed repeated fields. */
    LEN(2),
    /** Group start (deprecated; never used by libp2p). */
    SGROUP(3),
    /** Group end (deprecated; never used by libp2p). */
    EGROUP(4),
    /** Four little-endian bytes: fixed32, sfixed32, float. */
    I32(5);

    private final int id;

    WireType(int id) {
        this.id = id;
    }

    /** {@return the three-bit number written in the tag} */
    public int id() {
        return id;
    }

    static WireType of(int id) {
        return switch (id) {
            case 0 -> VARINT;
            case 1 -> I64;
            case 2 -> LEN;
            case 3 -> SGROUP;
            case 4 -> EGROUP;
            case 5 -> I32;
            default -> null;
        };
    }
}
