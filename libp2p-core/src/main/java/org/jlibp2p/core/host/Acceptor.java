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
                if (closed || !listeners.contains(listener)) {
                    return;
                }
                LOG.log(Level.WARNING, () -> "accept on " + listener.localAddress() + " failed: " + e.getMessage());
                continue;
            }
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
