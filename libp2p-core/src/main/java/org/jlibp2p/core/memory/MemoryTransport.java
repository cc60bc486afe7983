package org.jlibp2p.core.memory;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
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
 *       ends well within its timeout.</li>
 *   <li>The connection's addresses are {@code /memory} addresses: the listener's number, and a number
 *       the network gives the dialer for as long as its connection is open.</li>
 *   <li>Bytes, half-close, EOF, read timeouts and backpressure are those of {@link Pipes}.</li>
 * </ul>
 *
 * <p>The transport starts no threads: a blocked accept, read or write runs on its caller's thread
 * and is woken by closing the listener or the connection.
 */
public final class MemoryTransport implements Transport {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.memory");

    private final MemoryNetwork network;

    MemoryTransport(MemoryNetwork network) {
        this.network = network;
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
     * <p>Connects at once or fails at once (see the class comment).
     *
     * @throws ConnectException if nothing listens at the address, or its accept queue is full
     */
    @Override
    public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        long number = number(address);
        MemoryNetwork.Route route = network.route(number);
        Pipes.Pair pipes = Pipes.pair(network.bufferSize());
        Multiaddr dialerAddress = MemoryListener.address(route.dialerNumber());
        Multiaddr listenerAddress = route.listener().localAddress();
        MemoryConnection ours = new MemoryConnection(pipes.a(), dialerAddress, listenerAddress,
                () -> network.release(route.dialerNumber()));
        MemoryConnection theirs = new MemoryConnection(pipes.b(), listenerAddress, dialerAddress, () -> {});
        try {
            route.listener().enqueue(theirs);
        } catch (ConnectException e) {
            ours.close();
            theirs.close();
            throw e;
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
        return network.bind(number(address));
    }

    @Override
    public String toString() {
        return "memory transport on " + network;
    }

    private long number(Multiaddr address) {
        if (!handles(address)) {
            throw new IllegalArgumentException("memory cannot handle " + address + " (want /memory/<n>)");
        }
        return Long.parseLong(address.withoutPeerId().components().get(0).valueText());
    }
}
