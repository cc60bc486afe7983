package org.jlibp2p.kad;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;

/**
 * A peer named in a DHT message (kad-dht/README.md, "RPC messages", {@code Message.Peer}): a closer
 * peer or a provider.
 *
 * <pre>
 * message Peer {
 *   bytes id = 1;
 *   repeated bytes addrs = 2;
 *   ConnectionType connection = 3;
 * }
 * </pre>
 *
 * @param id         the peer
 * @param addrs      its addresses (an address that does not decode is dropped, not fatal: the
 *                   network carries code points this stack may not know)
 * @param connection whether the sender is connected to it
 */
public record KadPeer(PeerId id, List<Multiaddr> addrs, ConnectionType connection) {
    /** At most this many addresses are kept from one peer entry (go's identify keeps as few). */
    public static final int MAX_ADDRS = 32;

    /** {@code Message.ConnectionType}: what the sender knows of its connection to the peer. */
    public enum ConnectionType {
        /** Not connected, no recent connection. */
        NOT_CONNECTED,
        /** Connected now. */
        CONNECTED,
        /** Recently connected. */
        CAN_CONNECT,
        /** Recently failed to connect. */
        CANNOT_CONNECT
    }

    /**
     * Copies the list.
     *
     * @param id         the peer
     * @param addrs      its addresses
     * @param connection the connection type
     */
    public KadPeer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(connection, "connection");
        addrs = List.copyOf(addrs);
    }

    /**
     * A peer entry with addresses.
     *
     * @param id    the peer
     * @param addrs its addresses
     * @return the entry, NOT_CONNECTED
     */
    public static KadPeer of(PeerId id, List<Multiaddr> addrs) {
        return new KadPeer(id, addrs, ConnectionType.NOT_CONNECTED);
    }

    ProtobufWriter writer() {
        ProtobufWriter w = new ProtobufWriter().writeBytes(1, id.bytes());
        addrs.forEach(a -> w.writeBytes(2, a.bytes()));
        if (connection != ConnectionType.NOT_CONNECTED) {
            w.writeVarint(3, connection.ordinal());
        }
        return w;
    }

    /** {@return the protobuf encoding} */
    public byte[] encode() {
        return writer().toByteArray();
    }

    /**
     * Decodes a {@code Message.Peer}.
     *
     * @param bytes the protobuf encoding
     * @return the peer
     * @throws MalformedMessageException if the protobuf is malformed or the id is missing or not a peer id
     */
    public static KadPeer decode(byte[] bytes) throws MalformedMessageException {
        PeerId id = null;
        List<Multiaddr> addrs = new ArrayList<>();
        ConnectionType connection = ConnectionType.NOT_CONNECTED;
        ProtobufReader r = new ProtobufReader(bytes);
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> id = PeerId.fromBytes(r.readBytes(KadMessage.MAX_KEY_BYTES));
                case 2 -> {
                    byte[] a = r.readBytes(Multiaddr.MAX_BYTES);
                    if (addrs.size() < MAX_ADDRS) {
                        try {
                            addrs.add(Multiaddr.fromBytes(a));
                        } catch (MalformedMessageException unknownProtocol) {
                            // dropped: go and js skip addresses they cannot parse as well
                        }
                    }
                }
                case 3 -> {
                    long c = r.readVarint();
                    // proto3 enums are open: an unknown value reads as the default
                    connection = c >= 0 && c < ConnectionType.values().length ? ConnectionType.values()[(int) c] : ConnectionType.NOT_CONNECTED;
                }
                default -> r.skip();
            }
        }
        if (id == null) {
            throw new MalformedMessageException("kad Peer message without an id");
        }
        return new KadPeer(id, addrs, connection);
    }
}
