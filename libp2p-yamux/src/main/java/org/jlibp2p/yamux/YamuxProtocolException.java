package org.jlibp2p.yamux;

import java.net.ProtocolException;

/**
 * The remote broke the Yamux protocol, or sent a Go Away with an error code. The session ends; when
 * we detected the violation we first send Go Away with {@link #code()}.
 */
public class YamuxProtocolException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** The Go Away code that goes with the failure. */
    private final GoAwayCode code;

    /**
     * Creates the exception.
     *
     * @param code    the Go Away code that goes with the failure
     * @param message what happened
     */
    public YamuxProtocolException(GoAwayCode code, String message) {
        super(message);
        this.code = code;
    }

    /** {@return the Go Away code that goes with the failure} */
    public GoAwayCode code() {
        return code;
    }
}
