package org.jlibp2p.relay;

import java.io.IOException;
import org.jlibp2p.core.PeerId;

/**
 * A relay, or the target of a circuit, answered a request with a status other than
 * {@link Status#OK} (relay/circuit-v2.md, "Hop Protocol": "the relay responds with a HopMessage of
 * type = STATUS and the status field having a value other than OK").
 */
public class RelayRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The peer that refused. */
    private final transient PeerId refusedBy;
    /** The status it answered. */
    private final Status status;

    /**
     * Creates the exception.
     *
     * @param refusedBy the peer that refused: the relay
     * @param status    the status it answered
     * @param what      what was refused, such as "RESERVE" or "CONNECT to 12D3KooW..."
     */
    public RelayRefusedException(PeerId refusedBy, Status status, String what) {
        super("relay " + refusedBy + " refused " + what + ": " + status);
        this.refusedBy = refusedBy;
        this.status = status;
    }

    /** {@return the peer that refused} */
    public PeerId refusedBy() {
        return refusedBy;
    }

    /** {@return the status it answered} */
    public Status status() {
        return status;
    }
}
