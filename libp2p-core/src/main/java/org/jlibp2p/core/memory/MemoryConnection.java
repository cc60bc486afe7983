package org.jlibp2p.core.memory;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.spi.RawConnection;

/** One end of an in-memory connection: a pipe end with its addresses. Closing it once releases its number. */
final class MemoryConnection extends ForwardingDuplex implements RawConnection {
    private final Multiaddr local;
    private final Multiaddr remote;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    MemoryConnection(Duplex pipe, Multiaddr local, Multiaddr remote, Runnable onClose) {
        super(pipe);
        this.local = local;
        this.remote = remote;
        this.onClose = onClose;
    }

    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            try {
                super.close();
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
