package org.jlibp2p.core.codec;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.jlibp2p.core.MalformedMessageException;

/**
 * Unsigned variable-length integers, as specified by
 * <a href="https://github.com/multiformats/unsigned-varint">multiformats/unsigned-varint</a>.
 *
 * <p>A value is written seven bits at a time, least significant group first; every byte but the last
 * has its high bit (0x80) set. The spec adds three rules that plain protobuf varints do not have, and
 * this class enforces all of them on input:
 * <ul>
 *   <li>"the maximum length of a varint is 9 bytes": so the largest value is 2<sup>63</sup>-1;</li>
 *   <li>"the encoding MUST be minimal": {@code 0x81 0x00} (1 written in two bytes) is rejected;</li>
 *   <li>a stream that ends in the middle of a varint is an error, not a short value.</li>
 * </ul>
 *
 * <pre>
 *       1 = 0x01            127 = 0x7f
 *     128 = 0x80 0x01       300 = 0xac 0x02
 *   16384 = 0x80 0x80 0x01
 * </pre>
 */
public final class Varint {
    /** "For security, to avoid memory attacks, we use a 'practical max' of 9 bytes" (unsigned-varint spec). */
    public static final int MAX_BYTES = 9;

    /** The largest value nine bytes of seven bits can hold: 2<sup>63</sup>-1. */
    public static final long MAX_VALUE = Long.MAX_VALUE;

    private Varint() {}

    /**
     * The number of bytes {@code value} takes when encoded.
     *
     * @param value a value in [0, 2<sup>63</sup>-1]
     * @return 1 to 9
     */
    public static int encodedLength(long value) {
        requireEncodable(value);
        int bits = 64 - Long.numberOfLeadingZeros(value | 1);
        return (bits + 6) / 7;
    }

    /**
     * Encodes {@code value} into a new array.
     *
     * @param value a value in [0, 2<sup>63</sup>-1]
     * @return the minimal encoding
     */
    public static byte[] encode(long value) {
        byte[] out = new byte[encodedLength(value)];
        write(value, out, 0);
        return out;
    }

    /**
     * Encodes {@code value} into {@code dst} at {@code offset}.
     *
     * @param value  a value in [0, 2<sup>63</sup>-1]
     * @param dst    the destination
     * @param offset where the first byte goes
     * @return the number of bytes written
     */
    public static int write(long value, byte[] dst, int offset) {
        requireEncodable(value);
        int i = offset;
        while ((value & ~0x7FL) != 0) {
            dst[i++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        dst[i++] = (byte) value;
        return i - offset;
    }

    /**
     * Encodes {@code value} onto a stream.
     *
     * @param value a value in [0, 2<sup>63</sup>-1]
     * @param out   the stream
     * @throws IOException if the stream fails
     */
    public static void write(long value, OutputStream out) throws IOException {
        byte[] buf = new byte[MAX_BYTES];
        out.write(buf, 0, write(value, buf, 0));
    }

    /**
     * Decodes one varint from {@code src} at {@code offset}. Use {@link #encodedLength(long)} on the
     * result to learn how many bytes it took.
     *
     * @param src    the bytes
     * @param offset where the varint starts
     * @return the value
     * @throws MalformedMessageException if the varint is truncated, longer than nine bytes or not minimal
     */
    public static long read(byte[] src, int offset) throws MalformedMessageException {
        return read(ByteBuffer.wrap(src, offset, src.length - offset));
    }

    /**
     * Decodes one varint from {@code src}, advancing its position past it.
     *
     * @param src the buffer
     * @return the value
     * @throws MalformedMessageException if the varint is truncated, longer than nine bytes or not minimal
     */
    public static long read(ByteBuffer src) throws MalformedMessageException {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            int b;
            try {
                b = src.get() & 0xFF;
            } catch (BufferUnderflowException e) {
                throw new MalformedMessageException("varint truncated after " + i + " bytes");
            }
            value = accumulate(value, b, i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw tooLong();
    }

    /**
     * Reads one varint from a stream, byte by byte (give it a buffered stream).
     *
     * @param in the stream
     * @return the value
     * @throws EOFException              if the stream ends before the first byte or in the middle of the varint
     * @throws MalformedMessageException if the varint is longer than nine bytes or not minimal
     * @throws IOException               if the stream fails
     */
    public static long read(InputStream in) throws IOException {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(i == 0 ? "end of stream before varint" : "end of stream inside a varint after " + i + " bytes");
            }
            value = accumulate(value, b, i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw tooLong();
    }

    private static long accumulate(long value, int b, int index) throws MalformedMessageException {
        // "The encoding MUST be minimal": a last byte of zero after the first means padding.
        if (b == 0 && index > 0) {
            throw new MalformedMessageException("varint is not minimally encoded (zero final byte at index " + index + ")");
        }
        return value | (long) (b & 0x7F) << (7 * index);
    }

    private static MalformedMessageException tooLong() {
        return new MalformedMessageException("varint longer than " + MAX_BYTES + " bytes");
    }

    private static void requireEncodable(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("unsigned varints hold 0 to 2^63-1, not " + Long.toUnsignedString(value));
        }
    }
}
