package org.jlibp2p.core.host;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.RawConnection;

/**
 * Inbound connections: one accept loop per listener, and one virtual thread per handshake. The
 * accept loop takes a handshake slot before it accepts, so slow handshakes cannot pile up; one bad
 * socket never stops it.
 */
final class Acceptor {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.host");

    private final Host host;
    private final Semaphore pendingInbound;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    Acceptor(Host host) {
        this.host = host;
        this.pendingInbound = new Semaphore(host.limits().maxPendingInbound());
    }

    /** Starts accepting on a listener. */
    void start(Listener listener) {
        listeners.add(listener);
        host.run("accept-" + listener.localAddress(), () -> acceptLoop(listener));
    }

    /** The first pause after a failed accept; it doubles up to {@link #MAX_BACKOFF_MS} (go-libp2p's numbers). */
    static final long FIRST_BACKOFF_MS = 5;
    /** The longest pause between failed accepts. */
    static final long MAX_BACKOFF_MS = 1000;

    private void acceptLoop(Listener listener) {
        long backoff = 0;
        long failures = 0;
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
                if (closed || !listeners.contains(listener)) {
                    return;
                }
                // Out of file descriptors, say: pause before trying again, so the loop does not spin,
                // and log the 1st, 2nd, 4th, 8th... failure in a row rather than every one.
                backoff = backoff == 0 ? FIRST_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, backoff * 2);
                failures++;
                if (Long.bitCount(failures) == 1) {
                    long n = failures;
                    long pause = backoff;
                    LOG.log(Level.WARNING, () -> "accept on " + listener.localAddress() + " failed (" + n + " in a row), retrying in "
                            + pause + " ms: " + e.getMessage());
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                continue;
            }
            backoff = 0;
            failures = 0;
            try {
                host.run("handshake", () -> {
                    try {
                        handshake(raw);
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

    private void handshake(RawConnection raw) {
        try {
            host.registry.checkLimit(Role.RESPONDER);
        } catch (IOException e) {
            LOG.log(Level.INFO, () -> "refusing a connection from " + raw.remoteAddress() + ": " + e.getMessage());
            closeQuietly(raw);
            return;
        }
        try {
            host.register(host.upgrader.inbound(raw), Role.RESPONDER);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "inbound connection from " + raw.remoteAddress() + " failed: " + e.getMessage());
        }
    }

    /** Closes every listener; the accept loops end. */
    void close() {
        closed = true;
        listeners.forEach(Acceptor::closeQuietly);
        listeners.clear();
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }
}
