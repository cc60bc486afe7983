package org.jlibp2p.core.memory;

import java.net.BindException;
import java.net.ConnectException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A private address space of {@code /memory/<n>} numbers: the "network" that in-memory transports
 * share. Hosts whose transports come from the same network can reach each other; hosts on different
 * networks cannot, so tests running side by side never see each other's listeners (there is no
 * JVM-wide registry).
 *
 * <pre>{@code
 * MemoryNetwork net = new MemoryNetwork();
 * Host a = Host.builder().transport(net.transport()).listen("/memory/0")...build();
 * Host b = Host.builder().transport(net.transport())...build();
 * b.connect(a.fullAddrs().get(0));    // /memory/1/p2p/12D3KooW...
 * }</pre>
 *
 * <p>A number plays the part of an IP address and port together. Listening on {@code /memory/0} picks
 * a free number; each dialer is given a number of its own for as long as its connection is open (an
 * ephemeral port), so both ends of a connection report {@code /memory} addresses. Numbers start at 1
 * and are handed out in increasing order, skipping those in use.
 *
 * <p>Each connection is a {@link Pipes} pair of {@link #bufferSize()} bytes per direction, so a
 * writer blocks while its peer does not read, as with a TCP socket; each listener queues at most
 * {@link #acceptQueue()} connections that it has not yet accepted.
 */
public final class MemoryNetwork {
    /** Bytes buffered in each direction of a connection: the size of a typical socket buffer. */
    public static final int DEFAULT_BUFFER_SIZE = Pipes.DEFAULT_CAPACITY;
    /**
     * Connections a listener holds before they are accepted: Linux's default {@code somaxconn} before
     * kernel 5.4. A host accepts at once, so the queue fills only when its owner stops accepting.
     */
    public static final int DEFAULT_ACCEPT_QUEUE = 128;
    /** The largest buffer a connection may have per direction. */
    public static final int MAX_BUFFER_SIZE = 16 * 1024 * 1024;
    /** The longest accept queue a listener may have. */
    public static final int MAX_ACCEPT_QUEUE = 65_536;

    private final int bufferSize;
    private final int acceptQueue;
    private final MemoryTransport transport = new MemoryTransport(this);

    private final ReentrantLock lock = new ReentrantLock();
    /** Who listens on which number. */
    private final Map<Long, MemoryListener> listeners = new HashMap<>();
    /** The numbers dialers hold while their connections are open. */
    private final Set<Long> dialers = new HashSet<>();
    /** Listener numbers of unplugged transports: dials there go unanswered for good, and nobody gets them again. */
    private final Set<Long> silenced = new HashSet<>();
    /** Where the search for a free number starts. */
    private long next = 1;

    /** A network with {@link #DEFAULT_BUFFER_SIZE} and {@link #DEFAULT_ACCEPT_QUEUE}. */
    public MemoryNetwork() {
        this(DEFAULT_BUFFER_SIZE, DEFAULT_ACCEPT_QUEUE);
    }

    /**
     * A network with its own limits.
     *
     * @param bufferSize  bytes buffered per direction of each connection, 1 to {@link #MAX_BUFFER_SIZE}
     * @param acceptQueue connections a listener queues before it refuses more, 1 to {@link #MAX_ACCEPT_QUEUE}
     */
    public MemoryNetwork(int bufferSize, int acceptQueue) {
        if (bufferSize < 1 || bufferSize > MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException("bufferSize must be 1 to " + MAX_BUFFER_SIZE + ": " + bufferSize);
        }
        if (acceptQueue < 1 || acceptQueue > MAX_ACCEPT_QUEUE) {
            throw new IllegalArgumentException("acceptQueue must be 1 to " + MAX_ACCEPT_QUEUE + ": " + acceptQueue);
        }
        this.bufferSize = bufferSize;
        this.acceptQueue = acceptQueue;
    }

    /** {@return the transport that dials and listens on this network; any number of hosts may share it} */
    public MemoryTransport transport() {
        return transport;
    }

    /**
     * A transport of its own on this network, for one host: like a machine's network interface, it can
     * be {@linkplain MemoryTransport#unplug() unplugged} without touching the other hosts.
     *
     * @return a new transport on this network
     */
    public MemoryTransport newTransport() {
        return new MemoryTransport(this);
    }

    /** {@return the bytes each direction of a connection buffers} */
    public int bufferSize() {
        return bufferSize;
    }

    /** {@return how many connections a listener queues before it refuses more} */
    public int acceptQueue() {
        return acceptQueue;
    }

    /** {@return how many listeners are open} */
    public int listenerCount() {
        lock.lock();
        try {
            return listeners.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "memory network with " + listenerCount() + " listeners";
    }

    // ---- for the transport -------------------------------------------------------------------

    /**
     * Binds a listener to a number.
     *
     * @param number the number, or 0 for a free one
     * @return the listener
     * @throws BindException if the number is in use
     */
    MemoryListener bind(long number, MemoryTransport owner) throws BindException {
        lock.lock();
        try {
            if (number == 0) {
                number = freeNumber();
            } else if (listeners.containsKey(number) || dialers.contains(number) || silenced.contains(number)) {
                throw new BindException("memory: /memory/" + number + " is already in use"
                        + (listeners.containsKey(number) ? " by a listener" : dialers.contains(number) ? " by a dialer's connection" : " by an unplugged host"));
            }
            MemoryListener listener = new MemoryListener(this, owner, number, acceptQueue);
            listeners.put(number, listener);
            return listener;
        } finally {
            lock.unlock();
        }
    }

    /** Frees a listener's number, if that listener still holds it. */
    void unbind(MemoryListener listener) {
        lock.lock();
        try {
            listeners.remove(listener.number(), listener);
        } finally {
            lock.unlock();
        }
        listener.owner().listenerClosed(listener.number());
    }

    /**
     * Finds the listener on a number and reserves a number for the dialer.
     *
     * @return the listener and the dialer's number
     * @throws ConnectException if nobody listens there
     */
    Route route(long number) throws ConnectException {
        lock.lock();
        try {
            MemoryListener listener = listeners.get(number);
            if (listener == null) {
                throw new ConnectException("memory: connection refused: nothing listens on /memory/" + number);
            }
            long dialer = freeNumber();
            dialers.add(dialer);
            return new Route(listener, dialer);
        } finally {
            lock.unlock();
        }
    }

    /** Keeps an unplugged transport's listener numbers unanswered, even after its listeners close. */
    void silence(Set<Long> numbers) {
        lock.lock();
        try {
            silenced.addAll(numbers);
        } finally {
            lock.unlock();
        }
    }

    /** {@return whether a number belongs to an unplugged host} */
    boolean isSilenced(long number) {
        lock.lock();
        try {
            return silenced.contains(number);
        } finally {
            lock.unlock();
        }
    }

    /** Frees a dialer's number once its connection is closed. */
    void release(long dialerNumber) {
        lock.lock();
        try {
            dialers.remove(dialerNumber);
        } finally {
            lock.unlock();
        }
    }

    /** A dial's destination and the number it dials from. */
    record Route(MemoryListener listener, long dialerNumber) {}

    /** The next number no listener or dialer holds; the caller holds the lock. */
    private long freeNumber() {
        while (listeners.containsKey(next) || dialers.contains(next) || silenced.contains(next)) {
            next = next == Long.MAX_VALUE ? 1 : next + 1;
        }
        long n = next;
        next = next == Long.MAX_VALUE ? 1 : next + 1;
        return n;
    }
}
