package org.jlibp2p.core.spi;

import java.io.IOException;
import java.util.List;
import org.jlibp2p.core.PeerId;

/**
 * A security protocol: turns a raw connection into a {@link SecureConnection}. The second stage of
 * connections/README.md, "Upgrading Connections". Implementations: {@code /noise} (module
 * libp2p-noise) and {@code /plaintext/2.0.0} (in core, for tests only).
 *
 * <p>Both methods perform the whole handshake, within the channel's handshake deadline, before they
 * return. On any failure they close the raw connection and throw.
 */
public interface SecureChannel {
    /** {@return the protocol id negotiated with multistream-select, such as {@code /noise}} */
    String protocolId();

    /**
     * Secures a connection we dialed.
     *
     * @param connection the raw connection
     * @param expected   the peer we meant to reach, or null to accept whoever answers
     * @param muxers     stream muxers to offer inside the handshake, most preferred first (may be empty)
     * @return the secured connection
     * @throws org.jlibp2p.core.PeerIdMismatchException if the remote is not {@code expected}
     * @throws IOException                              if the handshake fails
     */
    SecureConnection secureOutbound(RawConnection connection, PeerId expected, List<String> muxers) throws IOException;

    /**
     * Secures a connection we accepted.
     *
     * @param connection the raw connection
     * @param muxers     stream muxers to offer inside the handshake, most preferred first (may be empty)
     * @return the secured connection
     * @throws IOException if the handshake fails
     */
    SecureConnection secureInbound(RawConnection connection, List<String> muxers) throws IOException;
}
