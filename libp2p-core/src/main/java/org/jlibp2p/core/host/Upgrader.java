package org.jlibp2p.core.host;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.PeerIdMismatchException;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureChannel;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.core.spi.StreamMuxer;

/**
 * Turns a raw connection into a multiplexed, secure one (connections/README.md, "Upgrading
 * Connections"). The order is fixed:
 *
 * <ol>
 *   <li><b>authenticate</b>: agree on a security protocol with multistream-select, then run its
 *       handshake; after it, the remote's peer id is proven (and, when dialing, checked);</li>
 *   <li><b>multiplex</b>: take the muxer agreed inside the handshake if the security protocol agreed
 *       one, or else agree on one with multistream-select over the secured connection; start it.</li>
 * </ol>
 *
 * The dialer proposes protocols in the host's order of preference. Each step has a deadline. On any
 * failure the raw connection is closed and an {@link UpgradeException} names the step, except for a
 * wrong peer, which is reported as the {@link PeerIdMismatchException} it is.
 */
final class Upgrader {
    /** An upgraded connection. */
    record Upgraded(SecureConnection secure, MuxedSession session, String muxer, boolean muxerFromHandshake) {}

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.host");

    private final Map<String, SecureChannel> security;
    private final Map<String, StreamMuxer> muxers;
    private final Duration timeout;

    /**
     * @param security security protocols by id, in order of preference
     * @param muxers   stream muxers by id, in order of preference
     * @param timeout  the deadline of each negotiation step
     */
    Upgrader(Map<String, SecureChannel> security, Map<String, StreamMuxer> muxers, Duration timeout) {
        this.security = security;
        this.muxers = muxers;
        this.timeout = timeout;
    }

    Upgraded outbound(RawConnection raw, PeerId expected) throws IOException {
        UpgradeException.Stage stage = UpgradeException.Stage.SECURITY_NEGOTIATION;
        try {
            String securityId = MultistreamSelect.dialerSelect(raw, List.copyOf(security.keySet()), timeout);
            stage = UpgradeException.Stage.SECURITY_HANDSHAKE;
            SecureConnection secure = security.get(securityId).secureOutbound(raw, expected, List.copyOf(muxers.keySet()));
            stage = UpgradeException.Stage.MUXER_NEGOTIATION;
            Optional<String> early = secure.earlyMuxer().filter(muxers::containsKey);
            String muxerId = early.isPresent() ? early.get() : MultistreamSelect.dialerSelect(secure, List.copyOf(muxers.keySet()), timeout);
            stage = UpgradeException.Stage.MUXER_START;
            trace(muxerId, early.isPresent(), secure);
            return new Upgraded(secure, muxers.get(muxerId).newSession(secure, Role.INITIATOR), muxerId, early.isPresent());
        } catch (PeerIdMismatchException e) {
            raw.close();
            throw e;
        } catch (IOException e) {
            raw.close();
            throw new UpgradeException(stage, e);
        }
    }

    private static void trace(String muxer, boolean early, SecureConnection secure) {
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "upgrade complete: " + secure.securityProtocol() + " with " + secure.remotePeer()
                    + ", muxer " + muxer + (early ? " (from the security handshake)" : " (from multistream-select)"));
        }
    }

    Upgraded inbound(RawConnection raw) throws IOException {
        UpgradeException.Stage stage = UpgradeException.Stage.SECURITY_NEGOTIATION;
        try {
            String securityId = MultistreamSelect.listenerSelect(raw, security.keySet(), timeout);
            stage = UpgradeException.Stage.SECURITY_HANDSHAKE;
            SecureConnection secure = security.get(securityId).secureInbound(raw, List.copyOf(muxers.keySet()));
            stage = UpgradeException.Stage.MUXER_NEGOTIATION;
            Optional<String> early = secure.earlyMuxer().filter(muxers::containsKey);
            String muxerId = early.isPresent() ? early.get() : MultistreamSelect.listenerSelect(secure, muxers.keySet(), timeout);
            stage = UpgradeException.Stage.MUXER_START;
            trace(muxerId, early.isPresent(), secure);
            return new Upgraded(secure, muxers.get(muxerId).newSession(secure, Role.RESPONDER), muxerId, early.isPresent());
        } catch (IOException e) {
            raw.close();
            throw new UpgradeException(stage, e);
        }
    }
}
