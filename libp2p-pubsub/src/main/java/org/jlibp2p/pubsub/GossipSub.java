package org.jlibp2p.pubsub;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.HostService;
import org.jlibp2p.core.host.ServiceContext;

/**
 * Publish/subscribe over gossipsub (pubsub/gossipsub: gossipsub-v1.0.md, gossipsub-v1.1.md,
 * gossipsub-v1.2.md) as a {@link HostService}: {@code /meshsub/1.2.0}, {@code /meshsub/1.1.0},
 * {@code /meshsub/1.0.0} and {@code /floodsub/1.0.0} (pubsub/README.md), agreed with each peer on
 * the one long-lived stream we open to it.
 *
 * <pre>{@code
 * GossipSub pubsub = new GossipSub();
 * Host host = Host.builder().service(pubsub).listen("/ip4/0.0.0.0/tcp/4001").build();
 * Subscription chat = pubsub.subscribe("chat");
 * pubsub.publish("chat", "hello".getBytes());
 * ReceivedMessage m = chat.next(Duration.ofSeconds(10));   // ours, then everyone's
 * }</pre>
 *
 * <p>Peers are found as the host connects to them: once identify says a peer speaks one of the
 * protocols (or the peer opens a stream of one to us), we open our stream and send it our
 * subscriptions. Each RPC the peer sends is read on its inbound stream's thread and bounded (see
 * {@link GossipSubConfig}); our RPCs to it wait in a bounded queue that its own thread writes.
 */
public final class GossipSub implements HostService {
    /** gossipsub v1.2 (IDONTWANT). */
    public static final String MESHSUB_1_2 = "/meshsub/1.2.0";
    /** gossipsub v1.1 (peer exchange, backoff, scoring). */
    public static final String MESHSUB_1_1 = "/meshsub/1.1.0";
    /** gossipsub v1.0. */
    public static final String MESHSUB_1_0 = "/meshsub/1.0.0";
    /** floodsub: every message to every peer of the topic. */
    public static final String FLOODSUB = "/floodsub/1.0.0";
    /** Every protocol, most preferred first. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of(MESHSUB_1_2, MESHSUB_1_1, MESHSUB_1_0, FLOODSUB);
    /** Inbound streams of one protocol from one peer at once: go keeps one, a reconnecting peer may briefly have two. */
    static final int MAX_INBOUND_STREAMS_PER_PEER = 2;

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.pubsub");
    private final GossipSubConfig config;
    private volatile GossipRouter router;

    /** A gossipsub service with the defaults: go's parameters, strict signing, no scoring. */
    public GossipSub() {
        this(GossipSubConfig.defaults());
    }

    /**
     * A gossipsub service.
     *
     * @param config its configuration
     */
    public GossipSub(GossipSubConfig config) {
        this.config = Objects.requireNonNull(config);
    }

    @Override
    public String name() {
        return "gossipsub";
    }

    /** {@return the configuration} */
    public GossipSubConfig config() {
        return config;
    }

    @Override
    public void start(ServiceContext ctx) {
        GossipRouter r = new GossipRouter(config, ctx);
        router = r;
        for (String protocol : config.protocols()) {
            ctx.setStreamHandler(protocol, r.streams::handleStream, ctx.limits().maxStreamsPerProtocol(), MAX_INBOUND_STREAMS_PER_PEER);
        }
        Set<String> ours = Set.copyOf(config.protocols());
        ctx.subscribe(HostEvent.PeerIdentified.class, e -> {
            if (e.info().protocols().stream().anyMatch(ours::contains)) {
                r.streams.addPeer(e.connection());
                if (e.signedPeerRecord()) { // verified by the host: signed by the peer, about the peer
                    e.info().signedPeerRecord().ifPresent(record -> r.streams.peerRecord(e.peer(), record));
                }
            }
        });
        ctx.subscribe(HostEvent.PeerProtocolsChanged.class, e -> {
            if (e.added().stream().anyMatch(ours::contains)) {
                ctx.connections(e.peer()).stream().filter(c -> !c.isClosed()).findFirst().ifPresent(r.streams::addPeer);
            }
        });
        ctx.subscribe(HostEvent.ConnectionClosed.class, e -> r.streams.connectionClosed(e.connection().remotePeer()));
        ctx.schedule("pubsub-heartbeat", config.params().heartbeatInitialDelay(), config.params().heartbeatInterval(), new Heartbeat(r));
    }

    @Override
    public void close() {
        GossipRouter r = router;
        if (r != null) {
            r.close();
        }
    }

    private GossipRouter router() {
        GossipRouter r = router;
        if (r == null) {
            throw new IllegalStateException("the service is not started: add it to a host with Host.Builder.service");
        }
        if (r.isClosed()) {
            throw new IllegalStateException("the host is closed");
        }
        return r;
    }

    /**
     * Subscribes to a topic: the first subscription joins the topic's mesh and tells every peer.
     *
     * @param topic the topic
     * @return the subscription, read with {@link Subscription#next(Duration)}
     */
    public Subscription subscribe(String topic) {
        checkTopic(topic);
        Subscription s = new Subscription(topic, this, config.subscriptionBufferSize());
        router().subscribe(s);
        return s;
    }

    /**
     * Subscribes to a topic with a handler, called for each message on a virtual thread of the
     * subscription's own, in order; it ends when the subscription is closed.
     *
     * @param topic   the topic
     * @param handler what to do with each message; an exception it throws is logged
     * @return the subscription, to close
     */
    public Subscription subscribe(String topic, Consumer<ReceivedMessage> handler) {
        Subscription s = subscribe(topic);
        router().ctx.execute("pubsub-handler", () -> {
            try {
                while (true) {
                    ReceivedMessage m = s.next(Duration.ofSeconds(1));
                    if (m == null) {
                        if (s.isClosed()) {
                            return; // closed, and everything delivered before the close handled
                        }
                        continue;
                    }
                    try {
                        handler.accept(m);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "a subscription handler of " + topic + " threw", e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return s;
    }

    void unsubscribe(Subscription s) {
        GossipRouter r = router;
        if (r != null && !r.isClosed()) {
            r.unsubscribe(s);
        }
    }

    /**
     * Publishes a message: signed as the policy says, delivered to our own subscriptions of the topic,
     * and sent to the topic's peers (every peer of the topic with flood publishing, else the mesh, or
     * the fanout when we are not subscribed).
     *
     * @param topic the topic
     * @param data  the payload, at most {@link GossipSubConfig#maxMessageSize()} bytes
     * @return the message's id
     * @throws IllegalArgumentException if the message is too large or the topic's validator refuses it
     */
    public MessageId publish(String topic, byte[] data) {
        checkTopic(topic);
        return router().publish(topic, data);
    }

    private static void checkTopic(String topic) {
        if (topic == null || topic.isEmpty() || topic.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Message.MAX_TOPIC_BYTES) {
            throw new IllegalArgumentException("a topic is 1 to " + Message.MAX_TOPIC_BYTES + " bytes");
        }
    }

    /**
     * Sets the validator of a topic (replacing any other); messages are delivered and forwarded
     * only once it accepts them. Validations run beside the peer's stream, as in go: each message
     * is delivered when its own verdict comes, so a topic with a validator may see one peer's
     * messages out of the order they were sent in, and a peer has at most 64 messages waiting for
     * verdicts before its stream waits.
     *
     * @param topic     the topic
     * @param validator the validator, or null to remove it
     */
    public void setValidator(String topic, Validator validator) {
        setValidator(topic, validator, config.validatorConcurrency());
    }

    /**
     * Sets the validator of a topic (replacing any other) with a bound of its own on how many of its
     * validations run at once (go's {@code WithValidatorConcurrency}); a message of the topic that
     * finds them all taken is ignored, as is one that finds {@link GossipSubConfig#maxValidationsInFlight()}
     * taken across topics.
     *
     * @param topic       the topic
     * @param validator   the validator, or null to remove it
     * @param concurrency the most validations of this topic at once, at least 1
     * @throws IllegalArgumentException if {@code concurrency} is below 1
     */
    public void setValidator(String topic, Validator validator, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
        }
        router().setValidator(topic, validator, concurrency);
    }

    /**
     * {@return the peers subscribed to a topic, as far as we know}
     *
     * @param topic the topic
     */
    public Set<PeerId> topicPeers(String topic) {
        GossipRouter r = router();
        r.lock.lock();
        try {
            return Set.copyOf(r.topicPeers.getOrDefault(topic, Set.of()));
        } finally {
            r.lock.unlock();
        }
    }

    /**
     * {@return the peers in our mesh of a topic}
     *
     * @param topic the topic
     */
    public Set<PeerId> meshPeers(String topic) {
        GossipRouter r = router();
        r.lock.lock();
        try {
            return Set.copyOf(r.mesh.getOrDefault(topic, Set.of()));
        } finally {
            r.lock.unlock();
        }
    }

    /** {@return the topics we are subscribed to} */
    public Set<String> topics() {
        GossipRouter r = router();
        r.lock.lock();
        try {
            return Set.copyOf(r.subscriptions.keySet());
        } finally {
            r.lock.unlock();
        }
    }

    /**
     * {@return the protocol agreed with a peer on our stream to it: one of {@link #DEFAULT_PROTOCOLS}}
     *
     * @param peer the peer
     */
    public Optional<String> protocol(PeerId peer) {
        GossipRouter r = router();
        r.lock.lock();
        try {
            PeerLink l = r.peers.get(peer);
            return l == null ? Optional.empty() : Optional.ofNullable(l.protocol);
        } finally {
            r.lock.unlock();
        }
    }

    /** {@return the peers we speak pubsub with, each with its protocol} */
    public Map<PeerId, String> peers() {
        GossipRouter r = router();
        r.lock.lock();
        try {
            Map<PeerId, String> out = new java.util.HashMap<>();
            r.peers.values().stream().filter(l -> l.ready).forEach(l -> out.put(l.peer, l.protocol));
            return Map.copyOf(out);
        } finally {
            r.lock.unlock();
        }
    }

    /** {@return the fanout of a topic we publish to without a subscription (empty once it expired)} For tests. */
    Set<PeerId> fanoutPeers(String topic) {
        GossipRouter r = router();
        r.lock.lock();
        try {
            return Set.copyOf(r.fanout.getOrDefault(topic, Set.of()));
        } finally {
            r.lock.unlock();
        }
    }

    /** {@return true if we keep a signed peer record of the peer, to offer in peer exchange} For tests. */
    boolean hasSignedPeerRecord(PeerId peer) {
        GossipRouter r = router();
        r.lock.lock();
        try {
            PeerLink l = r.peers.get(peer);
            return l != null && l.signedPeerRecord != null;
        } finally {
            r.lock.unlock();
        }
    }

    /**
     * {@return a peer's score (0 with scoring off)}
     *
     * @param peer the peer
     */
    public double score(PeerId peer) {
        GossipRouter r = router();
        r.lock.lock();
        try {
            return r.score(peer);
        } finally {
            r.lock.unlock();
        }
    }

    /**
     * Listens to topic membership: a {@link PubSubEvent.PeerJoined} when a peer subscribes, a
     * {@link PubSubEvent.PeerLeft} when it unsubscribes or goes. Events come in order on a virtual
     * thread of the listener's own; one 1,024 events behind loses the newest (counted and logged).
     *
     * @param listener what to do with each event
     * @return closes the listener
     */
    public AutoCloseable onPeerEvent(Consumer<PubSubEvent> listener) {
        return router().addListener(listener);
    }

    /**
     * Hears of every message as it arrives, duplicates included and before validation, on the thread
     * that reads the sender's stream: what go-libp2p-pubsub's raw tracer sees, and what the gossipsub
     * interop framework logs. The tracer must return quickly; it replaces any earlier one.
     *
     * @param tracer what to do with each copy received, or null for none
     */
    public void onReceive(Consumer<ReceivedMessage> tracer) {
        router().tracer = tracer;
    }

    /**
     * {@return counters of what the router did, by name} Messages received, duplicates (and their
     * payload bytes), delivered, rejected, ignored; bytes of RPCs sent, of control and of messages;
     * queued messages taken out by an IDONTWANT;
     * and each limit's refusals, as {@code refused.<limit>}.
     */
    public Map<String, Long> stats() {
        GossipRouter r = router;
        if (r == null) {
            return Map.of();
        }
        Map<String, Long> out = new java.util.TreeMap<>();
        out.put("messagesReceived", r.stats.messagesReceived.get());
        out.put("duplicates", r.stats.duplicates.get());
        out.put("duplicateBytes", r.stats.duplicateBytes.get());
        out.put("delivered", r.stats.delivered.get());
        out.put("rejected", r.stats.rejected.get());
        out.put("ignored", r.stats.ignored.get());
        out.put("rpcBytesSent", r.stats.rpcBytesSent.get());
        out.put("controlBytesSent", r.stats.controlBytesSent.get());
        out.put("messageBytesSent", r.stats.messageBytesSent.get());
        out.put("cancelledByIDontWant", r.stats.cancelledByIDontWant.get());
        r.refusals.counts().forEach((k, v) -> out.put("refused." + k, v));
        return out;
    }

}
