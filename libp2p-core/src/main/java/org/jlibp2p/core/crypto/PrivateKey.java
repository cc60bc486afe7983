package org.jlibp2p.core.crypto;

import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.ProtobufWriter;

/**
 * A libp2p private key: a node's identity. Never sent on the wire; stored as the protobuf
 * {@code PrivateKey { required KeyType Type = 1; required bytes Data = 2; }} of peer-ids/peer-ids.md,
 * which is how go-libp2p and js-libp2p write key files.
 *
 * <p>Keys are immutable values and safe to share between threads; every key is independent, so one
 * process can run many nodes with different identities.
 */
public sealed interface PrivateKey permits Ed25519.Private, Secp256k1.Private, Ecdsa.Private, Rsa.Private {
    /** The largest marshalled private key accepted: enough for an 8192-bit RSA key in PKCS#1. */
    int MAX_MARSHALLED_BYTES = 8192;

    /** {@return the key type} */
    KeyType type();

    /** {@return the matching public key} */
    PublicKey publicKey();

    /**
     * Signs {@code data} with the type's signature scheme (see {@link KeyType}).
     *
     * @param data the bytes to sign
     * @return the signature
     */
    byte[] sign(byte[] data);

    /** {@return the key in the type's own encoding: the protobuf {@code Data} field} */
    byte[] raw();

    /** {@return the protobuf encoding} */
    default byte[] marshal() {
        return new ProtobufWriter().writeVarint(1, type().number()).writeBytes(2, raw()).toByteArray();
    }

    /**
     * Decodes the protobuf encoding. Ed25519 keys may be 64 bytes (seed ‖ public key, what go and js
     * write), 96 bytes (an old format with the public key twice) or the 32-byte seed.
     *
     * @param bytes the marshalled key
     * @return the key
     * @throws MalformedMessageException if the encoding or the key is invalid
     */
    static PrivateKey unmarshal(byte[] bytes) throws MalformedMessageException {
        KeyProtobuf envelope = KeyProtobuf.decode(bytes, MAX_MARSHALLED_BYTES, "private");
        byte[] data = envelope.data();
        return switch (envelope.type()) {
            case ED25519 -> Ed25519.Private.decode(data);
            case SECP256K1 -> Secp256k1.Private.decode(data);
            case ECDSA -> Ecdsa.Private.decode(data);
            case RSA -> Rsa.Private.decode(data);
        };
    }

    /**
     * Generates a fresh key from the JDK's strong random source.
     *
     * @param type the key type (RSA keys are 2048 bits)
     * @return the key
     */
    static PrivateKey generate(KeyType type) {
        return switch (type) {
            case ED25519 -> Ed25519.Private.generate();
            case SECP256K1 -> Secp256k1.Private.generate();
            case ECDSA -> Ecdsa.Private.generate();
            case RSA -> Rsa.Private.generate(2048);
        };
    }

    /**
     * The Ed25519 key with a given 32-byte seed: the same key, and so the same peer id, that go and js
     * derive from that seed.
     *
     * @param seed 32 bytes
     * @return the key
     */
    static PrivateKey ed25519FromSeed(byte[] seed) {
        return Ed25519.Private.fromSeed(seed);
    }
}
