package org.jlibp2p.core.spi;

import java.util.Optional;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.PublicKey;

/**
 * A connection after the security handshake: every byte is encrypted and authenticated, and the
 * remote has proved its identity.
 */
public interface SecureConnection extends Duplex {
    /** {@return our peer id} */
    PeerId localPeer();

    /** {@return the authenticated remote peer} */
    PeerId remotePeer();

    /** {@return the remote's public key, as proven in the handshake} */
    PublicKey remotePublicKey();

    /** {@return the security protocol id, such as {@code /noise}} */
    String securityProtocol();

    /**
     * The stream muxer agreed inside the handshake, when the security protocol supports early muxer
     * negotiation (connections/inlined-muxer-negotiation.md) and both sides offered one.
     *
     * @return the muxer protocol id, or empty if the muxer must be negotiated with multistream-select
     */
    Optional<String> earlyMuxer();

    /** {@return the underlying connection's local address} */
    Multiaddr localAddress();

    /** {@return the underlying connection's remote address} */
    Multiaddr remoteAddress();
}
