package org.jlibp2p.tcp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.Transport;

/**
 * TCP, the transport of most libp2p nodes. An address is an IP address or a DNS name, then a port:
 * {@code /ip4/1.2.3.4/tcp/4001}, {@code /ip6/::1/tcp/4001}, {@code /dns4/example.com/tcp/4001}, with
 * an optional {@code /p2p/<id>} at the end. Sockets have TCP_NODELAY on: libp2p protocols are
 * request/response heavy and batch their own writes.
 *
 * <pre>{@code
 * TcpTransport tcp = new TcpTransport();
 * try (Listener listener = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
 *      RawConnection c = tcp.dial(listener.localAddress(), Duration.ofSeconds(5))) {
 *     ...
 * }
 * }</pre>
 */
public final class TcpTransport implements Transport {
    /** The accept backlog of listening sockets. */
    public static final int LISTEN_BACKLOG = 512;

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.tcp");

    /** A TCP transport. Stateless: one instance can serve any number of hosts. */
    public TcpTransport() {}

    @Override
    public boolean handles(Multiaddr address) {
        List<Multiaddr.Component> c = address.withoutPeerId().components();
        if (c.size() != 2 || c.get(1).protocol() != MultiaddrProtocol.TCP) {
            return false;
        }
        return switch (c.get(0).protocol()) {
            case IP4, IP6, DNS, DNS4, DNS6 -> true;
            default -> false;
        };
    }

    @Override
    public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
        requireHandled(address);
        List<Multiaddr.Component> c = address.withoutPeerId().components();
        int port = Integer.parseInt(c.get(1).valueText());
        IOException last = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (InetAddress ip : resolve(c.get(0))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(ip, port), (int) Math.max(1, Duration.ofNanos(left).toMillis()));
                TcpConnection connection = new TcpConnection(socket);
                if (LOG.isLoggable(System.Logger.Level.TRACE)) {
                    LOG.log(System.Logger.Level.TRACE, "tcp connected " + connection.localAddress() + " -> " + connection.remoteAddress());
                }
                return connection;
            } catch (IOException e) {
                socket.close();
                last = e;
            }
        }
        if (last instanceof SocketTimeoutException || last == null) {
            throw new SocketTimeoutException("tcp: could not connect to " + address + " within " + timeout.toMillis() + " ms");
        }
        throw new IOException("tcp: could not connect to " + address + ": " + last.getMessage(), last);
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        requireHandled(address);
        List<Multiaddr.Component> c = address.components();
        InetAddress ip = resolve(c.get(0)).get(0);
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(ip, Integer.parseInt(c.get(1).valueText())), LISTEN_BACKLOG);
            return new TcpListener(server);
        } catch (IOException e) {
            server.close();
            throw new IOException("tcp: cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * The multiaddr of a socket address.
     *
     * @param address an IP socket address
     * @return {@code /ip4/.../tcp/...} or {@code /ip6/.../tcp/...}
     */
    public static Multiaddr toMultiaddr(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        MultiaddrProtocol family = ip instanceof Inet4Address ? MultiaddrProtocol.IP4 : MultiaddrProtocol.IP6;
        return new Multiaddr(List.of(
                new Multiaddr.Component(family, ip.getAddress()),
                Multiaddr.Component.of(MultiaddrProtocol.TCP, Integer.toString(address.getPort()))));
    }

    private void requireHandled(Multiaddr address) {
        if (!handles(address)) {
            throw new IllegalArgumentException("tcp cannot handle " + address + " (want /ip4|/ip6|/dns|/dns4|/dns6 then /tcp)");
        }
    }

    /** IP components map directly; DNS names are resolved, filtered to the family /dns4 or /dns6 asks for. */
    private static List<InetAddress> resolve(Multiaddr.Component host) throws UnknownHostException {
        return switch (host.protocol()) {
            case IP4, IP6 -> List.of(InetAddress.getByAddress(host.value()));
            default -> {
                List<InetAddress> all = new ArrayList<>();
                for (InetAddress a : InetAddress.getAllByName(host.valueText())) {
                    boolean keep = switch (host.protocol()) {
                        case DNS4 -> a instanceof Inet4Address;
                        case DNS6 -> a instanceof Inet6Address;
                        default -> true;
                    };
                    if (keep) {
                        all.add(a);
                    }
                }
                if (all.isEmpty()) {
                    throw new UnknownHostException("no " + host.protocol().protocolName() + " address for " + host.valueText());
                }
                yield all;
            }
        };
    }
}
