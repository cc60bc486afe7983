package org.jlibp2p.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.jlibp2p.core.record.Envelope;

/**
 * A message of the hop protocol, {@value CircuitRelay#HOP} (relay/circuit-v2.md, "Hop Protocol"),
 * between a client and a relay:
 *
 * <pre>
 * message HopMessage {
 *   enum Type { RESERVE = 0; CONNECT = 1; STATUS = 2; }
 *   required Type type = 1;
 *   optional Peer peer = 2;
 *   optional Reservation reservation = 3;
 *   optional Limit limit = 4;
 *   optional Status status = 5;
 * }
 * </pre>
 *
 * A client sends RESERVE (to reserve a slot) or CONNECT with the target {@link Peer}; the relay
 * answers STATUS, with a {@link Reservation} and a {@link Limit} when a reservation is accepted and
 * with the limit when a circuit is opened. Messages travel length-prefixed (an unsigned varint, then
 * the protobuf), at most {@value CircuitRelay#MAX_MESSAGE_BYTES} bytes, as go-libp2p reads them.
 *
 * @param type        the message type
 * @param peer        the target of a CONNECT
 * @param reservation the reservation, in the STATUS answering a RESERVE
 * @param limit       the limits of relayed connections, in a STATUS
 * @param status      the outcome, in a STATUS
 */
public record HopMessage(Type type, Optional<Peer> peer, Optional<Reservation> reservation, Optional<Limit> limit, Optional<Status> status) {
    /** The message types (relay/circuit-v2.md, "Protobuf", {@code HopMessage.Type}). */
    public enum Type {
        /** A client asks for a reservation. */
        RESERVE,
        /** A client asks for a circuit to the peer in {@link HopMessage#peer()}. */
        CONNECT,
        /** The relay's answer. */
        STATUS
    }

    /**
     * A reservation granted by a relay (relay/circuit-v2.md, "Hop Protocol", "Reservation"):
     *
     * <pre>
     * message Reservation {
     *   optional uint64 expire = 1; // Unix expiration time (UTC)
     *   repeated bytes addrs = 2;   // relay addrs for reserving peer
     *   optional bytes voucher = 3; // reservation voucher
     * }
     * </pre>
     *
     * @param expire  when the reservation ends, in seconds since the Unix epoch (UTC)
     * @param addrs   the relay's public addresses, each with {@code /p2p/<relay id>} but without
     *                {@code /p2p-circuit}: the client appends {@code /p2p-circuit/p2p/<its id>}
     * @param voucher the signed {@link ReservationVoucher}, not yet verified
     */
    public record Reservation(long expire, List<Multiaddr> addrs, Optional<Envelope> voucher) {
        /**
         * Copies the list.
         *
         * @param expire  the expiration, in Unix seconds
         * @param addrs   the relay's addresses
         * @param voucher the voucher
         */
        public Reservation {
            addrs = List.copyOf(addrs);
            Objects.requireNonNull(voucher, "voucher");
        }

        /** {@return the expiration as an instant (a time past what an {@link Instant} holds reads as {@link Instant#MAX})} */
        public Instant expireAt() {
            return expire < 0 || expire > Instant.MAX.getEpochSecond() ? Instant.MAX : Instant.ofEpochSecond(expire);
        }

        /** {@return the protobuf encoding} */
        public byte[] encode() {
            ProtobufWriter w = new ProtobufWriter().writeVarint(1, expire);
            addrs.forEach(a -> w.writeBytes(2, a.bytes()));
            voucher.ifPresent(v -> w.writeBytes(3, v.marshal()));
            return w.toByteArray();
        }

        /**
         * Decodes a {@code Reservation} message. The voucher is decoded, not verified.
         *
         * @param bytes the protobuf encoding
         * @return the reservation
         * @throws MalformedMessageException if the protobuf, an address or the voucher's envelope is malformed
         */
        public static Reservation decode(byte[] bytes) throws MalformedMessageException {
            long expire = 0;
            List<Multiaddr> addrs = new ArrayList<>();
            Envelope voucher = null;
            ProtobufReader r = new ProtobufReader(bytes);
            while (r.next()) {
                switch (r.fieldNumber()) {
                    case 1 -> expire = r.readVarint();
                    case 2 -> addrs.add(Multiaddr.fromBytes(r.readBytes(Multiaddr.MAX_BYTES)));
                    case 3 -> voucher = Envelope.unmarshal(r.readBytes(CircuitRelay.MAX_MESSAGE_BYTES));
                    default -> r.skip();
                }
            }
            return new Reservation(expire, addrs, Optional.ofNullable(voucher));
        }
    }

    /**
     * Checks that the optional fields are present objects.
     *
     * @param type        the type
     * @param peer        the peer
     * @param reservation the reservation
     * @param limit       the limit
     * @param status      the status
     */
    public HopMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(reservation, "reservation");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(status, "status");
    }

    /** {@return a RESERVE request} */
    public static HopMessage reserve() {
        return new HopMessage(Type.RESERVE, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * A CONNECT request.
     *
     * @param target the peer to reach through the relay
     * @return the request
     */
    public static HopMessage connect(PeerId target) {
        return new HopMessage(Type.CONNECT, Optional.of(Peer.of(target)), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * A STATUS answer without a reservation: a refusal, or the OK that opens a circuit.
     *
     * @param status the outcome
     * @param limit  the limits of the circuit, for an OK
     * @return the answer
     */
    public static HopMessage status(Status status, Optional<Limit> limit) {
        return new HopMessage(Type.STATUS, Optional.empty(), Optional.empty(), limit, Optional.of(status));
    }

    /**
     * A refusal.
     *
     * @param status why, anything but {@link Status#OK}
     * @return the answer
     */
    public static HopMessage refusal(Status status) {
        return status(status, Optional.empty());
    }

    /**
     * The answer that grants a reservation.
     *
     * @param reservation the reservation
     * @param limit       the limits of the connections relayed to the client
     * @return the answer
     */
    public static HopMessage reserved(Reservation reservation, Optional<Limit> limit) {
        return new HopMessage(Type.STATUS, Optional.empty(), Optional.of(reservation), limit, Optional.of(Status.OK));
    }

    /** {@return the protobuf encoding, fields in number order} */
    public byte[] encode() {
        ProtobufWriter w = new ProtobufWriter().writeVarint(1, type.ordinal());
        peer.ifPresent(p -> w.writeBytes(2, p.encode()));
        reservation.ifPresent(r -> w.writeBytes(3, r.encode()));
        limit.ifPresent(l -> w.writeBytes(4, l.encode()));
        status.ifPresent(s -> w.writeVarint(5, s.code()));
        return w.toByteArray();
    }

    /**
     * Decodes a hop message.
     *
     * @param bytes the protobuf encoding
     * @return the message
     * @throws MalformedMessageException if the protobuf or a field is malformed, the type is missing
     *                                   or unknown, or the status code is unknown
     */
    public static HopMessage decode(byte[] bytes) throws MalformedMessageException {
        Type type = null;
        Peer peer = null;
        Reservation reservation = null;
        Limit limit = null;
        Status status = null;
        ProtobufReader r = new ProtobufReader(bytes);
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> type = Messages.enumValue(Type.values(), r.readVarint(), "HopMessage type");
                case 2 -> peer = Peer.decode(r.readBytes(CircuitRelay.MAX_MESSAGE_BYTES));
                case 3 -> reservation = Reservation.decode(r.readBytes(CircuitRelay.MAX_MESSAGE_BYTES));
                case 4 -> limit = Limit.decode(r.readBytes(CircuitRelay.MAX_MESSAGE_BYTES));
                case 5 -> status = Messages.status(r.readVarint());
                default -> r.skip();
            }
        }
        if (type == null) {
            throw new MalformedMessageException("HopMessage without a type");
        }
        return new HopMessage(type, Optional.ofNullable(peer), Optional.ofNullable(reservation), Optional.ofNullable(limit),
                Optional.ofNullable(status));
    }

    /**
     * Reads one length-prefixed hop message, and not a byte more (what follows may be relayed data).
     *
     * @param in the stream
     * @return the message
     * @throws MalformedMessageException if it is longer than {@value CircuitRelay#MAX_MESSAGE_BYTES} bytes or does not decode
     * @throws IOException               if the stream fails or ends first
     */
    public static HopMessage read(InputStream in) throws IOException {
        return decode(LengthPrefixed.read(in, CircuitRelay.MAX_MESSAGE_BYTES));
    }

    /**
     * Writes this message, length-prefixed, and flushes.
     *
     * @param out the stream
     * @throws IOException if the stream fails
     */
    public void write(OutputStream out) throws IOException {
        LengthPrefixed.write(out, encode());
        out.flush();
    }

    /**
     * {@return the message as {@code --trace} narrates it: its type and the fields it carries, such as
     * {@code HOP CONNECT to 12D3KooW...} or {@code HOP STATUS OK, reservation until ..., limit 120 s, 131072 bytes}}
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("HOP ").append(type);
        status.ifPresent(st -> b.append(' ').append(st));
        peer.ifPresent(p -> b.append(" to ").append(p.id()));
        reservation.ifPresent(r -> b.append(", reservation until ").append(r.expireAt()).append(r.addrs().isEmpty() ? " at no public address" : " at " + r.addrs().size() + (r.addrs().size() == 1 ? " address" : " addresses")).append(r.voucher().isPresent() ? ", with a voucher" : ", no voucher"));
        limit.ifPresent(l -> b.append(", limit ").append(l));
        return b.toString();
    }
}
