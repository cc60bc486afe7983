package org.jlibp2p.examples;

import org.jlibp2p.core.host.StreamHandler;

/** {@code /echo/1.0.0}: everything read is written back, until the dialer closes its side; then the stream closes. */
final class Echo {
    static final String PROTOCOL_ID = "/echo/1.0.0";

    /**
     * The host closes the stream when the handler returns, after it has released the stream's place
     * under the per-peer limit. Closing it here would let the dialer see the end, open its next
     * stream and find this one still counted: {@code rates} with 64 openers, the limit, was reset.
     */
    static final StreamHandler HANDLER = stream -> {
        stream.setReadTimeout(Main.STREAM_IDLE_TIMEOUT);
        stream.in().transferTo(stream.out());
    };

    private Echo() {}
}
