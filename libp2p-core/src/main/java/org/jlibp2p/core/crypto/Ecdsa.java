package org.jlibp2p.core.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.Multibase;

/**
 * ECDSA keys on NIST P-256, on the JDK's own EC. peer-ids/peer-ids.md, "ECDSA": the public key is
 * the DER SubjectPublicKeyInfo (RFC 5480), the private key the DER ECPrivateKey of SEC 1 / RFC 5915
 * (what go's {@code x509.MarshalECPrivateKey} writes), and signatures are DER over SHA-256.
 */
final class Ecdsa {
    private static final EcCurve CURVE = EcCurve.P256;
    /** DER of the OID 1.2.840.10045.3.1.7 (prime256v1). */
    private static final byte[] P256_OID = Multibase.fromHex("2a8648ce3d030107");
    /** DER SubjectPublicKeyInfo header for an uncompressed P-256 point (RFC 5480 §2). */
    private static final byte[] SPKI_PREFIX = Multibase.fromHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    private static final ECParameterSpec PARAMS = p256();

    private Ecdsa() {}

    static final class Public extends KeyBytes implements PublicKey {
        private final java.security.PublicKey jdkKey;

        private Public(EcCurve.Point point) {
            super(KeyBytes.concat(SPKI_PREFIX, CURVE.uncompressed(point)));
            try {
                jdkKey = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(point.x(), point.y()), PARAMS));
            } catch (GeneralSecurityException e) {
                throw jdkFailure(e);
            }
        }

        /** Only the P-256 SubjectPublicKeyInfo with an uncompressed point, the form every implementation writes. */
        static Public decode(byte[] raw) throws MalformedMessageException {
            if (raw.length != SPKI_PREFIX.length + 65 || !Arrays.equals(raw, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
                throw new MalformedMessageException("ECDSA public key is not a P-256 SubjectPublicKeyInfo with an uncompressed point");
            }
            try {
                return new Public(CURVE.decode(Arrays.copyOfRange(raw, SPKI_PREFIX.length, raw.length)));
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException("invalid ECDSA public key: " + e.getMessage());
            }
        }

        @Override
        public KeyType type() {
            return KeyType.ECDSA;
        }

        @Override
        public boolean verify(byte[] data, byte[] signature) {
            return jdkVerify("SHA256withECDSA", jdkKey, data, signature);
        }

        @Override
        public String toString() {
            return "EcdsaPublicKey";
        }
    }

    static final class Private extends KeyBytes implements PrivateKey {
        private final java.security.PrivateKey jdkKey;
        private final Public publicKey;

        private Private(BigInteger d, EcCurve.Point q) {
            super(sec1(d, q));
            this.publicKey = new Public(q);
            try {
                jdkKey = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, PARAMS));
            } catch (GeneralSecurityException e) {
                throw jdkFailure(e);
            }
        }

        static Private generate() {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                BigInteger d = ((ECPrivateKey) g.generateKeyPair().getPrivate()).getS();
                return new Private(d, CURVE.multiplyG(d));
            } catch (GeneralSecurityException e) {
                throw jdkFailure(e);
            }
        }

        /**
         * RFC 5915 §3: {@code ECPrivateKey ::= SEQUENCE { version INTEGER (1), privateKey OCTET STRING,
         * parameters [0] OID OPTIONAL, publicKey [1] BIT STRING OPTIONAL }}. The public key, when present,
         * must be the one the private scalar gives.
         */
        static Private decode(byte[] data) throws MalformedMessageException {
            Der.Reader seq = Der.Reader.wholeSequence(data);
            if (!seq.readUnsignedInteger().equals(BigInteger.ONE)) {
                throw new MalformedMessageException("ECDSA private key: ECPrivateKey version is not 1");
            }
            byte[] scalar = seq.read(Der.OCTET_STRING);
            if (scalar.length != 32) {
                throw new MalformedMessageException("ECDSA private key: scalar of " + scalar.length + " bytes, expected 32 (P-256)");
            }
            BigInteger d = new BigInteger(1, scalar);
            if (d.signum() == 0 || d.compareTo(CURVE.n) >= 0) {
                throw new MalformedMessageException("ECDSA private key is not in [1, n-1]");
            }
            EcCurve.Point q = CURVE.multiplyG(d);
            if (seq.hasMore() && seq.peekTag() == 0xa0) {
                byte[] oid = new Der.Reader(seq.read(0xa0)).read(Der.OID);
                if (!Arrays.equals(oid, P256_OID)) {
                    throw new MalformedMessageException("ECDSA private key: curve is not P-256");
                }
            }
            if (seq.hasMore() && seq.peekTag() == 0xa1) {
                byte[] bits = new Der.Reader(seq.read(0xa1)).read(Der.BIT_STRING);
                if (bits.length != 66 || bits[0] != 0 || !Arrays.equals(Arrays.copyOfRange(bits, 1, 66), CURVE.uncompressed(q))) {
                    throw new MalformedMessageException("ECDSA private key: the public key does not belong to the private scalar");
                }
            }
            seq.expectEnd();
            return new Private(d, q);
        }

        @Override
        public KeyType type() {
            return KeyType.ECDSA;
        }

        @Override
        public PublicKey publicKey() {
            return publicKey;
        }

        @Override
        public byte[] sign(byte[] data) {
            return jdkSign("SHA256withECDSA", jdkKey, data);
        }

        @Override
        public String toString() {
            return "EcdsaPrivateKey";
        }
    }

    /** The ECPrivateKey DER that go writes: version 1, the scalar, [0] the curve OID, [1] the public point. */
    private static byte[] sec1(BigInteger d, EcCurve.Point q) {
        byte[] point = KeyBytes.concat(new byte[] {0}, CURVE.uncompressed(q));
        return Der.sequence(
                Der.integer(BigInteger.ONE),
                Der.element(Der.OCTET_STRING, CURVE.toBytes(d)),
                Der.element(0xa0, Der.element(Der.OID, P256_OID)),
                Der.element(0xa1, Der.element(Der.BIT_STRING, point)));
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            return params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw KeyBytes.jdkFailure(e);
        }
    }
}
