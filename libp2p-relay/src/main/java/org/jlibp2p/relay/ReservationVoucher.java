package org.jlibp2p.relay;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.ServiceContext;
import org.jlibp2p.core.record.Envelope;
import org.jlibp2p.core.record.InvalidSignatureException;
import org.jlibp2p.core.record.SignerMismatchException;

/**
 * A reservation voucher (relay/circuit-v2.md, "Reservation Vouchers"): the relay's signed statement
 * that it will relay to a peer until a time, carried in a signed envelope (RFC 0002) with domain
 * {@value #DOMAIN} and payload type {@code 0x0302}, as go-libp2p and js-libp2p seal it. Its payload,
 * in canonical protobuf (fields in number order):
 *
 * <pre>
 * message Voucher {
 *   required bytes relay = 1;
 *   required bytes peer = 2;
 *   required uint64 expiration = 3;
 * }
 * </pre>
 *
 * The spec calls vouchers advisory for now; a client still checks the one it is given
 * ({@link #open(Envelope)}): signed by the relay it names, for the peer that reserved.
 *
 * @param relay      the relay that grants the reservation
 * @param peer       the peer that holds it
 * @param expiration when it ends, in seconds since the Unix epoch (UTC)
 */
public record ReservationVoucher(PeerId relay, PeerId peer, long expiration) {
    /** The signature domain of vouchers. */
    public static final String DOMAIN = "libp2p-relay-rsvp";

    /**
     * Checks the fields.
     *
     * @param relay      the relay
     * @param peer       the peer
     * @param expiration the expiration
     */
    public ReservationVoucher {
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(peer, "peer");
    }

    /**
     * The envelope payload type of vouchers (go-libp2p's {@code RecordCodec}).
     *
     * @return a new array {@code {0x03, 0x02}}
     */
    public static byte[] payloadType() {
        return new byte[] {0x03, 0x02};
    }

    /** {@return the expiration as an instant} */
    public Instant expiresAt() {
        return expiration < 0 || expiration > Instant.MAX.getEpochSecond() ? Instant.MAX : Instant.ofEpochSecond(expiration);
    }

    /** {@return the canonical protobuf encoding: the envelope's payload} */
    public byte[] encode() {
        return new ProtobufWriter().writeBytes(1, relay.bytes()).writeBytes(2, peer.bytes()).writeVarint(3, expiration).toByteArray();
    }

    /**
     * Decodes a voucher payload; checks nothing about who signed it.
     *
     * @param payload the protobuf encoding
     * @return the voucher
     * @throws MalformedMessageException if the protobuf is malformed or a field is missing or invalid
     */
    public static ReservationVoucher decode(byte[] payload) throws MalformedMessageException {
        PeerId relay = null;
        PeerId peer = null;
        Long expiration = null;
        ProtobufReader r = new ProtobufReader(payload);
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> relay = PeerId.fromBytes(r.readBytes(CircuitRelay.MAX_MESSAGE_BYTES));
                case 2 -> peer = PeerId.fromBytes(r.readBytes(CircuitRelay.MAX_MESSAGE_BYTES));
                case 3 -> expiration = r.readVarint();
                default -> r.skip();
            }
        }
        if (relay == null || peer == null || expiration == null) {
            throw new MalformedMessageException("reservation voucher without its " + (relay == null ? "relay" : peer == null ? "peer" : "expiration"));
        }
        return new ReservationVoucher(relay, peer, expiration);
    }

    /**
     * Seals the voucher with a host's key, as a relay does.
     *
     * @param relayContext the relay's service context; its peer must be {@link #relay()}
     * @return the envelope
     * @throws IllegalArgumentException if the context is not the relay's
     */
    public Envelope seal(ServiceContext relayContext) {
        if (!relayContext.peerId().equals(relay)) {
            throw new IllegalArgumentException("the voucher of relay " + relay + " cannot be signed by " + relayContext.peerId());
        }
        return relayContext.seal(DOMAIN, payloadType(), encode());
    }

    /**
     * Seals the voucher with a key.
     *
     * @param relayKey the relay's private key
     * @return the envelope
     * @throws IllegalArgumentException if the key is not the relay's
     */
    public Envelope seal(PrivateKey relayKey) {
        if (!relay.matches(relayKey.publicKey())) {
            throw new IllegalArgumentException("the voucher of relay " + relay + " cannot be signed by another key");
        }
        return Envelope.seal(relayKey, DOMAIN, payloadType(), encode());
    }

    /**
     * The voucher in an envelope, after every check: the signature verifies for {@value #DOMAIN}, the
     * payload type is a voucher's, the payload decodes, and the signer is the relay it names.
     *
     * @param envelope the envelope
     * @return the voucher
     * @throws InvalidSignatureException if the signature does not verify
     * @throws SignerMismatchException   if someone other than the named relay signed it
     * @throws MalformedMessageException if the payload type or payload is not a voucher's
     */
    public static ReservationVoucher open(Envelope envelope) throws MalformedMessageException {
        envelope.verify(DOMAIN);
        if (!envelope.hasPayloadType(payloadType())) {
            throw new MalformedMessageException("signed envelope: payload type " + HexFormat.of().formatHex(envelope.payloadType())
                    + " is not a reservation voucher (0302)");
        }
        ReservationVoucher voucher = decode(envelope.payload());
        if (!voucher.relay.equals(envelope.signer())) {
            throw new SignerMismatchException(voucher.relay, envelope.signer());
        }
        return voucher;
    }
}
