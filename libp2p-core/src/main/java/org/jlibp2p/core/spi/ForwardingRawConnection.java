package org.jlibp2p.core.spi;

import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.Multiaddr;

/**
 * A {@link RawConnection} that passes every call to another one: the base of wrappers that watch or
 * mark a raw connection (the host notes an inbound connection's first byte this way) without
 * changing what it carries.
 */
public abstract class ForwardingRawConnection extends ForwardingDuplex implements RawConnection {
    private final RawConnection delegate;

    /**
     * Wraps a raw connection.
     *
     * @param delegate what every call goes to
     */
    protected ForwardingRawConnection(RawConnection delegate) {
        super(delegate);
        this.delegate = delegate;
    }

    @Override
    protected RawConnection delegate() {
        return delegate;
    }

    @Override
    public Multiaddr localAddress() {
        return delegate.localAddress();
    }

    @Override
    public Multiaddr remoteAddress() {
        return delegate.remoteAddress();
    }

    @Override
    public boolean isLimited() {
        return delegate.isLimited();
    }
}
