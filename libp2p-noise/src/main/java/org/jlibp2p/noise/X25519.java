package org.jlibp2p.noise;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * The Noise DH functions for Curve25519 (rev. 34, §12.1), on the JDK's own X25519 (RFC 7748). Keys
 * travel as 32-byte little-endian u-coordinates.
 *
 * @param keyPair   the JDK key pair
 * @param publicKey the public key as 32 bytes, as it goes on the wire
 */
record X25519(KeyPair keyPair, byte[] publicKey) {
    static final int DHLEN = 32;
    /** The field's prime, 2^255 - 19 (RFC 7748 §4.1). */
    static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

    /** GENERATE_KEYPAIR(). */
    static X25519 generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
            return new X25519(pair, encode(((XECPublicKey) pair.getPublic()).getU()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks X25519", e);
        }
    }

    /** A key pair from a known private scalar (for the test vectors). */
    static X25519 fromPrivate(byte[] scalar) {
        try {
            KeyFactory factory = KeyFactory.getInstance("X25519");
            XECPrivateKey priv = (XECPrivateKey) factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar.clone()));
            // The public key is the scalar times the base point u = 9: a DH with the base point.
            byte[] basePoint = new byte[DHLEN];
            basePoint[0] = 9;
            byte[] pub = dh(priv, basePoint);
            return new X25519(new KeyPair(factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decode(pub))), priv), pub);
        } catch (GeneralSecurityException | NoiseException e) {
            throw new IllegalStateException("cannot build an X25519 key from the given scalar", e);
        }
    }

    /** DH(key_pair, public_key): the 32-byte shared secret. */
    byte[] dh(byte[] remotePublic) throws NoiseException {
        return dh(keyPair.getPrivate(), remotePublic);
    }

    private static byte[] dh(java.security.PrivateKey priv, byte[] remotePublic) throws NoiseException {
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(priv);
            agreement.doPhase(new RemotePublicKey(decode(remotePublic).mod(P)), true);
            return agreement.generateSecret();
        } catch (java.security.InvalidKeyException e) {
            // The JDK refuses public keys of small order, whose shared secret would be all zeros.
            throw new NoiseHandshakeException("noise: invalid X25519 public key from the remote");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's X25519 failed", e);
        }
    }

    /**
     * The remote's public key for the agreement: the curve and the u-coordinate, reduced modulo p,
     * as RFC 7748 §5 says non-canonical values are to be taken. The JDK's own agreement (SunEC) reads
     * only those two. A key from the JDK's {@code KeyFactory} would also be looked up and build the
     * key's X.509 encoding, code that C2 compiled for 0.25-0.9 s at a time, one to three times in a
     * listener's first 4 500 connections (BENCHMARKS.md). A provider of another vendor, installed
     * ahead of the JDK's, may ask for that encoding: it is made on request.
     *
     * @param u the u-coordinate, in [0, p)
     */
    record RemotePublicKey(BigInteger u) implements XECPublicKey {
        /** What comes before the key's 32 bytes in its X.509 encoding (RFC 8410 §4: id-X25519, 1.3.101.110). */
        private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};

        @Override
        public BigInteger getU() {
            return u;
        }

        @Override
        public AlgorithmParameterSpec getParams() {
            return NamedParameterSpec.X25519;
        }

        @Override
        public String getAlgorithm() {
            return "XDH";
        }

        @Override
        public String getFormat() {
            return "X.509";
        }

        /** {@return the SubjectPublicKeyInfo: the prefix, then u as 32 bytes little-endian (RFC 8410 §4)} */
        @Override
        public byte[] getEncoded() {
            byte[] encoded = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + DHLEN);
            System.arraycopy(encode(u), 0, encoded, X509_PREFIX.length, DHLEN);
            return encoded;
        }
    }

    /** A u-coordinate in [0, 2^256) as the 32 little-endian bytes that go on the wire. */
    static byte[] encode(BigInteger u) {
        byte[] be = u.toByteArray();
        byte[] le = new byte[DHLEN];
        for (int i = 0; i < DHLEN && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    /** RFC 7748 §5: little-endian, and "implementations of X25519 MUST mask the most significant bit in the final byte". */
    static BigInteger decode(byte[] le) {
        byte[] be = new byte[DHLEN];
        for (int i = 0; i < DHLEN; i++) {
            be[i] = le[DHLEN - 1 - i];
        }
        be[0] &= 0x7F;
        return new BigInteger(1, be);
    }
}
