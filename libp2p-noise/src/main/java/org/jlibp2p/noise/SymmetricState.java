package org.jlibp2p.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Noise SymmetricState (rev. 34, §5.2): the chaining key {@code ck}, the handshake hash {@code h},
 * and a CipherState. SHA-256 is the hash (§12.5), so HASHLEN is 32, and HKDF is the two- or
 * three-output construction of §4.3 over HMAC-SHA256.
 */
final class SymmetricState {
    static final int HASHLEN = 32;

    private final CipherState cipherState = new CipherState();
    /** One of each for the handshake's dozen HMACs and hashes: the JDK's provider lookup is not free. */
    private final Mac mac;
    private final MessageDigest digest;
    private byte[] ck;
    private byte[] h;

    /** InitializeSymmetric(protocol_name). */
    SymmetricState(String protocolName) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            digest = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HMAC-SHA256 or SHA-256", e);
        }
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        // "If protocol_name is less than or equal to HASHLEN bytes in length, sets h equal to
        // protocol_name with zero bytes appended to make HASHLEN bytes. Otherwise sets h = HASH(protocol_name)."
        h = name.length <= HASHLEN ? Arrays.copyOf(name, HASHLEN) : digest.digest(name);
        ck = h.clone();
    }

    /** MixKey(input_key_material): ck, temp_k = HKDF(ck, ikm, 2); InitializeKey(temp_k). */
    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = hkdf(ck, inputKeyMaterial, 2);
        ck = out[0];
        cipherState.initializeKey(out[1]);
    }

    /** MixHash(data): h = HASH(h || data). */
    void mixHash(byte[] data) {
        digest.update(h);
        digest.update(data);
        h = digest.digest();
    }

    /** EncryptAndHash(plaintext): ciphertext = EncryptWithAd(h, plaintext); MixHash(ciphertext). */
    byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
        byte[] ciphertext = cipherState.encryptWithAd(h, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    /** DecryptAndHash(ciphertext): plaintext = DecryptWithAd(h, ciphertext); MixHash(ciphertext). */
    byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
        byte[] plaintext = cipherState.decryptWithAd(h, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    /** {@return whether a key has been mixed in yet (encrypted static keys are 48 bytes, plain 32)} */
    boolean hasKey() {
        return cipherState.hasKey();
    }

    /** Split(): two CipherStates, the first for the initiator's sending, the second for the responder's. */
    CipherState[] split() {
        byte[][] keys = hkdf(ck, new byte[0], 2);
        CipherState c1 = new CipherState();
        CipherState c2 = new CipherState();
        c1.initializeKey(keys[0]);
        c2.initializeKey(keys[1]);
        return new CipherState[] {c1, c2};
    }

    /** {@return the handshake hash h, which after the handshake identifies it uniquely} */
    byte[] handshakeHash() {
        return h.clone();
    }

    /** HKDF(chaining_key, input_key_material, num_outputs) of §4.3. */
    private byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
        byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
        byte[] output1 = hmac(tempKey, new byte[] {0x01});
        byte[] output2 = hmac(tempKey, concat(output1, new byte[] {0x02}));
        if (outputs == 2) {
            return new byte[][] {output1, output2};
        }
        byte[] output3 = hmac(tempKey, concat(output2, new byte[] {0x03}));
        return new byte[][] {output1, output2, output3};
    }

    private byte[] hmac(byte[] key, byte[] data) {
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 refused a 32-byte key", e);
        }
        return mac.doFinal(data);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
