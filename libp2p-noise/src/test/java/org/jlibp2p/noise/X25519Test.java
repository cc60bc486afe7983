package org.jlibp2p.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Noise's DH on the JDK's X25519, against RFC 7748's rules for the remote's public key. */
class X25519Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final BigInteger P = X25519.P;

    /**
     * RFC 7748 §5.2's two test vectors: a scalar and a u-coordinate, and their product. The second
     * u-coordinate has the top bit of its last byte set, which is masked.
     */
    @Test
    void matchesRfc7748Section52() throws Exception {
        X25519 first = X25519.fromPrivate(HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"));
        assertThat(HEX.formatHex(first.dh(HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))))
                .isEqualTo("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        X25519 second = X25519.fromPrivate(HEX.parseHex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"));
        assertThat(HEX.formatHex(second.dh(HEX.parseHex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"))))
                .isEqualTo("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    }

    /**
     * The remote's key, as handed to the agreement, has the encoding the JDK's {@code KeyFactory}
     * gives the same u-coordinate: what a provider that asks for it reads.
     */
    @Test
    void theRemoteKeyEncodesAsTheJdksKeyOfTheSameCoordinate() throws Exception {
        for (BigInteger u : new BigInteger[] {BigInteger.valueOf(9), P.subtract(BigInteger.ONE), X25519.decode(X25519.generate().publicKey())}) {
            BigInteger reduced = u.mod(P);
            byte[] jdk = KeyFactory.getInstance("X25519").generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, reduced)).getEncoded();
            X25519.RemotePublicKey ours = new X25519.RemotePublicKey(reduced);
            assertThat(ours.getEncoded()).as("u = %s", u).isEqualTo(jdk);
            assertThat(ours.getFormat()).isEqualTo("X.509");
        }
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
        byte[] nonCanonicalNine = X25519.encode(P.add(BigInteger.valueOf(9)));
        byte[] nine = X25519.encode(BigInteger.valueOf(9));
        assertThat(ours.dh(nonCanonicalNine)).isEqualTo(ours.dh(nine)).isEqualTo(ours.publicKey());
    }

    /**
     * A public key of small order makes the shared secret all zeros whatever our key; RFC 7748 §6.1
     * allows either side to "check ... whether K is the all-zero value and abort if so", and the
     * JDK's agreement does: the handshake refuses such a key, also written non-canonically.
     */
    @Test
    void aPublicKeyOfSmallOrderIsRefused() {
        X25519 ours = X25519.generate();
        for (String smallOrder : new String[] {
                "0000000000000000000000000000000000000000000000000000000000000000", // 0
                "0100000000000000000000000000000000000000000000000000000000000000", // 1
                "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // a point of order 8
                "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", // the other one
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p - 1
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p, that is 0
                "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"}) { // p + 1, that is 1
            assertThatThrownBy(() -> ours.dh(HEX.parseHex(smallOrder))).as(smallOrder)
                    .isInstanceOf(NoiseHandshakeException.class).hasMessageContaining("invalid X25519 public key");
        }
    }
}
