package org.jlibp2p.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.RawConnection;

/** A listening socket. Closing it wakes a blocked {@link #accept()} with an exception. */
final class TcpListener implements Listener {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.tcp");
    private final ServerSocket server;
    private final Multiaddr local;

    TcpListener(ServerSocket server) {
        this.server = server;
        this.local = TcpTransport.toMultiaddr((InetSocketAddress) server.getLocalSocketAddress());
    }

    @Override
    public Multiaddr localAddress() {
        return local;
    }

    @Override
    public RawConnection accept() throws IOException {
        Socket socket = server.accept();
        try {
            TcpConnection connection = new TcpConnection(socket);
            if (LOG.isLoggable(System.Logger.Level.TRACE)) {
                LOG.log(System.Logger.Level.TRACE, "tcp accepted " + connection.remoteAddress() + " on " + local);
            }
            return connection;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    @Override
    public String toString() {
        return "tcp listener on " + local;
    }
}
