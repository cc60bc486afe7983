package org.jlibp2p.core;

import java.net.ProtocolException;

/**
 * Bytes from the network that do not follow the wire format they claim to follow: a varint that never
 * ends, a truncated protobuf field, a multiaddr naming an unknown protocol, a multistream message
 * without its trailing newline.
 *
 * <p>The connection or stream that delivered the bytes cannot be trusted any more and is closed by
 * whoever catches this exception.
 */
public class MalformedMessageException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong and where
     */
    public MalformedMessageException(String message) {
        super(message);
    }
}
