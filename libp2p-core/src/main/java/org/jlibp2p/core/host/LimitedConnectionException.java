package org.jlibp2p.core.host;

import java.io.IOException;

/**
 * A stream of a protocol that may not run on a limited connection (a relayed one, whose duration
 * and bytes the relay limits) was opened or offered there. Allow the protocol with
 * {@link Host#allowOnLimitedConnections(String)} if it fits within a relay's limits.
 */
public class LimitedConnectionException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message names the protocol and the connection
     */
    public LimitedConnectionException(String message) {
        super(message);
    }
}
