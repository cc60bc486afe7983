package org.jlibp2p.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.spi.RawConnection;

/** A connected socket as a raw connection. */
final class TcpConnection implements RawConnection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Multiaddr local;
    private final Multiaddr remote;

    TcpConnection(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.local = TcpTransport.toMultiaddr((InetSocketAddress) socket.getLocalSocketAddress());
        this.remote = TcpTransport.toMultiaddr((InetSocketAddress) socket.getRemoteSocketAddress());
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        // Zero means no timeout, for both Duplex and Socket; a positive timeout under 1 ms rounds up.
        long millis = timeout.isZero() ? 0 : Math.max(1, timeout.toMillis());
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
    }

    @Override
    public void close() throws IOException {
        socket.close();
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
        return "tcp " + local + " <-> " + remote;
    }
}
