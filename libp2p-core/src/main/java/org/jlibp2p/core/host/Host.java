package org.jlibp2p.core.host;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.SecureChannel;
import org.jlibp2p.core.spi.SecureChannelFactory;
import org.jlibp2p.core.spi.StreamMuxer;
import org.jlibp2p.core.spi.Transport;

/**
 * A libp2p node: an identity, the transports it listens and dials on, the protocols it serves, its
 * connections to other peers, and the services (protocol modules) that run on it.
 *
 * <pre>{@code
 * try (Host host = Host.builder()
 *         .listen("/ip4/127.0.0.1/tcp/0")
 *         .handler("/echo/1.0.0", stream -> stream.in().transferTo(stream.out()))
 *         .build()) {
 *     System.out.println(host.fullAddrs());               // /ip4/127.0.0.1/tcp/41234/p2p/12D3KooW...
 *     ProtocolStream s = host.newStream(otherAddr, "/echo/1.0.0");
 * }
 * }</pre>
 *
 * <p>With nothing configured, the stack is whatever layer modules are present, found with
 * {@link ServiceLoader}: with libp2p-tcp, libp2p-noise and libp2p-yamux that is TCP + Noise + Yamux.
 * Every host runs two services of its own: ping ({@code /ipfs/ping/1.0.0}) and identify
 * ({@code /ipfs/id/1.0.0}, with push), which runs on every new connection. Protocol modules are
 * {@link HostService}s added with {@link Builder#service(HostService)}; what happens in the host is
 * published as {@link HostEvent}s ({@link #subscribe(Class, Consumer)}).
 *
 * <p>The work is shared out by job: {@link Dialer} (outbound), {@link Acceptor} (inbound),
 * {@link ConnectionRegistry} (open connections and their limits), {@link Handlers} (served
 * protocols), {@link EventBus} (events), {@link IdentifyService} and {@link PingService}.
 *
 * <p>Threads: one virtual thread per listener (the accept loop), one per inbound handshake, one per
 * connection (its stream loop), one per inbound stream (its handler), one per event subscriber, and
 * one platform thread for timers (upgrade deadlines, services' periodic tasks); {@link #close()}
 * ends them all and returns once they have ended.
 */
public final class Host implements Closeable {
    /** The version in our agent string. */
    public static final String VERSION = "0.1.0";
    /** Identify's protocol version field: the IPFS family, as go and js send. */
    public static final String PROTOCOL_VERSION = "ipfs/0.1.0";
    /** Identify. */
    public static final String IDENTIFY = "/ipfs/id/1.0.0";
    /** Identify push. */
    public static final String IDENTIFY_PUSH = "/ipfs/id/push/1.0.0";

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.host");
    /** How long close() lets event subscribers take what is queued (the last closed events). */
    private static final Duration EVENT_DRAIN = Duration.ofSeconds(1);

    private final PrivateKey identity;
    private final PeerId peerId;
    private final List<Transport> transports = new CopyOnWriteArrayList<>();
    private final Limits limits;
    private final Peerstore peerstore;
    private final List<Multiaddr> listenAddrs = new CopyOnWriteArrayList<>();
    /** Addresses services advertise beside the listen addresses. */
    private final CopyOnWriteArrayList<Multiaddr> extraAddrs = new CopyOnWriteArrayList<>();
    private final ExecutorService threads;
    final ScheduledExecutorService scheduler;
    final Upgrader upgrader;
    final EventBus events = new EventBus();
    final Handlers handlers = new Handlers(this::publishLocalChange);
    final LimitLog limitLog = new LimitLog();
    final ConnectionRegistry registry;
    private final Dialer dialer = new Dialer(this);
    private final Acceptor acceptor;
    private final List<HostService> services = new ArrayList<>();
    private final List<HostServiceContext> contexts = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /**
     * Opened when {@link Builder#build} has started the services and listens on the builder's
     * addresses (or failed). Services' tasks wait for it: a service that dials at start would otherwise
     * reach its peers before we listen, and they would learn no address of ours from identify.
     */
    private final CountDownLatch built = new CountDownLatch(1);

    private Host(Builder b) {
        this.identity = b.identity != null ? b.identity : PrivateKey.generate(KeyType.ED25519);
        this.peerId = PeerId.fromPublicKey(identity.publicKey());
        this.limits = b.limits;
        this.peerstore = b.peerstore != null ? b.peerstore : new BoundedPeerstore();
        this.registry = new ConnectionRegistry(limits, limitLog);
        transports.addAll(b.transports.isEmpty() && b.transportFactories.isEmpty() ? load(Transport.class) : b.transports);
        Map<String, SecureChannel> security = new LinkedHashMap<>();
        List<Function<PrivateKey, SecureChannel>> securityFactories = new ArrayList<>(b.security);
        if (securityFactories.isEmpty()) {
            // the host's handshake deadline is the channel's: one place for it
            load(SecureChannelFactory.class).forEach(f -> securityFactories.add(key -> f.create(key, b.limits.handshakeTimeout())));
        }
        securityFactories.forEach(f -> {
            SecureChannel channel = f.apply(identity);
            security.put(channel.protocolId(), channel);
        });
        Map<String, StreamMuxer> muxers = new LinkedHashMap<>();
        (b.muxers.isEmpty() ? load(StreamMuxer.class) : b.muxers).forEach(m -> muxers.put(m.protocolId(), m));
        if ((transports.isEmpty() && b.transportFactories.isEmpty()) || security.isEmpty() || muxers.isEmpty()) {
            throw new IllegalStateException("a host needs a transport, a security protocol and a muxer; found "
                    + transports.size() + ", " + security.keySet() + ", " + muxers.keySet()
                    + " (add libp2p-tcp, libp2p-noise and libp2p-yamux, or configure them on the builder)");
        }
        this.threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jlibp2p-", 0).factory());
        this.scheduler = timer();
        this.upgrader = new Upgrader(security, muxers, limits.handshakeTimeout(), scheduler);
        this.acceptor = new Acceptor(this);
        b.allowedOnLimited.forEach(handlers::allowOnLimited);
        b.connectionListeners.forEach(this::addConnectionListener);
        services.add(new PingService());
        services.add(new IdentifyService(b.agentVersion, events::publish));
        services.addAll(b.services);
    }

    /** One platform thread for short timer tasks; it ends with the host. */
    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "jlibp2p-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return timer;
    }

    /**
     * Waits until the builder has started the host and opened its listeners, so that a service's
     * task runs with the host's addresses known.
     *
     * @return false if interrupted (the host is closing), with the interrupt flag set again
     */
    boolean awaitBuilt() {
        try {
            built.await();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts the services (in the builder's order, after ping and identify), the host-aware transports and the idle sweep. */
    private void start(Builder b) throws IOException {
        Duration idle = limits.idleConnectionTimeout();
        if (!idle.isZero()) {
            long period = Math.max(Math.min(idle.toNanos() / 4, Duration.ofSeconds(30).toNanos()), Duration.ofMillis(10).toNanos());
            scheduler.scheduleAtFixedRate(this::closeIdleConnections, period, period, TimeUnit.NANOSECONDS);
        }
        for (HostService service : services) {
            HostServiceContext context = new HostServiceContext(this, service.name());
            contexts.add(context);
            service.start(context);
        }
        // The builder's handlers come last, so an application can replace a service's (tests play a
        // misbehaving identify this way).
        b.handlers.forEach((protocol, h) -> handlers.set(protocol, h, b.handlerLimits.getOrDefault(protocol, limits.maxStreamsPerProtocol()),
                limits.maxStreamsPerPeerPerProtocol()));
        for (Function<ServiceContext, Transport> factory : b.transportFactories) {
            HostServiceContext context = new HostServiceContext(this, "transport");
            contexts.add(context);
            transports.add(factory.apply(context));
        }
    }

    /** {@return a builder} */
    public static Builder builder() {
        return new Builder();
    }

    // ---- identity and addresses --------------------------------------------------------------

    /** {@return this host's peer id} */
    public PeerId peerId() {
        return peerId;
    }

    /** {@return this host's identity} */
    public PrivateKey identity() {
        return identity;
    }

    /** {@return the addresses this host listens on, with unspecified addresses expanded to the interfaces' addresses} */
    public List<Multiaddr> listenAddrs() {
        return List.copyOf(listenAddrs);
    }

    /**
     * {@return the addresses this host tells others, in identify and its signed peer record} Its
     * listen addresses, except those no one can dial as such (a bare {@code /p2p-circuit}, which a
     * relayed transport listens on), and the addresses services add, such as a relay client's
     * circuit addresses ({@link ServiceContext#addAdvertisedAddrs}).
     */
    public List<Multiaddr> advertisedAddrs() {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : listenAddrs) {
            if (a.components().get(0).protocol() != MultiaddrProtocol.P2P_CIRCUIT && !out.contains(a)) {
                out.add(a);
            }
        }
        for (Multiaddr a : extraAddrs) {
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** Adds addresses to advertise; announced as a {@link HostEvent.LocalAddressesChanged}. */
    void addAdvertisedAddrs(List<Multiaddr> addrs) {
        if (extraAddrs.addAllAbsent(addrs) > 0) {
            publishLocalChange(new HostEvent.LocalAddressesChanged(advertisedAddrs()));
        }
    }

    /** Stops advertising addresses a service added. */
    void removeAdvertisedAddrs(List<Multiaddr> addrs) {
        if (extraAddrs.removeAll(addrs)) {
            publishLocalChange(new HostEvent.LocalAddressesChanged(advertisedAddrs()));
        }
    }

    /**
     * Announces a change of our own protocols or addresses, unless the host is closing: its services
     * take their handlers and addresses away as they close, and identify push (identify/README.md,
     * "Identify Push") would tell every peer of each change, opening a stream on each connection just
     * before the close ends it.
     */
    private void publishLocalChange(HostEvent change) {
        if (!closed) {
            events.publish(change);
        }
    }

    /** {@return the listen addresses with {@code /p2p/<our id>} appended: what another node dials} */
    public List<Multiaddr> fullAddrs() {
        return listenAddrs.stream().map(a -> a.withPeerId(peerId)).toList();
    }

    /** {@return what this host knows about other peers} */
    public Peerstore peerstore() {
        return peerstore;
    }

    /** {@return the resource limits} */
    public Limits limits() {
        return limits;
    }

    /**
     * Starts listening on an address.
     *
     * @param address such as {@code /ip4/0.0.0.0/tcp/4001}; port 0 picks a free port
     * @return the concrete addresses now listened on
     * @throws IOException if no transport can listen there
     */
    public List<Multiaddr> listen(Multiaddr address) throws IOException {
        ensureOpen();
        Transport transport = transportFor(address).orElseThrow(() -> new IllegalArgumentException("no transport handles " + address));
        Listener listener = transport.listen(address);
        List<Multiaddr> concrete = expand(listener.localAddress());
        listenAddrs.addAll(concrete);
        acceptor.start(listener);
        publishLocalChange(new HostEvent.LocalAddressesChanged(advertisedAddrs()));
        return concrete;
    }

    // ---- handlers ----------------------------------------------------------------------------

    /**
     * Serves a protocol: each inbound stream that agrees on it runs {@code handler} on its own thread.
     *
     * @param protocol the protocol id
     * @param handler  the handler
     */
    public void setStreamHandler(String protocol, StreamHandler handler) {
        setStreamHandler(protocol, handler, limits.maxStreamsPerProtocol());
    }

    /**
     * Serves a protocol with a cap on its concurrent inbound streams (across all connections); a
     * stream beyond the cap is reset.
     *
     * @param protocol   the protocol id
     * @param handler    the handler
     * @param maxStreams the cap
     */
    public void setStreamHandler(String protocol, StreamHandler handler, int maxStreams) {
        setStreamHandler(protocol, handler, maxStreams, limits.maxStreamsPerPeerPerProtocol());
    }

    /**
     * Serves a protocol with caps on its concurrent inbound streams across all connections and from
     * any one peer; a stream beyond either is reset.
     *
     * @param protocol          the protocol id
     * @param handler           the handler
     * @param maxStreams        the cap across the host
     * @param maxStreamsPerPeer the cap for one peer (ping/ping.md: a listener accepts at most 2 ping streams per peer)
     */
    public void setStreamHandler(String protocol, StreamHandler handler, int maxStreams, int maxStreamsPerPeer) {
        handlers.set(protocol, handler, maxStreams, maxStreamsPerPeer);
    }

    /**
     * Stops serving a protocol.
     *
     * @param protocol the protocol id
     */
    public void removeStreamHandler(String protocol) {
        handlers.remove(protocol);
    }

    /**
     * Lets a protocol run on limited connections (relayed ones, circuit relay v2), in both
     * directions. Ping and identify may run there; any other protocol is refused on a limited
     * connection unless allowed here, with a {@link LimitedConnectionException}.
     *
     * @param protocol the protocol id
     */
    public void allowOnLimitedConnections(String protocol) {
        handlers.allowOnLimited(protocol);
    }

    /** {@return the protocols this host serves} */
    public List<String> protocols() {
        return handlers.protocols();
    }

    // ---- events ------------------------------------------------------------------------------

    /**
     * Subscribes to one kind of host event. Each subscriber has a virtual thread and a queue of its
     * own (1024 events): events arrive in the order they were published, off the path that caused
     * them; a subscriber that falls behind by a whole queue loses the newest events (counted in
     * {@link EventSubscription#dropped()} and logged), and one that throws is logged and goes on.
     *
     * @param <T>      the kind
     * @param type     the kind's class, such as {@code HostEvent.PeerIdentified.class}, or {@code HostEvent.class} for all
     * @param consumer what to do with each event
     * @return the subscription; closing the host closes it
     */
    public <T extends HostEvent> EventSubscription subscribe(Class<T> type, Consumer<? super T> consumer) {
        return subscribe(type, consumer, EventBus.DEFAULT_QUEUE_CAPACITY);
    }

    /**
     * Subscribes with a queue of a chosen size.
     *
     * @param <T>           the kind
     * @param type          the kind's class
     * @param consumer      what to do with each event
     * @param queueCapacity events queued for this subscriber before the newest are dropped
     * @return the subscription
     */
    public <T extends HostEvent> EventSubscription subscribe(Class<T> type, Consumer<? super T> consumer, int queueCapacity) {
        return events.subscribe(type, consumer, queueCapacity);
    }

    /**
     * Registers a listener for connection events: a subscriber to {@link HostEvent.ConnectionOpened}
     * and {@link HostEvent.ConnectionClosed}, called on its own thread after the connection's streams
     * are being served, so it may open streams.
     *
     * @param listener the listener
     */
    public void addConnectionListener(ConnectionListener listener) {
        // One subscriber for both kinds, so that the listener gets them in the order they were
        // published (a connection's closed event after its opened one: HostConnection#announceOpened).
        // Other events neither wake its thread nor take places in its queue, where they could crowd
        // out the connection events under a burst.
        events.subscribe("ConnectionListener", HostEvent.class,
                e -> e instanceof HostEvent.ConnectionOpened || e instanceof HostEvent.ConnectionClosed, e -> {
                    switch (e) {
                        case HostEvent.ConnectionOpened o -> listener.opened(o.connection());
                        case HostEvent.ConnectionClosed c -> listener.closed(c.connection());
                        default -> { }
                    }
                }, EventBus.DEFAULT_QUEUE_CAPACITY);
    }

    // ---- connecting --------------------------------------------------------------------------

    /**
     * A connection to the peer an address names, reusing one that is open; otherwise this address
     * is dialed. Concurrent calls for one peer share a single dial.
     *
     * @param address an address ending in {@code /p2p/<peer id>}
     * @return the connection
     * @throws org.jlibp2p.core.PeerIdMismatchException if someone else answers there
     * @throws IOException                              if no connection can be made
     */
    public Connection connect(Multiaddr address) throws IOException {
        ensureOpen();
        PeerId peer = address.peerId().orElseThrow(() -> new IllegalArgumentException("the address must end in /p2p/<peer id>: " + address));
        return dialer.connect(peer, List.of(address));
    }

    /**
     * A connection to a peer at its known addresses (from the peerstore), reusing one that is open.
     *
     * @param peer the peer
     * @return the connection
     * @throws IOException if no connection can be made
     */
    public Connection connect(PeerId peer) throws IOException {
        ensureOpen();
        return dialer.connect(peer, peerstore.addrs(peer));
    }

    /**
     * Opens a stream to a peer, connecting first if needed.
     *
     * @param peer      the peer
     * @param protocols the protocols to propose, most preferred first
     * @return the stream
     * @throws IOException if the peer cannot be reached or supports none of the protocols
     */
    public ProtocolStream newStream(PeerId peer, String... protocols) throws IOException {
        return connect(peer).newStream(protocols);
    }

    /**
     * Opens a stream to the peer an address names, connecting first if needed.
     *
     * @param address   an address ending in {@code /p2p/<peer id>}
     * @param protocols the protocols to propose, most preferred first
     * @return the stream
     * @throws IOException if the peer cannot be reached or supports none of the protocols
     */
    public ProtocolStream newStream(Multiaddr address, String... protocols) throws IOException {
        return connect(address).newStream(protocols);
    }

    /**
     * Pings a peer over a fresh ping stream.
     *
     * @param peer  the peer
     * @param count how many round trips
     * @return the round trip times
     * @throws IOException if the peer cannot be reached or does not answer
     */
    public List<Duration> ping(PeerId peer, int count) throws IOException {
        try (ProtocolStream s = newStream(peer, Ping.PROTOCOL_ID)) {
            List<Duration> rtts = Ping.ping(s, count);
            s.closeWrite();
            return rtts;
        }
    }

    /** {@return every open connection} */
    public List<Connection> connections() {
        return registry.all();
    }

    /**
     * The open connections to one peer.
     *
     * @param peer the peer
     * @return its connections, possibly none
     */
    public List<Connection> connections(PeerId peer) {
        return registry.of(peer);
    }

    /** {@return what the host holds now, to set beside its {@link #limits()}} */
    public ResourceUsage resourceUsage() {
        int in = 0;
        int out = 0;
        int streams = 0;
        long buffered = 0;
        java.util.Set<PeerId> peers = new java.util.HashSet<>();
        Map<String, Integer> byProtocol = new java.util.TreeMap<>();
        for (Connection c : registry.all()) {
            if (c.direction() == Role.RESPONDER) {
                in++;
            } else {
                out++;
            }
            peers.add(c.remotePeer());
            buffered += ((HostConnection) c).bufferedBytes();
            for (ProtocolStream s : c.streams()) {
                streams++;
                byProtocol.merge(s.protocol(), 1, Integer::sum);
            }
        }
        return new ResourceUsage(in, out, acceptor.pendingHandshakes(), peers.size(), streams, byProtocol, buffered);
    }

    // ---- connection lifecycle ----------------------------------------------------------------

    /**
     * Makes an upgraded connection the host's: registered (or refused if the host closed or a limit
     * was reached meanwhile), its stream loop started, and only then announced.
     */
    HostConnection register(Upgrader.Upgraded upgraded, Role direction) throws IOException {
        HostConnection c = new HostConnection(this, upgraded, direction);
        try {
            registry.add(c);
        } catch (IOException e) {
            limitLog.refused("connection", () -> "closing a new connection with " + c.remotePeer() + ": " + e.getMessage());
            c.close(); // not registered: no closed event follows
            throw e;
        }
        peerstore.addPublicKey(c.remotePeer(), c.remotePublicKey());
        peerstore.connectionChanged(c.remotePeer(), true);
        if (FlightEvents.recorderStarted()) {
            FlightEvents.ConnectionOpened opened = new FlightEvents.ConnectionOpened();
            if (opened.isEnabled()) {
                opened.peer = c.remotePeer().toString();
                opened.direction = direction.name();
                opened.remoteAddress = String.valueOf(c.remoteAddress());
                opened.security = c.securityProtocol();
                opened.muxer = c.muxerProtocol();
                opened.commit();
            }
        }
        try {
            run("conn-" + c.threadTag, c::acceptStreams);
        } catch (RejectedExecutionException e) {
            c.close(); // the host closed between registering and here
            throw new IOException("the host is closed");
        }
        c.announceOpened(events);
        return c;
    }

    /** Closes the connections that have had no stream for {@link Limits#idleConnectionTimeout()}. */
    private void closeIdleConnections() {
        long limit = limits.idleConnectionTimeout().toNanos();
        for (Connection c : registry.all()) {
            HostConnection hc = (HostConnection) c;
            if (hc.idleNanos() > limit) {
                LOG.log(Level.DEBUG, () -> "closing the connection with " + c.remotePeer() + ": no stream for "
                        + limits.idleConnectionTimeout().toSeconds() + " s");
                hc.close();
            }
        }
    }

    void connectionClosed(HostConnection c) {
        if (registry.remove(c)) {
            peerstore.connectionChanged(c.remotePeer(), false);
            c.announceClosed(events);
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------

    /** Runs a task on a new virtual thread of this host. */
    void run(String name, Runnable task) {
        threads.execute(() -> {
            Thread.currentThread().setName("jlibp2p-" + name);
            task.run();
        });
    }

    Optional<Transport> transportFor(Multiaddr address) {
        return transports.stream().filter(t -> t.handles(address)).findFirst();
    }

    /** 0.0.0.0 and :: stand for every interface: report each interface's address instead. */
    private static List<Multiaddr> expand(Multiaddr address) throws SocketException {
        Multiaddr.Component first = address.components().get(0);
        boolean any4 = first.protocol() == MultiaddrProtocol.IP4 && Arrays.equals(first.value(), new byte[4]);
        boolean any6 = first.protocol() == MultiaddrProtocol.IP6 && Arrays.equals(first.value(), new byte[16]);
        if (!any4 && !any6) {
            return List.of(address);
        }
        List<Multiaddr.Component> rest = address.components().subList(1, address.components().size());
        List<Multiaddr> out = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp()) {
                continue;
            }
            for (InetAddress ip : Collections.list(nif.getInetAddresses())) {
                if ((ip instanceof Inet4Address) == any4 && !ip.isLinkLocalAddress()) {
                    List<Multiaddr.Component> parts = new ArrayList<>();
                    parts.add(new Multiaddr.Component(any4 ? MultiaddrProtocol.IP4 : MultiaddrProtocol.IP6, ip.getAddress()));
                    parts.addAll(rest);
                    out.add(new Multiaddr(parts));
                }
            }
        }
        return out.isEmpty() ? List.of(address) : out;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the host is closed");
        }
    }

    private static <T> List<T> load(Class<T> type) {
        List<T> found = new ArrayList<>();
        ServiceLoader.load(type).forEach(found::add);
        return found;
    }

    /**
     * Closes the services (last added first), every listener and connection, and ends every thread
     * the host started; returns when they have ended (or after a few seconds, with a warning).
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = services.size() - 1; i >= 0; i--) {
            HostService service = services.get(i);
            try {
                service.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "service " + service.name() + " failed to close", e);
            }
        }
        contexts.forEach(HostServiceContext::release);
        acceptor.close();
        List<Connection> open = registry.closeAll();
        open.forEach(Connection::close);
        events.close(EVENT_DRAIN);
        threads.shutdownNow();
        scheduler.shutdownNow();
        try {
            boolean ended = threads.awaitTermination(5, TimeUnit.SECONDS) && scheduler.awaitTermination(1, TimeUnit.SECONDS);
            for (Connection c : open) {
                ended &= ((HostConnection) c).awaitTermination(Duration.ofSeconds(5));
            }
            if (!ended) {
                LOG.log(Level.WARNING, "some host threads did not end within 5 s of close()");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "host " + peerId + " " + listenAddrs;
    }

    /** Configures a {@link Host}; every setting has a default. */
    public static final class Builder {
        private PrivateKey identity;
        private final List<Transport> transports = new ArrayList<>();
        private final List<Function<PrivateKey, SecureChannel>> security = new ArrayList<>();
        private final List<StreamMuxer> muxers = new ArrayList<>();
        private final List<Multiaddr> listen = new ArrayList<>();
        private final Map<String, StreamHandler> handlers = new LinkedHashMap<>();
        private final Map<String, Integer> handlerLimits = new LinkedHashMap<>();
        private final List<ConnectionListener> connectionListeners = new ArrayList<>();
        private final List<HostService> services = new ArrayList<>();
        private final List<Function<ServiceContext, Transport>> transportFactories = new ArrayList<>();
        private final List<String> allowedOnLimited = new ArrayList<>();
        private Peerstore peerstore;
        private Limits limits = Limits.defaults();
        private String agentVersion = "jlibp2p/" + VERSION;

        private Builder() {}

        /**
         * The host's identity (default: a new Ed25519 key).
         *
         * @param key the private key
         * @return this builder
         */
        public Builder identity(PrivateKey key) {
            this.identity = key;
            return this;
        }

        /**
         * Adds a transport (default: every {@link Transport} service found).
         *
         * @param transport the transport
         * @return this builder
         */
        public Builder transport(Transport transport) {
            transports.add(transport);
            return this;
        }

        /**
         * Adds a transport that needs the host, such as the relay transport, which dials through
         * other peers and serves a stop protocol. It is made when the host starts, after the
         * services, with a context of its own.
         *
         * @param factory makes the transport
         * @return this builder
         */
        public Builder transport(Function<ServiceContext, Transport> factory) {
            transportFactories.add(factory);
            return this;
        }

        /**
         * Adds a service: a protocol module that runs on the host (see {@link HostService}).
         * Services start in the order added, after ping and identify, and close in reverse order.
         *
         * @param service the service
         * @return this builder
         */
        public Builder service(HostService service) {
            services.add(service);
            return this;
        }

        /**
         * The peerstore (default: a {@link BoundedPeerstore} of {@link Peerstore#MAX_PEERS} peers).
         *
         * @param peerstore the peerstore
         * @return this builder
         */
        public Builder peerstore(Peerstore peerstore) {
            this.peerstore = peerstore;
            return this;
        }

        /**
         * Lets a protocol run on limited connections (see {@link Host#allowOnLimitedConnections}).
         *
         * @param protocol the protocol id
         * @return this builder
         */
        public Builder allowOnLimitedConnections(String protocol) {
            allowedOnLimited.add(protocol);
            return this;
        }

        /**
         * Adds a security protocol, in order of preference (default: every {@link SecureChannelFactory} service found).
         *
         * @param factory makes the channel for the host's identity, such as {@code NoiseSecureChannel::new}
         * @return this builder
         */
        public Builder security(Function<PrivateKey, SecureChannel> factory) {
            security.add(factory);
            return this;
        }

        /**
         * Adds a stream muxer, in order of preference (default: every {@link StreamMuxer} service found).
         *
         * @param muxer the muxer
         * @return this builder
         */
        public Builder muxer(StreamMuxer muxer) {
            muxers.add(muxer);
            return this;
        }

        /**
         * An address to listen on when the host is built.
         *
         * @param address such as {@code /ip4/0.0.0.0/tcp/0}
         * @return this builder
         */
        public Builder listen(String address) {
            listen.add(Multiaddr.parse(address));
            return this;
        }

        /**
         * Serves a protocol.
         *
         * @param protocol the protocol id
         * @param handler  the handler
         * @return this builder
         */
        public Builder handler(String protocol, StreamHandler handler) {
            handlers.put(protocol, handler);
            handlerLimits.remove(protocol);
            return this;
        }

        /**
         * Serves a protocol with a cap on its concurrent inbound streams across all connections.
         *
         * @param protocol   the protocol id
         * @param handler    the handler
         * @param maxStreams the cap; a stream beyond it is reset
         * @return this builder
         */
        public Builder handler(String protocol, StreamHandler handler, int maxStreams) {
            if (maxStreams < 1) {
                throw new IllegalArgumentException("maxStreams must be positive");
            }
            handlers.put(protocol, handler);
            handlerLimits.put(protocol, maxStreams);
            return this;
        }

        /**
         * Resource limits (default: {@link Limits#defaults()}).
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder limits(Limits limits) {
            this.limits = limits;
            return this;
        }

        /**
         * The agent version identify reports (default: {@code jlibp2p/<version>}).
         *
         * @param agentVersion the agent version
         * @return this builder
         */
        public Builder agentVersion(String agentVersion) {
            this.agentVersion = agentVersion;
            return this;
        }

        /**
         * Adds a connection listener.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder connectionListener(ConnectionListener listener) {
            connectionListeners.add(listener);
            return this;
        }

        /**
         * Builds the host and starts listening.
         *
         * @return the running host
         * @throws IOException if it cannot listen on a configured address
         */
        public Host build() throws IOException {
            Host host = new Host(this);
            try {
                host.start(this);
                for (Multiaddr a : listen) {
                    host.listen(a);
                }
            } catch (IOException | RuntimeException | Error e) {
                host.close();
                throw e;
            } finally {
                host.built.countDown();
            }
            return host;
        }
    }
}
