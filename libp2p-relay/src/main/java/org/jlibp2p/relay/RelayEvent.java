package org.jlibp2p.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;

/**
 * What a {@link RelayService} does, as it happens (relay/circuit-v2.md, "Interaction"): reservations
 * granted, requests refused, circuits opened and ended. A tool prints them; a test counts them. See
 * {@link RelayService#addListener(java.util.function.Consumer)}.
 *
 * <p>A reservation or a refusal is told as the relay decides it, before the peer hears the answer;
 * a circuit is told once it is open, and again when it ends.
 */
public sealed interface RelayEvent {
    /**
     * A reservation was granted or renewed. (Should the answer then fail to reach the peer, the
     * reservation is withdrawn again.)
     *
     * @param peer    the peer that holds it
     * @param address the peer's address, as the relay sees it
     * @param expire  when it ends
     * @param renewal true if the peer held one already
     */
    record Reserved(PeerId peer, Multiaddr address, Instant expire, boolean renewal) implements RelayEvent {}

    /**
     * A hop request was refused.
     *
     * @param request what was asked; empty if the request did not decode
     * @param peer    who asked
     * @param target  the peer a CONNECT named
     * @param status  the status sent
     * @param reason  why, naming the limit or rule
     */
    record Refused(Optional<HopMessage.Type> request, PeerId peer, Optional<PeerId> target, Status status, String reason) implements RelayEvent {}

    /**
     * A circuit was opened: data now flows between the two peers through the relay.
     *
     * @param source the initiator
     * @param target the peer it reached
     */
    record CircuitOpened(PeerId source, PeerId target) implements RelayEvent {}

    /**
     * A circuit ended.
     *
     * @param source          the initiator
     * @param target          the peer it reached
     * @param bytesFromSource bytes relayed from the source to the target
     * @param bytesFromTarget bytes relayed from the target to the source
     * @param lasted          how long it was open
     * @param reason          why it ended: both sides closed, a limit (named), an error, the relay closing
     */
    record CircuitClosed(PeerId source, PeerId target, long bytesFromSource, long bytesFromTarget, Duration lasted, String reason)
            implements RelayEvent {}
}
