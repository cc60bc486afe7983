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
 */
public record ResourceUsage(int inboundConnections, int outboundConnections, int pendingHandshakes, int peers, int streams,
                            Map<String, Integer> streamsByProtocol) {
    /**
     * Copies the map.
     *
     * @param inboundConnections  accepted connections open
     * @param outboundConnections dialed connections open
     * @param pendingHandshakes   inbound handshakes under way
     * @param peers               connected peers
     * @param streams             open streams
     * @param streamsByProtocol   open streams by protocol
     */
    public ResourceUsage {
        streamsByProtocol = Map.copyOf(streamsByProtocol);
    }
}
