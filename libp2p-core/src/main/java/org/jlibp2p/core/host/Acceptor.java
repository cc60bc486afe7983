package org.jlibp2p.core.host;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.spi.ForwardingRawConnection;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.RawConnection;

/**
 * Inbound connections: one accept loop per listener, and one virtual thread per handshake.
 *
 * <p>The accept loop never waits for a slot: it accepts at once and hands the connection to
 * {@link PendingHandshakes}, which closes another pending handshake when a table is full (leaving a
 * connection in the kernel's queue would let silent sockets lock everyone out). A connection that
 * sends nothing within {@link Limits#firstBytesTimeout()} is closed, and the whole upgrade has
 * {@link Limits#handshakeTimeout()}. A failing accept (out of file descriptors) backs off.
 */
final class Acceptor {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.host");

    private final Host host;
    private final PendingHandshakes pending;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    Acceptor(Host host) {
        this.host = host;
        this.pending = new PendingHandshakes(host.limits(), host.limitLog);
    }

    /** Starts accepting on a listener. */
    void start(Listener listener) {
        listeners.add(listener);
        host.run("accept-" + listener.localAddress(), () -> acceptLoop(listener));
    }

    int pendingHandshakes() {
        return pending.size();
    }

    /** The first pause after a failed accept; it doubles up to {@link #MAX_BACKOFF_MS} (go-libp2p's numbers). */
    static final long FIRST_BACKOFF_MS = 5;
    /** The longest pause between failed accepts. */
    static final long MAX_BACKOFF_MS = 1000;

    private void acceptLoop(Listener listener) {
        long backoff = 0;
        long failures = 0;
        while (!closed) {
            RawConnection raw;
            try {
                raw = listener.accept();
            } catch (IOException e) {
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
            FirstBytes guarded = new FirstBytes(raw);
            PendingHandshakes.Entry entry = pending.admit(guarded, guarded::heard);
            try {
                host.run("handshake", () -> {
                    try {
                        handshake(guarded, entry);
                    } finally {
                        pending.finished(entry);
                    }
                });
            } catch (RejectedExecutionException e) {
                pending.finished(entry);
                closeQuietly(raw);
                return;
            }
        }
    }

    private void handshake(FirstBytes raw, PendingHandshakes.Entry entry) {
        try {
            host.registry.checkLimit(Role.RESPONDER);
        } catch (IOException e) {
            host.limitLog.refused("inbound connections", () -> "refusing a connection from " + raw.remoteAddress() + ": " + e.getMessage());
            closeQuietly(raw);
            return;
        }
        ScheduledFuture<?> silence = host.scheduler.schedule(raw::closeIfSilent, host.limits().firstBytesTimeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            Upgrader.Upgraded upgraded = host.upgrader.inbound(raw);
            pending.finished(entry); // no longer pending: no eviction may close it now
            host.register(upgraded, Role.RESPONDER);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "inbound connection from " + raw.remoteAddress() + " failed: " + e.getMessage());
        } finally {
            silence.cancel(false);
        }
    }

    /**
     * A new inbound connection that notes whether its first byte has arrived, so that a socket that
     * sends nothing can be closed after {@link Limits#firstBytesTimeout()} rather than the whole
     * handshake deadline.
     */
    private final class FirstBytes extends ForwardingRawConnection {
        private final RawConnection raw;
        private final InputStream in;
        private volatile boolean heard;

        FirstBytes(RawConnection raw) {
            super(raw);
            this.raw = raw;
            this.in = new FilterInputStream(raw.in()) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    heard |= b >= 0;
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    heard |= n > 0;
                    return n;
                }
            };
        }

        /**
         * Whether the remote has sent anything: a byte read, or bytes waiting to be read (on a busy
         * machine the handshake thread may not have run yet; a peer that did send is not silent).
         */
        boolean heard() {
            if (heard) {
                return true;
            }
            try {
                return raw.in().available() > 0;
            } catch (IOException e) {
                return false;
            }
        }

        void closeIfSilent() {
            if (!heard()) {
                LOG.log(Level.DEBUG, () -> "closing a connection from " + raw.remoteAddress() + ": nothing received within "
                        + host.limits().firstBytesTimeout().toMillis() + " ms");
                closeQuietly(raw);
            }
        }

        @Override
        public InputStream in() {
            return in;
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
