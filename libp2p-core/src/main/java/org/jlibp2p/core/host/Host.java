package org.jlibp2p.core.host;

import java.io.ByteArrayOutputStream;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureChannel;
import org.jlibp2p.core.spi.SecureChannelFactory;
import org.jlibp2p.core.spi.StreamMuxer;
import org.jlibp2p.core.spi.Transport;

/**
 * A libp2p node: an identity, the transports it listens and dials on, the protocols it serves, and
 * its connections to other peers.
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
 * Every host serves ping ({@code /ipfs/ping/1.0.0}) and identify ({@code /ipfs/id/1.0.0}, with push),
 * and runs identify on every new connection.
 *
 * <p>Threads: one virtual thread per listener (the accept loop), one per inbound handshake, one per
 * connection (its stream loop) and one per inbound stream (its handler); {@link #close()} ends them
 * all and returns once they have ended.
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

    private final PrivateKey identity;
    private final PeerId peerId;
    private final List<Transport> transports;
    private final Upgrader upgrader;
    private final Limits limits;
    private final String agentVersion;
    /** A handler and the cap on its concurrent inbound streams. */
    record Registration(StreamHandler handler, int limit, Semaphore slots) {
        Registration(StreamHandler handler, int limit) {
            this(handler, limit, new Semaphore(limit));
        }
    }

    private final Map<String, Registration> handlers = new ConcurrentHashMap<>();
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();
    private final Peerstore peerstore = new Peerstore();
    private final Map<PeerId, List<HostConnection>> connections = new ConcurrentHashMap<>();
    private final Map<PeerId, CompletableFuture<HostConnection>> pendingDials = new ConcurrentHashMap<>();
    private final List<Listener> transportListeners = new CopyOnWriteArrayList<>();
    private final List<Multiaddr> listenAddrs = new CopyOnWriteArrayList<>();
    private final Semaphore pendingInbound;
    private final ExecutorService threads;
    private volatile boolean closed;

    private Host(Builder b) {
        this.identity = b.identity != null ? b.identity : PrivateKey.generate(KeyType.ED25519);
        this.peerId = PeerId.fromPublicKey(identity.publicKey());
        this.limits = b.limits;
        this.agentVersion = b.agentVersion;
        this.transports = b.transports.isEmpty() ? load(Transport.class) : List.copyOf(b.transports);
        Map<String, SecureChannel> security = new LinkedHashMap<>();
        List<Function<PrivateKey, SecureChannel>> securityFactories = new ArrayList<>(b.security);
        if (securityFactories.isEmpty()) {
            load(SecureChannelFactory.class).forEach(f -> securityFactories.add(f::create));
        }
        securityFactories.forEach(f -> {
            SecureChannel channel = f.apply(identity);
            security.put(channel.protocolId(), channel);
        });
        Map<String, StreamMuxer> muxers = new LinkedHashMap<>();
        (b.muxers.isEmpty() ? load(StreamMuxer.class) : b.muxers).forEach(m -> muxers.put(m.protocolId(), m));
        if (transports.isEmpty() || security.isEmpty() || muxers.isEmpty()) {
            throw new IllegalStateException("a host needs a transport, a security protocol and a muxer; found "
                    + transports.size() + ", " + security.keySet() + ", " + muxers.keySet()
                    + " (add libp2p-tcp, libp2p-noise and libp2p-yamux, or configure them on the builder)");
        }
        this.upgrader = new Upgrader(security, muxers, limits.handshakeTimeout());
        this.pendingInbound = new Semaphore(limits.maxPendingInbound());
        this.threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jlibp2p-", 0).factory());
        // ping/ping.md: "the listener accepts at most 2 ping streams per peer"; host-wide we allow more.
        handlers.put(Ping.PROTOCOL_ID, new Registration(Ping.HANDLER, limits.maxStreamsPerProtocol()));
        handlers.put(IDENTIFY, new Registration(this::answerIdentify, limits.maxStreamsPerProtocol()));
        handlers.put(IDENTIFY_PUSH, new Registration(this::receiveIdentifyPush, limits.maxStreamsPerProtocol()));
        b.handlers.forEach((protocol, h) -> handlers.put(protocol,
                new Registration(h, b.handlerLimits.getOrDefault(protocol, limits.maxStreamsPerProtocol()))));
        listeners.addAll(b.connectionListeners);
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
        Transport transport = transportFor(address);
        Listener listener = transport.listen(address);
        transportListeners.add(listener);
        List<Multiaddr> concrete = expand(listener.localAddress());
        listenAddrs.addAll(concrete);
        run("accept-" + listener.localAddress(), () -> acceptLoop(listener));
        pushIdentify();
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
        if (maxStreams < 1) {
            throw new IllegalArgumentException("maxStreams must be positive");
        }
        handlers.put(protocol, new Registration(handler, maxStreams));
        pushIdentify();
    }

    /**
     * Stops serving a protocol.
     *
     * @param protocol the protocol id
     */
    public void removeStreamHandler(String protocol) {
        if (handlers.remove(protocol) != null) {
            pushIdentify();
        }
    }

    /** {@return the protocols this host serves} */
    public List<String> protocols() {
        List<String> all = new ArrayList<>(handlers.keySet());
        Collections.sort(all);
        return all;
    }

    boolean hasHandler(String protocol) {
        return handlers.containsKey(protocol);
    }

    Registration registration(String protocol) {
        return handlers.get(protocol);
    }

    /**
     * Registers a listener for connection events.
     *
     * @param listener the listener
     */
    public void addConnectionListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    // ---- connecting --------------------------------------------------------------------------

    /**
     * A connection to the peer an address names, reusing one that is open. Concurrent calls for one
     * peer share a single dial.
     *
     * @param address an address ending in {@code /p2p/<peer id>}
     * @return the connection
     * @throws org.jlibp2p.core.PeerIdMismatchException if someone else answers there
     * @throws IOException                              if no connection can be made
     */
    public Connection connect(Multiaddr address) throws IOException {
        PeerId peer = address.peerId().orElseThrow(() -> new IllegalArgumentException("the address must end in /p2p/<peer id>: " + address));
        peerstore.addAddrs(peer, List.of(address));
        return connect(peer);
    }

    /**
     * A connection to a peer at its known addresses, reusing one that is open.
     *
     * @param peer the peer
     * @return the connection
     * @throws IOException if no connection can be made
     */
    public Connection connect(PeerId peer) throws IOException {
        ensureOpen();
        if (peer.equals(peerId)) {
            throw new IllegalArgumentException("a host cannot connect to itself");
        }
        Optional<HostConnection> existing = liveConnection(peer);
        if (existing.isPresent()) {
            return existing.get();
        }
        CompletableFuture<HostConnection> mine = new CompletableFuture<>();
        CompletableFuture<HostConnection> dial = pendingDials.putIfAbsent(peer, mine);
        if (dial != null) {
            return awaitDial(dial);
        }
        try {
            HostConnection c = liveConnection(peer).orElse(null);
            if (c == null) {
                c = dial(peer);
            }
            mine.complete(c);
            return c;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            pendingDials.remove(peer, mine);
        }
    }

    private HostConnection awaitDial(CompletableFuture<HostConnection> dial) throws IOException {
        try {
            return dial.get(limits.dialTimeout().toMillis() + limits.handshakeTimeout().toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("dial failed", e.getCause());
        } catch (TimeoutException e) {
            throw new java.net.SocketTimeoutException("waiting for a concurrent dial timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for a dial");
        }
    }

    private HostConnection dial(PeerId peer) throws IOException {
        List<Multiaddr> addrs = peerstore.addrs(peer);
        if (addrs.isEmpty()) {
            throw new IOException("no known address for " + peer);
        }
        IOException last = null;
        for (Multiaddr addr : addrs) {
            Transport transport = transports.stream().filter(t -> t.handles(addr)).findFirst().orElse(null);
            if (transport == null) {
                continue;
            }
            checkConnectionLimit(Role.INITIATOR);
            RawConnection raw;
            try {
                raw = transport.dial(addr, limits.dialTimeout());
            } catch (IOException e) {
                last = e;
                continue;
            }
            Upgrader.Upgraded upgraded = upgrader.outbound(raw, peer); // a wrong peer ends the dial here
            return register(upgraded, Role.INITIATOR);
        }
        throw last != null ? last : new IOException("no transport handles any address of " + peer + ": " + addrs);
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
        List<Connection> all = new ArrayList<>();
        connections.values().forEach(all::addAll);
        return all;
    }

    /**
     * The open connections to one peer.
     *
     * @param peer the peer
     * @return its connections, possibly none
     */
    public List<Connection> connections(PeerId peer) {
        return List.copyOf(connections.getOrDefault(peer, List.of()));
    }

    private Optional<HostConnection> liveConnection(PeerId peer) {
        return connections.getOrDefault(peer, List.of()).stream().filter(c -> !c.isClosed()).findFirst();
    }

    // ---- inbound -----------------------------------------------------------------------------

    /** The accept loop: take a handshake slot first, then accept; one bad socket never stops it. */
    private void acceptLoop(Listener listener) {
        while (!closed) {
            try {
                pendingInbound.acquire();
            } catch (InterruptedException e) {
                return;
            }
            RawConnection raw;
            try {
                raw = listener.accept();
            } catch (IOException e) {
                pendingInbound.release();
                if (closed || !transportListeners.contains(listener)) {
                    return;
                }
                LOG.log(Level.WARNING, () -> "accept on " + listener.localAddress() + " failed: " + e.getMessage());
                continue;
            }
            try {
                run("handshake", () -> {
                    try {
                        handshakeInbound(raw);
                    } finally {
                        pendingInbound.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                pendingInbound.release();
                closeQuietly(raw);
                return;
            }
        }
    }

    private void handshakeInbound(RawConnection raw) {
        try {
            checkConnectionLimit(Role.RESPONDER);
        } catch (IOException e) {
            LOG.log(Level.INFO, () -> "refusing a connection from " + raw.remoteAddress() + ": " + e.getMessage());
            closeQuietly(raw);
            return;
        }
        try {
            register(upgrader.inbound(raw), Role.RESPONDER);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "inbound connection from " + raw.remoteAddress() + " failed: " + e.getMessage());
        }
    }

    private void checkConnectionLimit(Role direction) throws IOException {
        long open = connections.values().stream().flatMap(List::stream).filter(c -> c.direction() == direction).count();
        int limit = direction == Role.RESPONDER ? limits.maxInboundConnections() : limits.maxOutboundConnections();
        if (open >= limit) {
            throw new IOException("the limit of " + limit + (direction == Role.RESPONDER ? " inbound" : " outbound") + " connections is reached");
        }
    }

    // ---- connection lifecycle ----------------------------------------------------------------

    private HostConnection register(Upgrader.Upgraded upgraded, Role direction) throws IOException {
        HostConnection c = new HostConnection(this, upgraded, direction);
        if (closed) {
            c.close();
            throw new IOException("the host is closed");
        }
        try {
            checkConnectionLimit(direction); // again: other handshakes may have finished meanwhile
        } catch (IOException e) {
            LOG.log(Level.INFO, () -> "closing a new connection with " + c.remotePeer() + ": " + e.getMessage());
            c.close();
            throw e;
        }
        connections.compute(c.remotePeer(), (p, list) -> {
            List<HostConnection> updated = list == null ? new CopyOnWriteArrayList<>() : list;
            updated.add(c);
            return updated;
        });
        peerstore.recordKey(c.remotePeer(), c.remotePublicKey());
        for (ConnectionListener l : listeners) {
            l.opened(c);
        }
        run("conn-" + c.threadTag, c::acceptStreams);
        run("identify", () -> identify(c));
        return c;
    }

    void connectionClosed(HostConnection c) {
        connections.computeIfPresent(c.remotePeer(), (p, list) -> {
            list.remove(c);
            return list.isEmpty() ? null : list;
        });
        for (ConnectionListener l : listeners) {
            l.closed(c);
        }
    }

    // ---- identify (identify/README.md) --------------------------------------------------------

    private IdentifyInfo ourIdentify(Connection c) {
        return new IdentifyInfo(Optional.of(identity.publicKey()), listenAddrs(), protocols(),
                Optional.of(c.remoteAddress()), Optional.of(PROTOCOL_VERSION), Optional.of(agentVersion));
    }

    private void answerIdentify(ProtocolStream stream) throws IOException {
        LengthPrefixed.write(stream.out(), ourIdentify(stream.connection()).encode());
        stream.closeWrite();
    }

    /** Asks a new connection's peer who it is; the answer goes to the peerstore. */
    private void identify(HostConnection c) {
        try (ProtocolStream s = c.newStream(IDENTIFY)) {
            s.setReadTimeout(limits.streamNegotiationTimeout());
            IdentifyInfo info = readIdentify(s, c);
            LOG.log(Level.DEBUG, () -> "identified " + c.remotePeer() + ": " + info.agentVersion().orElse("?"));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "identify with " + c.remotePeer() + " failed: " + e.getMessage());
        }
    }

    private void receiveIdentifyPush(ProtocolStream stream) throws IOException {
        stream.setReadTimeout(limits.streamNegotiationTimeout());
        readIdentify(stream, (HostConnection) stream.connection());
    }

    /**
     * Reads identify messages until the sender closes (go may split one across several messages) and
     * records them. "The peer MUST ... verify that the public key matches the peer ID." A peer whose
     * identify breaks the protocol (oversized, malformed, another peer's key) loses the connection.
     */
    private IdentifyInfo readIdentify(ProtocolStream s, HostConnection c) throws IOException {
        try {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] message;
            for (int i = 0; i < 10 && (message = LengthPrefixed.readIfPresent(s.in(), IdentifyInfo.MAX_MESSAGE_LENGTH)) != null; i++) {
                all.writeBytes(message); // concatenated protobuf messages merge, as protobuf specifies
            }
            IdentifyInfo info = IdentifyInfo.decode(all.toByteArray());
            if (info.publicKey().isPresent() && !c.remotePeer().matches(info.publicKey().get())) {
                throw new MalformedMessageException("identify: the public key does not belong to " + c.remotePeer());
            }
            peerstore.recordIdentify(c.remotePeer(), info);
            return info;
        } catch (MalformedMessageException e) {
            LOG.log(Level.INFO, () -> "closing the connection to " + c.remotePeer() + ": " + e.getMessage());
            c.close();
            throw e;
        }
    }

    /** Identify push: tells every connected peer our current addresses and protocols. */
    private void pushIdentify() {
        if (closed) {
            return;
        }
        for (Connection c : connections()) {
            try {
                run("identify-push", () -> {
                    try (ProtocolStream s = c.newStream(IDENTIFY_PUSH)) {
                        LengthPrefixed.write(s.out(), ourIdentify(c).encode());
                        s.closeWrite();
                    } catch (IOException e) {
                        LOG.log(Level.DEBUG, () -> "identify push to " + c.remotePeer() + " failed: " + e.getMessage());
                    }
                });
            } catch (RejectedExecutionException e) {
                return;
            }
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

    private Transport transportFor(Multiaddr address) {
        return transports.stream().filter(t -> t.handles(address)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no transport handles " + address));
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

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    /**
     * Closes every listener and connection and ends every thread the host started; returns when they
     * have ended (or after a few seconds, with a warning). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        transportListeners.forEach(Host::closeQuietly);
        transportListeners.clear();
        List<Connection> open = connections();
        open.forEach(Connection::close);
        threads.shutdownNow();
        try {
            boolean ended = threads.awaitTermination(5, TimeUnit.SECONDS);
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
                for (Multiaddr a : listen) {
                    host.listen(a);
                }
            } catch (IOException | RuntimeException e) {
                host.close();
                throw e;
            }
            return host;
        }
    }
}
