/**
 * Circuit relay v2 (relay/circuit-v2.md): {@link org.jlibp2p.relay.RelayService} (the relay),
 * {@link org.jlibp2p.relay.RelayClient} (reservations), {@link org.jlibp2p.relay.RelayTransport}
 * (relayed connections) and the wire messages. The module README teaches the protocol on one page.
 */
package org.jlibp2p.relay;
