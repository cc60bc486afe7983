package org.jlibp2p.relay;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.spi.RawConnection;

/**
 * A relayed connection as the relay transport delivers it (relay/circuit-v2.md: "the original hop
 * stream becomes the relayed connection", and the stop stream at the target): the bytes of a stream
 * on the connection to the relay, not yet secured or multiplexed. The host upgrades it as any raw
 * connection. It is limited when the relay announced a {@link Limit}, as go-libp2p and js-libp2p
 * mark theirs.
 *
 * <p>Closing it closes the stream, which the relay passes on to the other end; the connection to the
 * relay stays.
 */
final class RelayedConnection extends ForwardingDuplex implements RawConnection {
    private final ProtocolStream stream;
    private final Multiaddr local;
    private final Multiaddr remote;
    private final Optional<Limit> limit;
    private final AtomicBoolean closed = new AtomicBoolean();

    RelayedConnection(ProtocolStream stream, Multiaddr local, Multiaddr remote, Optional<Limit> limit) {
        super(stream);
        this.stream = stream;
        this.local = local;
        this.remote = remote;
        this.limit = limit;
    }

    @Override
    public Multiaddr localAddress() {
        return local;
    }

    /** {@return {@code <relay address>/p2p/<relay>/p2p-circuit/p2p/<remote peer>}} */
    @Override
    public Multiaddr remoteAddress() {
        return remote;
    }

    @Override
    public boolean isLimited() {
        return limit.isPresent();
    }

    /** {@return the limits the relay announced for this connection} */
    Optional<Limit> limit() {
        return limit;
    }

    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            try {
                stream.close();
            } catch (IOException e) {
                stream.reset();
            }
        }
    }

    /** Ends the connection abortively (a refused or failed circuit). */
    void reset() {
        closed.set(true);
        stream.reset();
    }

    @Override
    public String toString() {
        return "relayed connection " + local + " <-> " + remote;
    }
}
