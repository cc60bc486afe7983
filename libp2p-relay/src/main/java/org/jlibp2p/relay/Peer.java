package org.jlibp2p.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;

/**
 * A peer named in a relay message (relay/circuit-v2.md, "Protobuf", {@code message Peer}): the target
 * of a hop CONNECT, or the initiator in a stop CONNECT.
 *
 * <pre>
 * message Peer {
 *   required bytes id = 1;
 *   repeated bytes addrs = 2;
 * }
 * </pre>
 *
 * The addresses are for "active relay" (the relay dialing a target it has no connection to), which
 * the spec calls deprecated; this relay never dials, and sends none.
 *
 * @param id    the peer
 * @param addrs its addresses, usually none
 */
public record Peer(PeerId id, List<Multiaddr> addrs) {
    /**
     * Copies the list.
     *
     * @param id    the peer
     * @param addrs its addresses
     */
    public Peer {
        Objects.requireNonNull(id, "id");
        addrs = List.copyOf(addrs);
    }

    /**
     * A peer without addresses.
     *
     * @param id the peer
     * @return the message
     */
    public static Peer of(PeerId id) {
        return new Peer(id, List.of());
    }

    /** {@return the protobuf encoding} */
    public byte[] encode() {
        ProtobufWriter w = new ProtobufWriter().writeBytes(1, id.bytes());
        addrs.forEach(a -> w.writeBytes(2, a.bytes()));
        return w.toByteArray();
    }

    /**
     * Decodes a {@code Peer} message.
     *
     * @param bytes the protobuf encoding
     * @return the peer
     * @throws MalformedMessageException if the protobuf is malformed, the id is missing or is not a
     *                                   peer id, or an address does not decode
     */
    public static Peer decode(byte[] bytes) throws MalformedMessageException {
        PeerId id = null;
        List<Multiaddr> addrs = new ArrayList<>();
        ProtobufReader r = new ProtobufReader(bytes);
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> id = PeerId.fromBytes(r.readBytes(CircuitRelay.MAX_MESSAGE_BYTES));
                case 2 -> addrs.add(Multiaddr.fromBytes(r.readBytes(Multiaddr.MAX_BYTES)));
                default -> r.skip();
            }
        }
        if (id == null) {
            throw new MalformedMessageException("relay Peer message without an id");
        }
        return new Peer(id, addrs);
    }
}
