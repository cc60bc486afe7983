package org.jlibp2p.core.host;

import java.util.Map;

/**
 * What a host holds now, scope by scope, to set beside its {@link Limits}: an operator's view of
 * where the resources go ({@link Host#resourceUsage()}; the tool's {@code listen --usage-every}).
 *
 * @param inboundConnections  accepted connections open
 * @param outboundConnections dialed connections open
 * @param pendingHandshakes   inbound connections still in their handshake
 * @param peers               peers with at least one connection
 * @param streams             streams open on all connections, in both directions
 * @param streamsByProtocol   inbound and outbound streams open, by agreed protocol
 * @param bufferedBytes       bytes received on all connections' streams and not yet read by handlers
 *                            (each connection's share is bounded by its muxer's windows and budget)
 */
public record ResourceUsage(int inboundConnections, int outboundConnections, int pendingHandshakes, int peers, int streams,
                            Map<String, Integer> streamsByProtocol, long bufferedBytes) {
    /**
     * Copies the map.
     *
     * @param inboundConnections  accepted connections open
     * @param outboundConnections dialed connections open
     * @param pendingHandshakes   inbound handshakes under way
     * @param peers               connected peers
     * @param streams             open streams
     * @param streamsByProtocol   open streams by protocol
     * @param bufferedBytes       bytes received and not yet read
     */
    public ResourceUsage {
        streamsByProtocol = Map.copyOf(streamsByProtocol);
    }
}
