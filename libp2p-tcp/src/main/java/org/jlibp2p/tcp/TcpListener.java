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
            return new TcpConnection(socket);
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
