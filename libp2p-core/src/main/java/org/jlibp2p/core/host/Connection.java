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
     * Opens a stream for one protocol without waiting for the remote to agree: multistream-select's
     * lazy mode (go-multistream's lazy client, rust-libp2p's {@code V1Lazy}, js-libp2p's optimistic
     * select). The proposal leaves with the first bytes written, and the remote's answer is read
     * before the first bytes read, which saves a round trip: a request and its response take one
     * round trip instead of two. If the remote declines, the first read (or {@code closeWrite}, or
     * {@code close}) throws {@link org.jlibp2p.core.ProtocolNotSupportedException} and the stream is
     * reset; the bytes written meanwhile are lost. A remote may also take those bytes for its next
     * proposal and reset the stream, and the read then throws the
     * {@link org.jlibp2p.core.StreamResetException} instead.
     *
     * <p>For protocols the remote is known to speak, and that read a response before they end their
     * side. {@code closeWrite} and {@code close} wait for the answer first (up to the host's stream
     * negotiation timeout), since some implementations lose an end that arrives mid-negotiation.
     * The default negotiates fully, as {@link #newStream(String...)}.
     *
     * @param protocol the one protocol to propose
     * @return the stream, whose protocol is {@code protocol} if the remote agrees
     * @throws IOException if the stream cannot be opened
     */
    default ProtocolStream newStreamLazy(String protocol) throws IOException {
        return newStream(protocol);
    }

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
