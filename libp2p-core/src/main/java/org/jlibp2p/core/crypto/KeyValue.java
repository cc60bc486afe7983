package org.jlibp2p.core.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/** What every key class shares: its encoded bytes, and equality and hashing on them. */
abstract class KeyValue {
    private final byte[] raw;

    KeyValue(byte[] raw) {
        this.raw = raw.clone();
    }

    public final byte[] raw() {
        return raw.clone();
    }

    @Override
    public final boolean equals(Object o) {
        // Comparing key material: MessageDigest.isEqual does not stop at the first difference.
        return o != null && o.getClass() == getClass() && MessageDigest.isEqual(raw, ((KeyValue) o).raw);
    }

    @Override
    public final int hashCode() {
        return getClass().hashCode() * 31 + Arrays.hashCode(raw);
    }

    static IllegalStateException jdkFailure(GeneralSecurityException e) {
        return new IllegalStateException("the JDK's security provider failed on a valid key: " + e.getMessage(), e);
    }
}
