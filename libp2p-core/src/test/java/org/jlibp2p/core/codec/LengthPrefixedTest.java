package org.jlibp2p.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import org.jlibp2p.core.MessageTooLargeException;
import org.junit.jupiter.api.Test;

class LengthPrefixedTest {

    @Test
    void roundTripsMessagesBackToBack() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] big = new byte[300];
        big[299] = 7;
        LengthPrefixed.write(out, "hi".getBytes());
        LengthPrefixed.write(out, big);
        LengthPrefixed.write(out, new byte[0]);
        byte[] wire = out.toByteArray();
        assertThat(Multibase.hex(wire)).startsWith("026869ac02");

        ByteArrayInputStream in = new ByteArrayInputStream(wire);
        assertThat(LengthPrefixed.read(in, 1000)).isEqualTo("hi".getBytes());
        assertThat(LengthPrefixed.read(in, 1000)).isEqualTo(big);
        assertThat(LengthPrefixed.read(in, 1000)).isEmpty();
    }

    @Test
    void oversizedLengthIsRefusedBeforeReadingTheBody() {
        // 2^62 announced, nothing behind it: refusing on the length means nothing was allocated.
        byte[] wire = Varint.encode(1L << 62);
        assertThatThrownBy(() -> LengthPrefixed.read(new ByteArrayInputStream(wire), 4096))
                .isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining("4096");
    }

    @Test
    void truncatedBodyIsEof() {
        byte[] wire = Multibase.fromHex("056869");
        assertThatThrownBy(() -> LengthPrefixed.read(new ByteArrayInputStream(wire), 100))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("2 of 5");
    }
}
