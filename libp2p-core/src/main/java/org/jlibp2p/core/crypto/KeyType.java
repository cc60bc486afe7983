package org.jlibp2p.core.crypto;

/**
 * The key types of libp2p, with the numbers of the {@code KeyType} enum in peer-ids/peer-ids.md ("Keys").
 */
public enum KeyType {
    /** RSA, at least 2048 bits; PKIX public keys, PKCS#1 private keys, PKCS#1 v1.5 signatures over SHA-256. */
    RSA(0),
    /** Ed25519 (RFC 8032); raw 32-byte keys. */
    ED25519(1),
    /** ECDSA on secp256k1, the Bitcoin curve; 33-byte compressed public keys, DER signatures over SHA-256. */
    SECP256K1(2),
    /** ECDSA on NIST P-256; PKIX public keys, SEC1 private keys, DER signatures over SHA-256. */
    ECDSA(3);

    private final int number;

    KeyType(int number) {
        this.number = number;
    }

    /** {@return the number written in the protobuf {@code Type} field} */
    public int number() {
        return number;
    }

    /**
     * The key type with a protobuf number.
     *
     * @param number the number
     * @return the key type, or null if unknown
     */
    public static KeyType forNumber(long number) {
        for (KeyType t : values()) {
            if (t.number == number) {
                return t;
            }
        }
        return null;
    }
}
