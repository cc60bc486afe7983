package org.jlibp2p.relay;

import java.io.IOException;
import java.time.Duration;
import org.jlibp2p.core.Multiaddr;

/**
 * Told what a {@link RelayClient}'s reservations do (relay/circuit-v2.md, "Reservation"): a tool
 * prints the {@code /p2p-circuit} addresses as they come. Called on the client's threads; return
 * quickly. Both methods do nothing by default.
 */
public interface ReservationListener {
    /**
     * A slot was reserved, or renewed.
     *
     * @param reservation the reservation, with the circuit addresses
     * @param renewal     true if it renews one the client held on that relay
     */
    default void reserved(RelayReservation reservation, boolean renewal) {}

    /**
     * Reserving failed; the client tries again later.
     *
     * @param relay   the relay's address
     * @param cause   why: a {@link RelayRefusedException} with the relay's status, or a connection failure
     * @param retryIn when the next attempt is
     */
    default void failed(Multiaddr relay, IOException cause, Duration retryIn) {}
}
