package org.jlibp2p.core.record;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.MessageTooLargeException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.jlibp2p.core.crypto.PrivateKey;

/**
 * A peer record (RFC/0003-routing-records.md, "Address Record Format"): the addresses a peer says it
 * listens on, with a sequence number, meant to travel signed by that peer in an {@link Envelope}.
 *
 * <pre>
 * message PeerRecord {
 *   message AddressInfo {
 *     bytes multiaddr = 1;
 *   }
 *   bytes peer_id = 1;                   // the peer id's binary form, its multihash
 *   uint64 seq = 2;
 *   repeated AddressInfo addresses = 3;
 * }
 * </pre>
 *
 * <p>The envelope's domain is {@value #DOMAIN} and its payload type the bytes {@code 03 01}
 * ({@link #payloadType()}), the values of go-libp2p ({@code core/peer/record.go}) and js-libp2p
 * ({@code @libp2p/peer-record}). The RFC itself still names the draft values
 * {@code libp2p-routing-state} and {@code /libp2p/routing-state-record}; rust-libp2p signs with those by
 * default and with these only in its {@code *_interop} calls, so its default records do not open here.
 *
 * <p>{@code seq} "MUST increase monotonically as new records are created" (section "Address Record
 * Format"). This class takes it as given: the host chooses it. go-libp2p uses the Unix time in
 * nanoseconds, made strictly increasing ({@code TimestampSeq}); js-libp2p the time in milliseconds;
 * rust-libp2p in seconds. A receiver "MUST NOT attempt to interpret a seq value from another peer as a
 * valid timestamp". {@code seq} is a protobuf uint64 held in a {@code long}: compare two with
 * {@link Long#compareUnsigned(long, long)}.
 *
 * <p>Addresses that do not parse (protocols this library does not know) are skipped when decoding, as
 * {@link org.jlibp2p.core.host.IdentifyInfo} skips them.
 *
 * @param peerId the peer the addresses belong to
 * @param seq    the sequence number, unsigned; a newer record has a greater one
 * @param addrs  the addresses, at most {@link #MAX_ADDRESSES}
 */
public record PeerRecord(PeerId peerId, long seq, List<Multiaddr> addrs) {
    /** The envelope domain of peer records: go-libp2p's {@code PeerRecordEnvelopeDomain}. */
    public static final String DOMAIN = "libp2p-peer-record";

    /**
     * The multicodec {@code libp2p-peer-record} (multiformats/multicodec {@code table.csv}). In the
     * envelope it is written as the two bytes {@code 03 01}, the code big-endian, which is what go and
     * js send, and not as its unsigned varint ({@code 81 06}).
     */
    public static final int MULTICODEC = 0x0301;

    /** The most addresses in one record, a bound on what a remote makes us hold; go's hosts advertise far fewer. */
    public static final int MAX_ADDRESSES = 64;

    /**
     * Checks the fields and copies the list.
     *
     * @param peerId the peer the addresses belong to
     * @param seq    the sequence number, unsigned
     * @param addrs  the addresses
     * @throws IllegalArgumentException if there are more than {@link #MAX_ADDRESSES} addresses
     */
    public PeerRecord {
        Objects.requireNonNull(peerId, "peerId");
        addrs = List.copyOf(addrs);
        if (addrs.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("a peer record holds at most " + MAX_ADDRESSES + " addresses, not " + addrs.size());
        }
    }

    /**
     * The envelope payload type of peer records: go-libp2p's {@code PeerRecordEnvelopePayloadType}.
     *
     * @return a new array {@code {0x03, 0x01}}
     */
    public static byte[] payloadType() {
        return new byte[] {(byte) (MULTICODEC >>> 8), (byte) MULTICODEC};
    }

    /**
     * Encodes the record as the envelope payload. A zero {@code seq} and an empty address list are left
     * out, as proto3 does, so the bytes are go's and js's.
     *
     * @return the protobuf encoding
     */
    public byte[] encode() {
        ProtobufWriter w = new ProtobufWriter().writeBytes(1, peerId.bytes());
        if (seq != 0) {
            w.writeVarint(2, seq);
        }
        for (Multiaddr addr : addrs) {
            w.writeMessage(3, new ProtobufWriter().writeBytes(1, addr.bytes()));
        }
        return w.toByteArray();
    }

    /**
     * Decodes an envelope payload. This checks nothing about who signed it: use {@link #open(byte[])}
     * or {@link #fromEnvelope(Envelope)} for records from the network.
     *
     * @param payload the protobuf encoding
     * @return the record
     * @throws MessageTooLargeException  if the payload is longer than {@link Envelope#MAX_BYTES}
     * @throws MalformedMessageException if the protobuf is malformed, the peer id is missing or invalid,
     *                                   or there are more than {@link #MAX_ADDRESSES} addresses
     */
    public static PeerRecord decode(byte[] payload) throws MalformedMessageException {
        if (payload.length > Envelope.MAX_BYTES) {
            throw new MessageTooLargeException("peer record", payload.length, Envelope.MAX_BYTES);
        }
        PeerId peerId = null;
        long seq = 0;
        List<Multiaddr> addrs = new ArrayList<>();
        int addressInfos = 0;
        ProtobufReader r = new ProtobufReader(payload);
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> peerId = PeerId.fromBytes(r.readBytes(Envelope.MAX_BYTES));
                case 2 -> seq = r.readVarint();
                case 3 -> {
                    if (++addressInfos > MAX_ADDRESSES) {
                        throw new MalformedMessageException("peer record: more than " + MAX_ADDRESSES + " addresses");
                    }
                    addressInfo(r.readBytes(Envelope.MAX_BYTES)).ifPresent(addrs::add);
                }
                default -> r.skip();
            }
        }
        if (peerId == null) {
            throw new MalformedMessageException("peer record without a peer id");
        }
        return new PeerRecord(peerId, seq, addrs);
    }

    /**
     * Signs the record with the key of its peer.
     *
     * @param key the private key of {@link #peerId()}
     * @return the envelope, domain {@value #DOMAIN}, payload type {@link #payloadType()}
     * @throws IllegalArgumentException if {@code key} is not the key of {@link #peerId()}, or the
     *                                  envelope would be larger than {@link Envelope#MAX_BYTES}
     */
    public Envelope seal(PrivateKey key) {
        if (!peerId.matches(key.publicKey())) {
            throw new IllegalArgumentException("the record of peer " + peerId + " cannot be signed by the key of "
                    + PeerId.fromPublicKey(key.publicKey()));
        }
        return Envelope.seal(key, DOMAIN, payloadType(), encode());
    }

    /**
     * The record in an envelope, after the checks of RFC/0003 section "Certification / Verification",
     * in its order: the signature for {@value #DOMAIN} ("a peer MUST validate the signature before
     * deserializing"), then the payload type, then the payload, then the signer ("MUST verify that
     * the peer_id contained in the RoutingState matches the public_key from the envelope").
     *
     * <p>Keep the envelope alongside the record to pass it on: implementations "SHOULD retain the
     * original signed envelope" (section "Peer Store APIs").
     *
     * @param envelope an envelope, verified or not
     * @return the record, certified by its own peer
     * @throws InvalidSignatureException if the signature does not verify for {@value #DOMAIN}
     * @throws SignerMismatchException   if the envelope is signed by a peer other than the record's
     * @throws MalformedMessageException if the payload type is not a peer record's or the payload does
     *                                   not decode
     */
    public static PeerRecord fromEnvelope(Envelope envelope) throws MalformedMessageException {
        envelope.verify(DOMAIN);
        if (!envelope.hasPayloadType(payloadType())) {
            throw new MalformedMessageException("signed envelope: payload type " + HexFormat.of().formatHex(envelope.payloadType())
                    + " is not a peer record (0301)");
        }
        PeerRecord record = decode(envelope.payload());
        PeerId signer = envelope.signer();
        if (!record.peerId.equals(signer)) {
            throw new SignerMismatchException(record.peerId, signer);
        }
        return record;
    }

    /**
     * Decodes a marshalled envelope and returns the peer record in it, with every check of
     * {@link #fromEnvelope(Envelope)}.
     *
     * @param envelopeBytes the marshalled envelope
     * @return the record, certified by its own peer
     * @throws InvalidSignatureException if the signature does not verify for {@value #DOMAIN}
     * @throws SignerMismatchException   if the envelope is signed by a peer other than the record's
     * @throws MessageTooLargeException  if {@code envelopeBytes} is longer than {@link Envelope#MAX_BYTES}
     * @throws MalformedMessageException if the bytes are not an envelope holding a peer record
     */
    public static PeerRecord open(byte[] envelopeBytes) throws MalformedMessageException {
        return fromEnvelope(Envelope.unmarshal(envelopeBytes));
    }

    /** {@return the peer, the unsigned sequence number and the addresses} */
    @Override
    public String toString() {
        return "PeerRecord[peerId=" + peerId + ", seq=" + Long.toUnsignedString(seq) + ", addrs=" + addrs + "]";
    }

    /** An AddressInfo message; empty when its multiaddr is missing or does not parse. */
    private static Optional<Multiaddr> addressInfo(byte[] message) throws MalformedMessageException {
        byte[] bytes = null;
        ProtobufReader r = new ProtobufReader(message);
        while (r.next()) {
            if (r.fieldNumber() == 1) {
                bytes = r.readBytes(Envelope.MAX_BYTES);
            } else {
                r.skip();
            }
        }
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Multiaddr.fromBytes(bytes));
        } catch (MalformedMessageException e) {
            return Optional.empty();
        }
    }
}
