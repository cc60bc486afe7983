package org.jlibp2p.core.host;

import java.io.IOException;

/**
 * Upgrading a raw connection failed; the connection is closed. {@link #stage()} names the step and
 * the cause says why.
 */
public class UpgradeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The steps of connections/README.md, "Upgrading Connections", in order. */
    public enum Stage {
        /** Agreeing on a security protocol with multistream-select. */
        SECURITY_NEGOTIATION,
        /** The security handshake itself. */
        SECURITY_HANDSHAKE,
        /** Agreeing on a stream muxer with multistream-select. */
        MUXER_NEGOTIATION,
        /** Starting the muxer session. */
        MUXER_START
    }

    /** The step that failed. */
    private final Stage stage;

    /**
     * Creates the exception.
     *
     * @param stage the step that failed
     * @param cause why
     */
    public UpgradeException(Stage stage, IOException cause) {
        super("connection upgrade failed at " + stage + ": " + cause.getMessage(), cause);
        this.stage = stage;
    }

    /** {@return the step that failed} */
    public Stage stage() {
        return stage;
    }
}
