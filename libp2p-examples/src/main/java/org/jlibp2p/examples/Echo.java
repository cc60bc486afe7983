package org.jlibp2p.examples;

import org.jlibp2p.core.host.StreamHandler;

/** {@code /echo/1.0.0}: everything read is written back, until the dialer closes its side; then the stream closes. */
final class Echo {
    static final String PROTOCOL_ID = "/echo/1.0.0";

    static final StreamHandler HANDLER = stream -> {
        stream.setReadTimeout(Main.STREAM_IDLE_TIMEOUT);
        stream.in().transferTo(stream.out());
        stream.closeWrite();
    };

    private Echo() {}
}
