package org.jlibp2p.core.memory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.Transport;

/**
 * A transport without sockets: {@code /memory/<n>} addresses on a {@link MemoryNetwork}, every
 * connection a pair of in-memory {@link Pipes}. It is for tests and simulations: many hosts in one
 * JVM, each with the full stack above the transport (security, muxer, protocols), with no ports to
 * allocate, no file descriptors, no loopback latency and no firewall in the way. It is never part of
 * the default stack (it is not a {@link java.util.ServiceLoader} service): a host uses it only when
 * given it.
 *
 * <pre>{@code
 * MemoryNetwork net = new MemoryNetwork();
 * try (Host server = Host.builder().transport(net.transport()).listen("/memory/0")
 *              .handler("/echo/1.0.0", s -> s.in().transferTo(s.out())).build();
 *      Host client = Host.builder().transport(net.transport()).build()) {
 *     ProtocolStream s = client.newStream(server.fullAddrs().get(0), "/echo/1.0.0");
 * }
 * }</pre>
 *
 * <p>It behaves as a TCP transport does, in the ways the stack can observe:
 * <ul>
 *   <li>{@link #listen} on {@code /memory/0} picks a free number; on a number in use it fails with
 *       {@link java.net.BindException}. Closing the listener frees the number.</li>
 *   <li>{@link #dial} connects as soon as the listener has queued the connection, before it is
 *       accepted (as a kernel completes a TCP connect into the listen backlog), so one thread can
 *       dial and then accept. Nothing listening, a closed listener or a full accept queue is a
 *       {@link ConnectException} at once ("connection refused"). A dial never waits, so it always
 *       ends well within its timeout (except to or from an {@linkplain #unplug() unplugged} transport).</li>
 *   <li>The connection's addresses are {@code /memory} addresses: the listener's number, and a number
 *       the network gives the dialer for as long as its connection is open.</li>
 *   <li>Bytes, half-close, EOF, read timeouts and backpressure are those of {@link Pipes}.</li>
 * </ul>
 *
 * <p>The transport starts no threads: a blocked accept, read or write runs on its caller's thread
 * and is woken by closing the listener or the connection.
 *
 * <p>A transport from {@link MemoryNetwork#newTransport()} belongs to one host, like a machine's
 * network interface, and can be {@linkplain #unplug() unplugged}: the host then vanishes without a
 * word, as a machine does when it loses power or its cable, which is how peers go away most often
 * on a real network and what a protocol's timeouts are for.
 */
public final class MemoryTransport implements Transport {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.memory");

    /**
     * How long a dial with no timeout waits for an unplugged host: Linux gives up on a TCP connect
     * that gets no answer after about 127 s (six SYN retries, {@code net.ipv4.tcp_syn_retries}).
     */
    static final Duration UNANSWERED_CONNECT = Duration.ofSeconds(127);

    private final MemoryNetwork network;
    /** The pipes of every connection this transport dialed or accepted, until its own end closes. */
    private final Set<Pipes.Pair> connections = ConcurrentHashMap.newKeySet();
    /** The numbers this transport listens on. */
    private final Set<Long> numbers = ConcurrentHashMap.newKeySet();
    private volatile boolean unplugged;

    MemoryTransport(MemoryNetwork network) {
        this.network = network;
    }

    /**
     * Cuts this transport off the network for good, without telling anyone: every connection it
     * dialed or accepted goes silent at both ends ({@link Pipes#silence}: writes are dropped, reads
     * wait for their timeouts, neither side sees the other close), its listeners take no more
     * connections, and dials to or from it wait for their whole timeout and then fail with a
     * {@link SocketTimeoutException}, as a TCP connect to a host that is gone does; its listener
     * numbers stay unanswered even after its host closes them, and are never given out again. A read
     * without a timeout on a silent connection waits until its own side closes. The hosts above
     * learn of it only through their own deadlines. Meant for transports from
     * {@link MemoryNetwork#newTransport()}; unplugging the shared {@link MemoryNetwork#transport()}
     * cuts off every host that uses it.
     */
    public void unplug() {
        unplugged = true;
        network.silence(Set.copyOf(numbers));
        for (Pipes.Pair pair : connections) {
            Pipes.silence(pair);
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "memory: unplugged a transport with " + connections.size() + " connections");
    }

    /** Forgets a closed listener's number, unless unplugged (then it stays unanswered). */
    void listenerClosed(long number) {
        if (!unplugged) {
            numbers.remove(number);
        }
    }

    /** {@return whether {@link #unplug()} was called} */
    public boolean isUnplugged() {
        return unplugged;
    }

    /** {@return the network this transport dials and listens on} */
    public MemoryNetwork network() {
        return network;
    }

    /** Handles {@code /memory/<n>}, with or without {@code /p2p/<id>} after it. */
    @Override
    public boolean handles(Multiaddr address) {
        List<Multiaddr.Component> c = address.withoutPeerId().components();
        return c.size() == 1 && c.get(0).protocol() == MultiaddrProtocol.MEMORY;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Connects at once or fails at once (see the class comment), unless this transport or the
     * listener's is {@linkplain #unplug() unplugged}: then it waits for the whole timeout (127 s if
     * zero) and fails.
     *
     * @throws ConnectException       if nothing listens at the address, or its accept queue is full
     * @throws SocketTimeoutException if this transport or the listener's is unplugged
     */
    @Override
    public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        long number = number(address);
        if (unplugged || network.isSilenced(number)) {
            throw unanswered(address, timeout);
        }
        MemoryNetwork.Route route = network.route(number);
        MemoryTransport remote = route.listener().owner();
        if (remote.unplugged) {
            network.release(route.dialerNumber());
            throw unanswered(address, timeout);
        }
        Pipes.Pair pipes = Pipes.pair(network.bufferSize());
        Multiaddr dialerAddress = MemoryListener.address(route.dialerNumber());
        Multiaddr listenerAddress = route.listener().localAddress();
        connections.add(pipes);
        remote.connections.add(pipes);
        MemoryConnection ours = new MemoryConnection(pipes.a(), dialerAddress, listenerAddress, () -> {
            network.release(route.dialerNumber());
            connections.remove(pipes);
        });
        MemoryConnection theirs = new MemoryConnection(pipes.b(), listenerAddress, dialerAddress, () -> remote.connections.remove(pipes));
        try {
            route.listener().enqueue(theirs);
        } catch (ConnectException e) {
            ours.close();
            theirs.close();
            throw e;
        }
        if (unplugged || remote.unplugged) {
            Pipes.silence(pipes); // unplugged while this dial ran: the connection never carries
        }
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "memory connected " + dialerAddress + " -> " + listenerAddress);
        }
        return ours;
    }

    /**
     * {@inheritDoc}
     *
     * @throws java.net.BindException if another listener, or an open dialer's connection, holds the number
     */
    @Override
    public Listener listen(Multiaddr address) throws IOException {
        MemoryListener listener = network.bind(number(address), this);
        numbers.add(listener.number());
        if (unplugged) {
            network.silence(Set.of(listener.number()));
        }
        return listener;
    }

    @Override
    public String toString() {
        return "memory transport on " + network;
    }

    /** Waits out a connect that nobody answers, then fails as such a TCP connect does. */
    private static SocketTimeoutException unanswered(Multiaddr address, Duration timeout) throws InterruptedIOException {
        Duration wait = timeout.isZero() ? UNANSWERED_CONNECT : timeout;
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting to " + address);
        }
        return new SocketTimeoutException("memory: no answer from " + address + " within " + wait.toMillis() + " ms");
    }

    private long number(Multiaddr address) {
        if (!handles(address)) {
            throw new IllegalArgumentException("memory cannot handle " + address + " (want /memory/<n>)");
        }
        return Long.parseLong(address.withoutPeerId().components().get(0).valueText());
    }
}
