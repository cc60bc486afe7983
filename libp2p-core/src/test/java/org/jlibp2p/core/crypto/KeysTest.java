package org.jlibp2p.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jlibp2p.core.codec.Multibase.fromHex;
import static org.jlibp2p.core.codec.Multibase.hex;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class KeysTest {
    private static final byte[] MESSAGE = SpecVectors.MESSAGE.getBytes(StandardCharsets.UTF_8);

    /** peer-ids/peer-ids.md "Test vectors": parse each private key, derive its public key, compare byte for byte. */
    @ParameterizedTest
    @CsvSource(maxCharsPerColumn = 10_000, value = {
        "ED25519, " + SpecVectors.ED25519_PRIVATE + ", " + SpecVectors.ED25519_PUBLIC,
        "SECP256K1, " + SpecVectors.SECP256K1_PRIVATE + ", " + SpecVectors.SECP256K1_PUBLIC,
        "ECDSA, " + SpecVectors.ECDSA_PRIVATE + ", " + SpecVectors.ECDSA_PUBLIC,
        "RSA, " + SpecVectors.RSA_PRIVATE + ", " + SpecVectors.RSA_PUBLIC,
    })
    void specVectorsDeriveTheSpecPublicKeyAndRoundTrip(KeyType type, String privateHex, String publicHex) throws Exception {
        PrivateKey privateKey = PrivateKey.unmarshal(fromHex(privateHex));
        assertThat(privateKey.type()).isEqualTo(type);
        assertThat(hex(privateKey.publicKey().marshal())).isEqualTo(publicHex);
        assertThat(hex(privateKey.marshal())).isEqualTo(privateHex); // our encoding is go's and js's, to the byte
        PublicKey publicKey = PublicKey.unmarshal(fromHex(publicHex));
        assertThat(publicKey).isEqualTo(privateKey.publicKey()).hasSameHashCodeAs(privateKey.publicKey());
        assertThat(publicKey.verify(MESSAGE, privateKey.sign(MESSAGE))).isTrue();
    }

    /** Ed25519, secp256k1 (RFC 6979) and RSA PKCS#1 v1.5 are deterministic: js-libp2p's signature must be ours. */
    @ParameterizedTest
    @CsvSource(maxCharsPerColumn = 10_000, value = {
        SpecVectors.ED25519_PRIVATE + ", " + SpecVectors.ED25519_JS_SIGNATURE,
        SpecVectors.SECP256K1_PRIVATE + ", " + SpecVectors.SECP256K1_JS_SIGNATURE,
        SpecVectors.RSA_PRIVATE + ", " + SpecVectors.RSA_JS_SIGNATURE,
    })
    void signaturesMatchJsLibp2pByteForByte(String privateHex, String jsSignature) throws Exception {
        PrivateKey key = PrivateKey.unmarshal(fromHex(privateHex));
        assertThat(hex(key.sign(MESSAGE))).isEqualTo(jsSignature);
        assertThat(key.publicKey().verify(MESSAGE, fromHex(jsSignature))).isTrue();
        byte[] tampered = fromHex(jsSignature);
        tampered[tampered.length / 2] ^= 1;
        assertThat(key.publicKey().verify(MESSAGE, tampered)).isFalse();
        assertThat(key.publicKey().verify("another message".getBytes(), fromHex(jsSignature))).isFalse();
    }

    /** Ours signs, the JDK's own implementation (independent of our key classes) verifies. */
    @ParameterizedTest
    @CsvSource({
        "ED25519, Ed25519, Ed25519",
        "ECDSA, EC, SHA256withECDSA",
        "RSA, RSA, SHA256withRSA",
    })
    void theJdkVerifiesOurSignatures(KeyType type, String keyAlgorithm, String signatureAlgorithm) throws Exception {
        PrivateKey key = PrivateKey.generate(type);
        byte[] spki = type == KeyType.ED25519
                ? concat(fromHex("302a300506032b6570032100"), key.publicKey().raw())
                : key.publicKey().raw();
        Signature jdk = Signature.getInstance(signatureAlgorithm);
        jdk.initVerify(KeyFactory.getInstance(keyAlgorithm).generatePublic(new X509EncodedKeySpec(spki)));
        jdk.update(MESSAGE);
        assertThat(jdk.verify(key.sign(MESSAGE))).isTrue();
    }

    /**
     * RFC 6979 nonces and low-S signatures on secp256k1: the vectors of bitcointalk topic 285142
     * (used by bitcoinj, python-ecdsa and others), SHA-256 of the message, private key d.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1 | Satoshi Nakamoto | 8f8a276c19f4149656b280621e358cce24f5f52542772691ee69063b74f15d15 | 934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8 | 2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5",
        "1 | All those moments will be lost in time, like tears in rain. Time to die... | 38aa22d72376b4dbc472e06c3ba403ee0a394da63fc58d88686c611aba98d6b3 | 8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b | 547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140 | Satoshi Nakamoto | 33a19b60e25fb6f4435af53a3d42d493644827367e6453928554f43e49aa6f90 | fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d0 | 6b39cd0eb1bc8603e159ef5c20a5c8ad685a45b06ce9bebed3f153d10d93bed5",
        "f8b8af8ce3c7cca5e300d33939540c10d45ce001b8f252bfbc57ba0342904181 | Alan Turing | 525a82b70e67874398067543fd84c83d30c175fdc45fdeee082fe13b1d7cfdf1 | 7063ae83e7f62bbb171798131b4a0564b956930092b33b07b395615d9ec7e15c | 58dfcc1e00a35e1572f366ffe34ba0fc47db1e7189759b9fb233c5b05ab388ea",
        "e91671c46231f833a6406ccbea0e3e392c76c167bac1cb013f6f1013980455c2 | There is a computer disease that anybody who works with computers knows about. It's a very serious disease and it interferes completely with the work. The trouble with computers is that you 'play' with them! | 1f4b84c23a86a221d233f2521be018d9318639d5b8bbd6374a8a59232d16ad3d | b552edd27580141f3b2a5463048cb7cd3e047b97c9f98076c32dbdf85a68718b | 279fa72dd19bfae05577e06c7c0c1900c371fcd5893f7e1d56a37d30174671f6",
    })
    void secp256k1Rfc6979Vectors(String d, String message, String k, String r, String s) throws Exception {
        BigInteger scalar = new BigInteger(d, 16);
        byte[] msg = message.getBytes(StandardCharsets.UTF_8);
        EcCurve curve = EcCurve.SECP256K1;
        BigInteger e = new BigInteger(1, Secp256k1.sha256(msg));
        assertThat(new Secp256k1.Rfc6979(curve.toBytes(scalar), curve.toBytes(e.mod(curve.n))).next()).isEqualTo(new BigInteger(k, 16));

        PrivateKey key = PrivateKey.unmarshal(new ProtobufWriter().writeVarint(1, 2).writeBytes(2, curve.toBytes(scalar)).toByteArray());
        byte[] expected = Der.sequence(Der.integer(new BigInteger(r, 16)), Der.integer(new BigInteger(s, 16)));
        assertThat(hex(key.sign(msg))).isEqualTo(hex(expected));
        assertThat(key.publicKey().verify(msg, expected)).isTrue();
    }

    @Test
    void secp256k1VerifyAcceptsHighS() throws Exception {
        PrivateKey key = PrivateKey.unmarshal(fromHex(SpecVectors.SECP256K1_PRIVATE));
        Der.Reader sig = new Der.Reader(key.sign(MESSAGE)).readSequence();
        BigInteger r = sig.readUnsignedInteger();
        BigInteger s = sig.readUnsignedInteger();
        byte[] highS = Der.sequence(Der.integer(r), Der.integer(EcCurve.SECP256K1.n.subtract(s)));
        assertThat(key.publicKey().verify(MESSAGE, highS)).isTrue();
        byte[] sOutOfRange = Der.sequence(Der.integer(r), Der.integer(EcCurve.SECP256K1.n.add(s)));
        assertThat(key.publicKey().verify(MESSAGE, sOutOfRange)).isFalse();
        assertThat(key.publicKey().verify(MESSAGE, new byte[] {0x30, 0x00})).isFalse();
        assertThat(key.publicKey().verify(MESSAGE, new byte[0])).isFalse();
    }

    @Test
    void secp256k1AcceptsUncompressedPublicKeysAndWritesThemCompressed() throws Exception {
        PublicKey compressed = PublicKey.unmarshal(fromHex(SpecVectors.SECP256K1_PUBLIC));
        EcCurve.Point point = EcCurve.SECP256K1.decode(compressed.raw());
        PublicKey uncompressed = PublicKey.fromRaw(KeyType.SECP256K1, EcCurve.SECP256K1.uncompressed(point));
        assertThat(uncompressed).isEqualTo(compressed);
        assertThat(uncompressed.raw()).hasSize(33);
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void generatedKeysSignVerifyAndRoundTrip(KeyType type) throws Exception {
        PrivateKey key = PrivateKey.generate(type);
        byte[] signature = key.sign(MESSAGE);
        assertThat(key.publicKey().verify(MESSAGE, signature)).isTrue();
        assertThat(PrivateKey.generate(type).publicKey().verify(MESSAGE, signature)).isFalse();
        PrivateKey again = PrivateKey.unmarshal(key.marshal());
        assertThat(again).isEqualTo(key);
        assertThat(again.publicKey()).isEqualTo(key.publicKey());
        assertThat(PublicKey.unmarshal(key.publicKey().marshal())).isEqualTo(key.publicKey());
    }

    @Test
    void ed25519AcceptsTheSeedAndTheOld96ByteForm() throws Exception {
        PrivateKey key = PrivateKey.unmarshal(fromHex(SpecVectors.ED25519_PRIVATE));
        byte[] full = key.raw();
        byte[] seed = Arrays.copyOf(full, 32);
        assertThat(PrivateKey.ed25519FromSeed(seed)).isEqualTo(key);
        assertThat(PrivateKey.unmarshal(envelope(1, seed))).isEqualTo(key);
        assertThat(PrivateKey.unmarshal(envelope(1, concat(full, Arrays.copyOfRange(full, 32, 64))))).isEqualTo(key);
    }

    @Test
    void ed25519RejectsAPublicHalfThatDoesNotMatch() {
        byte[] data = fromHex(SpecVectors.ED25519_PRIVATE.substring(8));
        data[40] ^= 1;
        assertThatThrownBy(() -> PrivateKey.unmarshal(envelope(1, data)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("does not belong");
        byte[] old = concat(fromHex(SpecVectors.ED25519_PRIVATE.substring(8)), new byte[32]);
        assertThatThrownBy(() -> PrivateKey.unmarshal(envelope(1, old)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("differ");
    }

    @Test
    void rsaKeysUnder2048BitsAreRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        byte[] spki = g.generateKeyPair().getPublic().getEncoded();
        assertThatThrownBy(() -> PublicKey.fromRaw(KeyType.RSA, spki))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("1024 bits");
    }

    /**
     * A remote chooses its RSA exponent, and each signature check costs an exponentiation by it: a
     * 3071-bit exponent made each check ~20 times dearer. Above 2^31 - 1 is refused, as Go does.
     */
    @Test
    void rsaPublicExponentsAbove2To31AreRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.math.BigInteger modulus = ((java.security.interfaces.RSAPublicKey) g.generateKeyPair().getPublic()).getModulus();
        java.security.KeyFactory f = java.security.KeyFactory.getInstance("RSA");
        java.util.function.Function<java.math.BigInteger, byte[]> spki = e -> {
            try {
                return f.generatePublic(new java.security.spec.RSAPublicKeySpec(modulus, e)).getEncoded();
            } catch (java.security.GeneralSecurityException ex) {
                throw new IllegalStateException(ex);
            }
        };
        java.math.BigInteger limit = java.math.BigInteger.valueOf(Integer.MAX_VALUE);
        assertThat(PublicKey.fromRaw(KeyType.RSA, spki.apply(limit))).isNotNull();
        assertThat(PublicKey.fromRaw(KeyType.RSA, spki.apply(java.math.BigInteger.valueOf(65537)))).isNotNull();
        assertThatThrownBy(() -> PublicKey.fromRaw(KeyType.RSA, spki.apply(limit.add(java.math.BigInteger.TWO))))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("exponent");
        assertThatThrownBy(() -> PublicKey.fromRaw(KeyType.RSA, spki.apply(java.math.BigInteger.ONE.shiftLeft(1500).add(java.math.BigInteger.ONE))))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("exponent of 1501 bits");
    }

    @Test
    void secp256k1PointNotOnTheCurveIsRefused() {
        byte[] raw = fromHex(SpecVectors.SECP256K1_PUBLIC.substring(8));
        // x = 5: 5^3 + 7 = 132 has no square root mod p
        byte[] bad = new byte[33];
        bad[0] = 2;
        bad[32] = 5;
        assertThatThrownBy(() -> PublicKey.fromRaw(KeyType.SECP256K1, bad))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("not on the curve");
        byte[] uncompressed = new byte[65];
        uncompressed[0] = 4;
        System.arraycopy(raw, 1, uncompressed, 1, 32);
        uncompressed[64] = 1; // y is wrong for that x
        assertThatThrownBy(() -> PublicKey.fromRaw(KeyType.SECP256K1, uncompressed))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("not on the curve");
    }

    @Test
    void ecdsaPointNotOnTheCurveIsRefused() {
        byte[] raw = fromHex(SpecVectors.ECDSA_PUBLIC.substring(8));
        raw[raw.length - 1] ^= 1;
        assertThatThrownBy(() -> PublicKey.fromRaw(KeyType.ECDSA, raw))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("not on the curve");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0801 | required field Data is missing",                       // Type only
        "12020102 | required field Type is missing",                   // Data only
        "080912020102 | unknown key type 9",
        "0801080112020102 | Type appears twice",
        "08011221 | truncated",                                        // Data length 33, nothing follows
        "0801122100" + "0000000000000000000000000000000000000000000000000000000000000000 | must be 32 bytes",
        "0802122001 | truncated",
        "0802122102fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f | not a field element",
        "0802120100 | SEC 1",
        "0803120130 | not a P-256 SubjectPublicKeyInfo",
        "080012023000 | invalid RSA public key",
    })
    void malformedPublicKeysFailClearly(String hex, String message) {
        byte[] bytes = fromHex(hex.replace(" ", ""));
        assertThatThrownBy(() -> PublicKey.unmarshal(bytes))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0801120101 | must be 32, 64 or 96 bytes",
        "080212020101 | must be 32 bytes",
        "08021220" + "0000000000000000000000000000000000000000000000000000000000000000 | not in [1, n-1]",
        "08021220" + "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141 | not in [1, n-1]",
        "080312023000 | DER",
        "0803120430020201 | DER: element of 1 bytes runs past the end",
        "08001203300100 | invalid RSA private key",
        "08001206300102030405 | DER: 3 trailing bytes",
    })
    void malformedPrivateKeysFailClearly(String hex, String message) {
        byte[] bytes = fromHex(hex.replace(" ", ""));
        assertThatThrownBy(() -> PrivateKey.unmarshal(bytes))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void ecdsaPrivateKeyWithTrailingBytesIsRefused() {
        byte[] der = fromHex(SpecVectors.ECDSA_PRIVATE.substring(8));
        byte[] padded = concat(der, new byte[] {0});
        assertThatThrownBy(() -> PrivateKey.unmarshal(envelope(3, padded)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("trailing");
    }

    @Test
    void oversizedKeysAreRefusedBeforeParsing() {
        assertThatThrownBy(() -> PublicKey.unmarshal(new byte[PublicKey.MAX_MARSHALLED_BYTES + 1]))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("over");
    }

    @Test
    void peerIdsOfTheSpecKeysMatchJsLibp2p() throws Exception {
        assertThat(PeerId.fromPublicKey(PublicKey.unmarshal(fromHex(SpecVectors.ED25519_PUBLIC))).toString())
                .isEqualTo(SpecVectors.ED25519_PEER_ID);
        assertThat(PeerId.fromPublicKey(PublicKey.unmarshal(fromHex(SpecVectors.SECP256K1_PUBLIC))).toString())
                .isEqualTo(SpecVectors.SECP256K1_PEER_ID);
        assertThat(PeerId.fromPublicKey(PublicKey.unmarshal(fromHex(SpecVectors.RSA_PUBLIC))).toString())
                .isEqualTo(SpecVectors.RSA_PEER_ID);
        assertThat(PeerId.fromPublicKey(PublicKey.unmarshal(fromHex(SpecVectors.ECDSA_PUBLIC))).toString())
                .startsWith("Qm"); // 95 bytes marshalled: hashed
    }

    private static byte[] envelope(int type, byte[] data) {
        return new ProtobufWriter().writeVarint(1, type).writeBytes(2, data).toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
