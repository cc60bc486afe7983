package org.jlibp2p.noise;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Noise CipherState (Noise Protocol Framework rev. 34, §5.1): a key {@code k} and a nonce
 * {@code n}, with ChaChaPoly as the cipher (§12.3; {@link ChaChaPoly} says which implementation
 * runs). The nonce is 32 bits of zeros followed by {@code n} as 64 bits little-endian; it increases by
 * one per message and is never reused.
 *
 * <p>Methods work in place where they can: both ChaChaPoly implementations accept the same array as
 * input and output, so transport frames are encrypted and decrypted without copies. Not thread-safe:
 * each direction of a connection has its own CipherState.
 *
 * <p>Each message goes through the JDK's whole ChaCha20-Poly1305 call chain, which the C2 compiler
 * would otherwise inline into every caller it compiles. The {@code bin/jlibp2p} launcher keeps the
 * methods named {@code *crypt*} here out of their callers, so the chain is compiled once (the Noise
 * README, "The JIT"); {@code LauncherTest} checks that the names still match.
 */
final class CipherState {
    /** The ChaChaPoly authentication tag. */
    static final int TAG_LENGTH = ChaChaPoly.TAG_LENGTH;
    /** §5.1: "n ... 2^64-1 is reserved"; an unsigned -1 is that value. */
    private static final long MAX_NONCE = -1L;

    private final ChaChaPoly cipher = ChaChaPoly.create();
    private final byte[] nonce = new byte[12];
    private SecretKeySpec k;
    private long n;

    /** InitializeKey(key): sets k and resets n to 0. */
    void initializeKey(byte[] key) {
        k = new SecretKeySpec(key, "ChaCha20");
        n = 0;
    }

    /** HasKey(). */
    boolean hasKey() {
        return k != null;
    }

    /** The next nonce to be used (for tests and for refusing to wrap). */
    long nonce() {
        return n;
    }

    /** EncryptWithAd(ad, plaintext): returns plaintext unchanged while there is no key. */
    byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NoiseException {
        if (k == null) {
            return plaintext.clone();
        }
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        System.arraycopy(plaintext, 0, out, 0, plaintext.length);
        encryptInPlace(ad, out, 0, plaintext.length);
        return out;
    }

    /** DecryptWithAd(ad, ciphertext): fails, without changing n, if authentication fails. */
    byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws NoiseException {
        if (k == null) {
            return ciphertext.clone();
        }
        byte[] buf = ciphertext.clone();
        int length = decryptInPlace(ad, buf, 0, buf.length);
        return java.util.Arrays.copyOf(buf, length);
    }

    /**
     * Encrypts {@code buf[off, off+len)} in place; the ciphertext and its tag fill
     * {@code buf[off, off+len+16)}.
     *
     * @return the ciphertext length
     */
    int encryptInPlace(byte[] ad, byte[] buf, int off, int len) throws NoiseException {
        return encrypt(ad, buf, off, len, buf, off);
    }

    /**
     * Encrypts {@code in[inOff, inOff+len)} into {@code out} at {@code outOff} (ciphertext and tag).
     *
     * @return the ciphertext length
     */
    int encrypt(byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) throws NoiseException {
        try {
            int written = cipher.seal(k, nonceBytes(), ad, in, inOff, len, out, outOff);
            n++;
            return written;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 failed to encrypt", e);
        }
    }

    /**
     * Decrypts {@code buf[off, off+len)} (ciphertext and tag) in place.
     *
     * @return the plaintext length, {@code len - 16}
     * @throws NoiseException if the tag does not authenticate the ciphertext
     */
    int decryptInPlace(byte[] ad, byte[] buf, int off, int len) throws NoiseException {
        if (len < TAG_LENGTH) {
            throw new NoiseException("noise: message of " + len + " bytes is shorter than its tag");
        }
        try {
            int written = cipher.open(k, nonceBytes(), ad, buf, off, len);
            n++;
            return written;
        } catch (AEADBadTagException e) {
            throw new NoiseException("noise: message failed authentication (tampered, corrupted or out of order)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 failed to decrypt", e);
        }
    }

    /** The 96-bit nonce for n: 32 bits of zeros, then n as 64 bits little-endian (§12.3). */
    private byte[] nonceBytes() throws NoiseException {
        if (n == MAX_NONCE) {
            // "If incrementing n results in 2^64-1, then any further EncryptWithAd() or DecryptWithAd()
            // calls will signal an error to the caller" (§5.1).
            throw new NoiseException("noise: nonce exhausted; the connection must be closed");
        }
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (n >>> (8 * i));
        }
        return nonce;
    }
}
