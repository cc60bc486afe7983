package org.jlibp2p.noise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * The Poly1305 one-time authenticator (RFC 8439 §2.5), for {@link ChaChaPoly}.
 *
 * <p>Why it is here: the JDK's own Poly1305 runs on generic field arithmetic unless the JVM has an
 * intrinsic for the processor (AVX-512 IFMA on x86-64). Without one it costs more than ChaCha20
 * itself, and the JDK's ChaCha20 with this Poly1305, on 64-bit limbs, seals 1.5 to 1.6 times as fast
 * as the JDK's whole ChaCha20-Poly1305 (BENCHMARKS.md, "Noise").
 *
 * <p>The arithmetic. The accumulator {@code h} lives modulo p = 2^130 - 5 in three 64-bit words
 * {@code h0 + h1·2^64 + h2·2^128}, where {@code h2} stays a few bits wide; {@code r} is the clamped
 * first half of the key in two words. For each 16-byte block, read as a little-endian number with a
 * 1 bit above its last byte (§2.5.1 "Add one bit beyond the number of octets"), {@code h = (h + block)
 * · r mod p}, reduced only partially until the tag is made. Since 2^130 ≡ 5 (mod p) and clamping
 * makes {@code r1} a multiple of 4, a product term {@code a·r1·2^128} equals {@code a·(r1/4)·2^130 ≡
 * a·s1} with {@code s1 = r1 + r1/4}: the parts of the product at 2^128 and 2^192 fold down by 2^128
 * at the cost of one precomputed constant. Every step takes the same time whatever the values
 * (carries come from bit operations, not branches).
 *
 * <p>One instance serves one message at a time: {@link #init}, any number of {@link #update} calls,
 * then {@link #finish}. Not thread-safe.
 */
final class Poly1305 {
    /** The key: 16 bytes of {@code r}, then 16 bytes of {@code s}. */
    static final int KEY_LENGTH = 32;
    static final int TAG_LENGTH = 16;
    private static final int BLOCK = 16;
    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private long r0;
    private long r1;
    private long s1;
    private long pad0;
    private long pad1;
    private long h0;
    private long h1;
    private long h2;
    /** A partial block waiting for more input. */
    private final byte[] partial = new byte[BLOCK];
    private int partialLength;

    /** Starts a message with a one-time key: {@code key[off, off+32)}. */
    void init(byte[] key, int off) {
        // §2.5: "r[3], r[7], r[11], and r[15] are required to have their top four bits clear ...
        // r[4], r[8], and r[12] are required to have their bottom two bits clear".
        r0 = (long) LE_LONG.get(key, off) & 0x0FFFFFFC0FFFFFFFL;
        r1 = (long) LE_LONG.get(key, off + 8) & 0x0FFFFFFC0FFFFFFCL;
        s1 = r1 + (r1 >>> 2);
        pad0 = (long) LE_LONG.get(key, off + 16);
        pad1 = (long) LE_LONG.get(key, off + 24);
        h0 = 0;
        h1 = 0;
        h2 = 0;
        partialLength = 0;
    }

    /** Adds {@code m[off, off+len)} to the message. */
    void update(byte[] m, int off, int len) {
        Objects.checkFromIndexSize(off, len, m.length);
        if (partialLength > 0) {
            int take = Math.min(len, BLOCK - partialLength);
            System.arraycopy(m, off, partial, partialLength, take);
            partialLength += take;
            off += take;
            len -= take;
            if (partialLength < BLOCK) {
                return;
            }
            blocks(partial, 0, BLOCK, 1);
            partialLength = 0;
        }
        int whole = len & ~(BLOCK - 1);
        blocks(m, off, whole, 1);
        if (whole < len) {
            partialLength = len - whole;
            System.arraycopy(m, off + whole, partial, 0, partialLength);
        }
    }

    /** Ends the message: writes the 16-byte tag at {@code tag[off]}. */
    void finish(byte[] tag, int off) {
        if (partialLength > 0) {
            // §2.5.1: the last, short block gets its 1 bit right after its last byte, and no 2^128 bit.
            Arrays.fill(partial, partialLength, BLOCK, (byte) 0);
            partial[partialLength] = 1;
            blocks(partial, 0, BLOCK, 0);
            partialLength = 0;
        }
        // Full reduction: h mod p is h, or h - p when h + 5 reaches 2^130 (h < 2p here).
        long g0 = h0 + 5;
        long c = carry(h0, 5, g0);
        long g1 = h1 + c;
        c = carry(h1, c, g1);
        long g2 = h2 + c;
        long useG = -(g2 >>> 2); // all ones when h + 5 >= 2^130
        long f0 = (h0 & ~useG) | (g0 & useG);
        long f1 = (h1 & ~useG) | (g1 & useG);
        // "the number s is added to the accumulator ... the 128 least significant bits are serialized".
        long t0 = f0 + pad0;
        long t1 = f1 + pad1 + carry(f0, pad0, t0);
        LE_LONG.set(tag, off, t0);
        LE_LONG.set(tag, off + 8, t1);
        h0 = 0;
        h1 = 0;
        h2 = 0;
    }

    /** {@code h = (h + block + hibit·2^128) · r}, partially reduced, for each 16-byte block of {@code m[off, off+len)}. */
    private void blocks(byte[] m, int off, int len, long hibit) {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        final long q0 = r0;
        final long q1 = r1;
        final long t1 = s1;
        for (int end = off + len; off < end; off += BLOCK) {
            // h += block
            long m0 = (long) LE_LONG.get(m, off);
            long m1 = (long) LE_LONG.get(m, off + 8);
            long sum0 = a0 + m0;
            long c0 = carry(a0, m0, sum0);
            long sum1 = a1 + m1;
            long c1 = carry(a1, m1, sum1);
            long sum1c = sum1 + c0;
            c1 |= carry(sum1, c0, sum1c);
            a0 = sum0;
            a1 = sum1c;
            a2 += c1 + hibit;

            // d = h · r, folding the parts at 2^128 and above back with s1 (2^130 ≡ 5):
            // d0 = a0·r0 + a1·s1;  d1 = a0·r1 + a1·r0 + a2·s1;  d2 = a2·r0
            long d0lo = a0 * q0;
            long d0hi = Math.unsignedMultiplyHigh(a0, q0);
            long x = a1 * t1;
            long sum = d0lo + x;
            d0hi += Math.unsignedMultiplyHigh(a1, t1) + carry(d0lo, x, sum);
            d0lo = sum;

            long d1lo = a0 * q1;
            long d1hi = Math.unsignedMultiplyHigh(a0, q1);
            x = a1 * q0;
            sum = d1lo + x;
            d1hi += Math.unsignedMultiplyHigh(a1, q0) + carry(d1lo, x, sum);
            d1lo = sum;
            x = a2 * t1; // a2 is a few bits, so the product fits in 64
            sum = d1lo + x;
            d1hi += carry(d1lo, x, sum);
            d1lo = sum;
            sum = d1lo + d0hi;
            d1hi += carry(d1lo, d0hi, sum);
            d1lo = sum;
            long d2 = a2 * q0 + d1hi;

            // Partial reduction: keep the low 130 bits, add 5 · (the rest) back in.
            long fold = (d2 >>> 2) + (d2 & ~3L);
            a2 = d2 & 3;
            a0 = d0lo + fold;
            long c = carry(d0lo, fold, a0);
            a1 = d1lo + c;
            a2 += carry(d1lo, c, a1);
        }
        h0 = a0;
        h1 = a1;
        h2 = a2;
    }

    /** The carry out of {@code a + b = sum} (unsigned 64-bit), without a branch. */
    private static long carry(long a, long b, long sum) {
        return ((a & b) | ((a | b) & ~sum)) >>> 63;
    }
}
