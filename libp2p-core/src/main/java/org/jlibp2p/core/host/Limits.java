package org.jlibp2p.core.host;

import java.time.Duration;

/**
 * A host's resource limits. Every one is checked, and a refusal is logged with the limit that was hit.
 *
 * @param maxInboundConnections    connections accepted and open at once; more are closed at once
 * @param maxOutboundConnections   connections dialed and open at once; more dials fail
 * @param maxPendingInbound        inbound connections still in their handshake; the accept loop waits
 *                                 for a slot before it accepts, so slow handshakes cannot pile up
 * @param maxStreamsPerConnection  inbound streams open at once on one connection; more are reset
 * @param maxStreamsPerProtocol    inbound streams of one protocol open at once across the host, for
 *                                 handlers registered without a limit of their own; more are reset
 * @param handshakeTimeout         the deadline of each step of a connection upgrade
 * @param streamNegotiationTimeout the deadline of a stream's protocol negotiation
 * @param dialTimeout              how long connecting to one address may take
 */
public record Limits(int maxInboundConnections, int maxOutboundConnections, int maxPendingInbound, int maxStreamsPerConnection, int maxStreamsPerProtocol,
                     Duration handshakeTimeout, Duration streamNegotiationTimeout, Duration dialTimeout) {

    /**
     * Checks the limits.
     *
     * @param maxInboundConnections    see the class comment
     * @param maxOutboundConnections   see the class comment
     * @param maxPendingInbound        see the class comment
     * @param maxStreamsPerConnection  see the class comment
     * @param maxStreamsPerProtocol    see the class comment
     * @param handshakeTimeout         see the class comment
     * @param streamNegotiationTimeout see the class comment
     * @param dialTimeout              see the class comment
     */
    public Limits {
        if (maxInboundConnections < 1 || maxOutboundConnections < 1 || maxPendingInbound < 1 || maxStreamsPerConnection < 1 || maxStreamsPerProtocol < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (!isPositive(handshakeTimeout) || !isPositive(streamNegotiationTimeout) || !isPositive(dialTimeout)) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** {@return limits for a small node: 256 inbound and 128 outbound connections, 64 pending handshakes, 256 streams per connection, 1024 per protocol, 10 s handshakes and stream negotiations, 10 s dials} */
    public static Limits defaults() {
        return new Limits(256, 128, 64, 256, 1024, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    /**
     * A copy with other connection limits.
     *
     * @param inbound  accepted connections open at once
     * @param outbound dialed connections open at once
     * @param pending  inbound handshakes at once
     * @return the new limits
     */
    public Limits withConnections(int inbound, int outbound, int pending) {
        return new Limits(inbound, outbound, pending, maxStreamsPerConnection, maxStreamsPerProtocol, handshakeTimeout, streamNegotiationTimeout, dialTimeout);
    }

    /**
     * A copy with other timeouts.
     *
     * @param handshake   upgrade step deadline
     * @param negotiation stream negotiation deadline
     * @param dial        dial timeout
     * @return the new limits
     */
    public Limits withTimeouts(Duration handshake, Duration negotiation, Duration dial) {
        return new Limits(maxInboundConnections, maxOutboundConnections, maxPendingInbound, maxStreamsPerConnection, maxStreamsPerProtocol, handshake, negotiation, dial);
    }

    /**
     * A copy with another stream limit.
     *
     * @param streams inbound streams per connection
     * @return the new limits
     */
    public Limits withStreamsPerConnection(int streams) {
        return new Limits(maxInboundConnections, maxOutboundConnections, maxPendingInbound, streams, maxStreamsPerProtocol, handshakeTimeout, streamNegotiationTimeout, dialTimeout);
    }

    /**
     * A copy with another default per-protocol stream limit.
     *
     * @param streams inbound streams of one protocol across the host
     * @return the new limits
     */
    public Limits withStreamsPerProtocol(int streams) {
        return new Limits(maxInboundConnections, maxOutboundConnections, maxPendingInbound, maxStreamsPerConnection, streams, handshakeTimeout, streamNegotiationTimeout, dialTimeout);
    }

    private static boolean isPositive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }
}
