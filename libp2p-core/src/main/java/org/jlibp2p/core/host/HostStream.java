package org.jlibp2p.core.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.multistream.LazyChannel;
import org.jlibp2p.core.spi.MuxedStream;

/** A muxed stream with its agreed protocol and its connection; it leaves the connection's list when it ends. */
final class HostStream extends ForwardingDuplex implements ProtocolStream {
    private final MuxedStream stream;
    private final String protocol;
    private final HostConnection connection;
    private volatile boolean kept;

    /** Its flight recorder event, begun now and committed when the stream ends (once); null without a recorder. */
    private final FlightEvents.Stream flight = FlightEvents.recorderStarted() ? new FlightEvents.Stream() : null;
    private final Role direction;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

    /** The protocol's negotiation when it was proposed lazily and may still be under way; else null. */
    private final LazyChannel lazy;
    /** With {@link #lazy}: its input, which resets the stream when the answer refuses or fails. */
    private final InputStream lazyIn;

    HostStream(MuxedStream stream, String protocol, HostConnection connection, Role direction) {
        this(stream, null, protocol, connection, direction);
    }

    /** A stream whose protocol was proposed lazily ({@code lazy} non-null): reads and writes go through {@code lazy}. */
    HostStream(MuxedStream stream, LazyChannel lazy, String protocol, HostConnection connection, Role direction) {
        super(lazy != null ? lazy : stream);
        this.lazy = lazy;
        this.lazyIn = lazy == null ? null : new LazyInput();
        this.stream = stream;
        this.protocol = protocol;
        this.connection = connection;
        this.direction = direction;
        if (flight != null) {
            flight.begin();
        }
    }

    private void recordEnd() {
        if (ended.compareAndSet(false, true) && flight != null) {
            flight.end();
            if (flight.shouldCommit()) {
                flight.protocol = protocol;
                flight.peer = connection.remotePeer().toString();
                flight.direction = direction.name();
                flight.commit();
            }
        }
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
        awaitAgreement();
        stream.closeWrite();
    }

    /**
     * Before a lazily proposed stream is first read or ends its side, the listener's answer: a
     * listener still negotiating when the end arrives may lose it (js-libp2p 3.3.11 does;
     * go-multistream's lazy client waits the same way since its PR #115). A refused or failed
     * negotiation resets the stream.
     */
    private void awaitAgreement() throws IOException {
        if (lazy == null || lazy.answered()) {
            return;
        }
        try {
            lazy.awaitAnswer();
        } catch (IOException e) {
            reset();
            throw e;
        }
    }

    @Override
    public InputStream in() {
        return lazyIn != null ? lazyIn : super.in();
    }

    /** A lazily proposed stream's input: the first read awaits the answer as {@link #awaitAgreement()} does. */
    private final class LazyInput extends InputStream {
        @Override
        public int read() throws IOException {
            awaitAgreement();
            return lazy.in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            awaitAgreement();
            return lazy.in().read(b, off, len);
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            Objects.requireNonNull(out, "out");
            awaitAgreement();
            return lazy.in().transferTo(out); // the muxer's own, where it has one
        }

        @Override
        public int available() throws IOException {
            return lazy.in().available();
        }

        @Override
        public void close() throws IOException {
            lazy.in().close();
        }
    }

    @Override
    public void reset() {
        recordEnd();
        stream.reset();
        connection.forget(this);
    }

    @Override
    public void close() throws IOException {
        awaitAgreement();
        recordEnd();
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
