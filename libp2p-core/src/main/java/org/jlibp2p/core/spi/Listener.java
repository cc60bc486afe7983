package org.jlibp2p.core.spi;

import java.io.Closeable;
import java.io.IOException;
import org.jlibp2p.core.Multiaddr;

/**
 * Accepts inbound raw connections on one local address. Closing it wakes a blocked {@link #accept()}.
 */
public interface Listener extends Closeable {
    /** {@return the address it listens on, with the real port when port 0 was asked for} */
    Multiaddr localAddress();

    /**
     * Waits for the next inbound connection.
     *
     * @return the connection
     * @throws IOException if the listener is closed or fails
     */
    RawConnection accept() throws IOException;
}
