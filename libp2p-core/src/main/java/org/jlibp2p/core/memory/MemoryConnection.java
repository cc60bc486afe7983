package org.jlibp2p.core.memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.spi.RawConnection;

/** One end of an in-memory connection: a pipe end with its addresses. Closing it once releases its number. */
final class MemoryConnection implements RawConnection {
    private final Duplex pipe;
    private final Multiaddr local;
    private final Multiaddr remote;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    MemoryConnection(Duplex pipe, Multiaddr local, Multiaddr remote, Runnable onClose) {
        this.pipe = pipe;
        this.local = local;
        this.remote = remote;
        this.onClose = onClose;
    }

    @Override
    public InputStream in() {
        return pipe.in();
    }

    @Override
    public OutputStream out() {
        return pipe.out();
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        pipe.setReadTimeout(timeout);
    }

    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            try {
                pipe.close();
            } finally {
                onClose.run();
            }
        }
    }

    @Override
    public Multiaddr localAddress() {
        return local;
    }

    @Override
    public Multiaddr remoteAddress() {
        return remote;
    }

    @Override
    public String toString() {
        return "memory " + local + " <-> " + remote;
    }
}
