package org.jlibp2p.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.jlibp2p.core.Duplex;

/** A loopback TCP connection as a {@link Duplex}, for benchmarks and tests of one layer over real sockets. */
public final class SocketDuplex implements Duplex {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private SocketDuplex(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Two ends of a loopback TCP connection. @param a the connecting end @param b the accepted end */
    public record Pair(SocketDuplex a, SocketDuplex b) {}

    /**
     * Opens a loopback connection.
     *
     * @return both ends
     * @throws IOException if the loopback interface fails
     */
    public static Pair pair() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket();
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
            return new Pair(new SocketDuplex(client), new SocketDuplex(server.accept()));
        }
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
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
