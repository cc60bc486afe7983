package org.jlibp2p.core.record;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.MessageTooLargeException;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.jlibp2p.core.codec.Varint;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;

/**
 * A signed envelope (RFC/0002-signed-envelopes.md): an opaque payload, a hint of its type, the public
 * key of the peer that signed it and the signature, which a receiver checks without trusting whoever
 * passed the bytes on.
 *
 * <pre>
 * message Envelope {
 *   PublicKey public_key = 1;  // the signer's key, as peer-ids/peer-ids.md marshals it
 *   bytes payload_type = 2;    // multicodec-prefixed type hint
 *   bytes payload = 3;
 *   bytes signature = 5;
 * }
 * </pre>
 *
 * The RFC's wire format numbers the signature 4; go-libp2p ({@code core/record/pb/envelope.proto}),
 * js-libp2p and rust-libp2p all use 5, and so does this class. Empty fields are left out, as proto3
 * does, so {@link #marshal()} gives the same bytes as go and js.
 *
 * <p>The signature covers the payload type and the payload, prefixed with a domain string that is not
 * on the wire (section "Signature Production / Verification"):
 *
 * <pre>
 * uvarint(len(domain)) ‖ domain (UTF-8) ‖ uvarint(len(payload_type)) ‖ payload_type ‖ uvarint(len(payload)) ‖ payload
 * </pre>
 *
 * <p>A value of this type proves nothing by itself: {@link #unmarshal(byte[])} and the canonical
 * constructor take any signature. Use {@link #open(byte[], String)}, or {@link #verify(String)} on an
 * envelope already in hand, before believing the payload.
 *
 * @param publicKey   the signer's public key
 * @param payloadType the type hint: a multicodec, optionally followed by more bytes (may be empty)
 * @param payload     the signed bytes
 * @param signature   the signature over domain, payload type and payload
 */
public record Envelope(PublicKey publicKey, byte[] payloadType, byte[] payload, byte[] signature) {
    /**
     * The largest marshalled envelope accepted. A peer record travels inside identify
     * ({@code signedPeerRecord}), whose messages are at most 8 KiB
     * ({@link org.jlibp2p.core.host.IdentifyInfo#MAX_MESSAGE_LENGTH}), so no envelope from a working
     * peer is larger.
     */
    public static final int MAX_BYTES = 8 * 1024;

    /**
     * Copies the arrays, so the envelope never changes.
     *
     * @param publicKey   the signer's public key
     * @param payloadType the type hint
     * @param payload     the signed bytes
     * @param signature   the signature
     */
    public Envelope {
        Objects.requireNonNull(publicKey, "publicKey");
        payloadType = payloadType.clone();
        payload = payload.clone();
        signature = signature.clone();
    }

    /**
     * Signs a payload for a domain.
     *
     * @param key         the signer's private key
     * @param domain      the domain separation string of the subsystem, such as
     *                    {@link PeerRecord#DOMAIN}; not empty
     * @param payloadType the type hint, such as {@link PeerRecord#payloadType()}
     * @param payload     the bytes to sign
     * @return the envelope
     * @throws IllegalArgumentException if the domain is empty, or the envelope would be larger than
     *                                  {@link #MAX_BYTES} (no peer, this one included, would accept it)
     */
    public static Envelope seal(PrivateKey key, String domain, byte[] payloadType, byte[] payload) {
        byte[] unsigned = unsignedBytes(domain, payloadType, payload);
        Envelope envelope = new Envelope(key.publicKey(), payloadType, payload, key.sign(unsigned));
        int size = envelope.marshal().length;
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException("a signed envelope of " + size + " bytes exceeds the limit of " + MAX_BYTES + " bytes");
        }
        return envelope;
    }

    /**
     * Decodes an envelope and verifies its signature for {@code domain}: what a receiver does with
     * every envelope (go-libp2p {@code ConsumeEnvelope}, js-libp2p {@code openAndCertify}).
     *
     * @param bytes  the marshalled envelope
     * @param domain the domain the signature must have been made for; not empty
     * @return the envelope, with a valid signature
     * @throws InvalidSignatureException if the signature does not verify for {@code domain}
     * @throws MessageTooLargeException  if {@code bytes} is longer than {@link #MAX_BYTES}
     * @throws MalformedMessageException if the bytes are not an envelope
     */
    public static Envelope open(byte[] bytes, String domain) throws MalformedMessageException {
        requireDomain(domain);
        Envelope envelope = unmarshal(bytes);
        envelope.verify(domain);
        return envelope;
    }

    /**
     * Decodes an envelope without checking its signature.
     *
     * @param bytes the marshalled envelope
     * @return the envelope, not yet verified
     * @throws MessageTooLargeException  if {@code bytes} is longer than {@link #MAX_BYTES}, checked before
     *                                   anything is read
     * @throws MalformedMessageException if the protobuf is malformed or the public key is missing or invalid
     */
    public static Envelope unmarshal(byte[] bytes) throws MalformedMessageException {
        if (bytes.length > MAX_BYTES) {
            throw new MessageTooLargeException("signed envelope", bytes.length, MAX_BYTES);
        }
        PublicKey key = null;
        byte[] payloadType = new byte[0];
        byte[] payload = new byte[0];
        byte[] signature = new byte[0];
        ProtobufReader r = new ProtobufReader(bytes);
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> key = PublicKey.unmarshal(r.readBytes(PublicKey.MAX_MARSHALLED_BYTES));
                case 2 -> payloadType = r.readBytes(MAX_BYTES);
                case 3 -> payload = r.readBytes(MAX_BYTES);
                case 5 -> signature = r.readBytes(MAX_BYTES);
                default -> r.skip();
            }
        }
        if (key == null) {
            throw new MalformedMessageException("signed envelope without a public key");
        }
        return new Envelope(key, payloadType, payload, signature);
    }

    /**
     * Checks the signature: "If the domain string used to validate is different from the one used to
     * sign, the signature validation will fail" (section "Domain Separation").
     *
     * @param domain the domain the signature must have been made for; not empty
     * @throws InvalidSignatureException if the signature does not verify
     */
    public void verify(String domain) throws InvalidSignatureException {
        requireDomain(domain);
        if (!publicKey.verify(unsignedBytes(domain, payloadType, payload), signature)) {
            throw new InvalidSignatureException("signed envelope: the signature by " + signer()
                    + " does not verify for domain '" + domain + "'");
        }
    }

    /** {@return the protobuf encoding, byte for byte what go-libp2p and js-libp2p write} */
    public byte[] marshal() {
        ProtobufWriter w = new ProtobufWriter().writeBytes(1, publicKey.marshal());
        if (payloadType.length > 0) {
            w.writeBytes(2, payloadType);
        }
        if (payload.length > 0) {
            w.writeBytes(3, payload);
        }
        if (signature.length > 0) {
            w.writeBytes(5, signature);
        }
        return w.toByteArray();
    }

    /**
     * The peer that signed: "the recipient will derive the peer id of the signer from this key"
     * (section "Wire Format").
     *
     * @return the peer id of {@link #publicKey()}
     */
    public PeerId signer() {
        return PeerId.fromPublicKey(publicKey);
    }

    /** {@return a copy of the type hint} */
    @Override
    public byte[] payloadType() {
        return payloadType.clone();
    }

    /** {@return a copy of the payload} */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** {@return a copy of the signature} */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * Whether {@code payloadType} is this envelope's type hint, without copying it.
     *
     * @param payloadType a type hint
     * @return true if the bytes are equal
     */
    public boolean hasPayloadType(byte[] payloadType) {
        return Arrays.equals(this.payloadType, payloadType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope e && publicKey.equals(e.publicKey) && Arrays.equals(payloadType, e.payloadType)
                && Arrays.equals(payload, e.payload) && Arrays.equals(signature, e.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(publicKey, Arrays.hashCode(payloadType), Arrays.hashCode(payload), Arrays.hashCode(signature));
    }

    /** {@return the signer, the type hint in hex and the sizes of payload and signature} */
    @Override
    public String toString() {
        return "Envelope[signer=" + signer() + ", payloadType=" + HexFormat.of().formatHex(payloadType)
                + ", payload=" + payload.length + " bytes, signature=" + signature.length + " bytes]";
    }

    /**
     * The bytes the signature covers. "When signing, a peer will prepare a buffer by concatenating":
     * the length of the domain string and the string in UTF-8, the length of the payload type and the
     * payload type, the length of the payload and the payload, each length an unsigned varint.
     */
    static byte[] unsignedBytes(String domain, byte[] payloadType, byte[] payload) {
        requireDomain(domain);
        byte[] domainBytes = domain.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(
                3 * Varint.MAX_BYTES + domainBytes.length + payloadType.length + payload.length);
        for (byte[] field : new byte[][] {domainBytes, payloadType, payload}) {
            out.writeBytes(Varint.encode(field.length));
            out.writeBytes(field);
        }
        return out.toByteArray();
    }

    private static void requireDomain(String domain) {
        if (domain.isEmpty()) {
            // go-libp2p ErrEmptyDomain: "envelope domain must not be empty"; an empty domain separates nothing.
            throw new IllegalArgumentException("a signed envelope's domain must not be empty");
        }
    }
}
