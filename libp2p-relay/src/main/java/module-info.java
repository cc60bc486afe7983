/**
 * Circuit relay v2 (relay/circuit-v2.md in the libp2p specs): a peer that cannot be dialed reserves a
 * slot on a relay and becomes reachable through it, over a connection the relay limits in duration
 * and bytes.
 *
 * <ul>
 *   <li>{@link org.jlibp2p.relay.RelayService}: the relay, serving the hop protocol (reservations
 *       and circuits), configured by {@link org.jlibp2p.relay.RelayConfig}, telling what it does as
 *       {@link org.jlibp2p.relay.RelayEvent}s.</li>
 *   <li>The wire messages: {@link org.jlibp2p.relay.HopMessage}, {@link org.jlibp2p.relay.StopMessage},
 *       {@link org.jlibp2p.relay.Peer}, {@link org.jlibp2p.relay.Limit},
 *       {@link org.jlibp2p.relay.Status} and {@link org.jlibp2p.relay.ReservationVoucher}.</li>
 *   <li>{@link org.jlibp2p.relay.CircuitRelay}: the protocol ids and relayed addresses.</li>
 * </ul>
 */
module org.jlibp2p.relay {
    requires transitive org.jlibp2p.core;

    exports org.jlibp2p.relay;
}
