package org.jlibp2p.noise;

import java.net.ProtocolException;

/**
 * A Noise failure caused by the remote's bytes: a message that fails to decrypt (tampered or
 * corrupted), a frame longer than Noise allows, or a handshake that breaks the libp2p rules. The
 * connection is closed.
 */
public class NoiseException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong
     */
    public NoiseException(String message) {
        super(message);
    }
}
