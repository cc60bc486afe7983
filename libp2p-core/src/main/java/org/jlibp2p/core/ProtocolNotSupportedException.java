package org.jlibp2p.core;

import java.io.IOException;
import java.util.List;

/**
 * The remote answered {@code na} ("not available") to every protocol we proposed in a
 * multistream-select negotiation. The channel is still in a defined state but has no protocol;
 * whoever opened it closes it.
 */
public class ProtocolNotSupportedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The protocols proposed, in order. */
    @SuppressWarnings("serial") // an immutable List.copyOf, serializable in practice
    private final List<String> proposed;

    /**
     * Creates the exception.
     *
     * @param proposed the protocols we proposed, in order
     */
    public ProtocolNotSupportedException(List<String> proposed) {
        super("remote supports none of " + proposed);
        this.proposed = List.copyOf(proposed);
    }

    /** {@return the protocols that were proposed and refused} */
    public List<String> proposed() {
        return proposed;
    }
}
