package org.jlibp2p.core.host;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.crypto.PublicKey;

/**
 * A fully upgraded connection to one peer: authenticated, encrypted and multiplexed. Everything a
 * host knows about it can be inspected here (the seed's "Inspecting Connection State").
 */
public interface Connection extends Closeable {
    /** {@return the authenticated remote peer} */
    PeerId remotePeer();

    /** {@return the remote's public key} */
    PublicKey remotePublicKey();

    /** {@return {@link Role#INITIATOR} if we dialed, {@link Role#RESPONDER} if we accepted} */
    Role direction();

    /** {@return our end's address} */
    Multiaddr localAddress();

    /** {@return the remote end's address} */
    Multiaddr remoteAddress();

    /** {@return the security protocol, such as {@code /noise}} */
    String securityProtocol();

    /** {@return the stream muxer protocol, such as {@code /yamux/1.0.0}} */
    String muxerProtocol();

    /** {@return true if the muxer was agreed inside the security handshake rather than with multistream-select} */
    boolean muxerFromSecurityHandshake();

    /** {@return when the connection was established} */
    Instant openedAt();

    /** {@return the streams open on this connection, with their protocols} */
    List<ProtocolStream> streams();

    /**
     * Opens a stream and agrees on a protocol.
     *
     * @param protocols the protocols to propose, most preferred first
     * @return the stream
     * @throws org.jlibp2p.core.ProtocolNotSupportedException if the remote supports none
     * @throws IOException                                    if the stream cannot be opened
     */
    ProtocolStream newStream(String... protocols) throws IOException;

    /**
     * {@return true if the connection is limited in duration or bytes, as a relayed one is}
     * Only protocols allowed there ({@link Host#allowOnLimitedConnections(String)}; ping and identify
     * are) may open streams on it; others fail with a {@link LimitedConnectionException}.
     */
    default boolean isLimited() {
        return false;
    }

    /** {@return true once the connection has ended} */
    boolean isClosed();

    /** Closes the connection and every stream on it. */
    @Override
    void close();
}
