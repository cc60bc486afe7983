package org.jlibp2p.pubsub;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.LimitLog;
import org.jlibp2p.core.host.ServiceContext;

/**
 * The gossipsub router (gossipsub-v1.0.md "Router State", "Message Processing", "Control Message
 * Handling"; gossipsub-v1.1.md; gossipsub-v1.2.md "IDONTWANT Message") and floodsub for peers that
 * speak only {@code /floodsub/1.0.0} (pubsub/README.md): peers and their streams, subscriptions,
 * publishing, what each RPC does, and the bounds on each. The heartbeat is {@link Heartbeat}'s.
 *
 * <p>One lock guards the router's state; it is never held while reading from or writing to the
 * network or while validators run. Inbound streams are read on the host's handler threads, one per
 * stream; a received message that its topic's validator must judge is finished on a thread of the
 * {@link Validation}, so that the stream's reader goes on meanwhile; each peer's outbound stream is
 * written by a virtual thread of its own from its {@link OutboundQueue}.
 */
final class GossipRouter {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.pubsub");
    /** The longest backoff we honour from a PRUNE, so that a peer cannot make us forget a topic's peer forever. */
    static final long MAX_BACKOFF_SECONDS = 24 * 3600;

    final GossipSubConfig config;
    final GossipSubParams p;
    final ServiceContext ctx;
    final PeerId self;
    final ReentrantLock lock = new ReentrantLock();
    final Random random = new SecureRandom();
    final LimitLog refusals = new LimitLog(LOG);

    final Map<PeerId, PeerLink> peers = new HashMap<>();
    final Map<String, Set<PeerId>> topicPeers = new HashMap<>();
    final Map<String, List<Subscription>> subscriptions = new HashMap<>();
    final Map<String, Set<PeerId>> mesh = new HashMap<>();
    final Map<String, Set<PeerId>> fanout = new HashMap<>();
    final Map<String, Long> lastPublished = new HashMap<>();
    final Map<String, Map<PeerId, Long>> backoff = new HashMap<>();
    final Map<MessageId, Map<PeerId, Long>> promises = new HashMap<>();
    final Map<PeerId, Multiaddr> direct = new HashMap<>();
    final MessageCache mcache;
    final SeenCache seen;
    final PeerScore score;
    final PeerScoreThresholds thresholds;
    long ticks;

    final Validation validation;
    private final PeerEvents events;
    final ControlHandler control;
    final PeerStreams streams;
    private final AtomicLong seqno = new AtomicLong(System.currentTimeMillis() * 1_000_000L);
    final Stats stats = new Stats();
    private volatile boolean closed;
    volatile java.util.function.Consumer<ReceivedMessage> tracer;

    /** Counters for benchmarks and tests. */
    static final class Stats {
        final AtomicLong messagesReceived = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong duplicateBytes = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong ignored = new AtomicLong();
        final AtomicLong rpcBytesSent = new AtomicLong();
        final AtomicLong controlBytesSent = new AtomicLong();
        final AtomicLong messageBytesSent = new AtomicLong();
        final AtomicLong cancelledByIDontWant = new AtomicLong();
    }

    GossipRouter(GossipSubConfig config, ServiceContext ctx) {
        this.config = config;
        this.p = config.params();
        this.ctx = ctx;
        this.self = ctx.peerId();
        this.mcache = new MessageCache(p.historyLength(), p.historyGossip(), p.gossipRetransmission());
        this.seen = new SeenCache(config.seenTTL(), config.seenCapacity());
        this.score = new PeerScore(config.scoreParams(), System.nanoTime());
        this.thresholds = config.scoringEnabled() ? config.scoreThresholds() : PeerScoreThresholds.NONE;
        this.control = new ControlHandler(this);
        this.validation = new Validation(config, refusals);
        this.events = new PeerEvents(ctx, refusals, this::isClosed);
        this.streams = new PeerStreams(this);
        for (Multiaddr a : config.directPeers()) {
            direct.put(PeerId.parse(a.valueOf(MultiaddrProtocol.P2P).orElseThrow(
                    () -> new IllegalArgumentException("a direct peer's address must end in /p2p/<id>: " + a))), a);
        }
    }

    double score(PeerId peer) {
        return score.score(peer, System.nanoTime());
    }

    // ---------------------------------------------------------------- RPCs

    void handleRpc(PeerId from, Rpc rpc) {
        PeerLink link;
        List<PubSubEvent> events = new ArrayList<>();
        lock.lock();
        try {
            link = peers.get(from);
            if (link == null) {
                return;
            }
            if (score(from) < thresholds.graylistThreshold()) {
                refusals.refused("graylist", () -> "an RPC from " + from + ", graylisted with score " + score(from) + ": ignored");
                return;
            }
            handleSubscriptions(link, rpc.subscriptions(), events);
        } finally {
            lock.unlock();
        }
        events.forEach(this::emit);
        int n = 0;
        for (Message m : rpc.publish()) {
            if (++n > config.maxMessagesPerRpc()) {
                refusals.refused("maxMessagesPerRpc", () -> "more than " + config.maxMessagesPerRpc() + " messages in one RPC from " + from);
                break;
            }
            handleMessage(link, m);
        }
        rpc.control().ifPresent(c -> control.handleControl(link, c));
    }

    private void handleSubscriptions(PeerLink link, List<Rpc.SubOpts> subs, List<PubSubEvent> events) {
        int n = 0;
        for (Rpc.SubOpts s : subs) {
            if (++n > config.maxSubscriptionsPerRpc()) {
                refusals.refused("maxSubscriptionsPerRpc", () -> "more than " + config.maxSubscriptionsPerRpc()
                        + " subscription changes in one RPC from " + link.peer + ": the rest ignored");
                return;
            }
            if (s.subscribe()) {
                if (link.topics.contains(s.topic())) {
                    continue;
                }
                if (link.topics.size() >= config.maxTopicsPerPeer()) {
                    refusals.refused("maxTopicsPerPeer", () -> link.peer + " subscribes to more than " + config.maxTopicsPerPeer()
                            + " topics: ignored");
                    continue;
                }
                link.topics.add(s.topic());
                topicPeers.computeIfAbsent(s.topic(), k -> new HashSet<>()).add(link.peer);
                events.add(new PubSubEvent.PeerJoined(s.topic(), link.peer));
            } else if (link.topics.remove(s.topic())) {
                Set<PeerId> tp = topicPeers.get(s.topic());
                if (tp != null) {
                    tp.remove(link.peer);
                    if (tp.isEmpty()) {
                        topicPeers.remove(s.topic());
                    }
                }
                Set<PeerId> m = mesh.get(s.topic());
                if (m != null && m.remove(link.peer)) {
                    score.prune(link.peer, s.topic());
                }
                Set<PeerId> f = fanout.get(s.topic());
                if (f != null) {
                    f.remove(link.peer);
                }
                events.add(new PubSubEvent.PeerLeft(s.topic(), link.peer));
            }
        }
    }

    /**
     * gossipsub-v1.0.md, "Message Processing": deduplicate, check the signature, validate, deliver,
     * forward. As in go, the seen cache is consulted first (a duplicate costs no signature check) but
     * an id is marked seen only once its message's signature holds, so a forged copy that arrives
     * first cannot make the real message a "duplicate". The signature is checked without the lock.
     */
    private void handleMessage(PeerLink link, Message m) {
        long now = System.nanoTime();
        stats.messagesReceived.incrementAndGet();
        MessageId id;
        boolean duplicate;
        lock.lock();
        try {
            if (!subscriptions.containsKey(m.topic())) {
                return; // we relay only topics we are subscribed to, as rust and js do
            }
            id = config.messageIdFunction().apply(m);
            duplicate = isDuplicate(link, m, id, now);
        } finally {
            lock.unlock();
        }
        java.util.function.Consumer<ReceivedMessage> t = tracer;
        if (t != null) {
            t.accept(new ReceivedMessage(id, m, link.peer));
        }
        if (duplicate) {
            return;
        }
        String bad = Signing.check(m, config.signaturePolicy());
        lock.lock();
        try {
            if (bad != null) {
                stats.rejected.incrementAndGet();
                refusals.refused("signaturePolicy", () -> "a message from " + link.peer + " rejected: " + bad);
                score.rejectMessage(link.peer, null, m.topic());
                return;
            }
            if (isDuplicate(link, m, id, now)) {
                return; // another copy was checked meanwhile
            }
            seen.add(id, now);
            promises.remove(id);
            score.validating(id, now);
            if (m.data() != null && m.data().length >= p.iDontWantMessageThreshold()) {
                sendIDontWant(m.topic(), id, link.peer); // v1.2: "prior to the message validation"
            }
        } finally {
            lock.unlock();
        }
        // At most so many of one peer's messages wait for their verdicts; past it, the peer's reader
        // waits, so that the stream's flow control slows that peer alone and it cannot take the
        // validation slots every peer shares. Each verdict comes within the validation deadline; a
        // closed router gives none, and its readers stop waiting.
        try {
            while (!link.validations.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // the stream is closing
        }
        validation.validate(link.peer, m, result -> {
            link.validations.release();
            validated(link, m, id, result);
        });
    }

    /** The rest of a received message's processing, once its topic's validator has answered. */
    private void validated(PeerLink link, Message m, MessageId id, ValidationResult result) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            switch (result) {
                case REJECT -> {
                    stats.rejected.incrementAndGet();
                    score.rejectMessage(link.peer, id, m.topic());
                    return;
                }
                case IGNORE -> {
                    stats.ignored.incrementAndGet();
                    score.ignoreMessage(id);
                    return;
                }
                case ACCEPT -> { }
            }
            mcache.put(id, m);
            score.deliverMessage(link.peer, id, m.topic(), System.nanoTime());
            deliverLocally(new ReceivedMessage(id, m, link.peer));
            forward(m, id, link.peer);
        } finally {
            lock.unlock();
        }
    }

    /** {@return true if the id was seen: counted as a duplicate (for P3, and it fulfils an IWANT promise)} */
    private boolean isDuplicate(PeerLink link, Message m, MessageId id, long now) {
        if (!seen.contains(id)) {
            return false;
        }
        promises.remove(id);
        stats.duplicates.incrementAndGet();
        stats.duplicateBytes.addAndGet(m.data() == null ? 0 : m.data().length);
        score.duplicateMessage(link.peer, id, m.topic(), now);
        return true;
    }

    private void deliverLocally(ReceivedMessage rm) {
        List<Subscription> subs = subscriptions.get(rm.topic());
        if (subs != null) {
            stats.delivered.incrementAndGet();
            for (Subscription s : subs) {
                s.deliver(rm);
            }
        }
    }

    /** Forwards an accepted message to the topic's mesh, floodsub and direct peers, except where it came from. */
    private void forward(Message m, MessageId id, PeerId source) {
        byte[] rpc = Rpc.ofMessages(List.of(m)).encode();
        PeerId publisher = m.publisher().orElse(null);
        for (PeerId to : targets(m.topic(), false)) {
            if (to.equals(source) || to.equals(publisher)) {
                continue;
            }
            PeerLink l = peers.get(to);
            if (l == null || l.dontSend.containsKey(id)) {
                continue; // v1.2: "the peers found in dont_send_message_ids could be skipped"
            }
            send(l, rpc, false, "message", id);
            stats.messageBytesSent.addAndGet(rpc.length);
        }
    }

    /** The peers a message of the topic goes to: mesh (or fanout, or every peer when flood publishing), floodsub and direct peers. */
    private Set<PeerId> targets(String topic, boolean publishing) {
        Set<PeerId> out = new LinkedHashSet<>();
        Set<PeerId> inTopic = topicPeers.getOrDefault(topic, Set.of());
        for (PeerId peer : inTopic) {
            PeerLink l = peers.get(peer);
            if (l == null || !l.ready) {
                continue;
            }
            if (l.isFloodsub() || direct.containsKey(peer)) {
                out.add(peer);
            } else if (publishing && config.floodPublish() && score(peer) >= thresholds.publishThreshold()) {
                out.add(peer);
            }
        }
        Set<PeerId> m = mesh.get(topic);
        if (m != null) {
            out.addAll(m);
        } else if (publishing) {
            Set<PeerId> f = fanout.get(topic);
            if (f == null || f.isEmpty()) {
                f = new HashSet<>();
                for (PeerLink l : Heartbeat.choose(this, topic, p.d(), x -> !direct.containsKey(x.peer)
                        && score(x.peer) >= thresholds.publishThreshold())) {
                    f.add(l.peer);
                }
                if (!f.isEmpty()) {
                    fanout.put(topic, f);
                }
            }
            out.addAll(f);
            lastPublished.put(topic, System.nanoTime());
        }
        return out;
    }

    private void sendIDontWant(String topic, MessageId id, PeerId except) {
        Set<PeerId> m = mesh.get(topic);
        if (m == null) {
            return;
        }
        byte[] rpc = null;
        for (PeerId to : m) {
            PeerLink l = peers.get(to);
            if (to.equals(except) || l == null || !l.supportsIDontWant()) {
                continue;
            }
            if (rpc == null) {
                rpc = Rpc.ofControl(new Rpc.Control(List.of(), List.of(), List.of(), List.of(), List.of(new Rpc.IDontWant(List.of(id))))).encode();
            }
            send(l, rpc, false, "control");
        }
    }

    /** Queues an RPC for a ready peer; gossip is dropped first when the peer's queue is full. */
    void send(PeerLink l, byte[] rpc, boolean gossip, String kind) {
        send(l, rpc, gossip, kind, null);
    }

    /** Queues an RPC carrying one message, which a later IDONTWANT for its id takes out of the queue if still there. */
    void send(PeerLink l, byte[] rpc, boolean gossip, String kind, MessageId id) {
        if (!l.ready || l.removed) {
            return;
        }
        if (id == null && !kind.equals("message") && !kind.equals("IWANT response")) {
            stats.controlBytesSent.addAndGet(rpc.length);
        }
        switch (l.queue.offer(rpc, gossip, id)) {
            case DROPPED -> refusals.refused(gossip ? "outboundQueue.gossip" : "outboundQueue.message", () -> "the outbound queue of "
                    + l.peer + " is full (" + config.outboundQueueLength() + " RPCs or " + config.outboundQueueBytes() + " bytes): "
                    + (gossip ? "gossip" : "a " + kind) + " dropped");
            case EVICTED_GOSSIP -> refusals.refused("outboundQueue.gossip", () -> "the outbound queue of " + l.peer
                    + " is full: queued gossip dropped for a " + kind);
            case QUEUED -> { }
        }
    }

    void addBackoff(PeerId peer, String topic, long nanos) {
        long until = System.nanoTime() + nanos;
        backoff.computeIfAbsent(topic, k -> new HashMap<>()).merge(peer, until, (a, b) -> b - a > 0 ? b : a);
    }

    boolean inBackoff(PeerId peer, String topic, long now) {
        Long until = backoff.getOrDefault(topic, Map.of()).get(peer);
        return until != null && until - now > 0;
    }

    // ---------------------------------------------------------------- the API's operations

    MessageId publish(String topic, byte[] data) {
        if (data.length > config.maxMessageSize()) {
            throw new IllegalArgumentException("message of " + data.length + " bytes is over the limit of " + config.maxMessageSize());
        }
        Message m;
        if (config.signaturePolicy() == SignaturePolicy.STRICT_SIGN) {
            byte[] seq = ByteBuffer.allocate(8).putLong(seqno.incrementAndGet()).array();
            Message unsigned = new Message(self.bytes(), data.clone(), seq, topic, null, null);
            byte[] keyField = isInlined() ? null : ctx.publicKey().marshal();
            m = new Message(self.bytes(), data.clone(), seq, topic, ctx.sign(unsigned.signedBytes()), keyField);
        } else {
            m = new Message(null, data.clone(), null, topic, null, null);
        }
        MessageId id = config.messageIdFunction().apply(m);
        ValidationResult r = validation.validate(self, m);
        if (r != ValidationResult.ACCEPT) {
            throw new IllegalArgumentException("our own message was " + r.name().toLowerCase() + "ed by the topic's validator");
        }
        lock.lock();
        try {
            if (!seen.add(id, System.nanoTime())) {
                throw new IllegalStateException("a message with the same id was seen already: " + id);
            }
            mcache.put(id, m);
            deliverLocally(new ReceivedMessage(id, m, self));
            byte[] rpc = Rpc.ofMessages(List.of(m)).encode();
            for (PeerId to : targets(topic, true)) {
                PeerLink l = peers.get(to);
                if (l != null) {
                    send(l, rpc, false, "message", id);
                    stats.messageBytesSent.addAndGet(rpc.length);
                }
            }
        } finally {
            lock.unlock();
        }
        return id;
    }

    /** {@return true if our peer id inlines our key, so the key field may be left out ("key ... if it cannot be inlined")} */
    private boolean isInlined() {
        try {
            return self.extractPublicKey().isPresent();
        } catch (MalformedMessageException e) {
            return false;
        }
    }

    void subscribe(Subscription s) {
        lock.lock();
        try {
            List<Subscription> list = subscriptions.get(s.topic());
            if (list != null) {
                list.add(s);
                return;
            }
            list = new CopyOnWriteArrayList<>();
            list.add(s);
            subscriptions.put(s.topic(), list);
            announce(s.topic(), true);
            join(s.topic());
        } finally {
            lock.unlock();
        }
    }

    void unsubscribe(Subscription s) {
        lock.lock();
        try {
            List<Subscription> list = subscriptions.get(s.topic());
            if (list == null || !list.remove(s) || !list.isEmpty()) {
                return;
            }
            subscriptions.remove(s.topic());
            announce(s.topic(), false);
            leave(s.topic());
        } finally {
            lock.unlock();
        }
    }

    private void announce(String topic, boolean subscribe) {
        byte[] rpc = new Rpc(List.of(new Rpc.SubOpts(subscribe, topic)), List.of(), Optional.empty()).encode();
        for (PeerLink l : peers.values()) {
            send(l, rpc, false, "subscription");
        }
    }

    /** gossipsub-v1.0.md, "JOIN(topic)": the mesh starts from the fanout, then from the topic's peers, up to D. */
    private void join(String topic) {
        Set<PeerId> m = new HashSet<>();
        Set<PeerId> f = fanout.remove(topic);
        lastPublished.remove(topic);
        long now = System.nanoTime();
        if (f != null) {
            for (PeerId peer : f) {
                if (m.size() < p.d() && score(peer) >= 0 && !inBackoff(peer, topic, now)) {
                    m.add(peer);
                }
            }
        }
        if (m.size() < p.d()) {
            for (PeerLink l : Heartbeat.choose(this, topic, p.d() - m.size(), l -> !m.contains(l.peer) && !direct.containsKey(l.peer)
                    && score(l.peer) >= 0 && !inBackoff(l.peer, topic, now))) {
                m.add(l.peer);
            }
        }
        mesh.put(topic, m);
        byte[] graft = Rpc.ofControl(new Rpc.Control(List.of(), List.of(), List.of(new Rpc.Graft(topic)), List.of(), List.of())).encode();
        for (PeerId peer : m) {
            score.graft(peer, topic, now);
            send(peers.get(peer), graft, false, "GRAFT");
        }
    }

    /** gossipsub-v1.0.md, "LEAVE(topic)": PRUNE the mesh, with the unsubscribe backoff. */
    private void leave(String topic) {
        Set<PeerId> m = mesh.remove(topic);
        if (m == null) {
            return;
        }
        for (PeerId peer : m) {
            PeerLink l = peers.get(peer);
            score.prune(peer, topic);
            addBackoff(peer, topic, p.unsubscribeBackoff().toNanos());
            send(l, Rpc.ofControl(new Rpc.Control(List.of(), List.of(), List.of(),
                    List.of(control.pruneFor(l, topic, true, p.unsubscribeBackoff())), List.of())).encode(), false, "PRUNE");
        }
    }

    void setValidator(String topic, Validator v, int concurrency) {
        validation.setValidator(topic, v, concurrency);
    }

    AutoCloseable addListener(java.util.function.Consumer<PubSubEvent> consumer) {
        return events.add(consumer);
    }

    void emit(PubSubEvent e) {
        events.emit(e);
    }

    void close() {
        closed = true;
        List<PeerLink> all;
        lock.lock();
        try {
            all = new ArrayList<>(peers.values());
            subscriptions.values().forEach(l -> l.forEach(Subscription::endByHost));
        } finally {
            lock.unlock();
        }
        all.forEach(l -> l.queue.close());
        validation.close();
    }

    boolean isClosed() {
        return closed;
    }
}
