package org.jlibp2p.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes protobuf messages by hand, field by field, in the binary wire format of protobuf.dev
 * ("Encoding").
 *
 * <p>Fields come out in the order they are written and exactly once each, so a caller that writes
 * fields in ascending field-number order gets the deterministic, minimal encoding that the peer-id
 * spec (peer-ids/peer-ids.md, "Keys") requires for anything that is hashed or signed.
 *
 * <pre>{@code
 * byte[] publicKey = new ProtobufWriter()
 *         .writeVarint(1, keyType)     // required KeyType Type = 1
 *         .writeBytes(2, keyBytes)     // required bytes Data = 2
 *         .toByteArray();
 * }</pre>
 */
public final class ProtobufWriter {
    private byte[] buf;
    private int size;

    /** Creates an empty writer. */
    public ProtobufWriter() {
        buf = new byte[64];
    }

    /**
     * Writes a varint field (int32, uint64, bool, enum...). Negative values are written as ten-byte
     * two's complement, as protobuf does for negative int32/int64.
     *
     * @param field the field number
     * @param value the value
     * @return this writer
     */
    public ProtobufWriter writeVarint(int field, long value) {
        writeTag(field, WireType.VARINT);
        writeRawVarint(value);
        return this;
    }

    /**
     * Writes a boolean as a varint field.
     *
     * @param field the field number
     * @param value the value
     * @return this writer
     */
    public ProtobufWriter writeBool(int field, boolean value) {
        return writeVarint(field, value ? 1 : 0);
    }

    /**
     * Writes a length-delimited field holding {@code value}.
     *
     * @param field the field number
     * @param value the bytes
     * @return this writer
     */
    public ProtobufWriter writeBytes(int field, byte[] value) {
        writeTag(field, WireType.LEN);
        writeRawVarint(value.length);
        writeRaw(value, 0, value.length);
        return this;
    }

    /**
     * Writes a string as a length-delimited field of its UTF-8 bytes.
     *
     * @param field the field number
     * @param value the string
     * @return this writer
     */
    public ProtobufWriter writeString(int field, String value) {
        return writeBytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes an embedded message as a length-delimited field.
     *
     * @param field   the field number
     * @param message the message, already complete
     * @return this writer
     */
    public ProtobufWriter writeMessage(int field, ProtobufWriter message) {
        writeTag(field, WireType.LEN);
        writeRawVarint(message.size);
        writeRaw(message.buf, 0, message.size);
        return this;
    }

    /**
     * Writes a fixed32 field: four bytes, little-endian.
     *
     * @param field the field number
     * @param value the value
     * @return this writer
     */
    public ProtobufWriter writeFixed32(int field, int value) {
        writeTag(field, WireType.I32);
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    /**
     * Writes a fixed64 field: eight bytes, little-endian.
     *
     * @param field the field number
     * @param value the value
     * @return this writer
     */
    public ProtobufWriter writeFixed64(int field, long value) {
        writeTag(field, WireType.I64);
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    /** {@return the number of bytes written so far} */
    public int size() {
        return size;
    }

    /** {@return a copy of the message written so far} */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void writeTag(int field, WireType type) {
        if (field < 1 || field > ProtobufReader.MAX_FIELD_NUMBER) {
            throw new IllegalArgumentException("protobuf field numbers are 1 to 2^29-1, not " + field);
        }
        writeRawVarint(((long) field << 3) | type.id());
    }

    private void writeRawVarint(long value) {
        ensure(10);
        // Unsigned, seven bits at a time; a negative value takes ten bytes, as protobuf specifies.
        while ((value & ~0x7FL) != 0) {
            buf[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[size++] = (byte) value;
    }

    private void writeRaw(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, buf, size, len);
        size += len;
    }

    private void ensure(int more) {
        if (buf.length - size < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
