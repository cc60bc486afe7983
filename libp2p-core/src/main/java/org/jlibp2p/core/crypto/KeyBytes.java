package org.jlibp2p.core.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;

/** What every key class shares: its encoded bytes, and equality and hashing on them. */
abstract class KeyBytes {
    private final byte[] raw;

    KeyBytes(byte[] raw) {
        this.raw = raw.clone();
    }

    public final byte[] raw() {
        return raw.clone();
    }

    @Override
    public final boolean equals(Object o) {
        // Comparing key material: MessageDigest.isEqual does not stop at the first difference.
        return o != null && o.getClass() == getClass() && MessageDigest.isEqual(raw, ((KeyBytes) o).raw);
    }

    @Override
    public final int hashCode() {
        return getClass().hashCode() * 31 + Arrays.hashCode(raw);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Signs with one of the JDK's signature algorithms ("Ed25519", "SHA256withECDSA", "SHA256withRSA"). */
    static byte[] jdkSign(String algorithm, java.security.PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw jdkFailure(e);
        }
    }

    /** Verifies with one of the JDK's signature algorithms; a malformed signature is simply invalid. */
    static boolean jdkVerify(String algorithm, java.security.PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(key);
            v.update(data);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static IllegalStateException jdkFailure(GeneralSecurityException e) {
        return new IllegalStateException("the JDK's security provider failed on a valid key: " + e.getMessage(), e);
    }
}
