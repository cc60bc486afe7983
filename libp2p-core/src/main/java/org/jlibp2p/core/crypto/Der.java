package org.jlibp2p.core.crypto;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import org.jlibp2p.core.MalformedMessageException;

/**
 * The few pieces of ASN.1 DER (ITU-T X.690) that key and signature encodings need: reading and
 * writing tag-length-value elements, integers, octet strings, bit strings and sequences.
 * Lengths are checked against what is left before anything is allocated.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;

    private Der() {}

    /** A reader over the content of one constructed element (or a whole encoding). */
    static final class Reader {
        private final ByteBuffer in;

        Reader(byte[] der) {
            this.in = ByteBuffer.wrap(der);
        }

        /** The content of {@code der}, which must be exactly one SEQUENCE with nothing after it. */
        static Reader wholeSequence(byte[] der) throws MalformedMessageException {
            Reader outer = new Reader(der);
            Reader content = outer.readSequence();
            outer.expectEnd();
            return content;
        }

        boolean hasMore() {
            return in.hasRemaining();
        }

        int peekTag() throws MalformedMessageException {
            if (!in.hasRemaining()) {
                throw new MalformedMessageException("DER: unexpected end");
            }
            return in.get(in.position()) & 0xFF;
        }

        /** Reads one element of the given tag and returns its content. */
        byte[] read(int tag) throws MalformedMessageException {
            int actual = peekTag();
            if (actual != tag) {
                throw new MalformedMessageException("DER: expected tag 0x" + Integer.toHexString(tag) + ", found 0x" + Integer.toHexString(actual));
            }
            in.get();
            int length = readLength();
            byte[] content = new byte[length];
            in.get(content);
            return content;
        }

        Reader readSequence() throws MalformedMessageException {
            return new Reader(read(SEQUENCE));
        }

        /** A non-negative INTEGER in minimal encoding. */
        BigInteger readUnsignedInteger() throws MalformedMessageException {
            byte[] content = read(INTEGER);
            if (content.length == 0) {
                throw new MalformedMessageException("DER: empty INTEGER");
            }
            if (content.length > 1 && content[0] == 0 && (content[1] & 0x80) == 0) {
                throw new MalformedMessageException("DER: INTEGER with a superfluous leading zero");
            }
            if ((content[0] & 0x80) != 0) {
                throw new MalformedMessageException("DER: negative INTEGER");
            }
            return new BigInteger(1, content);
        }

        void expectEnd() throws MalformedMessageException {
            if (in.hasRemaining()) {
                throw new MalformedMessageException("DER: " + in.remaining() + " trailing bytes");
            }
        }

        private int readLength() throws MalformedMessageException {
            if (!in.hasRemaining()) {
                throw new MalformedMessageException("DER: missing length");
            }
            int first = in.get() & 0xFF;
            int length;
            if (first < 0x80) {
                length = first;
            } else {
                int count = first & 0x7F;
                if (count == 0 || count > 3 || count > in.remaining()) {
                    throw new MalformedMessageException("DER: unsupported length encoding");
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = (length << 8) | (in.get() & 0xFF);
                }
                if (length < 0x80 || (count > 1 && length < (1 << (8 * (count - 1))))) {
                    throw new MalformedMessageException("DER: length not minimally encoded");
                }
            }
            if (length > in.remaining()) {
                throw new MalformedMessageException("DER: element of " + length + " bytes runs past the end (" + in.remaining() + " left)");
            }
            return length;
        }
    }

    static byte[] element(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 5);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... elements) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] e : elements) {
            content.writeBytes(e);
        }
        return element(SEQUENCE, content.toByteArray());
    }

    /** A non-negative INTEGER, minimally encoded (a leading zero only where the sign bit needs it). */
    static byte[] integer(BigInteger value) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("negative");
        }
        return element(INTEGER, value.toByteArray());
    }
}
