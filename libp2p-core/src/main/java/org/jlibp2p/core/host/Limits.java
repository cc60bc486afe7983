package org.jlibp2p.core.host;

import java.time.Duration;

/**
 * A host's resource limits, in one place: what each scope (the host, a remote address, a peer, a
 * protocol, a connection) may hold at once, and how long each wait on a remote may last. Every limit
 * is checked, and each refusal is one log line naming the scope and the limit. The defaults are for
 * a small node; the core README has them in one table.
 *
 * <p>A pending handshake is cheap here (a virtual thread and a socket), so the pending table is
 * large and full tables evict rather than refuse: a new inbound connection is always accepted, and
 * when its address, or the whole table, is full, the oldest pending handshake of the busiest address
 * is closed. Idle sockets are dropped after {@link #firstBytesTimeout()}, and no handshake lasts
 * longer than {@link #handshakeTimeout()}.
 *
 * @param maxInboundConnections           host: connections accepted and open at once; more are closed at once
 * @param maxOutboundConnections          host: connections dialed and open at once; more dials fail
 * @param maxPendingInbound               host: inbound connections still in their handshake; past it the
 *                                        oldest pending handshake of the busiest address is closed
 * @param maxStreamsPerConnection         connection: inbound streams open at once; more are reset
 * @param maxStreamsPerProtocol           protocol: inbound streams of one protocol open at once across the
 *                                        host, for handlers registered without a limit of their own; more are reset
 * @param handshakeTimeout                the deadline of a whole connection upgrade (security and muxer)
 * @param streamNegotiationTimeout        the deadline of a stream's protocol negotiation, and of identify
 * @param dialTimeout                     how long connecting to one address may take
 * @param maxPendingInboundPerAddress     address: pending handshakes from one IP address; past it that
 *                                        address's oldest pending handshake is closed
 * @param maxInboundConnectionsPerAddress address: accepted connections from one IP address; past it an
 *                                        idle one (no streams) of the address's busiest peer is closed,
 *                                        or the new one if none is idle
 * @param maxConnectionsPerPeer           peer: connections to or from one peer; past it an idle one of
 *                                        that peer is closed, or the new one if none is idle
 * @param maxStreamsPerPeerPerProtocol    peer and protocol: inbound streams of one protocol from one peer,
 *                                        for handlers registered without a limit of their own (ping: 2)
 * @param firstBytesTimeout               how long an inbound connection may stay silent before its first
 *                                        byte; a socket that sends nothing is closed after it
 * @param idleConnectionTimeout           a connection with no stream for this long is closed;
 *                                        {@link Duration#ZERO} keeps idle connections
 * @param inboundStreamIdleTimeout        the read timeout an inbound stream starts with once its protocol is
 *                                        agreed; a handler that waits longer sets its own
 */
public record Limits(int maxInboundConnections, int maxOutboundConnections, int maxPendingInbound, int maxStreamsPerConnection, int maxStreamsPerProtocol,
                     Duration handshakeTimeout, Duration streamNegotiationTimeout, Duration dialTimeout,
                     int maxPendingInboundPerAddress, int maxInboundConnectionsPerAddress, int maxConnectionsPerPeer,
                     int maxStreamsPerPeerPerProtocol, Duration firstBytesTimeout, Duration idleConnectionTimeout,
                     Duration inboundStreamIdleTimeout) {

    /**
     * Checks the limits.
     *
     * @param maxInboundConnections           see the class comment
     * @param maxOutboundConnections          see the class comment
     * @param maxPendingInbound               see the class comment
     * @param maxStreamsPerConnection         see the class comment
     * @param maxStreamsPerProtocol           see the class comment
     * @param handshakeTimeout                see the class comment
     * @param streamNegotiationTimeout        see the class comment
     * @param dialTimeout                     see the class comment
     * @param maxPendingInboundPerAddress     see the class comment
     * @param maxInboundConnectionsPerAddress see the class comment
     * @param maxConnectionsPerPeer           see the class comment
     * @param maxStreamsPerPeerPerProtocol    see the class comment
     * @param firstBytesTimeout               see the class comment
     * @param idleConnectionTimeout           see the class comment
     * @param inboundStreamIdleTimeout        see the class comment
     */
    public Limits {
        if (maxInboundConnections < 1 || maxOutboundConnections < 1 || maxPendingInbound < 1 || maxStreamsPerConnection < 1 || maxStreamsPerProtocol < 1
                || maxPendingInboundPerAddress < 1 || maxInboundConnectionsPerAddress < 1 || maxConnectionsPerPeer < 1 || maxStreamsPerPeerPerProtocol < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (!isPositive(handshakeTimeout) || !isPositive(streamNegotiationTimeout) || !isPositive(dialTimeout)
                || !isPositive(firstBytesTimeout) || !isPositive(inboundStreamIdleTimeout)) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (idleConnectionTimeout.isNegative()) {
            throw new IllegalArgumentException("the idle connection timeout must not be negative");
        }
    }

    /**
     * The limits of earlier versions; the newer ones take their defaults.
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
    public Limits(int maxInboundConnections, int maxOutboundConnections, int maxPendingInbound, int maxStreamsPerConnection, int maxStreamsPerProtocol,
                  Duration handshakeTimeout, Duration streamNegotiationTimeout, Duration dialTimeout) {
        this(maxInboundConnections, maxOutboundConnections, maxPendingInbound, maxStreamsPerConnection, maxStreamsPerProtocol,
                handshakeTimeout, streamNegotiationTimeout, dialTimeout, Math.min(maxPendingInbound, DEFAULT_PENDING_PER_ADDRESS),
                DEFAULT_CONNECTIONS_PER_ADDRESS, DEFAULT_CONNECTIONS_PER_PEER, DEFAULT_STREAMS_PER_PEER_PER_PROTOCOL,
                DEFAULT_FIRST_BYTES, DEFAULT_IDLE_CONNECTION, DEFAULT_STREAM_IDLE);
    }

    private static final int DEFAULT_PENDING_PER_ADDRESS = 512;
    private static final int DEFAULT_CONNECTIONS_PER_ADDRESS = 64;
    private static final int DEFAULT_CONNECTIONS_PER_PEER = 8;
    private static final int DEFAULT_STREAMS_PER_PEER_PER_PROTOCOL = 64;
    private static final Duration DEFAULT_FIRST_BYTES = Duration.ofSeconds(3);
    private static final Duration DEFAULT_IDLE_CONNECTION = Duration.ofMinutes(5);
    private static final Duration DEFAULT_STREAM_IDLE = Duration.ofMinutes(2);

    /**
     * {@return limits for a small node} 256 inbound and 128 outbound connections; 1024 pending
     * handshakes, 512 from one address; 64 inbound connections from one address, 8 per peer; 256
     * inbound streams per connection, 1024 per protocol, 64 per peer and protocol; a 10 s upgrade,
     * stream negotiation and dial; 3 s for an inbound connection's first byte; idle connections closed
     * after 5 minutes, inbound streams starting with a 2 minute read timeout.
     */
    public static Limits defaults() {
        return new Limits(256, 128, 1024, 256, 1024, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10),
                DEFAULT_PENDING_PER_ADDRESS, DEFAULT_CONNECTIONS_PER_ADDRESS, DEFAULT_CONNECTIONS_PER_PEER, DEFAULT_STREAMS_PER_PEER_PER_PROTOCOL,
                DEFAULT_FIRST_BYTES, DEFAULT_IDLE_CONNECTION, DEFAULT_STREAM_IDLE);
    }

    /**
     * A copy with other host-wide connection limits.
     *
     * @param inbound  accepted connections open at once
     * @param outbound dialed connections open at once
     * @param pending  inbound handshakes at once
     * @return the new limits
     */
    public Limits withConnections(int inbound, int outbound, int pending) {
        return new Limits(inbound, outbound, pending, maxStreamsPerConnection, maxStreamsPerProtocol, handshakeTimeout, streamNegotiationTimeout, dialTimeout,
                Math.min(pending, maxPendingInboundPerAddress), maxInboundConnectionsPerAddress, maxConnectionsPerPeer, maxStreamsPerPeerPerProtocol,
                firstBytesTimeout, idleConnectionTimeout, inboundStreamIdleTimeout);
    }

    /**
     * A copy with other per-address and per-peer connection limits.
     *
     * @param pendingPerAddress     pending handshakes from one address
     * @param inboundPerAddress     accepted connections from one address
     * @param connectionsPerPeer    connections with one peer
     * @return the new limits
     */
    public Limits withConnectionsPerSource(int pendingPerAddress, int inboundPerAddress, int connectionsPerPeer) {
        return new Limits(maxInboundConnections, maxOutboundConnections, maxPendingInbound, maxStreamsPerConnection, maxStreamsPerProtocol,
                handshakeTimeout, streamNegotiationTimeout, dialTimeout, pendingPerAddress, inboundPerAddress, connectionsPerPeer,
                maxStreamsPerPeerPerProtocol, firstBytesTimeout, idleConnectionTimeout, inboundStreamIdleTimeout);
    }

    /**
     * A copy with other timeouts.
     *
     * @param handshake   upgrade deadline
     * @param negotiation stream negotiation deadline
     * @param dial        dial timeout
     * @return the new limits
     */
    public Limits withTimeouts(Duration handshake, Duration negotiation, Duration dial) {
        return new Limits(maxInboundConnections, maxOutboundConnections, maxPendingInbound, maxStreamsPerConnection, maxStreamsPerProtocol,
                handshake, negotiation, dial, maxPendingInboundPerAddress, maxInboundConnectionsPerAddress, maxConnectionsPerPeer,
                maxStreamsPerPeerPerProtocol, firstBytesTimeout, idleConnectionTimeout, inboundStreamIdleTimeout);
    }

    /**
     * A copy with other idle timeouts.
     *
     * @param firstBytes     how long a new inbound connection may stay silent
     * @param idleConnection how long a connection may have no stream ({@link Duration#ZERO}: forever)
     * @param inboundStream  the read timeout inbound streams start with
     * @return the new limits
     */
    public Limits withIdleTimeouts(Duration firstBytes, Duration idleConnection, Duration inboundStream) {
        return new Limits(maxInboundConnections, maxOutboundConnections, maxPendingInbound, maxStreamsPerConnection, maxStreamsPerProtocol,
                handshakeTimeout, streamNegotiationTimeout, dialTimeout, maxPendingInboundPerAddress, maxInboundConnectionsPerAddress,
                maxConnectionsPerPeer, maxStreamsPerPeerPerProtocol, firstBytes, idleConnection, inboundStream);
    }

    /**
     * A copy with another stream limit.
     *
     * @param streams inbound streams per connection
     * @return the new limits
     */
    public Limits withStreamsPerConnection(int streams) {
        return new Limits(maxInboundConnections, maxOutboundConnections, maxPendingInbound, streams, maxStreamsPerProtocol,
                handshakeTimeout, streamNegotiationTimeout, dialTimeout, maxPendingInboundPerAddress, maxInboundConnectionsPerAddress,
                maxConnectionsPerPeer, maxStreamsPerPeerPerProtocol, firstBytesTimeout, idleConnectionTimeout, inboundStreamIdleTimeout);
    }

    /**
     * A copy with another default per-protocol stream limit.
     *
     * @param streams inbound streams of one protocol across the host
     * @return the new limits
     */
    public Limits withStreamsPerProtocol(int streams) {
        return new Limits(maxInboundConnections, maxOutboundConnections, maxPendingInbound, maxStreamsPerConnection, streams,
                handshakeTimeout, streamNegotiationTimeout, dialTimeout, maxPendingInboundPerAddress, maxInboundConnectionsPerAddress,
                maxConnectionsPerPeer, maxStreamsPerPeerPerProtocol, firstBytesTimeout, idleConnectionTimeout, inboundStreamIdleTimeout);
    }

    /**
     * A copy with another default per-peer, per-protocol stream limit.
     *
     * @param streams inbound streams of one protocol from one peer
     * @return the new limits
     */
    public Limits withStreamsPerPeerPerProtocol(int streams) {
        return new Limits(maxInboundConnections, maxOutboundConnections, maxPendingInbound, maxStreamsPerConnection, maxStreamsPerProtocol,
                handshakeTimeout, streamNegotiationTimeout, dialTimeout, maxPendingInboundPerAddress, maxInboundConnectionsPerAddress,
                maxConnectionsPerPeer, streams, firstBytesTimeout, idleConnectionTimeout, inboundStreamIdleTimeout);
    }

    private static boolean isPositive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }
}
