package org.jlibp2p.core.spi;

import java.io.IOException;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.Role;

/**
 * A stream multiplexer: runs many independent streams over one connection. The third stage of
 * connections/README.md, "Upgrading Connections". Implementation: {@code /yamux/1.0.0} (module
 * libp2p-yamux).
 */
public interface StreamMuxer {
    /** {@return the protocol id negotiated with multistream-select, such as {@code /yamux/1.0.0}} */
    String protocolId();

    /**
     * Starts a session over a connection. The session owns the connection from then on and closes it
     * when it ends.
     *
     * @param connection a secured connection (or any reliable, ordered duplex byte stream)
     * @param role       which side dialed
     * @return the running session
     * @throws IOException if the session cannot start
     */
    MuxedSession newSession(Duplex connection, Role role) throws IOException;
}
