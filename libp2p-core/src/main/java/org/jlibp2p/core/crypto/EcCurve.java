package org.jlibp2p.core.crypto;

import java.math.BigInteger;

/**
 * Arithmetic on a short Weierstrass curve {@code y² = x³ + ax + b} over the prime field GF(p), as in
 * SEC 1 v2 (secg.org/sec1-v2.pdf) §2.2: what ECDSA on secp256k1 needs, since the JDK dropped that
 * curve, and what deriving a P-256 public key from a bare private key needs.
 *
 * <p>Points are affine on the outside ({@link Point}) and Jacobian inside: (X, Y, Z) stands for
 * (X/Z², Y/Z³), which lets additions and doublings avoid a field inversion each.
 *
 * <p><b>What is and is not constant-time.</b> Scalar multiplication is a Montgomery ladder: the same
 * number of iterations (the bit length of n) and the same sequence of one addition and one doubling
 * per bit, whatever the scalar. But {@link BigInteger} itself is not constant-time (its multiply,
 * modulo and inverse take time that depends on the values), and the ladder chooses which point to
 * update by the scalar's bit. Treat this code as safe against remote timing only to the degree
 * BigInteger is; it is the readable reference, not a hardened implementation.
 */
final class EcCurve {
    /** secp256k1 (SEC 2 v2 §2.4.1): the curve of Bitcoin, Ethereum and py-libp2p's default identity. */
    static final EcCurve SECP256K1 = new EcCurve(
            "secp256k1",
            hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f"),
            BigInteger.ZERO,
            BigInteger.valueOf(7),
            hex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
            hex("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"),
            hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"));

    /** NIST P-256 / secp256r1 (SEC 2 v2 §2.4.2). */
    static final EcCurve P256 = new EcCurve(
            "P-256",
            hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
            hex("ffffffff00000001000000000000000000000000fffffffffffffffffffffffc"),
            hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"),
            hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
            hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"),
            hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"));

    private static final BigInteger TWO = BigInteger.TWO;
    private static final BigInteger THREE = BigInteger.valueOf(3);

    final String name;
    final BigInteger p;
    final BigInteger a;
    final BigInteger b;
    final BigInteger n;
    final Point g;
    /** Bytes in a field element or scalar. */
    final int size;

    private EcCurve(String name, BigInteger p, BigInteger a, BigInteger b, BigInteger gx, BigInteger gy, BigInteger n) {
        this.name = name;
        this.p = p;
        this.a = a;
        this.b = b;
        this.n = n;
        this.g = new Point(gx, gy);
        this.size = (p.bitLength() + 7) / 8;
    }

    /** An affine point; {@code null} coordinates never occur: the point at infinity is {@link #INFINITY}. */
    record Point(BigInteger x, BigInteger y) {}

    /** The identity element. */
    static final Point INFINITY = new Point(BigInteger.valueOf(-1), BigInteger.valueOf(-1));

    boolean isOnCurve(Point q) {
        if (q == INFINITY || q.x.signum() < 0 || q.x.compareTo(p) >= 0 || q.y.signum() < 0 || q.y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = q.y.multiply(q.y).mod(p);
        BigInteger right = q.x.pow(3).add(a.multiply(q.x)).add(b).mod(p);
        return left.equals(right);
    }

    /** k·G. */
    Point multiplyG(BigInteger k) {
        return multiply(g, k);
    }

    /** k·Q by the Montgomery ladder: bitLength(n) iterations, each one addition and one doubling. */
    Point multiply(Point q, BigInteger k) {
        BigInteger[] r0 = {BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO}; // infinity
        BigInteger[] r1 = jacobian(q);
        for (int i = n.bitLength() - 1; i >= 0; i--) {
            if (k.testBit(i)) {
                r0 = add(r0, r1);
                r1 = twice(r1);
            } else {
                r1 = add(r0, r1);
                r0 = twice(r0);
            }
        }
        return affine(r0);
    }

    /** u1·G + u2·Q, for verification (public values only). */
    Point multiplyAdd(BigInteger u1, BigInteger u2, Point q) {
        return affine(add(jacobian(multiplyG(u1)), jacobian(multiply(q, u2))));
    }

    /** Compressed SEC 1 encoding (§2.3.3): 0x02 or 0x03 for an even or odd y, then x. */
    byte[] compress(Point q) {
        byte[] out = new byte[1 + size];
        out[0] = (byte) (q.y.testBit(0) ? 0x03 : 0x02);
        System.arraycopy(toBytes(q.x), 0, out, 1, size);
        return out;
    }

    /** Uncompressed SEC 1 encoding: 0x04, x, y. */
    byte[] uncompressed(Point q) {
        byte[] out = new byte[1 + 2 * size];
        out[0] = 0x04;
        System.arraycopy(toBytes(q.x), 0, out, 1, size);
        System.arraycopy(toBytes(q.y), 0, out, 1 + size, size);
        return out;
    }

    /**
     * Decodes a compressed or uncompressed SEC 1 point (§2.3.4) and checks it is on the curve.
     * Decompression takes the square root of x³ + ax + b; both curves here have p ≡ 3 (mod 4), so
     * the root is a power: (x³ + ax + b)^((p+1)/4).
     */
    Point decode(byte[] encoded) {
        if (encoded.length == 1 + size && (encoded[0] == 0x02 || encoded[0] == 0x03)) {
            BigInteger x = fromBytes(encoded, 1, size);
            if (x.compareTo(p) >= 0) {
                throw new IllegalArgumentException(name + " point x is not a field element");
            }
            BigInteger alpha = x.pow(3).add(a.multiply(x)).add(b).mod(p);
            BigInteger beta = alpha.modPow(p.add(BigInteger.ONE).shiftRight(2), p);
            if (!beta.multiply(beta).mod(p).equals(alpha)) {
                throw new IllegalArgumentException(name + " point is not on the curve (no square root)");
            }
            boolean odd = encoded[0] == 0x03;
            BigInteger y = beta.testBit(0) == odd ? beta : p.subtract(beta);
            return new Point(x, y);
        }
        if (encoded.length == 1 + 2 * size && encoded[0] == 0x04) {
            Point q = new Point(fromBytes(encoded, 1, size), fromBytes(encoded, 1 + size, size));
            if (!isOnCurve(q)) {
                throw new IllegalArgumentException(name + " point is not on the curve");
            }
            return q;
        }
        throw new IllegalArgumentException(name + " point encoding of " + encoded.length + " bytes with prefix 0x"
                + (encoded.length > 0 ? Integer.toHexString(encoded[0] & 0xFF) : "") + " is not SEC 1");
    }

    byte[] toBytes(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[size];
        int copy = Math.min(raw.length, size);
        System.arraycopy(raw, raw.length - copy, out, size - copy, copy);
        return out;
    }

    static BigInteger fromBytes(byte[] b, int off, int len) {
        byte[] part = new byte[len];
        System.arraycopy(b, off, part, 0, len);
        return new BigInteger(1, part);
    }

    // Jacobian arithmetic. Z = 0 is the point at infinity.

    private BigInteger[] jacobian(Point q) {
        return q == INFINITY ? new BigInteger[] {BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO}
                : new BigInteger[] {q.x, q.y, BigInteger.ONE};
    }

    private Point affine(BigInteger[] j) {
        if (j[2].signum() == 0) {
            return INFINITY;
        }
        BigInteger zInv = j[2].modInverse(p);
        BigInteger zInv2 = zInv.multiply(zInv).mod(p);
        return new Point(j[0].multiply(zInv2).mod(p), j[1].multiply(zInv2).multiply(zInv).mod(p));
    }

    /** Doubling, "dbl-2007-bl" shape with a general a. */
    private BigInteger[] twice(BigInteger[] q) {
        if (q[2].signum() == 0 || q[1].signum() == 0) {
            return new BigInteger[] {BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO};
        }
        BigInteger xx = q[0].multiply(q[0]).mod(p);
        BigInteger yy = q[1].multiply(q[1]).mod(p);
        BigInteger yyyy = yy.multiply(yy).mod(p);
        BigInteger zz = q[2].multiply(q[2]).mod(p);
        BigInteger s = q[0].multiply(yy).shiftLeft(2).mod(p);
        BigInteger m = xx.multiply(THREE).add(a.multiply(zz).multiply(zz)).mod(p);
        BigInteger x3 = m.multiply(m).subtract(s.multiply(TWO)).mod(p);
        BigInteger y3 = m.multiply(s.subtract(x3)).subtract(yyyy.shiftLeft(3)).mod(p);
        BigInteger z3 = q[1].multiply(q[2]).shiftLeft(1).mod(p);
        return new BigInteger[] {x3, y3, z3};
    }

    /** Addition, "add-2007-bl" shape; falls back to doubling when both inputs are the same point. */
    private BigInteger[] add(BigInteger[] q1, BigInteger[] q2) {
        if (q1[2].signum() == 0) {
            return q2;
        }
        if (q2[2].signum() == 0) {
            return q1;
        }
        BigInteger z1z1 = q1[2].multiply(q1[2]).mod(p);
        BigInteger z2z2 = q2[2].multiply(q2[2]).mod(p);
        BigInteger u1 = q1[0].multiply(z2z2).mod(p);
        BigInteger u2 = q2[0].multiply(z1z1).mod(p);
        BigInteger s1 = q1[1].multiply(q2[2]).multiply(z2z2).mod(p);
        BigInteger s2 = q2[1].multiply(q1[2]).multiply(z1z1).mod(p);
        if (u1.equals(u2)) {
            return s1.equals(s2) ? twice(q1) : new BigInteger[] {BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO};
        }
        BigInteger h = u2.subtract(u1).mod(p);
        BigInteger r = s2.subtract(s1).mod(p);
        BigInteger hh = h.multiply(h).mod(p);
        BigInteger hhh = h.multiply(hh).mod(p);
        BigInteger v = u1.multiply(hh).mod(p);
        BigInteger x3 = r.multiply(r).subtract(hhh).subtract(v.shiftLeft(1)).mod(p);
        BigInteger y3 = r.multiply(v.subtract(x3)).subtract(s1.multiply(hhh)).mod(p);
        BigInteger z3 = q1[2].multiply(q2[2]).multiply(h).mod(p);
        return new BigInteger[] {x3, y3, z3};
    }

    private static BigInteger hex(String s) {
        return new BigInteger(s, 16);
    }
}
