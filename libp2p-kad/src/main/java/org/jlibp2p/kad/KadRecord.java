package org.jlibp2p.kad;

import java.util.Arrays;
import java.util.Objects;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;

/**
 * A value record (kad-dht/README.md, "RPC messages", {@code Record}): a key, its value, and when
 * the storing peer received it.
 *
 * <pre>
 * message Record {
 *   bytes key = 1;
 *   bytes value = 2;
 *   string timeReceived = 5;  // RFC 3339, set by the peer that stores the record
 * }
 * </pre>
 *
 * Fields 3 (author) and 4 (signature) of older versions are gone; the value carries whatever
 * signature its namespace's {@link Validator} requires.
 *
 * @param key          the record key, such as {@code /pk/<peer id bytes>}
 * @param value        the value
 * @param timeReceived when the sender received it (RFC 3339), or empty
 */
public record KadRecord(byte[] key, byte[] value, String timeReceived) {
    /**
     * Checks the fields.
     *
     * @param key          the key
     * @param value        the value
     * @param timeReceived the time received, or empty
     */
    public KadRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(timeReceived, "timeReceived");
    }

    /**
     * A record with no receive time.
     *
     * @param key   the key
     * @param value the value
     * @return the record
     */
    public static KadRecord of(byte[] key, byte[] value) {
        return new KadRecord(key, value, "");
    }

    /** {@return the key and value's byte count, what a store charges for it} */
    int size() {
        return key.length + value.length + timeReceived.length();
    }

    ProtobufWriter writer() {
        ProtobufWriter w = new ProtobufWriter().writeBytes(1, key).writeBytes(2, value);
        if (!timeReceived.isEmpty()) {
            w.writeString(5, timeReceived);
        }
        return w;
    }

    /** {@return the protobuf encoding} */
    public byte[] encode() {
        return writer().toByteArray();
    }

    /**
     * Decodes a {@code Record}.
     *
     * @param bytes the protobuf encoding
     * @return the record
     * @throws MalformedMessageException if the protobuf is malformed or a field is too long
     */
    public static KadRecord decode(byte[] bytes) throws MalformedMessageException {
        byte[] key = new byte[0];
        byte[] value = new byte[0];
        String time = "";
        ProtobufReader r = new ProtobufReader(bytes);
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> key = r.readBytes(KadMessage.MAX_KEY_BYTES);
                case 2 -> value = r.readBytes(KadMessage.MAX_MESSAGE_BYTES);
                case 5 -> time = r.readString(64);
                default -> r.skip();
            }
        }
        return new KadRecord(key, value, time);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadRecord r && Arrays.equals(key, r.key) && Arrays.equals(value, r.value) && timeReceived.equals(r.timeReceived);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "KadRecord[key=" + KadMessage.printable(key) + ", value=" + value.length + " bytes" + (timeReceived.isEmpty() ? "" : ", received " + timeReceived) + "]";
    }
}
