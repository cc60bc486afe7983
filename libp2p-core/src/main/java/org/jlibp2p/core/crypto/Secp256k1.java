package org.jlibp2p.core.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jlibp2p.core.MalformedMessageException;

/**
 * secp256k1 keys, written here because the JDK removed the curve (JDK 16).
 * peer-ids/peer-ids.md, "Secp256k1": "the standard Bitcoin EC encoding": a 33-byte compressed public
 * key, a 32-byte private scalar, and ECDSA over SHA-256 with a DER signature.
 *
 * <p>Signing uses deterministic nonces (RFC 6979 §3.2, HMAC-SHA256) and produces low-S signatures
 * (s ≤ n/2, BIP 62), as go-libp2p (btcec) and js-libp2p (@noble/secp256k1) do. Verification
 * accepts both low and high S, like btcec: signature malleability does not matter for libp2p's uses
 * (the signed data, not the signature, is what is checked). See {@link EcCurve} for what is and is not
 * constant-time.
 */
final class Secp256k1 {
    private static final EcCurve CURVE = EcCurve.SECP256K1;
    private static final BigInteger HALF_N = CURVE.n.shiftRight(1);

    private Secp256k1() {}

    static final class Public extends KeyBytes implements PublicKey {
        private final EcCurve.Point point;

        private Public(EcCurve.Point point) {
            super(CURVE.compress(point));
            this.point = point;
        }

        /** Accepts the compressed (33 bytes) and uncompressed (65 bytes) forms; marshals compressed. */
        static Public decode(byte[] raw) throws MalformedMessageException {
            try {
                return new Public(CURVE.decode(raw));
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException("invalid secp256k1 public key: " + e.getMessage());
            }
        }

        @Override
        public KeyType type() {
            return KeyType.SECP256K1;
        }

        /** ECDSA verification, SEC 1 v2 §4.1.4, over e = SHA-256(data). */
        @Override
        public boolean verify(byte[] data, byte[] signature) {
            BigInteger r;
            BigInteger s;
            try {
                Der.Reader seq = Der.Reader.wholeSequence(signature);
                r = seq.readUnsignedInteger();
                s = seq.readUnsignedInteger();
                seq.expectEnd();
            } catch (MalformedMessageException e) {
                return false;
            }
            BigInteger n = CURVE.n;
            if (r.signum() <= 0 || r.compareTo(n) >= 0 || s.signum() <= 0 || s.compareTo(n) >= 0) {
                return false;
            }
            BigInteger e = new BigInteger(1, sha256(data));
            BigInteger w = s.modInverse(n);
            EcCurve.Point x = CURVE.multiplyAdd(e.multiply(w).mod(n), r.multiply(w).mod(n), point);
            return x != EcCurve.INFINITY && x.x().mod(n).equals(r);
        }

        @Override
        public String toString() {
            return "Secp256k1PublicKey";
        }
    }

    static final class Private extends KeyBytes implements PrivateKey {
        private final BigInteger d;
        private final Public publicKey;

        private Private(BigInteger d) {
            super(CURVE.toBytes(d));
            this.d = d;
            this.publicKey = new Public(CURVE.multiplyG(d));
        }

        static Private generate() {
            SecureRandom random = new SecureRandom();
            while (true) {
                BigInteger d = new BigInteger(256, random);
                if (d.signum() > 0 && d.compareTo(CURVE.n) < 0) {
                    return new Private(d);
                }
            }
        }

        static Private decode(byte[] data) throws MalformedMessageException {
            if (data.length != 32) {
                throw new MalformedMessageException("secp256k1 private key must be 32 bytes, not " + data.length);
            }
            BigInteger d = new BigInteger(1, data);
            if (d.signum() == 0 || d.compareTo(CURVE.n) >= 0) {
                throw new MalformedMessageException("secp256k1 private key is not in [1, n-1]");
            }
            return new Private(d);
        }

        @Override
        public KeyType type() {
            return KeyType.SECP256K1;
        }

        @Override
        public PublicKey publicKey() {
            return publicKey;
        }

        /** ECDSA signing, SEC 1 v2 §4.1.3, with the nonce of RFC 6979 and a low S; DER-encoded. */
        @Override
        public byte[] sign(byte[] data) {
            byte[] hash = sha256(data);
            BigInteger e = new BigInteger(1, hash);
            BigInteger n = CURVE.n;
            Rfc6979 nonces = new Rfc6979(CURVE.toBytes(d), CURVE.toBytes(e.mod(n)));
            while (true) {
                BigInteger k = nonces.next();
                BigInteger r = CURVE.multiplyG(k).x().mod(n);
                if (r.signum() == 0) {
                    continue;
                }
                BigInteger s = k.modInverse(n).multiply(e.add(r.multiply(d))).mod(n);
                if (s.signum() == 0) {
                    continue;
                }
                if (s.compareTo(HALF_N) > 0) {
                    s = n.subtract(s); // BIP 62 low S
                }
                return Der.sequence(Der.integer(r), Der.integer(s));
            }
        }

        @Override
        public String toString() {
            return "Secp256k1PrivateKey";
        }
    }

    /**
     * The deterministic nonce generator of RFC 6979 §3.2 with HMAC-SHA256, for a 256-bit curve
     * (qlen = hlen = 256, so bits2int is the identity and no truncation is needed).
     */
    static final class Rfc6979 {
        private final Mac mac;
        private byte[] k = new byte[32];
        private byte[] v = new byte[32];

        /**
         * Steps b to g.
         *
         * @param x  int2octets(private key)
         * @param h1 bits2octets(H(m)): the hash reduced mod n, 32 bytes
         */
        Rfc6979(byte[] x, byte[] h1) {
            try {
                mac = Mac.getInstance("HmacSHA256");
            } catch (GeneralSecurityException e) {
                throw KeyBytes.jdkFailure(e);
            }
            Arrays.fill(v, (byte) 0x01);                       // b. V = 0x01 0x01 ... 0x01
            Arrays.fill(k, (byte) 0x00);                       // c. K = 0x00 0x00 ... 0x00
            k = hmac(k, v, new byte[] {0x00}, x, h1);         // d. K = HMAC_K(V || 0x00 || x || h1)
            v = hmac(k, v);                                    // e. V = HMAC_K(V)
            k = hmac(k, v, new byte[] {0x01}, x, h1);         // f. K = HMAC_K(V || 0x01 || x || h1)
            v = hmac(k, v);                                    // g. V = HMAC_K(V)
        }

        /** Step h: the next candidate k in [1, n-1]; called again when a candidate gives r = 0 or s = 0. */
        BigInteger next() {
            while (true) {
                v = hmac(k, v);                                // h.2 T = V = HMAC_K(V) (one block is enough)
                BigInteger candidate = new BigInteger(1, v);  // h.3 k = bits2int(T)
                if (candidate.signum() > 0 && candidate.compareTo(CURVE.n) < 0) {
                    advance();                                 // ready for a retry, should the caller need one
                    return candidate;
                }
                advance();
            }
        }

        private void advance() {
            k = hmac(k, v, new byte[] {0x00});                // K = HMAC_K(V || 0x00)
            v = hmac(k, v);                                    // V = HMAC_K(V)
        }

        private byte[] hmac(byte[] key, byte[]... parts) {
            try {
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw KeyBytes.jdkFailure(e);
            }
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw KeyBytes.jdkFailure(e);
        }
    }
}
