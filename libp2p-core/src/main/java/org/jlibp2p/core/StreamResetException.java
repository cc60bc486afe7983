package org.jlibp2p.core;

import java.io.IOException;

/**
 * The stream was reset (abortively closed) by the remote, by us, or because its connection ended.
 * Whatever had not been read or acknowledged is lost.
 */
public class StreamResetException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message who reset the stream and why
     */
    public StreamResetException(String message) {
        super(message);
    }
}
