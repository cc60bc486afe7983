package org.jlibp2p.pubsub;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.MessageTooLargeException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.ServiceContext;
import org.jlibp2p.core.record.PeerRecord;

/**
 * The gossipsub router (gossipsub-v1.0.md "Router State", "Message Processing", "Control Message
 * Handling"; gossipsub-v1.1.md; gossipsub-v1.2.md "IDONTWANT Message") and floodsub for peers that
 * speak only {@code /floodsub/1.0.0} (pubsub/README.md): peers and their streams, subscriptions,
 * publishing, what each RPC does, and the bounds on each. The heartbeat is {@link Heartbeat}'s.
 *
 * <p>One lock guards the router's state; it is never held while reading from or writing to the
 * network or while validators run. Inbound streams are read on the host's handler threads, one per
 * stream; each peer's outbound stream is written by a virtual thread of its own from its
 * {@link OutboundQueue}.
 */
final class GossipRouter {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.pubsub");
    /** Event listeners: each has a bounded queue of this many events. */
    private static final int EVENT_QUEUE = 1024;
    /** Outstanding IWANT promises remembered at once (our bound: go's are bounded by MaxIHaveLength per peer). */
    private static final int MAX_PROMISES = 1 << 16;
    /** The longest backoff we honour from a PRUNE, so that a peer cannot make us forget a topic's peer forever. */
    static final long MAX_BACKOFF_SECONDS = 24 * 3600;

    final GossipSubConfig config;
    final GossipSubParams p;
    final ServiceContext ctx;
    final PeerId self;
    final ReentrantLock lock = new ReentrantLock();
    final Random random = new SecureRandom();
    final RefusalLog refusals = new RefusalLog();

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

    private final Map<String, Validator> validators = new ConcurrentHashMap<>();
    private final Semaphore validations;
    private final ExecutorService validationThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("jlibp2p-pubsub-validate-", 0).factory());
    private final Semaphore pxConnectors;
    private final AtomicLong pxPending = new AtomicLong();
    private final List<java.util.function.Consumer<PubSubEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong seqno = new AtomicLong(System.currentTimeMillis() * 1_000_000L);
    final Stats stats = new Stats();
    private volatile boolean closed;

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
        this.validations = new Semaphore(config.maxValidationsInFlight());
        this.pxConnectors = new Semaphore(Math.max(1, p.connectors()));
        for (Multiaddr a : config.directPeers()) {
            direct.put(PeerId.parse(a.valueOf(MultiaddrProtocol.P2P).orElseThrow(
                    () -> new IllegalArgumentException("a direct peer's address must end in /p2p/<id>: " + a))), a);
        }
    }

    double score(PeerId peer) {
        return score.score(peer, System.nanoTime());
    }

    // ---------------------------------------------------------------- peers and streams

    /** A peer that speaks pubsub is connected: open our stream to it (once). */
    void addPeer(Connection c) {
        if (closed || c.isLimited()) {
            return; // js and go never run pubsub on limited (relayed) connections either
        }
        PeerLink link;
        lock.lock();
        try {
            if (peers.containsKey(c.remotePeer())) {
                return;
            }
            link = new PeerLink(c.remotePeer(), c.direction() == org.jlibp2p.core.Role.INITIATOR, ipOf(c.remoteAddress()),
                    new OutboundQueue(config.outboundQueueLength(), config.outboundQueueBytes()));
            peers.put(link.peer, link);
            score.addPeer(link.peer, link.ip);
        } finally {
            lock.unlock();
        }
        ctx.execute("pubsub-out-" + link.peer.toBase58(), () -> runSender(link));
    }

    private static String ipOf(Multiaddr a) {
        return a.valueOf(MultiaddrProtocol.IP4).or(() -> a.valueOf(MultiaddrProtocol.IP6)).orElse(null);
    }

    /** The peer's last connection closed. */
    void connectionClosed(PeerId peer) {
        if (ctx.connections(peer).stream().noneMatch(c -> !c.isClosed())) {
            PeerLink link;
            lock.lock();
            try {
                link = peers.get(peer);
            } finally {
                lock.unlock();
            }
            if (link != null) {
                removePeer(link);
            }
        }
    }

    private void removePeer(PeerLink link) {
        List<PubSubEvent> events = new ArrayList<>();
        lock.lock();
        try {
            if (link.removed || peers.get(link.peer) != link) {
                return;
            }
            link.removed = true;
            peers.remove(link.peer);
            for (String topic : link.topics) {
                Set<PeerId> s = topicPeers.get(topic);
                if (s != null) {
                    s.remove(link.peer);
                    if (s.isEmpty()) {
                        topicPeers.remove(topic);
                    }
                }
                events.add(new PubSubEvent.PeerLeft(topic, link.peer));
            }
            for (Set<PeerId> m : mesh.values()) {
                m.remove(link.peer);
            }
            for (Set<PeerId> f : fanout.values()) {
                f.remove(link.peer);
            }
            score.removePeer(link.peer, System.nanoTime());
        } finally {
            lock.unlock();
        }
        link.queue.close();
        events.forEach(this::emit);
    }

    /** Opens our long-lived stream to the peer and writes its queue until either side ends. */
    private void runSender(PeerLink link) {
        ProtocolStream s = null;
        try {
            Connection c = ctx.connections(link.peer).stream().filter(x -> !x.isClosed() && !x.isLimited()).findFirst()
                    .orElseThrow(() -> new EOFException("no connection"));
            s = c.newStream(config.protocols().toArray(String[]::new));
            byte[] hello;
            lock.lock();
            try {
                if (link.removed) {
                    return;
                }
                link.protocol = s.protocol();
                link.ready = true;
                hello = helloRpc().encode();
            } finally {
                lock.unlock();
            }
            LOG.log(Level.DEBUG, () -> "pubsub with " + link.peer + " over " + link.protocol);
            OutputStream out = new BufferedOutputStream(s.out(), 64 * 1024);
            if (hello.length > 0) {
                write(out, hello, true);
            }
            while (!closed && !link.removed) {
                byte[] rpc = link.queue.take(1, TimeUnit.SECONDS);
                if (rpc == null) {
                    continue;
                }
                write(out, rpc, link.queue.size() == 0);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "pubsub stream to " + link.peer + " ended: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (s != null) {
                s.reset();
            }
            removePeer(link);
        }
    }

    private void write(OutputStream out, byte[] rpc, boolean flush) throws IOException {
        LengthPrefixed.write(out, rpc);
        if (flush) {
            out.flush();
        }
        stats.rpcBytesSent.addAndGet(rpc.length);
    }

    private Rpc helloRpc() {
        List<Rpc.SubOpts> subs = new ArrayList<>();
        for (String t : subscriptions.keySet()) {
            subs.add(new Rpc.SubOpts(true, t));
        }
        return new Rpc(subs, List.of(), Optional.empty());
    }

    /** Reads a peer's inbound stream, one RPC after another, until it ends. */
    void handleStream(ProtocolStream s) throws IOException {
        addPeer(s.connection());
        PeerId from = s.connection().remotePeer();
        PushbackInputStream in = new PushbackInputStream(new BufferedInputStream(s.in(), 64 * 1024), 1);
        while (!closed) {
            s.setReadTimeout(Duration.ZERO); // a quiet topic is no fault: wait for the next RPC as long as the connection lives
            int first = in.read();
            if (first < 0) {
                return;
            }
            in.unread(first);
            s.setReadTimeout(config.rpcReadTimeout()); // once an RPC has begun, the rest must come in time
            byte[] bytes;
            try {
                bytes = LengthPrefixed.read(in, config.maxRpcSize());
            } catch (MessageTooLargeException e) {
                refusals.refused("maxRpcSize", () -> "an RPC over " + config.maxRpcSize() + " bytes from " + from + ": stream closed");
                return;
            }
            Rpc rpc;
            try {
                rpc = Rpc.decode(bytes, config.maxMessageSize());
            } catch (MalformedMessageException e) {
                refusals.refused("malformedRpc", () -> "a malformed RPC from " + from + ": " + e.getMessage());
                continue; // go drops the RPC and goes on reading
            }
            handleRpc(from, rpc);
        }
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
        rpc.control().ifPresent(c -> handleControl(link, c));
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
        lock.lock();
        try {
            if (!subscriptions.containsKey(m.topic())) {
                return; // we relay only topics we are subscribed to, as rust and js do
            }
            id = config.messageIdFunction().apply(m);
            if (isDuplicate(link, m, id, now)) {
                return;
            }
        } finally {
            lock.unlock();
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
        ValidationResult result = validate(link.peer, m);
        lock.lock();
        try {
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

    /** Runs the topic's validator with a deadline, bounded in how many run at once. Called without the lock. */
    ValidationResult validate(PeerId from, Message m) {
        Validator v = validators.get(m.topic());
        if (v == null) {
            return ValidationResult.ACCEPT;
        }
        if (!validations.tryAcquire()) {
            refusals.refused("maxValidationsInFlight", () -> config.maxValidationsInFlight() + " validations running: a message in "
                    + m.topic() + " ignored");
            return ValidationResult.IGNORE;
        }
        Future<ValidationResult> f = null;
        try {
            f = validationThreads.submit(() -> v.validate(from, m));
            ValidationResult r = f.get(config.validationTimeout().toNanos(), TimeUnit.NANOSECONDS);
            return r == null ? ValidationResult.IGNORE : r;
        } catch (TimeoutException e) {
            refusals.refused("validationTimeout", () -> "a validator of " + m.topic() + " took longer than " + config.validationTimeout()
                    + ": message ignored");
            return ValidationResult.IGNORE;
        } catch (ExecutionException e) {
            LOG.log(Level.DEBUG, () -> "a validator of " + m.topic() + " threw " + e.getCause());
            return ValidationResult.IGNORE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ValidationResult.IGNORE;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return ValidationResult.IGNORE; // closing
        } finally {
            if (f != null) {
                f.cancel(true);
            }
            validations.release();
        }
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

    // ---------------------------------------------------------------- control messages

    private void handleControl(PeerLink link, Rpc.Control c) {
        List<Rpc.IWant> iwant;
        List<Message> wanted;
        List<Rpc.Prune> prunes;
        List<PeerRecordCandidate> px = new ArrayList<>();
        lock.lock();
        try {
            if (link.removed || !link.isGossipsub() && link.protocol != null) {
                return; // floodsub peers send no control
            }
            iwant = handleIHave(link, c.ihave());
            wanted = handleIWant(link, c.iwant());
            prunes = handleGraft(link, c.graft());
            handlePrune(link, c.prune(), px);
            handleIDontWant(link, c.idontwant());
            if (!iwant.isEmpty()) {
                send(link, Rpc.ofControl(new Rpc.Control(List.of(), iwant, List.of(), List.of(), List.of())).encode(), true, "IWANT");
            }
            for (Message m : wanted) {
                byte[] rpc = Rpc.ofMessages(List.of(m)).encode();
                send(link, rpc, true, "IWANT response");
                stats.messageBytesSent.addAndGet(rpc.length);
            }
            if (!prunes.isEmpty()) {
                send(link, Rpc.ofControl(new Rpc.Control(List.of(), List.of(), List.of(), prunes, List.of())).encode(), false, "PRUNE");
            }
        } finally {
            lock.unlock();
        }
        px.forEach(this::connectPx);
    }

    /** gossipsub-v1.1.md, "Spam Protection Measures": IHAVE is bounded per heartbeat, in messages and in ids asked for. */
    private List<Rpc.IWant> handleIHave(PeerLink link, List<Rpc.IHave> ihaves) {
        if (ihaves.isEmpty()) {
            return List.of();
        }
        if (score(link.peer) < thresholds.gossipThreshold()) {
            return List.of();
        }
        if (++link.ihaveMessages > p.maxIHaveMessages()) {
            refusals.refused("maxIHaveMessages", () -> "more than " + p.maxIHaveMessages() + " IHAVE RPCs in a heartbeat from " + link.peer
                    + ": ignored");
            return List.of();
        }
        if (link.iasked >= p.maxIHaveLength()) {
            refusals.refused("maxIHaveLength", () -> "asked " + link.peer + " for " + link.iasked + " messages this heartbeat: IHAVE ignored");
            return List.of();
        }
        Set<MessageId> want = new LinkedHashSet<>();
        for (Rpc.IHave ih : ihaves) {
            if (!mesh.containsKey(ih.topic())) {
                continue;
            }
            for (MessageId id : ih.ids()) {
                if (!seen.contains(id)) {
                    want.add(id);
                }
                if (want.size() >= p.maxIHaveLength()) {
                    break;
                }
            }
        }
        if (want.isEmpty()) {
            return List.of();
        }
        List<MessageId> ask = new ArrayList<>(want);
        Collections.shuffle(ask, random);
        int n = Math.min(ask.size(), p.maxIHaveLength() - link.iasked);
        ask = ask.subList(0, n);
        link.iasked += n;
        // "track the IWANT ... and penalize the peer if it does not deliver": go follows one id picked at random
        if (promises.size() < MAX_PROMISES) {
            MessageId tracked = ask.get(random.nextInt(ask.size()));
            promises.computeIfAbsent(tracked, k -> new HashMap<>()).putIfAbsent(link.peer, System.nanoTime() + p.iWantFollowupTime().toNanos());
        }
        return List.of(new Rpc.IWant(List.copyOf(ask)));
    }

    private List<Message> handleIWant(PeerLink link, List<Rpc.IWant> iwants) {
        if (iwants.isEmpty() || score(link.peer) < thresholds.gossipThreshold()) {
            return List.of();
        }
        List<Message> out = new ArrayList<>();
        int n = 0;
        for (Rpc.IWant iw : iwants) {
            for (MessageId id : iw.ids()) {
                if (++n > p.maxIHaveLength()) {
                    refusals.refused("maxIWantLength", () -> "an IWANT for more than " + p.maxIHaveLength() + " messages from " + link.peer
                            + ": the rest ignored");
                    return out;
                }
                Message m = mcache.getForPeer(id, link.peer);
                if (m != null) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** gossipsub-v1.1.md, "PRUNE Backoff and Peer Exchange", "Spam Protection Measures": who may join our mesh. */
    private List<Rpc.Prune> handleGraft(PeerLink link, List<Rpc.Graft> grafts) {
        List<Rpc.Prune> prune = new ArrayList<>();
        long now = System.nanoTime();
        for (Rpc.Graft g : grafts) {
            Set<PeerId> m = mesh.get(g.topic());
            if (m == null) {
                continue; // spam hardening as go: ignore GRAFTs for topics we are not in, and leak no peers
            }
            if (m.contains(link.peer)) {
                continue;
            }
            if (direct.containsKey(link.peer)) {
                LOG.log(Level.DEBUG, () -> "GRAFT from direct peer " + link.peer);
                prune.add(pruneFor(link, g.topic(), false));
                continue;
            }
            Long until = backoff.getOrDefault(g.topic(), Map.of()).get(link.peer);
            if (until != null && until - now > 0) {
                // "a GRAFT within the backoff period ... is penalized": P7, twice if within the flood threshold
                refusals.refused("graftBackoff", () -> "a GRAFT from " + link.peer + " for " + g.topic() + " during its backoff");
                score.addPenalty(link.peer, 1);
                long pruned = until - p.pruneBackoff().toNanos();
                if (now - pruned < p.graftFloodThreshold().toNanos()) {
                    score.addPenalty(link.peer, 1);
                }
                addBackoff(link.peer, g.topic(), p.pruneBackoff().toNanos());
                prune.add(pruneFor(link, g.topic(), false));
                continue;
            }
            if (score(link.peer) < 0) {
                addBackoff(link.peer, g.topic(), p.pruneBackoff().toNanos());
                prune.add(pruneFor(link, g.topic(), false));
                continue;
            }
            if (m.size() >= p.dhi() && !link.outbound) {
                addBackoff(link.peer, g.topic(), p.pruneBackoff().toNanos());
                prune.add(pruneFor(link, g.topic(), true));
                continue;
            }
            m.add(link.peer);
            score.graft(link.peer, g.topic(), now);
        }
        return prune;
    }

    /** A PRUNE for a peer: with our backoff and, to v1.1 peers, peers of the topic to try instead. */
    Rpc.Prune pruneFor(PeerLink to, String topic, boolean doPx) {
        return pruneFor(to, topic, doPx, p.pruneBackoff());
    }

    Rpc.Prune pruneFor(PeerLink to, String topic, boolean doPx, Duration backoffTime) {
        if (!to.supportsPx()) {
            return new Rpc.Prune(topic, List.of(), Optional.empty());
        }
        List<Rpc.PeerInfo> px = new ArrayList<>();
        if (doPx && p.prunePeers() > 0) {
            for (PeerLink l : Heartbeat.choose(this, topic, p.prunePeers(), l -> !l.peer.equals(to.peer) && score(l.peer) >= 0)) {
                px.add(new Rpc.PeerInfo(l.peer.bytes(), null));
            }
        }
        return new Rpc.Prune(topic, px, Optional.of(backoffTime.toSeconds()));
    }

    void addBackoff(PeerId peer, String topic, long nanos) {
        long until = System.nanoTime() + nanos;
        backoff.computeIfAbsent(topic, k -> new HashMap<>()).merge(peer, until, (a, b) -> b - a > 0 ? b : a);
    }

    boolean inBackoff(PeerId peer, String topic, long now) {
        Long until = backoff.getOrDefault(topic, Map.of()).get(peer);
        return until != null && until - now > 0;
    }

    private record PeerRecordCandidate(PeerId peer, byte[] record) {}

    private void handlePrune(PeerLink link, List<Rpc.Prune> prunes, List<PeerRecordCandidate> px) {
        for (Rpc.Prune pr : prunes) {
            Set<PeerId> m = mesh.get(pr.topic());
            if (m == null) {
                continue;
            }
            if (m.remove(link.peer)) {
                score.prune(link.peer, pr.topic());
            }
            long seconds = Math.min(pr.backoffSeconds().orElse(p.pruneBackoff().toSeconds()), MAX_BACKOFF_SECONDS);
            addBackoff(link.peer, pr.topic(), TimeUnit.SECONDS.toNanos(seconds));
            if (!pr.peers().isEmpty()) {
                if (score(link.peer) < thresholds.acceptPXThreshold()) {
                    continue; // "only accept PX from peers with a score above the threshold"
                }
                int n = 0;
                for (Rpc.PeerInfo info : pr.peers()) {
                    if (n++ >= p.prunePeers()) {
                        break;
                    }
                    try {
                        PeerId id = PeerId.fromBytes(info.peerId());
                        if (!id.equals(self) && !peers.containsKey(id)) {
                            px.add(new PeerRecordCandidate(id, info.signedPeerRecord()));
                        }
                    } catch (MalformedMessageException | NullPointerException e) {
                        // not a peer id: skip it
                    }
                }
            }
        }
    }

    /** Dials a peer learnt by peer exchange, at most {@code Connectors} at once and {@code MaxPendingConnections} waiting. */
    private void connectPx(PeerRecordCandidate c) {
        if (pxPending.incrementAndGet() > p.maxPendingConnections()) {
            pxPending.decrementAndGet();
            refusals.refused("maxPendingConnections", () -> p.maxPendingConnections() + " peer exchange dials pending: " + c.peer + " dropped");
            return;
        }
        ctx.execute("pubsub-px", () -> {
            try {
                pxConnectors.acquire();
                try {
                    if (c.record() != null) {
                        PeerRecord r = PeerRecord.open(c.record());
                        if (r.peerId().equals(c.peer())) {
                            ctx.peerstore().addAddrs(c.peer(), r.addrs(), Duration.ofMinutes(10));
                        }
                    }
                    if (!ctx.peerstore().addrs(c.peer()).isEmpty()) {
                        ctx.connect(c.peer());
                    }
                } finally {
                    pxConnectors.release();
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, () -> "peer exchange: could not reach " + c.peer() + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                pxPending.decrementAndGet();
            }
        });
    }

    private void handleIDontWant(PeerLink link, List<Rpc.IDontWant> list) {
        if (list.isEmpty()) {
            return;
        }
        if (++link.idontwantMessages > p.maxIDontWantMessages()) {
            refusals.refused("maxIDontWantMessages", () -> "more than " + p.maxIDontWantMessages() + " IDONTWANT in a heartbeat from "
                    + link.peer + ": ignored");
            return;
        }
        int n = 0;
        long until = ticks + p.iDontWantMessageTTL();
        for (Rpc.IDontWant d : list) {
            for (MessageId id : d.ids()) {
                if (++n > p.maxIDontWantLength()) {
                    refusals.refused("maxIDontWantLength", () -> "an IDONTWANT with more than " + p.maxIDontWantLength() + " ids from "
                            + link.peer + ": the rest ignored");
                    return;
                }
                link.dontSend.put(id, until);
                stats.cancelledByIDontWant.addAndGet(link.queue.cancel(id)); // v1.2: a copy still waiting for the wire is not sent either
            }
        }
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
        ValidationResult r = validate(self, m);
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
                    List.of(pruneFor(l, topic, true, p.unsubscribeBackoff())), List.of())).encode(), false, "PRUNE");
        }
    }

    void setValidator(String topic, Validator v) {
        if (v == null) {
            validators.remove(topic);
        } else {
            validators.put(topic, v);
        }
    }

    // ---------------------------------------------------------------- events

    AutoCloseable addListener(java.util.function.Consumer<PubSubEvent> consumer) {
        java.util.concurrent.BlockingQueue<PubSubEvent> q = new java.util.concurrent.ArrayBlockingQueue<>(EVENT_QUEUE);
        java.util.function.Consumer<PubSubEvent> offer = e -> {
            if (!q.offer(e)) {
                refusals.refused("eventQueue", () -> "an event listener is " + EVENT_QUEUE + " events behind: event dropped");
            }
        };
        listeners.add(offer);
        ctx.execute("pubsub-events", () -> {
            try {
                while (!closed) {
                    PubSubEvent e = q.poll(1, TimeUnit.SECONDS);
                    if (e != null) {
                        try {
                            consumer.accept(e);
                        } catch (RuntimeException ex) {
                            LOG.log(Level.WARNING, "a pubsub event listener threw", ex);
                        }
                    } else if (!listeners.contains(offer)) {
                        return;
                    }
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        return () -> listeners.remove(offer);
    }

    private void emit(PubSubEvent e) {
        for (var l : listeners) {
            l.accept(e);
        }
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
        validationThreads.shutdownNow();
    }

    boolean isClosed() {
        return closed;
    }
}
