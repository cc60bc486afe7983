package org.jlibp2p.testing;

import java.io.IOException;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.memory.Pipes;
import org.jlibp2p.core.spi.RawConnection;

/** Raw connections over in-memory pipes or loopback sockets, for testing a security layer alone. */
public final class RawConnections {
    private RawConnections() {}

    /** Two ends of one raw connection. @param a the dialer's end @param b the listener's end */
    public record Pair(RawConnection a, RawConnection b) {}

    /** {@return a raw connection over in-memory pipes} */
    public static Pair pipes() {
        Pipes.Pair p = Pipes.pair(256 * 1024);
        return new Pair(wrap(p.a(), "/memory/1", "/memory/2"), wrap(p.b(), "/memory/2", "/memory/1"));
    }

    /**
     * A raw connection over loopback TCP.
     *
     * @return both ends
     * @throws IOException if the loopback interface fails
     */
    public static Pair tcp() throws IOException {
        SocketDuplex.Pair p = SocketDuplex.pair();
        return new Pair(wrap(p.a(), "/ip4/127.0.0.1/tcp/1", "/ip4/127.0.0.1/tcp/2"), wrap(p.b(), "/ip4/127.0.0.1/tcp/2", "/ip4/127.0.0.1/tcp/1"));
    }

    /**
     * Presents any duplex as a raw connection.
     *
     * @param duplex the bytes
     * @param local  the local address to report
     * @param remote the remote address to report
     * @return the connection
     */
    public static RawConnection wrap(Duplex duplex, String local, String remote) {
        Multiaddr localAddr = Multiaddr.parse(local);
        Multiaddr remoteAddr = Multiaddr.parse(remote);
        return new Wrapped(duplex, localAddr, remoteAddr);
    }

    private static final class Wrapped extends ForwardingDuplex implements RawConnection {
        private final Multiaddr local;
        private final Multiaddr remote;

        Wrapped(Duplex duplex, Multiaddr local, Multiaddr remote) {
            super(duplex);
            this.local = local;
            this.remote = remote;
        }

        @Override
        public Multiaddr localAddress() {
            return local;
        }

        @Override
        public Multiaddr remoteAddress() {
            return remote;
        }
    }
}
