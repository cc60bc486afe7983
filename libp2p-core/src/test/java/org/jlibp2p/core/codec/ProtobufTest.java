package org.jlibp2p.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.MessageTooLargeException;
import org.junit.jupiter.api.Test;

class ProtobufTest {
    /** The Ed25519 public key test vector of peer-ids/peer-ids.md: PublicKey{Type=1, Data=32 bytes}. */
    private static final String ED25519_PUBLIC_KEY =
            "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

    @Test
    void writerProducesTheSpecEncodingOfAPublicKey() {
        byte[] key = Multibase.fromHex(ED25519_PUBLIC_KEY.substring(8));
        byte[] encoded = new ProtobufWriter().writeVarint(1, 1).writeBytes(2, key).toByteArray();
        assertThat(Multibase.hex(encoded)).isEqualTo(ED25519_PUBLIC_KEY);
    }

    @Test
    void requiredZeroValuesAreWritten() {
        // proto2 "required KeyType Type = 1" with RSA = 0 is still on the wire: the RSA vector starts 08 00.
        assertThat(Multibase.hex(new ProtobufWriter().writeVarint(1, 0).toByteArray())).isEqualTo("0800");
    }

    @Test
    void readerWalksFieldsAndSkipsUnknownOnes() throws Exception {
        ProtobufWriter inner = new ProtobufWriter().writeString(1, "inner");
        byte[] message = new ProtobufWriter()
                .writeVarint(1, 150)
                .writeFixed32(7, 0x01020304)      // unknown to the reader below
                .writeString(2, "héllo")
                .writeFixed64(8, -2L)             // unknown
                .writeMessage(3, inner)
                .writeBool(4, true)
                .writeVarint(9, -1)               // unknown, ten bytes
                .toByteArray();

        ProtobufReader r = new ProtobufReader(message);
        long number = 0;
        String text = null;
        byte[] nested = null;
        boolean flag = false;
        int skipped = 0;
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> number = r.readVarint();
                case 2 -> text = r.readString(100);
                case 3 -> nested = r.readBytes(100);
                case 4 -> flag = r.readBool();
                default -> {
                    skipped++;
                    r.skip();
                }
            }
        }
        assertThat(number).isEqualTo(150);
        assertThat(text).isEqualTo("héllo");
        assertThat(flag).isTrue();
        assertThat(skipped).isEqualTo(3);
        ProtobufReader n = new ProtobufReader(nested);
        assertThat(n.next()).isTrue();
        assertThat(n.readString(10)).isEqualTo("inner");
        assertThat(n.next()).isFalse();
    }

    @Test
    void fixedFieldsAreLittleEndian() throws Exception {
        byte[] m = new ProtobufWriter().writeFixed32(1, 0x01020304).writeFixed64(2, 0x0102030405060708L).toByteArray();
        assertThat(Multibase.hex(m)).isEqualTo("0d04030201" + "110807060504030201");
        ProtobufReader r = new ProtobufReader(m);
        r.next();
        assertThat(r.readFixed32()).isEqualTo(0x01020304);
        r.next();
        assertThat(r.readFixed64()).isEqualTo(0x0102030405060708L);
    }

    @Test
    void unreadFieldsAreSkippedByNext() throws Exception {
        byte[] m = new ProtobufWriter().writeBytes(1, new byte[5]).writeVarint(2, 42).toByteArray();
        ProtobufReader r = new ProtobufReader(m);
        r.next();
        r.next(); // field 1 was never read
        assertThat(r.fieldNumber()).isEqualTo(2);
        assertThat(r.readVarint()).isEqualTo(42);
    }

    @Test
    void truncatedLengthDelimitedFieldIsMalformed() throws Exception {
        byte[] m = Multibase.fromHex("0a05616263"); // field 1, length 5, only 3 bytes
        ProtobufReader r = new ProtobufReader(m);
        r.next();
        assertThatThrownBy(() -> r.readBytes(100)).isInstanceOf(MalformedMessageException.class).hasMessageContaining("truncated");
    }

    @Test
    void truncatedUnknownFieldIsMalformedWhenSkipped() throws Exception {
        ProtobufReader r = new ProtobufReader(Multibase.fromHex("0d0102")); // fixed32 with two bytes
        r.next();
        assertThatThrownBy(r::skip).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void truncatedVarintFieldIsMalformed() throws Exception {
        ProtobufReader r = new ProtobufReader(Multibase.fromHex("0880"));
        r.next();
        assertThatThrownBy(r::readVarint).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void wrongWireTypeIsMalformed() throws Exception {
        ProtobufReader r = new ProtobufReader(Multibase.fromHex("0801"));
        r.next();
        assertThatThrownBy(() -> r.readBytes(10)).isInstanceOf(MalformedMessageException.class).hasMessageContaining("wire type");
    }

    @Test
    void lengthOverTheCallersLimitIsTooLargeBeforeAnyAllocation() throws Exception {
        // Field 1 announces 2^40 bytes; the reader must refuse on the length alone.
        byte[] m = new byte[] {0x0a, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x20};
        ProtobufReader r = new ProtobufReader(m);
        r.next();
        assertThatThrownBy(() -> r.readBytes(1024))
                .isInstanceOf(MessageTooLargeException.class)
                .satisfies(e -> assertThat(((MessageTooLargeException) e).limit()).isEqualTo(1024));
    }

    @Test
    void groupsAndInvalidWireTypesAreRejected() {
        assertThatThrownBy(() -> new ProtobufReader(new byte[] {0x0b}).next()).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> new ProtobufReader(new byte[] {0x0e}).next()).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> new ProtobufReader(new byte[] {0x02}).next())
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("field number 0");
    }

    @Test
    void invalidUtf8IsMalformed() throws Exception {
        ProtobufReader r = new ProtobufReader(Multibase.fromHex("0a02c328"));
        r.next();
        assertThatThrownBy(() -> r.readString(10)).isInstanceOf(MalformedMessageException.class).hasMessageContaining("UTF-8");
    }
}
