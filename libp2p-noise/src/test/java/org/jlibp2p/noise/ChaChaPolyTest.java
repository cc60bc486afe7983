package org.jlibp2p.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The ChaChaPoly implementations against RFC 8439's vectors and against each other: the composed
 * one (JDK ChaCha20 + our Poly1305) and the one that chooses by size must produce exactly the JDK's
 * bytes, whichever this machine uses.
 */
class ChaChaPolyTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void poly1305MatchesRfc8439Section252() {
        byte[] key = HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] message = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
        Poly1305 poly = new Poly1305();
        byte[] tag = new byte[16];
        poly.init(key, 0);
        poly.update(message, 0, message.length);
        poly.finish(tag, 0);
        assertThat(HEX.formatHex(tag)).isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");

        // the same message fed in pieces that cut across block boundaries
        poly.init(key, 0);
        poly.update(message, 0, 5);
        poly.update(message, 5, 20);
        poly.update(message, 25, 9);
        poly.finish(tag, 0);
        assertThat(HEX.formatHex(tag)).isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
    }

    @Test
    void aeadMatchesRfc8439Section282() throws Exception {
        byte[] plaintext = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
                + " sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        byte[] ad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
        SecretKeySpec key = new SecretKeySpec(HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"), "ChaCha20");
        byte[] nonce = HEX.parseHex("070000004041424344454647");
        for (ChaChaPoly aead : new ChaChaPoly[] {new ChaChaPoly.Composed(), new ChaChaPoly.Jdk(), new ChaChaPoly.BySize()}) {
            byte[] out = new byte[plaintext.length + 16];
            assertThat(aead.seal(key, nonce, ad, plaintext, 0, plaintext.length, out, 0)).isEqualTo(plaintext.length + 16);
            assertThat(HEX.formatHex(out, 0, 16)).isEqualTo("d31a8d34648e60db7b86afbc53ef7ec2");
            assertThat(HEX.formatHex(out, plaintext.length, out.length)).isEqualTo("1ae10b594f09e26a7e902ecbd0600691");
            assertThat(aead.open(key, nonce, ad, out, 0, out.length)).isEqualTo(plaintext.length);
            assertThat(Arrays.copyOf(out, plaintext.length)).isEqualTo(plaintext);
        }
    }

    @Test
    void composedEqualsTheJdkOnRandomAndExtremeInputs() throws Exception {
        Random random = new Random(8439);
        ChaChaPoly.Composed composed = new ChaChaPoly.Composed();
        ChaChaPoly.Jdk jdk = new ChaChaPoly.Jdk();
        for (int i = 0; i < 600; i++) {
            // lengths around every block size, empty, and a full Noise frame; all-ones keys and data
            // drive the carries and the final reduction to their extremes
            int length = switch (i % 6) {
                case 0 -> 0;
                case 1 -> NoiseConnection.MAX_PLAINTEXT;
                default -> random.nextInt(200);
            };
            boolean extreme = i % 5 == 0;
            byte[] keyBytes = bytes(random, 32, extreme);
            byte[] plaintext = bytes(random, length, extreme);
            byte[] ad = i % 3 == 0 ? null : bytes(random, random.nextInt(70), extreme);
            byte[] nonce = bytes(random, 12, false);
            SecretKeySpec key = new SecretKeySpec(keyBytes, "ChaCha20");

            byte[] expected = new byte[length + 16];
            jdk.seal(key, nonce, ad, plaintext, 0, length, expected, 0);
            byte[] actual = new byte[length + 16];
            composed.seal(key, nonce, ad, plaintext, 0, length, actual, 0);
            assertThat(actual).as("message %d of %d bytes", i, length).isEqualTo(expected);

            byte[] opened = expected.clone();
            assertThat(composed.open(key, nonce, ad, opened, 0, opened.length)).isEqualTo(length);
            assertThat(Arrays.copyOf(opened, length)).isEqualTo(plaintext);
        }
    }

    @Test
    void bySizeTakesTheComposedFormBelowItsThresholdAndTheJdksFromIt() {
        ChaChaPoly.BySize bySize = new ChaChaPoly.BySize();
        ChaChaPoly shortForm = bySize.forLength(ChaChaPoly.BySize.SHORT - 1);
        assertThat(shortForm).isInstanceOf(ChaChaPoly.Composed.class);
        assertThat(bySize.forLength(0)).isSameAs(shortForm);
        ChaChaPoly longForm = bySize.forLength(ChaChaPoly.BySize.SHORT);
        assertThat(longForm).isInstanceOf(ChaChaPoly.Jdk.class);
        assertThat(bySize.forLength(NoiseConnection.MAX_PLAINTEXT)).isSameAs(longForm);
    }

    @Test
    void bySizeSealsAndOpensWhatTheJdkDoesOnEitherSideOfItsThreshold() throws Exception {
        Random random = new Random(512);
        ChaChaPoly.BySize bySize = new ChaChaPoly.BySize();
        ChaChaPoly.Jdk jdk = new ChaChaPoly.Jdk();
        int threshold = ChaChaPoly.BySize.SHORT;
        int[] lengths = {0, 1, threshold - 17, threshold - 16, threshold - 1, threshold, threshold + 1, threshold + 16, NoiseConnection.MAX_PLAINTEXT};
        long counter = 0;
        for (int length : lengths) {
            byte[] plaintext = bytes(random, length, false);
            byte[] ad = length % 2 == 0 ? null : bytes(random, 32, false);
            SecretKeySpec key = new SecretKeySpec(bytes(random, 32, false), "ChaCha20");
            byte[] nonce = new byte[12];
            nonce[4] = (byte) ++counter;

            byte[] expected = new byte[length + 16];
            jdk.seal(key, nonce, ad, plaintext, 0, length, expected, 0);
            byte[] actual = Arrays.copyOf(plaintext, length + 16);
            assertThat(bySize.seal(key, nonce, ad, actual, 0, length, actual, 0)).isEqualTo(length + 16);
            assertThat(actual).as("%d bytes", length).isEqualTo(expected);

            assertThat(bySize.open(key, nonce, ad, actual, 0, actual.length)).isEqualTo(length);
            assertThat(Arrays.copyOf(actual, length)).as("%d bytes opened", length).isEqualTo(plaintext);
            byte[] tampered = expected.clone();
            tampered[tampered.length - 1] ^= 1;
            assertThatThrownBy(() -> bySize.open(key, nonce, ad, tampered, 0, tampered.length))
                    .as("%d bytes, tag altered", length).isInstanceOf(AEADBadTagException.class);
        }
    }

    @Test
    void composedEncryptsInPlace() throws Exception {
        SecretKeySpec key = new SecretKeySpec(new byte[32], "ChaCha20");
        byte[] nonce = new byte[12];
        byte[] plaintext = bytes(new Random(1), 1000, false);
        byte[] expected = new byte[1016];
        new ChaChaPoly.Jdk().seal(key, nonce, null, plaintext, 0, 1000, expected, 0);
        byte[] buf = Arrays.copyOf(plaintext, 1016);
        new ChaChaPoly.Composed().seal(key, nonce, null, buf, 0, 1000, buf, 0);
        assertThat(buf).isEqualTo(expected);
    }

    @Test
    void composedRejectsEveryTamperedByteAndLeavesTheCiphertextAlone() throws Exception {
        SecretKeySpec key = new SecretKeySpec(bytes(new Random(2), 32, false), "ChaCha20");
        byte[] nonce = new byte[12];
        byte[] ad = {1, 2, 3};
        byte[] sealed = new byte[40 + 16];
        ChaChaPoly.Composed composed = new ChaChaPoly.Composed();
        composed.seal(key, nonce, ad, new byte[40], 0, 40, sealed, 0);
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            byte[] before = tampered.clone();
            assertThatThrownBy(() -> composed.open(key, nonce, ad, tampered, 0, tampered.length))
                    .isInstanceOf(AEADBadTagException.class);
            assertThat(tampered).as("nothing is decrypted before the tag is checked").isEqualTo(before);
        }
        assertThatThrownBy(() -> composed.open(key, nonce, new byte[] {1, 2, 4}, sealed.clone(), 0, sealed.length))
                .as("other associated data").isInstanceOf(AEADBadTagException.class);
    }

    private static byte[] bytes(Random random, int length, boolean allOnes) {
        byte[] b = new byte[length];
        if (allOnes) {
            Arrays.fill(b, (byte) 0xFF);
        } else {
            random.nextBytes(b);
        }
        return b;
    }
}
