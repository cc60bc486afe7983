/**
 * Circuit relay v2 (relay/circuit-v2.md in the libp2p specs): a peer that cannot be dialed reserves a
 * slot on a relay and becomes reachable through it, over a connection the relay limits in duration
 * and bytes.
 *
 * <ul>
 *   <li>{@link org.jlibp2p.relay.RelayService}: the relay, serving the hop protocol (reservations
 *       and circuits), configured by {@link org.jlibp2p.relay.RelayConfig}, telling what it does as
 *       {@link org.jlibp2p.relay.RelayEvent}s.</li>
 *   <li>{@link org.jlibp2p.relay.RelayClient}: makes and renews reservations on chosen relays and
 *       tells the {@code /p2p-circuit} addresses they give.</li>
 *   <li>{@link org.jlibp2p.relay.RelayTransport}: dials {@code <relay>/p2p-circuit/p2p/<peer>}
 *       addresses and serves the stop protocol, handing relayed connections to the host's usual
 *       upgrade (security, muxer) as limited connections.</li>
 *   <li>The wire messages: {@link org.jlibp2p.relay.HopMessage}, {@link org.jlibp2p.relay.StopMessage},
 *       {@link org.jlibp2p.relay.Peer}, {@link org.jlibp2p.relay.Limit},
 *       {@link org.jlibp2p.relay.Status} and {@link org.jlibp2p.relay.ReservationVoucher}.</li>
 * </ul>
 */
module org.jlibp2p.relay {
    requires transitive org.jlibp2p.core;

    exports org.jlibp2p.relay;
}
