package org.jlibp2p.relay;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.record.Envelope;

/**
 * A slot reserved on a relay, as the client holds it (relay/circuit-v2.md, "Hop Protocol",
 * "Reservation"), after the checks of {@link RelayClient}: not expired, and its voucher, if the relay
 * sent one, signed by that relay for this peer.
 *
 * @param relay           the relay
 * @param relayAddress    the address the client reached it at
 * @param expire          when the slot ends unless renewed (the relay counts in whole seconds)
 * @param relayAddrs      the relay's public addresses from the reservation, each ending in {@code /p2p/<relay>}
 * @param circuitAddrs    where other peers reach this one through the relay:
 *                        {@code <relay address>/p2p-circuit/p2p/<our id>}, built from {@code relayAddrs}, or from
 *                        {@code relayAddress} when the relay announced none
 * @param limit           the limits of the connections relayed to us; empty if the relay applies none
 * @param voucher         the verified voucher, if the relay sent one
 * @param voucherEnvelope the voucher's signed envelope, to pass on to others
 */
public record RelayReservation(PeerId relay, Multiaddr relayAddress, Instant expire, List<Multiaddr> relayAddrs, List<Multiaddr> circuitAddrs,
        Optional<Limit> limit, Optional<ReservationVoucher> voucher, Optional<Envelope> voucherEnvelope) {
    /**
     * Copies the lists.
     *
     * @param relay           the relay
     * @param relayAddress    the address it was reached at
     * @param expire          the expiration
     * @param relayAddrs      the relay's addresses
     * @param circuitAddrs    our addresses through it
     * @param limit           the limits
     * @param voucher         the voucher
     * @param voucherEnvelope its envelope
     */
    public RelayReservation {
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(relayAddress, "relayAddress");
        Objects.requireNonNull(expire, "expire");
        relayAddrs = List.copyOf(relayAddrs);
        circuitAddrs = List.copyOf(circuitAddrs);
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(voucher, "voucher");
        Objects.requireNonNull(voucherEnvelope, "voucherEnvelope");
    }

    /**
     * Whether the slot is still valid at a time.
     *
     * @param now the time
     * @return true before the expiration
     */
    public boolean isValidAt(Instant now) {
        return now.isBefore(expire);
    }
}
