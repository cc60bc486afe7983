package org.jlibp2p.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Noise's DH on the JDK's X25519, against RFC 7748's rules for the remote's public key. */
class X25519Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

    /** RFC 7748 §5.2, the first test vector: a scalar and a u-coordinate, and their product. */
    @Test
    void matchesRfc7748Section52() throws Exception {
        X25519 key = X25519.fromPrivate(HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"));
        byte[] secret = key.dh(HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
        assertThat(HEX.formatHex(secret)).isEqualTo("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    }

    /**
     * §5: "implementations MUST accept non-canonical values and process them as if they had been
     * reduced modulo the field prime", and the top bit of the last byte is masked.
     */
    @Test
    void aNonCanonicalOrTopBitSetPublicKeyActsAsItsReducedValue() throws Exception {
        X25519 ours = X25519.generate();
        X25519 theirs = X25519.generate();
        byte[] topBitSet = theirs.publicKey().clone();
        topBitSet[31] |= (byte) 0x80;
        assertThat(ours.dh(topBitSet)).isEqualTo(ours.dh(theirs.publicKey()));

        // A u-coordinate in [p, 2^255): 2^255 - 10 is 9 + p, the base point's u.
        byte[] nonCanonicalNine = littleEndian(P.add(BigInteger.valueOf(9)));
        byte[] nine = littleEndian(BigInteger.valueOf(9));
        assertThat(ours.dh(nonCanonicalNine)).isEqualTo(ours.dh(nine)).isEqualTo(ours.publicKey());
    }

    /**
     * A public key of small order would make the shared secret all zeros whatever our key (§6.1:
     * "check for the all-zero value and abort if so"): the handshake refuses it.
     */
    @Test
    void aPublicKeyOfSmallOrderIsRefused() {
        X25519 ours = X25519.generate();
        for (String smallOrder : new String[] {
                "0000000000000000000000000000000000000000000000000000000000000000", // 0
                "0100000000000000000000000000000000000000000000000000000000000000", // 1
                "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // a point of order 8
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"}) { // p - 1
            assertThatThrownBy(() -> ours.dh(HEX.parseHex(smallOrder))).as(smallOrder)
                    .isInstanceOf(NoiseHandshakeException.class).hasMessageContaining("invalid X25519 public key");
        }
    }

    private static byte[] littleEndian(BigInteger value) {
        byte[] out = new byte[32];
        byte[] be = value.toByteArray();
        for (int i = 0; i < 32 && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }
}
