/**
 * Circuit relay v2 (relay/circuit-v2.md in the libp2p specs): a peer that cannot be dialed reserves a
 * slot on a relay and becomes reachable through it, over a connection the relay limits in duration
 * and bytes.
 *
 * <ul>
 *   <li>The wire messages: {@link org.jlibp2p.relay.HopMessage}, {@link org.jlibp2p.relay.StopMessage},
 *       {@link org.jlibp2p.relay.Peer}, {@link org.jlibp2p.relay.Limit},
 *       {@link org.jlibp2p.relay.Status} and {@link org.jlibp2p.relay.ReservationVoucher}.</li>
 *   <li>{@link org.jlibp2p.relay.CircuitRelay}: the protocol ids and relayed addresses.</li>
 *   <li>{@link org.jlibp2p.relay.RelayConfig}: what a relay grants and holds at most.</li>
 * </ul>
 */
module org.jlibp2p.relay {
    requires transitive org.jlibp2p.core;

    exports org.jlibp2p.relay;
}
