package org.jlibp2p.core.memory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.RawConnection;

/**
 * A listener on one {@code /memory/<n>} number: a bounded queue of connections that dialers have
 * made and {@link #accept()} has not yet taken. Closing it frees the number, wakes blocked accepts
 * with an exception, and closes the connections still queued (their dialers read end-of-stream).
 */
final class MemoryListener implements Listener {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.memory");

    private final MemoryNetwork network;
    private final MemoryTransport owner;
    private final long number;
    private final Multiaddr local;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<RawConnection> queue = new ArrayDeque<>();
    private boolean closed;
    private boolean refusalLogged;

    MemoryListener(MemoryNetwork network, MemoryTransport owner, long number, int capacity) {
        this.network = network;
        this.owner = owner;
        this.number = number;
        this.local = address(number);
        this.capacity = capacity;
    }

    static Multiaddr address(long number) {
        return new Multiaddr(List.of(Multiaddr.Component.of(MultiaddrProtocol.MEMORY, Long.toString(number))));
    }

    long number() {
        return number;
    }

    /** {@return the transport that made this listener: its connections are that transport's too} */
    MemoryTransport owner() {
        return owner;
    }

    @Override
    public Multiaddr localAddress() {
        return local;
    }

    /**
     * Queues a dialed connection for {@link #accept()}.
     *
     * @throws ConnectException if the listener is closed or its queue is full
     */
    void enqueue(RawConnection connection) throws ConnectException {
        lock.lock();
        try {
            if (closed) {
                throw new ConnectException("memory: connection refused: the listener on " + local + " is closed");
            }
            if (queue.size() >= capacity) {
                if (!refusalLogged) {
                    refusalLogged = true;
                    LOG.log(System.Logger.Level.WARNING, "memory: the accept queue of " + local + " is full (" + capacity
                            + " connections not yet accepted); refusing dials until it drains (logged once per listener)");
                }
                throw new ConnectException("memory: connection refused: the accept queue of " + local + " is full (" + capacity + ")");
            }
            queue.add(connection);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RawConnection accept() throws IOException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    throw new SocketException("memory: the listener on " + local + " is closed");
                }
                arrived.await();
            }
            return queue.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("memory: interrupted while accepting on " + local);
        } finally {
            lock.unlock();
        }
    }

    /** Frees the number, wakes every accept, and closes what was never accepted. Idempotent. */
    @Override
    public void close() {
        List<RawConnection> unaccepted;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            unaccepted = new ArrayList<>(queue);
            queue.clear();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        network.unbind(this);
        for (RawConnection c : unaccepted) {
            try {
                c.close();
            } catch (IOException e) {
                // pipes do not fail to close
            }
        }
    }

    @Override
    public String toString() {
        return "memory listener on " + local;
    }
}
