package org.jlibp2p.core.host;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.PeerIdMismatchException;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.multistream.LazyChannel;
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
 *       handshake; after it, the remote's peer id is proven (and, when dialing, checked). A dialer
 *       with one security protocol proposes it lazily ({@link LazyChannel}): its first handshake
 *       message leaves with the proposal, which saves a round trip. The bytes on the wire are the
 *       same; go, js and rust listeners read a proposal exactly and leave what follows it for the
 *       handshake, as ours does;</li>
 *   <li><b>multiplex</b>: take the muxer agreed inside the handshake if the security protocol agreed
 *       one, or else agree on one with multistream-select over the secured connection; start it.</li>
 * </ol>
 *
 * The dialer proposes protocols in the host's order of preference. The whole upgrade has one
 * deadline, the host's {@link Limits#handshakeTimeout()}: when it passes, the raw connection is closed
 * and whichever step was waiting fails (each step also bounds its own reads by the same timeout). On
 * any failure the raw connection is closed and an {@link UpgradeException} names the step, except for
 * a wrong peer, which is reported as the {@link PeerIdMismatchException} it is.
 */
final class Upgrader {
    /** An upgraded connection. */
    record Upgraded(SecureConnection secure, MuxedSession session, String muxer, boolean muxerFromHandshake, boolean limited) {}

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.host");

    private final Map<String, SecureChannel> security;
    private final Map<String, StreamMuxer> muxers;
    private final Duration timeout;
    private final ScheduledExecutorService timer;

    /**
     * @param security security protocols by id, in order of preference
     * @param muxers   stream muxers by id, in order of preference
     * @param timeout  the deadline of the whole upgrade
     * @param timer    runs the deadline's close; its tasks must be short
     */
    Upgrader(Map<String, SecureChannel> security, Map<String, StreamMuxer> muxers, Duration timeout, ScheduledExecutorService timer) {
        this.security = security;
        this.muxers = muxers;
        this.timeout = timeout;
        this.timer = timer;
    }

    /** Closes the raw connection when the upgrade's deadline passes, unless cancelled first. */
    private ScheduledFuture<?> deadline(RawConnection raw) {
        return timer.schedule(() -> {
            LOG.log(System.Logger.Level.DEBUG, () -> "upgrade with " + raw.remoteAddress() + " passed its deadline of "
                    + timeout.toMillis() + " ms; closing");
            try {
                raw.close();
            } catch (IOException e) {
                // closed already
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Times each step of one upgrade as a {@link FlightEvents.UpgradeStep} flight recorder event: a
     * step ends when the next begins, or with the failure that ended the upgrade.
     */
    private static final class Steps {
        private final Role direction;
        private final RawConnection raw;
        private UpgradeException.Stage stage;
        private FlightEvents.UpgradeStep event;

        Steps(Role direction, RawConnection raw) {
            this.direction = direction;
            this.raw = raw;
            next(UpgradeException.Stage.SECURITY_NEGOTIATION);
        }

        /** Ends the current step and begins {@code next}; {@return next} */
        UpgradeException.Stage next(UpgradeException.Stage next) {
            end("ok");
            stage = next;
            if (FlightEvents.recorderStarted()) {
                event = new FlightEvents.UpgradeStep();
                event.begin();
            }
            return next;
        }

        void end(String outcome) {
            if (event == null) {
                return;
            }
            event.end();
            if (event.shouldCommit()) {
                event.step = stage.name();
                event.direction = direction.name();
                event.remoteAddress = String.valueOf(raw.remoteAddress());
                event.outcome = outcome;
                event.commit();
            }
            event = null;
        }
    }

    Upgraded outbound(RawConnection raw, PeerId expected) throws IOException {
        Steps steps = new Steps(Role.INITIATOR, raw);
        UpgradeException.Stage stage = UpgradeException.Stage.SECURITY_NEGOTIATION;
        ScheduledFuture<?> deadline = deadline(raw);
        LazyChannel lazy = null;
        try {
            String securityId;
            RawConnection secured = raw;
            if (security.size() == 1) {
                // One protocol to propose: its first handshake message follows the proposal in the same
                // write, and the listener's answer is read before the handshake's first read.
                securityId = security.keySet().iterator().next();
                lazy = MultistreamSelect.dialerSelectLazy(raw, securityId, timeout);
                secured = new LazyRawConnection(raw, lazy);
            } else {
                securityId = MultistreamSelect.dialerSelect(raw, List.copyOf(security.keySet()), timeout);
            }
            stage = steps.next(UpgradeException.Stage.SECURITY_HANDSHAKE);
            SecureConnection secure = security.get(securityId).secureOutbound(secured, expected, List.copyOf(muxers.keySet()));
            stage = steps.next(UpgradeException.Stage.MUXER_NEGOTIATION);
            Optional<String> early = secure.earlyMuxer().filter(muxers::containsKey);
            String muxerId = early.isPresent() ? early.get() : MultistreamSelect.dialerSelect(secure, List.copyOf(muxers.keySet()), timeout);
            stage = steps.next(UpgradeException.Stage.MUXER_START);
            trace(muxerId, early.isPresent(), secure);
            Upgraded upgraded = new Upgraded(secure, muxers.get(muxerId).newSession(secure, Role.INITIATOR), muxerId, early.isPresent(), raw.isLimited());
            steps.end("ok");
            return upgraded;
        } catch (PeerIdMismatchException e) {
            steps.end("failed: " + e.getMessage());
            raw.close();
            throw e;
        } catch (IOException e) {
            steps.end("failed: " + e.getMessage());
            raw.close();
            if (lazy != null && !lazy.answered()) {
                // the handshake's first read was waiting for the listener's answer, which failed
                stage = UpgradeException.Stage.SECURITY_NEGOTIATION;
            }
            throw new UpgradeException(stage, e);
        } finally {
            deadline.cancel(false);
        }
    }

    /**
     * The raw connection as the security handshake sees it when its protocol was proposed lazily:
     * bytes go through the {@link LazyChannel}, which sends the proposal in front of the first
     * handshake message and reads the listener's answer before the first handshake read.
     */
    private static final class LazyRawConnection extends ForwardingDuplex implements RawConnection {
        private final RawConnection raw;

        LazyRawConnection(RawConnection raw, LazyChannel lazy) {
            super(lazy);
            this.raw = raw;
        }

        @Override
        public Multiaddr localAddress() {
            return raw.localAddress();
        }

        @Override
        public Multiaddr remoteAddress() {
            return raw.remoteAddress();
        }

        @Override
        public boolean isLimited() {
            return raw.isLimited();
        }

        @Override
        public String toString() {
            return raw.toString();
        }
    }

    private static void trace(String muxer, boolean early, SecureConnection secure) {
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "upgrade complete: " + secure.securityProtocol() + " with " + secure.remotePeer()
                    + ", muxer " + muxer + (early ? " (from the security handshake)" : " (from multistream-select)"));
        }
    }

    Upgraded inbound(RawConnection raw) throws IOException {
        Steps steps = new Steps(Role.RESPONDER, raw);
        UpgradeException.Stage stage = UpgradeException.Stage.SECURITY_NEGOTIATION;
        ScheduledFuture<?> deadline = deadline(raw);
        try {
            String securityId = MultistreamSelect.listenerSelect(raw, security.keySet(), timeout);
            stage = steps.next(UpgradeException.Stage.SECURITY_HANDSHAKE);
            SecureConnection secure = security.get(securityId).secureInbound(raw, List.copyOf(muxers.keySet()));
            // A transport that knows who is calling says so in the remote address (a relayed
            // connection: <relay>/p2p-circuit/p2p/<caller>): the handshake must prove that peer.
            Optional<PeerId> claimed = raw.remoteAddress().peerId();
            if (claimed.isPresent() && !claimed.get().equals(secure.remotePeer())) {
                throw new PeerIdMismatchException(claimed.get(), secure.remotePeer());
            }
            stage = steps.next(UpgradeException.Stage.MUXER_NEGOTIATION);
            Optional<String> early = secure.earlyMuxer().filter(muxers::containsKey);
            String muxerId = early.isPresent() ? early.get() : MultistreamSelect.listenerSelect(secure, muxers.keySet(), timeout);
            stage = steps.next(UpgradeException.Stage.MUXER_START);
            trace(muxerId, early.isPresent(), secure);
            Upgraded upgraded = new Upgraded(secure, muxers.get(muxerId).newSession(secure, Role.RESPONDER), muxerId, early.isPresent(), raw.isLimited());
            steps.end("ok");
            return upgraded;
        } catch (IOException e) {
            steps.end("failed: " + e.getMessage());
            raw.close();
            throw new UpgradeException(stage, e);
        } finally {
            deadline.cancel(false);
        }
    }
}
