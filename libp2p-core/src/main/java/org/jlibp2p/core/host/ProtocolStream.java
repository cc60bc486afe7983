package org.jlibp2p.core.host;

import org.jlibp2p.core.spi.MuxedStream;

/** A stream whose protocol has been agreed with multistream-select, on a host's connection. */
public interface ProtocolStream extends MuxedStream {
    /** {@return the agreed protocol id, such as {@code /ipfs/ping/1.0.0}} */
    String protocol();

    /** {@return the connection the stream belongs to} */
    Connection connection();

    /**
     * Keeps an inbound stream open after its handler returns: the host neither closes nor resets it
     * then, and whoever called this closes it. For a protocol whose stream outlives the exchange
     * that opened it, such as a relayed connection living on the stream of its stop request. Has no
     * effect on a stream this host opened (those are always the opener's to close).
     */
    default void keepOpen() {}
}
