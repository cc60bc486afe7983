package org.jlibp2p.relay;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.Reach;

/**
 * What a {@link RelayService} grants and how much it holds at most: the resources of
 * relay/circuit-v2.md ("Reservation", "Connection Initiation"), with go-libp2p's defaults
 * ({@code relay/resources.go}). Every setting has a {@code with...} method that returns a copy.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>Setting</th><th>Default</th><th>When it is reached</th></tr>
 *   <tr><td>{@link #reservationTtl()}</td><td>1 hour</td><td>the reservation expires unless renewed</td></tr>
 *   <tr><td>{@link #maxReservations()}</td><td>128</td><td>RESERVE is refused: {@link Status#RESERVATION_REFUSED}</td></tr>
 *   <tr><td>{@link #maxReservationsPerIp()}</td><td>8</td><td>RESERVE is refused: {@link Status#RESERVATION_REFUSED}</td></tr>
 *   <tr><td>{@link #maxCircuits()}</td><td>256</td><td>CONNECT is refused: {@link Status#RESOURCE_LIMIT_EXCEEDED}</td></tr>
 *   <tr><td>{@link #maxCircuitsPerPeer()}</td><td>16</td><td>CONNECT from or to that peer is refused: {@link Status#RESOURCE_LIMIT_EXCEEDED}</td></tr>
 *   <tr><td>{@link #limitDuration()}</td><td>2 minutes</td><td>the circuit is ended on both sides</td></tr>
 *   <tr><td>{@link #limitData()}</td><td>128 KiB in each direction</td><td>the circuit is ended on both sides</td></tr>
 *   <tr><td>{@link #bufferSize()}</td><td>16 KiB per direction</td><td>the copy waits (backpressure)</td></tr>
 *   <tr><td>{@link #handshakeTimeout()}</td><td>30 s</td><td>a hop request or stop answer that takes longer fails</td></tr>
 * </table>
 *
 * <p>A peer holds one reservation at a relay: a RESERVE from a peer that holds one renews it (go's
 * {@code MaxReservationsPerPeer} is 1 and deprecated for that reason). go caps circuits per peer only
 * (16) and leaves the total to its resource manager; {@link #maxCircuits()} is that total here. go
 * copies through 2 KiB buffers; 16 KiB moves bulk data with fewer frames, and the whole relay holds
 * at most {@code maxCircuits * 2 * bufferSize} of them (8 MiB by default).
 *
 * @param reservationTtl       how long a new or renewed reservation lasts
 * @param maxReservations      the most reservations held at once
 * @param maxReservationsPerIp the most reservations held by peers at one IP address
 * @param maxCircuits          the most circuits relayed at once
 * @param maxCircuitsPerPeer   the most circuits at once from or to one peer
 * @param limitDuration        the longest a circuit lasts; {@link Duration#ZERO} for no limit
 * @param limitData            the most bytes a circuit relays in each direction; 0 for no limit
 * @param bufferSize           the copy buffer of each direction of a circuit, in bytes
 * @param handshakeTimeout     the deadline of a hop request's arrival and of the target's stop answer
 * @param reservationAddrs     which of the relay's listen addresses go into reservations (those with
 *                             {@code /p2p-circuit} never do); by default {@link #PUBLIC_ADDRESSES}
 * @param acl                  who may reserve and connect; by default everyone
 */
public record RelayConfig(Duration reservationTtl, int maxReservations, int maxReservationsPerIp, int maxCircuits, int maxCircuitsPerPeer,
        Duration limitDuration, long limitData, int bufferSize, Duration handshakeTimeout, Predicate<Multiaddr> reservationAddrs, Acl acl) {

    /**
     * Access control of a relay (go-libp2p's {@code ACLFilter}): a refusal is
     * {@link Status#PERMISSION_DENIED}. Both methods allow by default.
     */
    public interface Acl {
        /** Allows everyone. */
        Acl ALLOW_ALL = new Acl() {};

        /**
         * Whether a peer may reserve a slot.
         *
         * @param peer    the peer
         * @param address its address, as the relay sees it
         * @return true to consider the reservation (the limits still apply)
         */
        default boolean allowReserve(PeerId peer, Multiaddr address) {
            return true;
        }

        /**
         * Whether a peer may open a circuit to another.
         *
         * @param source        the initiator
         * @param sourceAddress its address, as the relay sees it
         * @param target        the peer it wants to reach
         * @return true to consider the circuit (the limits still apply)
         */
        default boolean allowConnect(PeerId source, Multiaddr sourceAddress, PeerId target) {
            return true;
        }
    }

    /**
     * Addresses others can reach from the internet, as go-libp2p's relay announces by default
     * ({@code manet.IsPublicAddr}): an IP address that is not loopback, private (RFC 1918, RFC 4193,
     * 100.64/10), link-local, multicast or unspecified; addresses without an IP (DNS names, the
     * in-memory transport) count as public.
     */
    public static final Predicate<Multiaddr> PUBLIC_ADDRESSES = RelayConfig::isPublic;

    /** Every listen address, private and loopback ones included: for a relay on a LAN or on one machine. */
    public static final Predicate<Multiaddr> ALL_ADDRESSES = a -> true;

    /**
     * Checks the values.
     *
     * @param reservationTtl       the reservation lifetime, positive
     * @param maxReservations      positive
     * @param maxReservationsPerIp positive
     * @param maxCircuits          positive
     * @param maxCircuitsPerPeer   positive
     * @param limitDuration        not negative
     * @param limitData            not negative
     * @param bufferSize           at least 256
     * @param handshakeTimeout     positive
     * @param reservationAddrs     the address filter
     * @param acl                  the access control
     */
    public RelayConfig {
        requirePositive(reservationTtl, "reservationTtl");
        requirePositive(handshakeTimeout, "handshakeTimeout");
        if (reservationTtl.getSeconds() < 1) {
            throw new IllegalArgumentException("reservationTtl must be at least a second (expirations travel in seconds)");
        }
        if (maxReservations < 1 || maxReservationsPerIp < 1 || maxCircuits < 1 || maxCircuitsPerPeer < 1) {
            throw new IllegalArgumentException("the reservation and circuit caps must be positive");
        }
        new Limit(limitDuration, limitData); // checks both
        if (bufferSize < 256) {
            throw new IllegalArgumentException("bufferSize must be at least 256 bytes");
        }
        Objects.requireNonNull(reservationAddrs, "reservationAddrs");
        Objects.requireNonNull(acl, "acl");
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** {@return go-libp2p's defaults (see the class comment)} */
    public static RelayConfig defaults() {
        return new RelayConfig(Duration.ofHours(1), 128, 8, 256, 16, Duration.ofMinutes(2), 128 * 1024, 16 * 1024, Duration.ofSeconds(30),
                PUBLIC_ADDRESSES, Acl.ALLOW_ALL);
    }

    /**
     * A copy with other reservation settings.
     *
     * @param ttl   how long a reservation lasts
     * @param max   the most reservations at once
     * @param perIp the most at one IP address
     * @return the copy
     */
    public RelayConfig withReservations(Duration ttl, int max, int perIp) {
        return new RelayConfig(ttl, max, perIp, maxCircuits, maxCircuitsPerPeer, limitDuration, limitData, bufferSize, handshakeTimeout,
                reservationAddrs, acl);
    }

    /**
     * A copy with other circuit caps.
     *
     * @param max     the most circuits at once
     * @param perPeer the most from or to one peer
     * @return the copy
     */
    public RelayConfig withCircuits(int max, int perPeer) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, max, perPeer, limitDuration, limitData, bufferSize,
                handshakeTimeout, reservationAddrs, acl);
    }

    /**
     * A copy with other limits per circuit.
     *
     * @param duration the longest a circuit lasts, {@link Duration#ZERO} for no limit
     * @param data     the most bytes in each direction, 0 for no limit
     * @return the copy
     */
    public RelayConfig withLimit(Duration duration, long data) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, maxCircuitsPerPeer, duration, data, bufferSize,
                handshakeTimeout, reservationAddrs, acl);
    }

    /**
     * A copy with another copy buffer size.
     *
     * @param bytes the buffer of each direction of a circuit
     * @return the copy
     */
    public RelayConfig withBufferSize(int bytes) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, maxCircuitsPerPeer, limitDuration, limitData, bytes,
                handshakeTimeout, reservationAddrs, acl);
    }

    /**
     * A copy with another handshake deadline.
     *
     * @param timeout the deadline of a hop request and of a stop answer
     * @return the copy
     */
    public RelayConfig withHandshakeTimeout(Duration timeout) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, maxCircuitsPerPeer, limitDuration, limitData,
                bufferSize, timeout, reservationAddrs, acl);
    }

    /**
     * A copy that puts other addresses into reservations.
     *
     * @param filter which listen addresses to announce, such as {@link #ALL_ADDRESSES}
     * @return the copy
     */
    public RelayConfig withReservationAddrs(Predicate<Multiaddr> filter) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, maxCircuitsPerPeer, limitDuration, limitData,
                bufferSize, handshakeTimeout, filter, acl);
    }

    /**
     * A copy with access control.
     *
     * @param acl who may reserve and connect
     * @return the copy
     */
    public RelayConfig withAcl(Acl acl) {
        return new RelayConfig(reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, maxCircuitsPerPeer, limitDuration, limitData,
                bufferSize, handshakeTimeout, reservationAddrs, acl);
    }

    /** {@return the limit announced to clients, or empty when the relay limits nothing} */
    public java.util.Optional<Limit> limit() {
        Limit l = new Limit(limitDuration, limitData);
        return l.isUnlimited() ? java.util.Optional.empty() : java.util.Optional.of(l);
    }

    private static boolean isPublic(Multiaddr address) {
        for (Multiaddr.Component c : address.components()) {
            if (c.protocol() == MultiaddrProtocol.IP4 || c.protocol() == MultiaddrProtocol.IP6) {
                return Reach.ofIp(c.value()) == Reach.PUBLIC;
            }
        }
        return true;
    }
}
