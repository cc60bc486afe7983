package org.jlibp2p.core.host;

/**
 * Serves {@code /ipfs/ping/1.0.0} (ping/ping.md) as a host service: the responder side of
 * {@link Ping}. Every host runs it; ping may run on limited (relayed) connections.
 */
final class PingService implements HostService {
    @Override
    public void start(ServiceContext context) {
        // ping/ping.md: "the listener SHOULD accept at most 2 ping streams per peer"
        context.setStreamHandler(Ping.PROTOCOL_ID, Ping.HANDLER, context.limits().maxStreamsPerProtocol(), Ping.MAX_STREAMS_PER_PEER);
        context.allowOnLimitedConnections(Ping.PROTOCOL_ID);
    }

    @Override
    public String name() {
        return "ping";
    }
}
