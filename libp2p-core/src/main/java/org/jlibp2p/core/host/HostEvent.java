package org.jlibp2p.core.host;

import java.util.List;
import java.util.Set;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;

/**
 * What happens in a host, as typed events: a protocol module subscribes to the ones it needs instead
 * of polling (see {@link Host#subscribe(Class, java.util.function.Consumer)}).
 *
 * <p>Events are delivered off the path that caused them: a connection is registered and its stream
 * loop runs before anyone hears of it, so a subscriber may open a stream on a connection it was just
 * told about. Each subscriber receives events in the order they were published, on a virtual thread
 * of its own.
 */
public sealed interface HostEvent {
    /**
     * A connection was established and its streams are being served; identify has not run yet.
     *
     * @param connection the connection
     */
    record ConnectionOpened(Connection connection) implements HostEvent {}

    /**
     * A connection ended. Published after the connection's {@link ConnectionOpened}, also when it
     * ended before that went out; a connection the host never announced ends unannounced.
     *
     * @param connection the connection, now closed
     */
    record ConnectionClosed(Connection connection) implements HostEvent {}

    /**
     * Identify (identify/README.md) told us who a connected peer is; its peerstore entry is updated.
     *
     * @param connection       the connection identify ran on
     * @param info             what the peer said about itself
     * @param signedPeerRecord true if the peer sent a signed peer record that verified
     */
    record PeerIdentified(Connection connection, IdentifyInfo info, boolean signedPeerRecord) implements HostEvent {
        /** {@return the identified peer} */
        public PeerId peer() {
            return connection.remotePeer();
        }
    }

    /**
     * A peer's protocols, as it reported them in identify or identify push, changed.
     *
     * @param peer    the peer
     * @param added   protocols it now speaks and did not before
     * @param removed protocols it no longer speaks
     */
    record PeerProtocolsChanged(PeerId peer, Set<String> added, Set<String> removed) implements HostEvent {
        /**
         * Copies the sets.
         *
         * @param peer    the peer
         * @param added   protocols added
         * @param removed protocols removed
         */
        public PeerProtocolsChanged {
            added = Set.copyOf(added);
            removed = Set.copyOf(removed);
        }
    }

    /**
     * The addresses this host advertises changed: its listen addresses or those its services add
     * ({@link Host#advertisedAddrs()}). Not announced once the host is closing.
     *
     * @param addrs the addresses now advertised
     */
    record LocalAddressesChanged(List<Multiaddr> addrs) implements HostEvent {
        /**
         * Copies the list.
         *
         * @param addrs the addresses
         */
        public LocalAddressesChanged {
            addrs = List.copyOf(addrs);
        }
    }

    /**
     * The protocols this host serves changed (a handler was set or removed). Not announced once the
     * host is closing, when its services remove their handlers.
     *
     * @param protocols the protocols now served
     */
    record LocalProtocolsChanged(List<String> protocols) implements HostEvent {
        /**
         * Copies the list.
         *
         * @param protocols the protocols
         */
        public LocalProtocolsChanged {
            protocols = List.copyOf(protocols);
        }
    }
}
