package org.jlibp2p.core;

import java.io.IOException;

/**
 * The remote proved an identity other than the one we dialed: the security handshake succeeded, but
 * with the wrong peer. The connection is closed.
 */
public class PeerIdMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The peer we dialed. */
    private final transient PeerId expected;
    /** The peer that answered. */
    private final transient PeerId actual;

    /**
     * Creates the exception.
     *
     * @param expected the peer we dialed
     * @param actual   the peer that answered
     */
    public PeerIdMismatchException(PeerId expected, PeerId actual) {
        super("expected peer " + expected + ", but the remote is " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    /** {@return the peer we dialed} */
    public PeerId expected() {
        return expected;
    }

    /** {@return the peer that answered} */
    public PeerId actual() {
        return actual;
    }
}
