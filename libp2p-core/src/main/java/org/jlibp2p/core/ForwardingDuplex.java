package org.jlibp2p.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A {@link Duplex} that passes every call to another one: the base of every wrapper that adds
 * something (an agreed protocol, a peer's identity, an address) to a connection or stream it does
 * not change. Override what the wrapper does differently; the rest forwards.
 */
public abstract class ForwardingDuplex implements Duplex {
    private final Duplex delegate;

    /**
     * Wraps a duplex.
     *
     * @param delegate what every call goes to
     */
    protected ForwardingDuplex(Duplex delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
    }

    /** {@return the wrapped duplex} */
    protected Duplex delegate() {
        return delegate;
    }

    @Override
    public InputStream in() {
        return delegate.in();
    }

    @Override
    public OutputStream out() {
        return delegate.out();
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        delegate.setReadTimeout(timeout);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
