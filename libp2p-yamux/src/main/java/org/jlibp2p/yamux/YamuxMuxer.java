package org.jlibp2p.yamux;

import java.io.IOException;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.StreamMuxer;

/**
 * Yamux, {@code /yamux/1.0.0}: many streams over one connection, each with its own flow control
 * (libp2p/specs yamux/README.md, which builds on hashicorp/yamux spec.md).
 *
 * <p>Use it with a host, or alone over any reliable duplex byte stream:
 *
 * <pre>{@code
 * YamuxMuxer yamux = new YamuxMuxer();
 * try (MuxedSession session = yamux.newSession(connection, Role.INITIATOR)) {
 *     MuxedStream stream = session.openStream();
 *     stream.out().write("hello".getBytes());
 *     stream.closeWrite();
 *     byte[] reply = stream.in().readAllBytes();
 * }
 * }</pre>
 */
public final class YamuxMuxer implements StreamMuxer {
    /** The protocol id negotiated with multistream-select. */
    public static final String PROTOCOL_ID = "/yamux/1.0.0";

    private final YamuxConfig config;

    /** A muxer with {@link YamuxConfig#defaults()}. */
    public YamuxMuxer() {
        this(YamuxConfig.defaults());
    }

    /**
     * A muxer with given settings.
     *
     * @param config the settings of every session it starts
     */
    public YamuxMuxer(YamuxConfig config) {
        this.config = config;
    }

    /** {@return the settings} */
    public YamuxConfig config() {
        return config;
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    @Override
    public MuxedSession newSession(Duplex connection, Role role) throws IOException {
        YamuxSession session = new YamuxSession(connection, role, config);
        session.start();
        return session;
    }
}
