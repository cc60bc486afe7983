package org.jlibp2p.noise;

/**
 * The Noise handshake failed: a message did not decrypt, the remote's identity key did not sign its
 * Noise static key, the payload was malformed, or both sides offered muxers with nothing in common.
 */
public class NoiseHandshakeException extends NoiseException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     */
    public NoiseHandshakeException(String message) {
        super(message);
    }
}
