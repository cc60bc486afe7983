package org.jlibp2p.core.host;

import java.io.IOException;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.spi.MuxedStream;

/** A muxed stream with its agreed protocol and its connection; it leaves the connection's list when it ends. */
final class HostStream extends ForwardingDuplex implements ProtocolStream {
    private final MuxedStream stream;
    private final String protocol;
    private final HostConnection connection;
    private volatile boolean kept;

    HostStream(MuxedStream stream, String protocol, HostConnection connection) {
        super(stream);
        this.stream = stream;
        this.protocol = protocol;
        this.connection = connection;
    }

    @Override
    public void keepOpen() {
        kept = true;
    }

    boolean kept() {
        return kept;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public void closeWrite() throws IOException {
        stream.closeWrite();
    }

    @Override
    public void reset() {
        stream.reset();
        connection.forget(this);
    }

    @Override
    public void close() throws IOException {
        connection.forget(this);
        stream.close();
    }

    @Override
    public long id() {
        return stream.id();
    }

    @Override
    public String toString() {
        return protocol + " stream " + id() + " to " + connection.remotePeer();
    }
}
