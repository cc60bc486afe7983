package org.jlibp2p.core.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.Multibase;

/**
 * Ed25519 keys (RFC 8032), on the JDK's own EdDSA. peer-ids/peer-ids.md, "Ed25519": the public key
 * is the raw 32 bytes; the private key is written as seed ‖ public key (64 bytes).
 */
final class Ed25519 {
    static final int KEY_BYTES = 32;
    /** DER prefixes that turn raw keys into what the JDK's KeyFactory reads (RFC 8410 §4 and §7). */
    private static final byte[] X509_PREFIX = Multibase.fromHex("302a300506032b6570032100");
    private static final byte[] PKCS8_PREFIX = Multibase.fromHex("302e020100300506032b657004220420");

    private Ed25519() {}

    static final class Public extends KeyBytes implements PublicKey {
        private final java.security.PublicKey jdkKey;

        private Public(byte[] raw, java.security.PublicKey jdkKey) {
            super(raw);
            this.jdkKey = jdkKey;
        }

        static Public decode(byte[] raw) throws MalformedMessageException {
            if (raw.length != KEY_BYTES) {
                throw new MalformedMessageException("Ed25519 public key must be 32 bytes, not " + raw.length);
            }
            try {
                return new Public(raw, KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(KeyBytes.concat(X509_PREFIX, raw))));
            } catch (GeneralSecurityException e) {
                throw new MalformedMessageException("invalid Ed25519 public key: " + e.getMessage());
            }
        }

        @Override
        public KeyType type() {
            return KeyType.ED25519;
        }

        @Override
        public boolean verify(byte[] data, byte[] signature) {
            if (signature.length != 64) {
                return false;
            }
            return jdkVerify("Ed25519", jdkKey, data, signature);
        }

        @Override
        public String toString() {
            return "Ed25519PublicKey";
        }
    }

    static final class Private extends KeyBytes implements PrivateKey {
        private final java.security.PrivateKey jdkKey;
        private final Public publicKey;

        /** Holds the 64-byte form go and js write: seed ‖ public key. */
        private Private(byte[] seed, java.security.PrivateKey jdkKey, Public publicKey) {
            super(KeyBytes.concat(seed, publicKey.raw()));
            this.jdkKey = jdkKey;
            this.publicKey = publicKey;
        }

        static Private generate() {
            byte[] seed = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(seed);
            return fromSeed(seed);
        }

        static Private fromSeed(byte[] seed) {
            if (seed.length != KEY_BYTES) {
                throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, not " + seed.length);
            }
            try {
                java.security.PrivateKey jdkPrivate = KeyFactory.getInstance("Ed25519")
                        .generatePrivate(new PKCS8EncodedKeySpec(KeyBytes.concat(PKCS8_PREFIX, seed)));
                // The JDK has no call that derives an Ed25519 public key from a private one, but its key
                // pair generator draws exactly the 32 seed bytes from the random source it is given.
                KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
                generator.initialize(NamedParameterSpec.ED25519, new FixedBytes(seed));
                KeyPair pair = generator.generateKeyPair();
                byte[] encoded = pair.getPublic().getEncoded();
                byte[] raw = Arrays.copyOfRange(encoded, encoded.length - KEY_BYTES, encoded.length);
                return new Private(seed, jdkPrivate, new Public(raw, pair.getPublic()));
            } catch (GeneralSecurityException e) {
                throw jdkFailure(e);
            }
        }

        /** peer-ids/peer-ids.md: 64 bytes (seed ‖ public), 96 bytes (seed ‖ public ‖ public, older), or the bare seed. */
        static Private decode(byte[] data) throws MalformedMessageException {
            if (data.length != 32 && data.length != 64 && data.length != 96) {
                throw new MalformedMessageException("Ed25519 private key must be 32, 64 or 96 bytes, not " + data.length);
            }
            Private key = fromSeed(Arrays.copyOf(data, KEY_BYTES));
            if (data.length >= 64) {
                byte[] stated = Arrays.copyOfRange(data, 32, 64);
                if (data.length == 96 && !Arrays.equals(stated, Arrays.copyOfRange(data, 64, 96))) {
                    throw new MalformedMessageException("Ed25519 private key (96-byte form): the two public keys differ");
                }
                if (!Arrays.equals(stated, key.publicKey.raw())) {
                    throw new MalformedMessageException("Ed25519 private key: the public half does not belong to the seed");
                }
            }
            return key;
        }

        @Override
        public KeyType type() {
            return KeyType.ED25519;
        }

        @Override
        public PublicKey publicKey() {
            return publicKey;
        }

        @Override
        public byte[] sign(byte[] data) {
            return jdkSign("Ed25519", jdkKey, data);
        }

        @Override
        public String toString() {
            return "Ed25519PrivateKey";
        }
    }

    /** A random source that returns given bytes: how a seed reaches the JDK's key pair generator. */
    private static final class FixedBytes extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;

        FixedBytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (out.length != bytes.length) {
                throw new IllegalStateException("expected a request for " + bytes.length + " bytes");
            }
            System.arraycopy(bytes, 0, out, 0, out.length);
        }
    }
}
