/**
 * Publish/subscribe (pubsub/README.md and pubsub/gossipsub in the libp2p specs): gossipsub v1.2 with
 * peer scoring, interoperable with go-libp2p-pubsub, rust-libp2p and js-libp2p, and floodsub.
 *
 * <ul>
 *   <li>{@link org.jlibp2p.pubsub.GossipSub}: the service: subscribe, publish, validators, topic and
 *       mesh peers, membership events.</li>
 *   <li>{@link org.jlibp2p.pubsub.GossipSubConfig} and {@link org.jlibp2p.pubsub.GossipSubParams}
 *       (go's names and defaults), {@link org.jlibp2p.pubsub.PeerScoreParams},
 *       {@link org.jlibp2p.pubsub.TopicScoreParams}, {@link org.jlibp2p.pubsub.PeerScoreThresholds}.</li>
 *   <li>The message: {@link org.jlibp2p.pubsub.Message}, {@link org.jlibp2p.pubsub.MessageId},
 *       {@link org.jlibp2p.pubsub.ReceivedMessage}.</li>
 * </ul>
 */
module org.jlibp2p.pubsub {
    requires transitive org.jlibp2p.core;

    exports org.jlibp2p.pubsub;
}
