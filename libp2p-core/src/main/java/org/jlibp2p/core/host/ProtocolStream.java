package org.jlibp2p.core.host;

import org.jlibp2p.core.spi.MuxedStream;

/** A stream whose protocol has been agreed with multistream-select, on a host's connection. */
public interface ProtocolStream extends MuxedStream {
    /** {@return the agreed protocol id, such as {@code /ipfs/ping/1.0.0}} */
    String protocol();

    /** {@return the connection the stream belongs to} */
    Connection connection();
}
