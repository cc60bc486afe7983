package org.jlibp2p.yamux;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

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
 * Stream flags exist only on the frames that may carry them: Ping is a request or its answer, Go Away
 * has none.
 *
 * <p>One representation, on the wire and in tests. The session reads every header into one of these
 * records ({@link #read(InputStream, byte[])}) and dispatches on it with a pattern-matching
 * {@code switch}; it writes every frame from one ({@link #encodeHeader(byte[])}). A {@link Data} record
 * is the header only: its payload stays where it is (on the wire when reading, so that its length is
 * checked against the stream's window before a byte is read; in the application's array when writing),
 * so no payload is ever copied into a frame. What a record costs is one small object per frame: reading,
 * that replaces the buffer, header and flags the decoder allocated for every frame before (the flags of
 * a decoded frame are shared instances); writing, it is one allocation per frame of up to 64 KiB, next to
 * a lock, a copy of the payload into the layer below and a system call.
 */
sealed interface YamuxFrame {
    /** The header's length. */
    int HEADER_LENGTH = 12;
    /** The only version there is. */
    int VERSION = 0;

    /** The type codes on the wire; only this codec uses them. */
    int TYPE_DATA = 0;
    int TYPE_WINDOW_UPDATE = 1;
    int TYPE_PING = 2;
    int TYPE_GO_AWAY = 3;

    /**
     * The header of a Data frame; its {@code length} payload bytes follow it on the wire.
     *
     * @param streamId the stream (unsigned 32 bits, held as an int)
     * @param flags    SYN, ACK, FIN, RST
     * @param length   the payload's length (unsigned 32 bits)
     */
    record Data(int streamId, Flags flags, long length) implements YamuxFrame {
        @Override
        public String toString() {
            return "Data stream=" + Integer.toUnsignedString(streamId) + " flags=" + flags + " length=" + length;
        }
    }

    /**
     * More receive window for a stream, or a stream flag without data.
     *
     * @param streamId the stream (unsigned 32 bits, held as an int)
     * @param flags    SYN, ACK, FIN, RST
     * @param delta    how many more bytes the sender of this frame can receive (unsigned 32 bits)
     */
    record WindowUpdate(int streamId, Flags flags, long delta) implements YamuxFrame {
        @Override
        public String toString() {
            return "WindowUpdate stream=" + Integer.toUnsignedString(streamId) + " flags=" + flags + " delta=" + delta;
        }
    }

    /**
     * A ping (SYN) or its answer (ACK), on stream 0.
     *
     * @param ack    true for the answer
     * @param opaque the value the answer echoes
     */
    record Ping(boolean ack, int opaque) implements YamuxFrame {
        @Override
        public String toString() {
            return "Ping " + (ack ? "ACK" : "SYN") + " opaque=" + Integer.toUnsignedString(opaque);
        }
    }

    /**
     * The end of the session, on stream 0.
     *
     * @param code why
     */
    record GoAway(GoAwayCode code) implements YamuxFrame {
        @Override
        public String toString() {
            return "GoAway " + code;
        }
    }

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
        /** The sixteen combinations of the four defined flags, shared by every decoded frame. */
        private static final Flags[] DEFINED = new Flags[16];

        static {
            for (int i = 0; i < DEFINED.length; i++) {
                DEFINED[i] = i == 0 ? NONE : new Flags(i);
            }
        }

        /**
         * The flags with these bits set.
         *
         * @param flags {@link #SYN}, {@link #ACK}, {@link #FIN}, {@link #RST}
         * @return the flags
         */
        static Flags of(int... flags) {
            int bits = 0;
            for (int f : flags) {
                bits |= f;
            }
            return decoded(bits);
        }

        /** The flags of a decoded header: a shared instance for the defined bits, a new one for others. */
        static Flags decoded(int bits) {
            return bits < DEFINED.length ? DEFINED[bits] : new Flags(bits);
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
     * Reads and checks a header. The payload of a Data frame is left on the wire: the caller checks
     * {@link Data#length()} against the stream's window before reading it.
     *
     * @param in      the connection
     * @param scratch at least 12 bytes to read the header into (the reader thread keeps one)
     * @return the frame, or null on a clean end of stream before its first byte
     * @throws YamuxProtocolException on an unknown version or type, or Ping/Go Away off stream 0
     * @throws EOFException           if the stream ends inside the header
     * @throws IOException            if the connection fails
     */
    static YamuxFrame read(InputStream in, byte[] scratch) throws IOException {
        int n = in.readNBytes(scratch, 0, HEADER_LENGTH);
        if (n == 0) {
            return null;
        }
        if (n < HEADER_LENGTH) {
            throw new EOFException("connection ended inside a yamux header (" + n + " of 12 bytes)");
        }
        int version = scratch[0] & 0xFF;
        int type = scratch[1] & 0xFF;
        int flags = (scratch[2] & 0xFF) << 8 | (scratch[3] & 0xFF);
        int streamId = (scratch[4] & 0xFF) << 24 | (scratch[5] & 0xFF) << 16 | (scratch[6] & 0xFF) << 8 | (scratch[7] & 0xFF);
        long length = ((scratch[8] & 0xFF) << 24 | (scratch[9] & 0xFF) << 16 | (scratch[10] & 0xFF) << 8 | (scratch[11] & 0xFF)) & 0xFFFFFFFFL;
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
        return switch (type) {
            case TYPE_DATA -> new Data(streamId, Flags.decoded(flags), length);
            case TYPE_WINDOW_UPDATE -> new WindowUpdate(streamId, Flags.decoded(flags), length);
            // SYN asks, anything else answers (go-yamux handlePing: "if flags&flagSYN == flagSYN").
            case TYPE_PING -> new Ping((flags & Flags.SYN) == 0, (int) length);
            default -> new GoAway(GoAwayCode.of(length));
        };
    }

    /**
     * Reads and checks a header into a buffer of its own (tests and the fuzzer).
     *
     * @param in the connection
     * @return the frame, or null on a clean end of stream before its first byte
     * @throws IOException as {@link #read(InputStream, byte[])}
     */
    static YamuxFrame read(InputStream in) throws IOException {
        return read(in, new byte[HEADER_LENGTH]);
    }

    /**
     * Encodes this frame's header.
     *
     * @param dst at least 12 bytes
     */
    default void encodeHeader(byte[] dst) {
        switch (this) {
            case Data d -> encodeHeader(dst, TYPE_DATA, d.flags().bits(), d.streamId(), d.length());
            case WindowUpdate w -> encodeHeader(dst, TYPE_WINDOW_UPDATE, w.flags().bits(), w.streamId(), w.delta());
            case Ping p -> encodeHeader(dst, TYPE_PING, p.ack() ? Flags.ACK : Flags.SYN, 0, p.opaque() & 0xFFFFFFFFL);
            case GoAway g -> encodeHeader(dst, TYPE_GO_AWAY, 0, 0, g.code().code());
        }
    }

    /** {@return the encoded header, in an array of its own} */
    default byte[] encode() {
        byte[] out = new byte[HEADER_LENGTH];
        encodeHeader(out);
        return out;
    }

    private static void encodeHeader(byte[] dst, int type, int flags, int streamId, long length) {
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
}
