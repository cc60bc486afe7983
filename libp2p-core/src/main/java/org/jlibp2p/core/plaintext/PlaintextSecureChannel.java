package org.jlibp2p.core.plaintext;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.PeerIdMismatchException;
import org.jlibp2p.core.ReadDeadline;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureChannel;
import org.jlibp2p.core.spi.SecureConnection;

/**
 * {@code /plaintext/2.0.0} (libp2p/specs plaintext/README.md): both peers send an
 * {@code Exchange { optional bytes id = 1; optional PublicKey pubkey = 2; }} message, varint-length
 * prefixed, and check that the other's id is the hash of its key. Nothing is encrypted and nothing is
 * proven: the remote could claim any key. For tests and for teaching the upgrade pipeline only;
 * never part of a default stack.
 */
public final class PlaintextSecureChannel implements SecureChannel {
    /** The protocol id negotiated with multistream-select. */
    public static final String PROTOCOL_ID = "/plaintext/2.0.0";
    /** How long a handshake may take by default. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_EXCHANGE = 8192;

    private final PrivateKey identity;
    private final PeerId localPeer;
    private final Duration timeout;

    /**
     * A channel that presents an identity.
     *
     * @param identity the local identity (only its public key is sent)
     */
    public PlaintextSecureChannel(PrivateKey identity) {
        this(identity, DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /**
     * A channel that presents an identity, with its own handshake deadline.
     *
     * @param identity         the local identity (only its public key is sent)
     * @param handshakeTimeout how long a handshake may take
     */
    public PlaintextSecureChannel(PrivateKey identity, Duration handshakeTimeout) {
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the handshake timeout must be positive");
        }
        this.identity = identity;
        this.localPeer = PeerId.fromPublicKey(identity.publicKey());
        this.timeout = handshakeTimeout;
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    @Override
    public SecureConnection secureOutbound(RawConnection connection, PeerId expected, List<String> muxers) throws IOException {
        return exchange(connection, expected);
    }

    @Override
    public SecureConnection secureInbound(RawConnection connection, List<String> muxers) throws IOException {
        return exchange(connection, null);
    }

    private SecureConnection exchange(RawConnection connection, PeerId expected) throws IOException {
        // One deadline for the whole exchange, however slowly the remote sends it.
        ReadDeadline deadline = new ReadDeadline(connection, timeout, "plaintext: the handshake");
        try {
            byte[] ours = new ProtobufWriter()
                    .writeBytes(1, localPeer.bytes())
                    .writeBytes(2, identity.publicKey().marshal())
                    .toByteArray();
            LengthPrefixed.write(connection.out(), ours);
            connection.out().flush();
            byte[] theirs = LengthPrefixed.read(deadline.guard(connection.in()), MAX_EXCHANGE);
            deadline.clear();
            byte[] id = null;
            PublicKey key = null;
            ProtobufReader r = new ProtobufReader(theirs);
            while (r.next()) {
                switch (r.fieldNumber()) {
                    case 1 -> id = r.readBytes(MAX_EXCHANGE);
                    case 2 -> key = PublicKey.unmarshal(r.readBytes(MAX_EXCHANGE));
                    default -> r.skip();
                }
            }
            if (id == null || key == null) {
                throw new MalformedMessageException("plaintext: Exchange lacks the " + (id == null ? "id" : "public key"));
            }
            PeerId remote = PeerId.fromBytes(id);
            if (!remote.matches(key)) {
                throw new MalformedMessageException("plaintext: the peer id " + remote + " is not the hash of the key sent with it");
            }
            if (expected != null && !expected.equals(remote)) {
                throw new PeerIdMismatchException(expected, remote);
            }
            return new Connection(connection, localPeer, remote, key);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The raw connection, unchanged, with the identities attached. */
    private static final class Connection extends ForwardingDuplex implements SecureConnection {
        private final RawConnection raw;
        private final PeerId localPeer;
        private final PeerId remotePeer;
        private final PublicKey remotePublicKey;

        Connection(RawConnection raw, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey) {
            super(raw);
            this.raw = raw;
            this.localPeer = localPeer;
            this.remotePeer = remotePeer;
            this.remotePublicKey = remotePublicKey;
        }

        @Override
        public PeerId localPeer() {
            return localPeer;
        }

        @Override
        public PeerId remotePeer() {
            return remotePeer;
        }

        @Override
        public PublicKey remotePublicKey() {
            return remotePublicKey;
        }

        @Override
        public String securityProtocol() {
            return PROTOCOL_ID;
        }

        @Override
        public Optional<String> earlyMuxer() {
            return Optional.empty();
        }

        @Override
        public Multiaddr localAddress() {
            return raw.localAddress();
        }

        @Override
        public Multiaddr remoteAddress() {
            return raw.remoteAddress();
        }
    }
}
