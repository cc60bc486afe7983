package org.jlibp2p.core.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.Multibase;

/**
 * RSA keys, on the JDK's own RSA. peer-ids/peer-ids.md, "RSA": the public key is the DER PKIX
 * SubjectPublicKeyInfo, the private key the DER PKCS#1 RSAPrivateKey, and signatures are
 * RSASSA-PKCS1-v1_5 over SHA-256.
 */
final class Rsa {
    /** go-libp2p refuses RSA keys under 2048 bits ({@code core/crypto/rsa_common.go}), and so do we. */
    static final int MIN_BITS = 2048;
    /** ... and over 8192 bits, which bounds the work a remote key can cost us. */
    static final int MAX_BITS = 8192;
    /**
     * The largest public exponent accepted: 2^31 - 1, as Go's crypto/rsa ("public exponent too
     * large"). A verification costs one modular exponentiation by the exponent, so a remote that
     * chose a 3071-bit exponent would make every check of its signatures ~20 times dearer.
     */
    static final BigInteger MAX_EXPONENT = BigInteger.valueOf(Integer.MAX_VALUE);
    /** DER of AlgorithmIdentifier { rsaEncryption, NULL } (RFC 8017 Appendix C). */
    private static final byte[] RSA_ALGORITHM = Multibase.fromHex("300d06092a864886f70d0101010500");

    private Rsa() {}

    static final class Public extends KeyBytes implements PublicKey {
        private final RSAPublicKey jdkKey;

        private Public(RSAPublicKey jdkKey) {
            super(jdkKey.getEncoded());
            this.jdkKey = jdkKey;
        }

        static Public decode(byte[] raw) throws MalformedMessageException {
            RSAPublicKey key;
            try {
                key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(raw));
            } catch (GeneralSecurityException | ClassCastException e) {
                throw new MalformedMessageException("invalid RSA public key: " + e.getMessage());
            }
            checkSize(key.getModulus());
            checkExponent(key.getPublicExponent());
            Public decoded = new Public(key);
            if (!java.util.Arrays.equals(decoded.raw(), raw)) {
                throw new MalformedMessageException("RSA public key is not in canonical DER form");
            }
            return decoded;
        }

        @Override
        public KeyType type() {
            return KeyType.RSA;
        }

        @Override
        public boolean verify(byte[] data, byte[] signature) {
            return jdkVerify("SHA256withRSA", jdkKey, data, signature);
        }

        @Override
        public String toString() {
            return "RsaPublicKey(" + jdkKey.getModulus().bitLength() + " bits)";
        }
    }

    static final class Private extends KeyBytes implements PrivateKey {
        private final RSAPrivateCrtKey jdkKey;
        private final Public publicKey;

        private Private(RSAPrivateCrtKey jdkKey) throws GeneralSecurityException {
            super(pkcs1(jdkKey));
            this.jdkKey = jdkKey;
            this.publicKey = new Public((RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(jdkKey.getModulus(), jdkKey.getPublicExponent())));
        }

        static Private generate(int bits) {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(bits);
                return new Private((RSAPrivateCrtKey) g.generateKeyPair().getPrivate());
            } catch (GeneralSecurityException e) {
                throw jdkFailure(e);
            }
        }

        /** PKCS#1 RSAPrivateKey, read by wrapping it in the PKCS#8 envelope the JDK expects (RFC 5208 §5). */
        static Private decode(byte[] pkcs1) throws MalformedMessageException {
            Der.Reader.wholeSequence(pkcs1);
            byte[] pkcs8 = Der.sequence(Der.integer(BigInteger.ZERO), RSA_ALGORITHM, Der.element(Der.OCTET_STRING, pkcs1));
            try {
                RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                checkSize(key.getModulus());
                checkExponent(key.getPublicExponent());
                return new Private(key);
            } catch (GeneralSecurityException | ClassCastException e) {
                throw new MalformedMessageException("invalid RSA private key: " + e.getMessage());
            }
        }

        @Override
        public KeyType type() {
            return KeyType.RSA;
        }

        @Override
        public PublicKey publicKey() {
            return publicKey;
        }

        @Override
        public byte[] sign(byte[] data) {
            return jdkSign("SHA256withRSA", jdkKey, data);
        }

        @Override
        public String toString() {
            return "RsaPrivateKey(" + jdkKey.getModulus().bitLength() + " bits)";
        }
    }

    /** The PKCS#1 key inside the JDK's PKCS#8 encoding: its privateKey OCTET STRING. */
    private static byte[] pkcs1(RSAPrivateCrtKey key) {
        try {
            Der.Reader pkcs8 = new Der.Reader(key.getEncoded()).readSequence();
            pkcs8.readUnsignedInteger();
            pkcs8.readSequence();
            return pkcs8.read(Der.OCTET_STRING);
        } catch (MalformedMessageException e) {
            throw new IllegalStateException("the JDK wrote an unexpected PKCS#8 encoding", e);
        }
    }

    private static void checkExponent(BigInteger e) throws MalformedMessageException {
        if (e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0) || e.compareTo(MAX_EXPONENT) > 0) {
            throw new MalformedMessageException("RSA public exponent " + (e.bitLength() > 64 ? "of " + e.bitLength() + " bits" : e.toString())
                    + " is not an odd number from 3 to 2^31 - 1");
        }
    }

    private static void checkSize(BigInteger modulus) throws MalformedMessageException {
        int bits = modulus.bitLength();
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new MalformedMessageException("RSA key of " + bits + " bits is outside " + MIN_BITS + " to " + MAX_BITS + " bits");
        }
    }
}
