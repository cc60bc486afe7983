package org.jlibp2p.core.crypto;

import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.ProtobufWriter;

/**
 * A libp2p public key: what a peer id is made of, and what checks a peer's signatures
 * (peer-ids/peer-ids.md, "Keys"). On the wire it is the protobuf
 * {@code PublicKey { required KeyType Type = 1; required bytes Data = 2; }}, where the encoding of
 * {@code Data} depends on the key type (see {@link KeyType}).
 *
 * <p>Equality is on the marshalled form.
 */
public sealed interface PublicKey permits Ed25519.Public, Secp256k1.Public, Ecdsa.Public, Rsa.Public {
    /** The largest marshalled key accepted from the network: an 8192-bit RSA key, the largest go accepts, needs ~1.1 KiB. */
    int MAX_MARSHALLED_BYTES = 4096;

    /** {@return the key type} */
    KeyType type();

    /** {@return the key in the type's own encoding: the protobuf {@code Data} field} */
    byte[] raw();

    /**
     * Checks a signature made by the matching private key over {@code data}.
     *
     * @param data      the signed bytes
     * @param signature the signature, in the type's encoding
     * @return true if the signature is valid; false for a wrong or malformed signature (never throws)
     */
    boolean verify(byte[] data, byte[] signature);

    /** {@return the protobuf encoding, deterministic as peer-ids/peer-ids.md requires} */
    default byte[] marshal() {
        return new ProtobufWriter().writeVarint(1, type().number()).writeBytes(2, raw()).toByteArray();
    }

    /**
     * Decodes the protobuf encoding.
     *
     * @param bytes the marshalled key
     * @return the key
     * @throws MalformedMessageException if the protobuf is malformed, a field is missing, the type is
     *                                   unknown, or the key data is invalid for its type
     */
    static PublicKey unmarshal(byte[] bytes) throws MalformedMessageException {
        KeyProtobuf envelope = KeyProtobuf.decode(bytes, MAX_MARSHALLED_BYTES, "public");
        return fromRaw(envelope.type(), envelope.data());
    }

    /**
     * Builds a key from its type and {@code Data} bytes.
     *
     * @param type the key type
     * @param raw  the key in the type's encoding
     * @return the key
     * @throws MalformedMessageException if the bytes are not a valid key of that type
     */
    static PublicKey fromRaw(KeyType type, byte[] raw) throws MalformedMessageException {
        return switch (type) {
            case ED25519 -> Ed25519.Public.decode(raw);
            case SECP256K1 -> Secp256k1.Public.decode(raw);
            case ECDSA -> Ecdsa.Public.decode(raw);
            case RSA -> Rsa.Public.decode(raw);
        };
    }
}
