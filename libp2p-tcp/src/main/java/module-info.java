/**
 * The TCP transport: dial and listen on {@code /ip4}, {@code /ip6}, {@code /dns}, {@code /dns4} and
 * {@code /dns6} addresses with {@code /tcp}, on blocking {@link java.net.Socket}s. The entry point is
 * {@link org.jlibp2p.tcp.TcpTransport}, also registered as a {@link org.jlibp2p.core.spi.Transport}
 * service.
 */
module org.jlibp2p.tcp {
    requires transitive org.jlibp2p.core;

    exports org.jlibp2p.tcp;

    provides org.jlibp2p.core.spi.Transport with org.jlibp2p.tcp.TcpTransport;
}
