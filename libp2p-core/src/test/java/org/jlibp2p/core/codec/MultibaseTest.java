package org.jlibp2p.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class MultibaseTest {

    /** multiformats/multibase tests/basic.csv: the string "yes mani !" in each base. */
    @ParameterizedTest
    @CsvSource({
        "z7paNL19xttacUY",
        "bpfsxgidnmfxgsibb",
        "f796573206d616e692021",
        "ueWVzIG1hbmkgIQ",
    })
    void decodesAndEncodesTheSpecVectors(String encoded) {
        byte[] data = "yes mani !".getBytes(StandardCharsets.UTF_8);
        assertThat(Multibase.decode(encoded)).isEqualTo(data);
        assertThat(Multibase.forPrefix(encoded.charAt(0)).encode(data)).isEqualTo(encoded);
    }

    /** multiformats/multibase tests/leading_zero.csv and two_leading_zeros.csv, base58btc rows. */
    @Test
    void base58KeepsLeadingZeroBytesAsOnes() {
        assertThat(Multibase.BASE58BTC.encode("\0yes mani !".getBytes(StandardCharsets.UTF_8))).isEqualTo("z17paNL19xttacUY");
        assertThat(Multibase.BASE58BTC.encode("\0\0yes mani !".getBytes(StandardCharsets.UTF_8))).isEqualTo("z117paNL19xttacUY");
        assertThat(Multibase.BASE58BTC.decodeRaw("111")).isEqualTo(new byte[3]);
        assertThat(Multibase.BASE58BTC.encodeRaw(new byte[0])).isEmpty();
    }

    /** The encoder divides in place; the number it writes must be the bytes' value, digit for digit. */
    @Test
    void base58WritesTheBytesAsANumberInBase58() {
        String alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        Random random = new Random(7);
        for (int length = 1; length < 80; length++) {
            for (int fill = 0; fill < 3; fill++) {
                byte[] data = new byte[length];
                switch (fill) {
                    case 0 -> random.nextBytes(data);
                    case 1 -> Arrays.fill(data, (byte) 0xFF);
                    default -> data[length - 1] = 1;
                }
                StringBuilder expected = new StringBuilder();
                BigInteger base = BigInteger.valueOf(58);
                for (BigInteger n = new BigInteger(1, data); n.signum() > 0; n = n.divide(base)) {
                    expected.append(alphabet.charAt(n.mod(base).intValue()));
                }
                int zeros = 0;
                while (zeros < length && data[zeros] == 0) {
                    zeros++;
                }
                expected.append("1".repeat(zeros));
                assertThat(Multibase.BASE58BTC.encodeRaw(data)).as("length %d, fill %d", length, fill).isEqualTo(expected.reverse().toString());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Multibase.class)
    void randomBytesRoundTrip(Multibase base) {
        Random random = new Random(42);
        for (int length = 0; length < 70; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            if (length > 2) {
                data[0] = 0; // leading zeros are the corner case of base58
            }
            assertThat(base.decodeRaw(base.encodeRaw(data))).as("%s length %d", base, length).isEqualTo(data);
        }
    }

    @Test
    void base32HasNoPaddingAndLowerCase() {
        assertThat(Multibase.BASE32.encodeRaw(new byte[] {(byte) 0xff})).isEqualTo("74");
    }

    @ParameterizedTest
    @CsvSource({
        "z0OIl, base58btc character '0'",
        "bABCD, base32 character 'A'",
        "fzz, base16 character 'z'",
        "f123, odd number",
        "u+/, base64url character '+'",
        "b7, cannot encode whole bytes",
        "b75, trailing bits",
        "x123, unsupported multibase prefix 'x'",
    })
    void rejectsMalformedText(String text, String message) {
        assertThatThrownBy(() -> Multibase.decode(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsEmptyText() {
        assertThatThrownBy(() -> Multibase.decode("")).isInstanceOf(IllegalArgumentException.class);
    }
}
