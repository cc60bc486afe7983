package org.jlibp2p.core.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.MessageTooLargeException;

/**
 * Reads a protobuf message field by field, in the binary wire format of protobuf.dev ("Encoding").
 *
 * <p>A message is a sequence of fields, each a tag (field number &lt;&lt; 3 | wire type) followed by
 * a value whose length the wire type tells. The reader walks them in order; the caller switches on
 * the field number and skips what it does not know, as protobuf requires of every parser:
 *
 * <pre>{@code
 * ProtobufReader r = new ProtobufReader(bytes);
 * while (r.next()) {
 *     switch (r.fieldNumber()) {
 *         case 1 -> type = r.readVarint();
 *         case 2 -> data = r.readBytes(MAX_KEY_BYTES);
 *         default -> r.skip();
 *     }
 * }
 * }</pre>
 *
 * <p>Every problem with the bytes is a {@link MalformedMessageException} (truncated field, wrong wire
 * type for the read asked for, invalid UTF-8, a deprecated group) or a {@link MessageTooLargeException}
 * (a length-delimited field longer than the caller's limit); no length is trusted before it is checked.
 */
public final class ProtobufReader {
    /** Field numbers are 29 bits (protobuf.dev, "Language Guide", "Assigning Field Numbers"). */
    public static final int MAX_FIELD_NUMBER = (1 << 29) - 1;

    private final ByteBuffer in;
    private int fieldNumber;
    private WireType wireType;
    private boolean valueConsumed = true;

    /**
     * Creates a reader over a whole message.
     *
     * @param message the encoded message
     */
    public ProtobufReader(byte[] message) {
        this.in = ByteBuffer.wrap(message);
    }

    /**
     * Advances to the next field.
     *
     * @return false at the end of the message
     * @throws MalformedMessageException if the tag is malformed
     */
    public boolean next() throws MalformedMessageException {
        if (!valueConsumed) {
            skip();
        }
        if (!in.hasRemaining()) {
            return false;
        }
        long tag = Varint.read(in);
        long number = tag >>> 3;
        if (number < 1 || number > MAX_FIELD_NUMBER) {
            throw new MalformedMessageException("invalid protobuf field number " + number + " at byte " + tagStart(tag));
        }
        WireType type = WireType.of((int) (tag & 7));
        if (type == null) {
            throw new MalformedMessageException("invalid protobuf wire type " + (tag & 7) + " for field " + number);
        }
        if (type == WireType.SGROUP || type == WireType.EGROUP) {
            throw new MalformedMessageException("protobuf groups are not supported (field " + number + ")");
        }
        fieldNumber = (int) number;
        wireType = type;
        valueConsumed = false;
        return true;
    }

    /** {@return the number of the current field} */
    public int fieldNumber() {
        return fieldNumber;
    }

    /** {@return the wire type of the current field} */
    public WireType wireType() {
        return wireType;
    }

    /**
     * Reads the current field as a varint.
     *
     * @return the value (as protobuf's uint64; cast for int32 or enums)
     * @throws MalformedMessageException if the field is not a varint or is truncated
     */
    public long readVarint() throws MalformedMessageException {
        expect(WireType.VARINT);
        valueConsumed = true;
        return readRawVarint64();
    }

    /**
     * Reads the current field as a bool.
     *
     * @return the value
     * @throws MalformedMessageException if the field is not a varint or is truncated
     */
    public boolean readBool() throws MalformedMessageException {
        return readVarint() != 0;
    }

    /**
     * Reads the current field as bytes.
     *
     * @param maxLength the largest length accepted
     * @return the bytes
     * @throws MessageTooLargeException  if the field is longer than {@code maxLength}
     * @throws MalformedMessageException if the field is not length-delimited or is truncated
     */
    public byte[] readBytes(int maxLength) throws MalformedMessageException {
        expect(WireType.LEN);
        long length = Varint.read(in);
        if (length > maxLength) {
            throw new MessageTooLargeException("protobuf field " + fieldNumber, length, maxLength);
        }
        requireRemaining(length);
        byte[] value = new byte[(int) length];
        in.get(value);
        valueConsumed = true;
        return value;
    }

    /**
     * Reads the current field as a UTF-8 string.
     *
     * @param maxBytes the largest length, in bytes, accepted
     * @return the string
     * @throws MessageTooLargeException  if the field is longer than {@code maxBytes}
     * @throws MalformedMessageException if the field is not length-delimited, is truncated or is not UTF-8
     */
    public String readString(int maxBytes) throws MalformedMessageException {
        byte[] bytes = readBytes(maxBytes);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException("protobuf field " + fieldNumber + " is not valid UTF-8");
        }
    }

    /**
     * Reads the current field as a fixed32.
     *
     * @return the value
     * @throws MalformedMessageException if the field is not a fixed32 or is truncated
     */
    public int readFixed32() throws MalformedMessageException {
        expect(WireType.I32);
        requireRemaining(4);
        int value = 0;
        for (int i = 0; i < 4; i++) {
            value |= (in.get() & 0xFF) << (8 * i);
        }
        valueConsumed = true;
        return value;
    }

    /**
     * Reads the current field as a fixed64.
     *
     * @return the value
     * @throws MalformedMessageException if the field is not a fixed64 or is truncated
     */
    public long readFixed64() throws MalformedMessageException {
        expect(WireType.I64);
        requireRemaining(8);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value |= (long) (in.get() & 0xFF) << (8 * i);
        }
        valueConsumed = true;
        return value;
    }

    /**
     * Skips the current field's value: what a parser does with every field it does not know.
     *
     * @throws MalformedMessageException if the value is truncated
     */
    public void skip() throws MalformedMessageException {
        if (valueConsumed) {
            return;
        }
        switch (wireType) {
            case VARINT -> readRawVarint64();
            case I64 -> skipBytes(8);
            case I32 -> skipBytes(4);
            case LEN -> skipBytes(Varint.read(in));
            default -> throw new IllegalStateException("groups are rejected by next()");
        }
        valueConsumed = true;
    }

    private void expect(WireType type) throws MalformedMessageException {
        if (valueConsumed) {
            throw new IllegalStateException("call next() before reading a field");
        }
        if (wireType != type) {
            throw new MalformedMessageException("protobuf field " + fieldNumber + " has wire type " + wireType + ", expected " + type);
        }
    }

    /** A protobuf varint is up to ten bytes (negative int64); unlike multiformats varints it need not be minimal. */
    private long readRawVarint64() throws MalformedMessageException {
        long value = 0;
        for (int i = 0; i < 10; i++) {
            if (!in.hasRemaining()) {
                throw new MalformedMessageException("protobuf field " + fieldNumber + ": varint truncated");
            }
            int b = in.get() & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new MalformedMessageException("protobuf field " + fieldNumber + ": varint longer than 10 bytes");
    }

    private void skipBytes(long count) throws MalformedMessageException {
        requireRemaining(count);
        in.position(in.position() + (int) count);
    }

    private void requireRemaining(long count) throws MalformedMessageException {
        if (count > in.remaining()) {
            throw new MalformedMessageException("protobuf field " + fieldNumber + " truncated: needs " + count
                    + " bytes, " + in.remaining() + " left");
        }
    }

    private int tagStart(long tag) {
        return in.position() - Varint.encodedLength(tag);
    }
}
