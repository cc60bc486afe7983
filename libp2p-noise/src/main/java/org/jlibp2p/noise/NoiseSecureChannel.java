package org.jlibp2p.noise;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureChannel;
import org.jlibp2p.core.spi.SecureConnection;

/**
 * libp2p's Noise security protocol, {@code /noise} (libp2p/specs noise/README.md): an XX handshake
 * ({@code Noise_XX_25519_ChaChaPoly_SHA256}) that authenticates both peers' libp2p identities, then
 * an encrypted, framed connection.
 *
 * <p>Every handshake has an ephemeral key of its own ({@code EphemeralKeys}); the channel's Noise
 * static key, signed by the libp2p identity given to the constructor, serves its handshakes for an
 * hour ({@code StaticIdentity}). One process can run many hosts with different identities side by
 * side, each with its own channel.
 *
 * <pre>{@code
 * SecureChannel noise = new NoiseSecureChannel(identity);
 * SecureConnection secured = noise.secureOutbound(rawConnection, expectedPeer, List.of("/yamux/1.0.0"));
 * secured.remotePeer();    // proven by the handshake
 * secured.earlyMuxer();    // "/yamux/1.0.0" if the remote offered it too
 * }</pre>
 */
public final class NoiseSecureChannel implements SecureChannel {
    /** The protocol id negotiated with multistream-select. */
    public static final String PROTOCOL_ID = "/noise";
    /** How long a handshake may take by default (go-libp2p's upgrader allows 15 s for the whole upgrade). */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Observes handshakes as they happen: a hook for tracing and metrics. Every method has an empty
     * default, and the channel calls them only at handshake steps, never per data frame.
     */
    public interface Observer {
        /** Observes nothing. */
        Observer NONE = new Observer() {};

        /**
         * A handshake message was sent or received.
         *
         * @param number 1, 2 or 3
         * @param tokens the XX tokens it carries, such as {@code "e, ee, s, es"}
         * @param length its length in bytes
         * @param sent   true if we sent it
         */
        default void handshakeMessage(int number, String tokens, int length, boolean sent) {}

        /**
         * The handshake completed.
         *
         * @param remote the authenticated remote peer
         * @param muxer  the muxer agreed inside the handshake, if any
         */
        default void handshakeComplete(PeerId remote, Optional<String> muxer) {}

        /**
         * Something worth knowing that is not an error.
         *
         * @param message what
         */
        default void note(String message) {}
    }

    private final PrivateKey identity;
    private final PeerId localPeer;
    private final Duration handshakeTimeout;
    private final Observer observer;
    private final boolean earlyMuxerNegotiation;
    /** One static key, with its identity signature, for every handshake of this channel (see StaticIdentity). */
    private final java.util.concurrent.atomic.AtomicReference<StaticIdentity> staticIdentity;
    final VerifiedIdentities verified = new VerifiedIdentities();
    private final EphemeralKeys ephemerals = new EphemeralKeys();

    /**
     * A channel for an identity, with the default handshake timeout.
     *
     * @param identity the local libp2p identity
     */
    public NoiseSecureChannel(PrivateKey identity) {
        this(identity, DEFAULT_HANDSHAKE_TIMEOUT, TRACING);
    }

    /**
     * A channel for an identity, with a handshake deadline (a host passes its own,
     * {@code Limits.handshakeTimeout}).
     *
     * @param identity         the local libp2p identity
     * @param handshakeTimeout how long a handshake may take
     */
    public NoiseSecureChannel(PrivateKey identity, Duration handshakeTimeout) {
        this(identity, handshakeTimeout, TRACING);
    }

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.noise");

    /** Narrates handshakes at TRACE level on the "org.jlibp2p.noise" logger (what {@code --trace} shows). */
    private static final Observer TRACING = new Observer() {
        @Override
        public void handshakeMessage(int number, String tokens, int length, boolean sent) {
            if (LOG.isLoggable(System.Logger.Level.TRACE)) {
                LOG.log(System.Logger.Level.TRACE, "noise " + (sent ? "-> " : "<- ") + "message " + number + " (" + tokens + "), " + length + " bytes");
            }
        }

        @Override
        public void handshakeComplete(PeerId remote, Optional<String> muxer) {
            if (LOG.isLoggable(System.Logger.Level.TRACE)) {
                LOG.log(System.Logger.Level.TRACE, "noise handshake complete: remote is " + remote
                        + muxer.map(m -> ", muxer " + m + " agreed in the handshake extensions").orElse(", no muxer agreed in the handshake"));
            }
        }

        @Override
        public void note(String message) {
            LOG.log(System.Logger.Level.DEBUG, message);
        }
    };

    /**
     * A channel for an identity.
     *
     * @param identity         the local libp2p identity
     * @param handshakeTimeout how long a handshake may take
     * @param observer         receives handshake events ({@link Observer#NONE} for none)
     */
    public NoiseSecureChannel(PrivateKey identity, Duration handshakeTimeout, Observer observer) {
        this(identity, handshakeTimeout, observer, true);
    }

    private NoiseSecureChannel(PrivateKey identity, Duration handshakeTimeout, Observer observer, boolean earlyMuxerNegotiation) {
        this.earlyMuxerNegotiation = earlyMuxerNegotiation;
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the handshake timeout must be positive");
        }
        this.identity = identity;
        this.localPeer = PeerId.fromPublicKey(identity.publicKey());
        this.handshakeTimeout = handshakeTimeout;
        this.observer = observer;
        this.staticIdentity = new java.util.concurrent.atomic.AtomicReference<>(new StaticIdentity(identity));
    }

    /**
     * A channel that offers no muxers in the handshake, so the muxer is always agreed afterwards with
     * multistream-select: how a peer without inlined muxer negotiation behaves (for tests and
     * comparisons).
     *
     * @param identity the local libp2p identity
     * @return the channel
     */
    public static NoiseSecureChannel withoutEarlyMuxerNegotiation(PrivateKey identity) {
        return new NoiseSecureChannel(identity, DEFAULT_HANDSHAKE_TIMEOUT, TRACING, false);
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /**
     * {@inheritDoc}
     *
     * <p>On failure the raw connection is closed before the exception is thrown.
     */
    @Override
    public SecureConnection secureOutbound(RawConnection connection, PeerId expected, List<String> muxers) throws IOException {
        try {
            NoiseHandshake.Result result = new NoiseHandshake(connection, staticIdentity(), verified, offer(muxers), handshakeTimeout, observer)
                    .initiate(expected, ephemerals);
            return established(connection, result);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>On failure the raw connection is closed before the exception is thrown.
     */
    @Override
    public SecureConnection secureInbound(RawConnection connection, List<String> muxers) throws IOException {
        try {
            NoiseHandshake.Result result = new NoiseHandshake(connection, staticIdentity(), verified, offer(muxers), handshakeTimeout, observer)
                    .respond(ephemerals);
            return established(connection, result);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The static key for the next handshake, replaced once it has served its lifetime. */
    StaticIdentity staticIdentity() {
        StaticIdentity current = staticIdentity.get();
        if (current.expired()) {
            StaticIdentity fresh = new StaticIdentity(identity);
            staticIdentity.compareAndSet(current, fresh);
            return staticIdentity.get();
        }
        return current;
    }

    private List<String> offer(List<String> muxers) {
        return earlyMuxerNegotiation ? muxers : List.of();
    }

    private SecureConnection established(RawConnection connection, NoiseHandshake.Result result) throws IOException {
        connection.setReadTimeout(Duration.ZERO);
        observer.handshakeComplete(result.remotePeer(), result.muxer());
        return new NoiseConnection(connection, result, localPeer);
    }
}
