package org.jlibp2p.pubsub;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import org.jlibp2p.core.PeerId;

/**
 * What the router keeps about one peer: the protocol agreed on our outbound stream, the topics it is
 * subscribed to, its outbound queue, and the per-heartbeat counters that bound what it may make us
 * do (gossipsub-v1.1.md, "Spam Protection Measures"). Fields other than {@link #queue} are guarded by
 * the router's lock.
 */
final class PeerLink {
    final PeerId peer;
    final boolean outbound;
    final String ip;
    final OutboundQueue queue;
    final Set<String> topics = new HashSet<>();
    /** Set once our outbound stream is open and our subscriptions are on their way. */
    boolean ready;
    /** The protocol agreed on our outbound stream, once ready. */
    String protocol;
    boolean removed;
    /**
     * The peer's signed peer record (RFC 0003), as identify gave it and the host verified it: the
     * envelope's bytes, offered with the peer in peer exchange. Null until identify brings one.
     */
    byte[] signedPeerRecord;
    int ihaveMessages;
    int iasked;
    int idontwantMessages;
    /** IDONTWANT ids from this peer, with the heartbeat after which they are forgotten. */
    final Map<MessageId, Long> dontSend = new HashMap<>();
    /** The most of this peer's messages that wait for their validators at once. */
    static final int MAX_PENDING_VALIDATIONS = 64;
    /** Slots of {@link #MAX_PENDING_VALIDATIONS}; the peer's reader waits for one. */
    final Semaphore validations = new Semaphore(MAX_PENDING_VALIDATIONS);

    PeerLink(PeerId peer, boolean outbound, String ip, OutboundQueue queue) {
        this.peer = peer;
        this.outbound = outbound;
        this.ip = ip;
        this.queue = queue;
    }

    boolean isFloodsub() {
        return GossipSub.FLOODSUB.equals(protocol);
    }

    boolean isGossipsub() {
        return protocol != null && !isFloodsub();
    }

    /** {@return true if the peer speaks v1.1 or later: peer exchange and backoff in PRUNE} */
    boolean supportsPx() {
        return GossipSub.MESHSUB_1_1.equals(protocol) || GossipSub.MESHSUB_1_2.equals(protocol);
    }

    /** {@return true if the peer speaks v1.2: IDONTWANT} */
    boolean supportsIDontWant() {
        return GossipSub.MESHSUB_1_2.equals(protocol);
    }
}
