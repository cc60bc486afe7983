package org.jlibp2p.kad;

import java.time.Duration;
import org.jlibp2p.core.PeerId;

/**
 * One step of an iterative lookup, for whoever watches ({@link KadDht#addTraceListener}): who was
 * asked, what came back, and how close each peer is to the target, as the number of leading bits
 * its {@link KadKey} shares with the target's (more is closer; 256 is the target itself).
 */
public sealed interface LookupStep {
    /**
     * A request went out.
     *
     * @param type               the request
     * @param peer               the peer asked
     * @param depth              how many responses led to this peer (1: it came from the routing table)
     * @param commonPrefixLength its closeness to the target
     */
    record Asked(KadMessage.Type type, PeerId peer, int depth, int commonPrefixLength) implements LookupStep {}

    /**
     * A response came back.
     *
     * @param peer          the peer that answered
     * @param closerPeers   how many closer peers it named
     * @param newPeers      how many of them the lookup did not know
     * @param providers     how many providers it named
     * @param record        whether it sent a record
     * @param took          the request's time
     */
    record Answered(PeerId peer, int closerPeers, int newPeers, int providers, boolean record, Duration took) implements LookupStep {}

    /**
     * A request failed: no connection, a reset, a malformed response, or no response in time.
     *
     * @param peer   the peer
     * @param reason what happened
     */
    record Failed(PeerId peer, String reason) implements LookupStep {}
}
