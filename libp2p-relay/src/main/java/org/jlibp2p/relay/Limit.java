package org.jlibp2p.relay;

import java.time.Duration;
import java.util.Objects;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;

/**
 * The limits a relay applies to each relayed connection (relay/circuit-v2.md, "Hop Protocol",
 * "Reservation": the {@code Limit} message):
 *
 * <pre>
 * message Limit {
 *   optional uint32 duration = 1; // seconds
 *   optional uint64 data = 2;     // bytes
 * }
 * </pre>
 *
 * <p>A zero duration or data means no limit of that kind; a message without a {@code Limit} means
 * the relay applies none. The duration travels in whole seconds: a duration that is not a whole
 * number of seconds goes out rounded up (so that a short limit never reads as "no limit").
 *
 * <p>Peers differ on what the numbers mean: the spec (and go-libp2p) count {@code data} in each
 * direction and {@code duration} in seconds; js-libp2p's relay counts data in both directions
 * together and writes the duration in milliseconds. The numbers are advisory to the ends of a circuit
 * (the relay enforces its own), so this class reads them as the spec says.
 *
 * @param duration the longest a relayed connection lasts; {@link Duration#ZERO} for no limit
 * @param data     the most bytes relayed in each direction; 0 for no limit
 */
public record Limit(Duration duration, long data) {
    /** No limit of either kind. */
    public static final Limit NONE = new Limit(Duration.ZERO, 0);

    /**
     * Checks the values.
     *
     * @param duration the duration limit, not negative
     * @param data     the data limit, not negative
     */
    public Limit {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || data < 0) {
            throw new IllegalArgumentException("a limit is never negative: " + duration + ", " + data + " bytes");
        }
    }

    /** {@return true if neither the duration nor the data is limited} */
    public boolean isUnlimited() {
        return duration.isZero() && data == 0;
    }

    /** {@return the duration as the wire carries it: whole seconds, rounded up, at most 2^32 - 1} */
    public long durationSeconds() {
        long seconds = duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
        return Math.min(seconds, 0xFFFF_FFFFL);
    }

    /** {@return the protobuf encoding; zero fields are left out} */
    public byte[] encode() {
        ProtobufWriter w = new ProtobufWriter();
        if (durationSeconds() > 0) {
            w.writeVarint(1, durationSeconds());
        }
        if (data > 0) {
            w.writeVarint(2, data);
        }
        return w.toByteArray();
    }

    /**
     * Decodes a {@code Limit} message. A duration is read as protobuf reads a uint32 (its low 32
     * bits); a data limit above 2^63 - 1 bytes is as good as none and reads as {@link Long#MAX_VALUE}.
     *
     * @param bytes the protobuf encoding
     * @return the limit
     * @throws MalformedMessageException if the protobuf is malformed
     */
    public static Limit decode(byte[] bytes) throws MalformedMessageException {
        long seconds = 0;
        long data = 0;
        ProtobufReader r = new ProtobufReader(bytes);
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> seconds = r.readVarint() & 0xFFFF_FFFFL;
                case 2 -> {
                    long d = r.readVarint();
                    data = d < 0 ? Long.MAX_VALUE : d;
                }
                default -> r.skip();
            }
        }
        return new Limit(Duration.ofSeconds(seconds), data);
    }

    /** {@return the limit as the trace prints it, such as {@code 120 s, 131072 bytes}} */
    @Override
    public String toString() {
        if (equals(NONE)) {
            return "no limit";
        }
        return (duration.isZero() ? "no time limit" : durationSeconds() + " s") + ", " + (data == 0 ? "no data limit" : data + " bytes");
    }
}
