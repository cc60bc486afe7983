package org.jlibp2p.pubsub;

import org.jlibp2p.core.PeerId;

/** What happens to a topic's peers: a peer subscribed to a topic, or left it. */
public sealed interface PubSubEvent {
    /** {@return the topic} */
    String topic();

    /** {@return the peer} */
    PeerId peer();

    /**
     * A peer subscribed to a topic (its SUBSCRIBE arrived).
     *
     * @param topic the topic
     * @param peer  the peer
     */
    record PeerJoined(String topic, PeerId peer) implements PubSubEvent {}

    /**
     * A peer left a topic: it unsubscribed or went away.
     *
     * @param topic the topic
     * @param peer  the peer
     */
    record PeerLeft(String topic, PeerId peer) implements PubSubEvent {}
}
