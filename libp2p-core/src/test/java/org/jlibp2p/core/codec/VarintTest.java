package org.jlibp2p.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import org.jlibp2p.core.MalformedMessageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VarintTest {

    /** The examples of multiformats/unsigned-varint README.md, plus the largest value nine bytes allow. */
    @ParameterizedTest
    @CsvSource({
        "1, 01",
        "127, 7f",
        "128, 8001",
        "255, ff01",
        "300, ac02",
        "16384, 808001",
        "0, 00",
        "9223372036854775807, ffffffffffffffff7f",
    })
    void encodesAndDecodesSpecExamples(long value, String hex) throws Exception {
        byte[] bytes = Multibase.fromHex(hex);
        assertThat(Varint.encode(value)).isEqualTo(bytes);
        assertThat(Varint.encodedLength(value)).isEqualTo(bytes.length);
        assertThat(Varint.read(bytes, 0)).isEqualTo(value);
        assertThat(Varint.read(new ByteArrayInputStream(bytes))).isEqualTo(value);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Varint.write(value, out);
        assertThat(out.toByteArray()).isEqualTo(bytes);
    }

    @Test
    void readAdvancesTheBufferPastTheVarintOnly() throws Exception {
        ByteBuffer buf = ByteBuffer.wrap(Multibase.fromHex("ac02ff"));
        assertThat(Varint.read(buf)).isEqualTo(300);
        assertThat(buf.position()).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource({
        "8100, not minimally encoded",          // 1 padded to two bytes
        "ff00, not minimally encoded",          // 127 padded
        "808000, not minimally encoded",        // 0 in three bytes
        "ffffffffffffffffff01, longer than 9",  // ten bytes
        "ffffffffffffffff80, longer than 9",    // nine bytes, all with the continuation bit
        "80, truncated",
        "ffff, truncated",
    })
    void rejectsMalformedInput(String hex, String message) {
        byte[] bytes = Multibase.fromHex(hex);
        assertThatThrownBy(() -> Varint.read(bytes, 0))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void endOfStreamInsideAVarintIsAnError() {
        assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(new byte[] {(byte) 0x80})))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("inside a varint");
        assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("before varint");
    }

    @Test
    void streamRejectsOverlongVarint() {
        byte[] tenBytes = Multibase.fromHex("ffffffffffffffffff01");
        assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(tenBytes)))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void negativeValuesCannotBeEncoded() {
        assertThatThrownBy(() -> Varint.encode(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
