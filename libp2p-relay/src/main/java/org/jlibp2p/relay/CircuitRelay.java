package org.jlibp2p.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.Connection;

/**
 * The protocol ids and address forms of circuit relay v2 (relay/circuit-v2.md, "The Protocol"), and
 * helpers for the addresses.
 *
 * <p>A relayed address names the relay, then {@code /p2p-circuit}, then the peer reached through it:
 *
 * <pre>
 * /ip4/198.51.100.7/tcp/4001/p2p/12D3KooWRelay.../p2p-circuit/p2p/12D3KooWTarget...
 * └──────────── the relay, as any peer is dialed ─┘└ through ─┘└── the target ───┘
 * </pre>
 */
public final class CircuitRelay {
    /** The hop protocol: clients to relays (relay/circuit-v2.md, "Hop Protocol"). */
    public static final String HOP = "/libp2p/circuit/relay/0.2.0/hop";
    /** The stop protocol: relays to the targets of circuits (relay/circuit-v2.md, "Stop Protocol"). */
    public static final String STOP = "/libp2p/circuit/relay/0.2.0/stop";
    /** The largest relay message read, in bytes (go-libp2p's {@code maxMessageSize}). */
    public static final int MAX_MESSAGE_BYTES = 4096;

    private CircuitRelay() {}

    /**
     * The address at which a peer is reached through a relay.
     *
     * @param relayAddress the relay's address, ending in {@code /p2p/<relay id>}
     * @param target       the peer reached through it
     * @return {@code <relayAddress>/p2p-circuit/p2p/<target>}
     * @throws IllegalArgumentException if the relay address does not end in {@code /p2p/<id>} or is
     *                                  itself relayed
     */
    public static Multiaddr circuitAddress(Multiaddr relayAddress, PeerId target) {
        if (relayAddress.peerId().isEmpty()) {
            throw new IllegalArgumentException("a relay address must end in /p2p/<relay id>: " + relayAddress);
        }
        if (relayAddress.has(MultiaddrProtocol.P2P_CIRCUIT)) {
            throw new IllegalArgumentException("a relay is not reached through another relay: " + relayAddress);
        }
        return relayAddress.encapsulate(new Multiaddr(List.of(new Multiaddr.Component(MultiaddrProtocol.P2P_CIRCUIT, new byte[0]))))
                .withPeerId(target);
    }

    /**
     * Whether an address goes through a relay.
     *
     * @param address an address
     * @return true if it has a {@code /p2p-circuit} component
     */
    public static boolean isCircuitAddress(Multiaddr address) {
        return address.has(MultiaddrProtocol.P2P_CIRCUIT);
    }

    /**
     * Whether a connection runs through a relay. Such a connection is also
     * {@linkplain Connection#isLimited() limited} whenever the relay announced limits, which relays
     * do by default.
     *
     * @param connection a host's connection
     * @return true if its remote address is a {@code /p2p-circuit} address
     */
    public static boolean isRelayed(Connection connection) {
        return isCircuitAddress(connection.remoteAddress());
    }

    /**
     * A relayed address taken apart.
     *
     * @param relayAddress the relay's address, ending in {@code /p2p/<relay>}
     * @param relay        the relay
     * @param target       the peer after {@code /p2p-circuit}, if the address names one
     */
    record Parsed(Multiaddr relayAddress, PeerId relay, Optional<PeerId> target) {}

    /**
     * Takes {@code <relay>/p2p/<relay id>/p2p-circuit[/p2p/<target>]} apart.
     *
     * @throws IllegalArgumentException naming what is wrong: no relay before {@code /p2p-circuit},
     *                                  no relay id, more than one {@code /p2p-circuit} (a relay is
     *                                  never reached through another), or something other than
     *                                  {@code /p2p/<target>} after it
     */
    static Parsed parse(Multiaddr address) {
        List<Multiaddr.Component> parts = address.components();
        int circuit = -1;
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).protocol() == MultiaddrProtocol.P2P_CIRCUIT) {
                if (circuit >= 0) {
                    throw new IllegalArgumentException("a relay is not reached through another relay: " + address);
                }
                circuit = i;
            }
        }
        if (circuit < 0) {
            throw new IllegalArgumentException("not a relayed address: " + address);
        }
        if (circuit == 0) {
            throw new IllegalArgumentException("no relay before /p2p-circuit: " + address);
        }
        Multiaddr relayAddress = new Multiaddr(new ArrayList<>(parts.subList(0, circuit)));
        PeerId relay = relayAddress.peerId()
                .orElseThrow(() -> new IllegalArgumentException("the relay before /p2p-circuit must end in /p2p/<relay id>: " + address));
        List<Multiaddr.Component> rest = parts.subList(circuit + 1, parts.size());
        if (rest.size() > 1 || (rest.size() == 1 && rest.get(0).protocol() != MultiaddrProtocol.P2P)) {
            throw new IllegalArgumentException("only /p2p/<target> may follow /p2p-circuit: " + address);
        }
        Optional<PeerId> target = rest.isEmpty() ? Optional.empty() : new Multiaddr(List.copyOf(rest)).peerId();
        return new Parsed(relayAddress, relay, target);
    }
}
