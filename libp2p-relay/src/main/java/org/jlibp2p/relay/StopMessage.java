package org.jlibp2p.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;

/**
 * A message of the stop protocol, {@value CircuitRelay#STOP} (relay/circuit-v2.md, "Stop Protocol"),
 * between a relay and the target of a circuit:
 *
 * <pre>
 * message StopMessage {
 *   enum Type { CONNECT = 0; STATUS = 1; }
 *   required Type type = 1;
 *   optional Peer peer = 2;
 *   optional Limit limit = 3;
 *   optional Status status = 4;
 * }
 * </pre>
 *
 * The relay sends CONNECT naming the initiator and the circuit's limits; the target answers STATUS.
 * After an OK the stream carries the relayed connection.
 *
 * @param type   the message type
 * @param peer   the initiator, in a CONNECT
 * @param limit  the limits of the relayed connection, in a CONNECT
 * @param status the outcome, in a STATUS
 */
public record StopMessage(Type type, Optional<Peer> peer, Optional<Limit> limit, Optional<Status> status) {
    /** The message types (relay/circuit-v2.md, "Protobuf", {@code StopMessage.Type}). */
    public enum Type {
        /** The relay asks the target to take a circuit from {@link StopMessage#peer()}. */
        CONNECT,
        /** The target's answer. */
        STATUS
    }

    /**
     * Checks that the optional fields are present objects.
     *
     * @param type   the type
     * @param peer   the peer
     * @param limit  the limit
     * @param status the status
     */
    public StopMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(status, "status");
    }

    /**
     * A CONNECT request.
     *
     * @param initiator the peer the circuit comes from
     * @param limit     the circuit's limits, if any
     * @return the request
     */
    public static StopMessage connect(PeerId initiator, Optional<Limit> limit) {
        return new StopMessage(Type.CONNECT, Optional.of(Peer.of(initiator)), limit, Optional.empty());
    }

    /**
     * A STATUS answer.
     *
     * @param status the outcome
     * @return the answer
     */
    public static StopMessage status(Status status) {
        return new StopMessage(Type.STATUS, Optional.empty(), Optional.empty(), Optional.of(status));
    }

    /** {@return the protobuf encoding, fields in number order} */
    public byte[] encode() {
        ProtobufWriter w = new ProtobufWriter().writeVarint(1, type.ordinal());
        peer.ifPresent(p -> w.writeBytes(2, p.encode()));
        limit.ifPresent(l -> w.writeBytes(3, l.encode()));
        status.ifPresent(s -> w.writeVarint(4, s.code()));
        return w.toByteArray();
    }

    /**
     * Decodes a stop message.
     *
     * @param bytes the protobuf encoding
     * @return the message
     * @throws MalformedMessageException if the protobuf or a field is malformed, the type is missing
     *                                   or unknown, or the status code is unknown
     */
    public static StopMessage decode(byte[] bytes) throws MalformedMessageException {
        Type type = null;
        Peer peer = null;
        Limit limit = null;
        Status status = null;
        ProtobufReader r = new ProtobufReader(bytes);
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> type = Messages.enumValue(Type.values(), r.readVarint(), "StopMessage type");
                case 2 -> peer = Peer.decode(r.readBytes(CircuitRelay.MAX_MESSAGE_BYTES));
                case 3 -> limit = Limit.decode(r.readBytes(CircuitRelay.MAX_MESSAGE_BYTES));
                case 4 -> status = Messages.status(r.readVarint());
                default -> r.skip();
            }
        }
        if (type == null) {
            throw new MalformedMessageException("StopMessage without a type");
        }
        return new StopMessage(type, Optional.ofNullable(peer), Optional.ofNullable(limit), Optional.ofNullable(status));
    }

    /**
     * Reads one length-prefixed stop message, and not a byte more (what follows is relayed data).
     *
     * @param in the stream
     * @return the message
     * @throws MalformedMessageException if it is longer than {@value CircuitRelay#MAX_MESSAGE_BYTES} bytes or does not decode
     * @throws IOException               if the stream fails or ends first
     */
    public static StopMessage read(InputStream in) throws IOException {
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
     * {@return the message as {@code --trace} narrates it, such as {@code STOP CONNECT from 12D3KooW...,
     * limit 120 s, 131072 bytes} or {@code STOP STATUS OK}}
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("STOP ").append(type);
        status.ifPresent(st -> b.append(' ').append(st));
        peer.ifPresent(p -> b.append(" from ").append(p.id()));
        limit.ifPresent(l -> b.append(", limit ").append(l));
        return b.toString();
    }
}
