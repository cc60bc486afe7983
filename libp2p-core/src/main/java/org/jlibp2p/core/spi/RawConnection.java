package org.jlibp2p.core.spi;

import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.Multiaddr;

/**
 * A connection as a transport delivers it: bytes in both directions, not yet secured or multiplexed.
 * The first stage of connections/README.md, "Upgrading Connections".
 */
public interface RawConnection extends Duplex {
    /** {@return our end's address} */
    Multiaddr localAddress();

    /** {@return the remote end's address, as observed on this connection} */
    Multiaddr remoteAddress();

    /**
     * Whether the connection is limited in duration or bytes, as a relayed connection is (circuit
     * relay v2): only protocols allowed there may open streams on it. Direct connections are not.
     *
     * @return true for a limited connection
     */
    default boolean isLimited() {
        return false;
    }
}
