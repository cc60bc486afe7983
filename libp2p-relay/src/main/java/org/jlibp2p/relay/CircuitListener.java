package org.jlibp2p.relay;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.RawConnection;

/**
 * The relay transport's listener on {@code /p2p-circuit}: the hand-over point between the stop
 * handler, which turns an accepted circuit into a {@link RawConnection}, and the host's accept loop,
 * which takes it from {@link #accept()} and upgrades it as it upgrades a TCP connection. A bounded
 * queue: when the host falls {@value #BACKLOG} connections behind, the stop handler waits a moment
 * and then refuses the circuit, as a full TCP backlog refuses a dial. The handler takes its place
 * in the queue before it answers OK and puts the connection there after, so that the host's upgrade
 * never writes before the answer.
 */
final class CircuitListener implements Listener {
    /** Relayed connections handed over and not yet accepted. */
    static final int BACKLOG = 16;

    static final Multiaddr ADDRESS = new Multiaddr(List.of(new Multiaddr.Component(MultiaddrProtocol.P2P_CIRCUIT, new byte[0])));

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Condition room = lock.newCondition();
    private final ArrayDeque<RawConnection> queue = new ArrayDeque<>();
    private final Runnable onClose;
    private int reserved;
    private boolean closed;

    CircuitListener(Runnable onClose) {
        this.onClose = onClose;
    }

    @Override
    public Multiaddr localAddress() {
        return ADDRESS;
    }

    /**
     * Takes a place in the queue for a relayed connection about to be accepted. The stop handler
     * takes it before it answers OK and {@linkplain #deliver delivers} the connection after: the
     * host's upgrade must not write a byte (multistream-select's header) before the answer.
     *
     * @return false if the listener is closed, or stayed full for {@code wait}
     */
    boolean reserve(Duration wait) throws InterruptedIOException {
        lock.lock();
        try {
            long nanos = wait.toNanos();
            while (!closed && queue.size() + reserved >= BACKLOG) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = room.awaitNanos(nanos);
            }
            if (closed) {
                return false;
            }
            reserved++;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing over a relayed connection");
        } finally {
            lock.unlock();
        }
    }

    /** Hands a relayed connection to the accept loop, in the place {@link #reserve} took; closes it if the listener closed meanwhile. */
    void deliver(RawConnection connection) {
        boolean refused;
        lock.lock();
        try {
            reserved--;
            refused = closed;
            if (!refused) {
                queue.add(connection);
                arrived.signal();
            }
        } finally {
            lock.unlock();
        }
        if (refused) {
            closeQuietly(connection);
        }
    }

    /** Gives back a place {@link #reserve} took. */
    void cancel() {
        lock.lock();
        try {
            reserved--;
            room.signal();
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
                    throw new SocketException("the listener on /p2p-circuit is closed");
                }
                arrived.await(1, TimeUnit.MINUTES);
            }
            RawConnection c = queue.poll();
            room.signal();
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting on /p2p-circuit");
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the accept loop and closes what it never took. Idempotent. */
    @Override
    public void close() {
        List<RawConnection> left;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            left = new ArrayList<>(queue);
            queue.clear();
            arrived.signalAll();
            room.signalAll();
        } finally {
            lock.unlock();
        }
        left.forEach(CircuitListener::closeQuietly);
        onClose.run();
    }

    private static void closeQuietly(RawConnection c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing a stream: nothing more to do
        }
    }

    @Override
    public String toString() {
        return "relay listener on /p2p-circuit";
    }
}
