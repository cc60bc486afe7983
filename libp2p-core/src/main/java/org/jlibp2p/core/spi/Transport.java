package org.jlibp2p.core.spi;

import java.io.IOException;
import java.time.Duration;
import org.jlibp2p.core.Multiaddr;

/**
 * A way to reach peers: dial an address, listen on one. TCP is one; an in-memory transport is another.
 */
public interface Transport {
    /**
     * Whether this transport can dial or listen on an address. An address that ends in
     * {@code /p2p/<id>} is judged without that component.
     *
     * @param address the address
     * @return true if it can
     */
    boolean handles(Multiaddr address);

    /**
     * Opens a connection.
     *
     * @param address the remote address, possibly ending in {@code /p2p/<id>}
     * @param timeout how long connecting may take
     * @return the connection
     * @throws java.net.SocketTimeoutException if it does not connect in time
     * @throws IOException                     if it cannot connect
     */
    RawConnection dial(Multiaddr address, Duration timeout) throws IOException;

    /**
     * Starts listening.
     *
     * @param address the local address (port 0 picks a free port)
     * @return the listener
     * @throws IOException if it cannot listen there
     */
    Listener listen(Multiaddr address) throws IOException;
}
