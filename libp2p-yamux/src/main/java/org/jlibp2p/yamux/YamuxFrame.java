package org.jlibp2p.yamux;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The four Yamux frames as values (yamux/README.md, "Framing"). Every frame is a 12-byte big-endian
 * header, and a Data frame is followed by its payload:
 *
 * <pre>
 *  0        1        2                 4                                 8                                 12
 *  +--------+--------+-----------------+---------------------------------+---------------------------------+
 *  |version | type   | flags           | stream id                       | length                          |
 *  +--------+--------+-----------------+---------------------------------+---------------------------------+
 *   0        0 Data     0x1 SYN           odd: opened by the client         Data: payload bytes
 *            1 Window   0x2 ACK           even: opened by the server        Window Update: window delta
 *            2 Ping     0x4 FIN           0: the session (Ping, Go Away)    Ping: opaque value
 *            3 GoAway   0x8 RST                                             Go Away: error code
 * </pre>
 *
 * Stream flags exist only on the frames that may carry them: Ping has only SYN/ACK (request or
 * answer), Go Away has none.
 */
sealed interface YamuxFrame {
    /** The header's length. */
    int HEADER_LENGTH = 12;
    /** The only version there is. */
    int VERSION = 0;

    int TYPE_DATA = 0;
    int TYPE_WINDOW_UPDATE = 1;
    int TYPE_PING = 2;
    int TYPE_GO_AWAY = 3;

    /**
     * Data for a stream; the length field is the payload's length.
     *
     * @param streamId the stream
     * @param flags    SYN, ACK, FIN, RST
     * @param payload  the bytes
     */
    record Data(int streamId, Flags flags, byte[] payload) implements YamuxFrame {}

    /**
     * More receive window for a stream, or a stream flag without data.
     *
     * @param streamId the stream
     * @param flags    SYN, ACK, FIN, RST
     * @param delta    how many more bytes the sender of this frame can receive (unsigned 32 bits)
     */
    record WindowUpdate(int streamId, Flags flags, long delta) implements YamuxFrame {}

    /**
     * A ping (SYN) or its answer (ACK), on stream 0.
     *
     * @param ack    true for the answer
     * @param opaque the value the answer echoes
     */
    record Ping(boolean ack, int opaque) implements YamuxFrame {}

    /**
     * The end of the session, on stream 0.
     *
     * @param code why
     */
    record GoAway(GoAwayCode code) implements YamuxFrame {}

    /**
     * The flags of a Data or Window Update frame. A frame may carry several at once (SYN|FIN opens
     * and half-closes a stream in one frame); each is handled, none hides another.
     *
     * @param bits the 16-bit field
     */
    record Flags(int bits) {
        static final int SYN = 0x1;
        static final int ACK = 0x2;
        static final int FIN = 0x4;
        static final int RST = 0x8;
        static final Flags NONE = new Flags(0);

        static Flags of(int... flags) {
            int bits = 0;
            for (int f : flags) {
                bits |= f;
            }
            return new Flags(bits);
        }

        boolean syn() {
            return (bits & SYN) != 0;
        }

        boolean ack() {
            return (bits & ACK) != 0;
        }

        boolean fin() {
            return (bits & FIN) != 0;
        }

        boolean rst() {
            return (bits & RST) != 0;
        }

        @Override
        public String toString() {
            if (bits == 0) {
                return "-";
            }
            StringBuilder sb = new StringBuilder();
            if (syn()) sb.append("SYN|");
            if (ack()) sb.append("ACK|");
            if (fin()) sb.append("FIN|");
            if (rst()) sb.append("RST|");
            if ((bits & ~0xF) != 0) sb.append("0x").append(Integer.toHexString(bits & ~0xF)).append('|');
            return sb.substring(0, sb.length() - 1);
        }
    }

    /**
     * A decoded header, checked for version and type. The payload of a Data frame is still on the wire:
     * the session checks {@link #length()} against the stream's window before reading it.
     *
     * @param type     0 to 3
     * @param flags    the flags
     * @param streamId the stream id (unsigned 32 bits, held as an int)
     * @param length   the length field (unsigned 32 bits)
     */
    record Header(int type, Flags flags, int streamId, long length) {
        /**
         * Reads and checks a header.
         *
         * @param in the connection
         * @return the header, or null on a clean end of stream before its first byte
         * @throws YamuxProtocolException on an unknown version or type, or Ping/Go Away off stream 0
         * @throws EOFException           if the stream ends inside the header
         * @throws IOException            if the connection fails
         */
        static Header read(InputStream in) throws IOException {
            byte[] h = new byte[HEADER_LENGTH];
            int n = in.readNBytes(h, 0, HEADER_LENGTH);
            if (n == 0) {
                return null;
            }
            if (n < HEADER_LENGTH) {
                throw new EOFException("connection ended inside a yamux header (" + n + " of 12 bytes)");
            }
            ByteBuffer b = ByteBuffer.wrap(h);
            int version = b.get() & 0xFF;
            int type = b.get() & 0xFF;
            Flags flags = new Flags(b.getShort() & 0xFFFF);
            int streamId = b.getInt();
            long length = b.getInt() & 0xFFFFFFFFL;
            if (version != VERSION) {
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "unsupported yamux version " + version);
            }
            if (type > TYPE_GO_AWAY) {
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "unknown yamux frame type " + type);
            }
            // "Both Ping and Go Away messages should always use the 0 StreamID."
            if ((type == TYPE_PING || type == TYPE_GO_AWAY) != (streamId == 0)) {
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR,
                        "frame type " + type + " on stream " + Integer.toUnsignedString(streamId));
            }
            return new Header(type, flags, streamId, length);
        }
    }

    /**
     * Encodes a header.
     *
     * @param dst      at least 12 bytes
     * @param type     the frame type
     * @param flags    the flags
     * @param streamId the stream id
     * @param length   the length field
     */
    static void writeHeader(byte[] dst, int type, int flags, int streamId, long length) {
        dst[0] = VERSION;
        dst[1] = (byte) type;
        dst[2] = (byte) (flags >>> 8);
        dst[3] = (byte) flags;
        dst[4] = (byte) (streamId >>> 24);
        dst[5] = (byte) (streamId >>> 16);
        dst[6] = (byte) (streamId >>> 8);
        dst[7] = (byte) streamId;
        dst[8] = (byte) (length >>> 24);
        dst[9] = (byte) (length >>> 16);
        dst[10] = (byte) (length >>> 8);
        dst[11] = (byte) length;
    }

    /** {@return the encoded frame, header and payload} */
    default byte[] encode() {
        byte[] payload = this instanceof Data d ? d.payload() : new byte[0];
        byte[] out = new byte[HEADER_LENGTH + payload.length];
        switch (this) {
            case Data d -> writeHeader(out, TYPE_DATA, d.flags().bits(), d.streamId(), payload.length);
            case WindowUpdate w -> writeHeader(out, TYPE_WINDOW_UPDATE, w.flags().bits(), w.streamId(), w.delta());
            case Ping p -> writeHeader(out, TYPE_PING, p.ack() ? Flags.ACK : Flags.SYN, 0, p.opaque() & 0xFFFFFFFFL);
            case GoAway g -> writeHeader(out, TYPE_GO_AWAY, 0, 0, g.code().code());
        }
        System.arraycopy(payload, 0, out, HEADER_LENGTH, payload.length);
        return out;
    }
}
