package org.jlibp2p.core.host;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.record.Envelope;

/**
 * The host's {@link ServiceContext} for one service: everything is passed to the host, and what the
 * service starts (handlers, subscriptions, threads, periodic tasks) is remembered so that
 * {@link #release()} can undo it when the host closes.
 */
final class HostServiceContext implements ServiceContext {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.host");

    private final Host host;
    private final String name;
    private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();
    private final List<EventSubscription> subscriptions = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final List<Future<?>> tasks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.CopyOnWriteArrayList<Multiaddr> advertised = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<HostConnection> protectedConnections = ConcurrentHashMap.newKeySet();
    private volatile boolean released;

    HostServiceContext(Host host, String name) {
        this.host = host;
        this.name = name;
    }

    @Override
    public PeerId peerId() {
        return host.peerId();
    }

    @Override
    public PublicKey publicKey() {
        return host.identity().publicKey();
    }

    @Override
    public byte[] sign(byte[] data) {
        return host.identity().sign(data);
    }

    @Override
    public Envelope seal(String domain, byte[] payloadType, byte[] payload) {
        return Envelope.seal(host.identity(), domain, payloadType, payload);
    }

    @Override
    public List<Multiaddr> listenAddrs() {
        return host.listenAddrs();
    }

    @Override
    public List<Multiaddr> advertisedAddrs() {
        return host.advertisedAddrs();
    }

    @Override
    public void addAdvertisedAddrs(List<Multiaddr> addrs) {
        advertised.addAllAbsent(addrs);
        host.addAdvertisedAddrs(addrs);
    }

    @Override
    public void removeAdvertisedAddrs(List<Multiaddr> addrs) {
        advertised.removeAll(addrs);
        host.removeAdvertisedAddrs(addrs);
    }

    @Override
    public void protect(Connection connection) {
        if (connection instanceof HostConnection c) {
            c.protect(this);
            protectedConnections.add(c);
        }
    }

    @Override
    public void unprotect(Connection connection) {
        if (connection instanceof HostConnection c) {
            c.unprotect(this);
            protectedConnections.remove(c);
        }
    }

    @Override
    public List<String> protocols() {
        return host.protocols();
    }

    @Override
    public Limits limits() {
        return host.limits();
    }

    @Override
    public void setStreamHandler(String protocol, StreamHandler handler) {
        setStreamHandler(protocol, handler, host.limits().maxStreamsPerProtocol());
    }

    @Override
    public void setStreamHandler(String protocol, StreamHandler handler, int maxStreams) {
        setStreamHandler(protocol, handler, maxStreams, host.limits().maxStreamsPerPeerPerProtocol());
    }

    @Override
    public void setStreamHandler(String protocol, StreamHandler handler, int maxStreams, int maxStreamsPerPeer) {
        host.setStreamHandler(protocol, handler, maxStreams, maxStreamsPerPeer);
        handlers.put(protocol, handler);
    }

    @Override
    public void removeStreamHandler(String protocol) {
        StreamHandler h = handlers.remove(protocol);
        if (h != null) {
            host.handlers.remove(protocol, h);
        }
    }

    @Override
    public void allowOnLimitedConnections(String protocol) {
        host.handlers.allowOnLimited(protocol);
    }

    @Override
    public Connection connect(Multiaddr address) throws IOException {
        return host.connect(address);
    }

    @Override
    public Connection connect(PeerId peer) throws IOException {
        return host.connect(peer);
    }

    @Override
    public ProtocolStream newStream(PeerId peer, String... protocols) throws IOException {
        return host.newStream(peer, protocols);
    }

    @Override
    public List<Connection> connections() {
        return host.connections();
    }

    @Override
    public List<Connection> connections(PeerId peer) {
        return host.connections(peer);
    }

    @Override
    public <T extends HostEvent> EventSubscription subscribe(Class<T> type, Consumer<? super T> consumer) {
        EventSubscription s = host.subscribe(type, consumer);
        subscriptions.add(s);
        return s;
    }

    @Override
    public Peerstore peerstore() {
        return host.peerstore();
    }

    @Override
    public void execute(String threadName, Runnable task) {
        if (released) {
            return;
        }
        try {
            host.run(name + "-" + threadName, () -> {
                Thread me = Thread.currentThread();
                threads.add(me);
                try {
                    if (!released && host.awaitBuilt() && !released) {
                        task.run();
                    }
                } finally {
                    threads.remove(me);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, () -> name + ": not starting " + threadName + ", the host is closing");
        }
    }

    @Override
    public Future<?> schedule(String threadName, Duration initialDelay, Duration period, Runnable task) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("the period must be positive");
        }
        AtomicBoolean running = new AtomicBoolean();
        Future<?> f = host.scheduler.scheduleAtFixedRate(() -> {
            if (!running.compareAndSet(false, true)) {
                return; // the previous run is still going: this one is skipped
            }
            execute(threadName, () -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, name + ": periodic task " + threadName + " failed", e);
                } finally {
                    running.set(false);
                }
            });
        }, initialDelay.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
        tasks.add(f);
        return f;
    }

    /** Undoes what the service started: tasks, subscriptions, handlers, threads. */
    void release() {
        released = true;
        tasks.forEach(f -> f.cancel(false));
        subscriptions.forEach(EventSubscription::close);
        handlers.forEach((protocol, h) -> host.handlers.remove(protocol, h));
        handlers.clear();
        host.removeAdvertisedAddrs(List.copyOf(advertised));
        protectedConnections.forEach(c -> c.unprotect(this));
        new ArrayList<>(threads).forEach(Thread::interrupt);
    }

    @Override
    public String toString() {
        return "service context of " + name;
    }
}
