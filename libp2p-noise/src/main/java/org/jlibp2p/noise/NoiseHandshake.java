package org.jlibp2p.noise;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.ReadDeadline;
import org.jlibp2p.core.PeerIdMismatchException;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.spi.RawConnection;

/**
 * The libp2p Noise handshake (noise/README.md, "Handshake Pattern", "The libp2p Handshake Payload"),
 * as two straight scripts, one per side. Each of the three XX messages is sent as a frame of a 2-byte
 * big-endian length and the message. Messages 2 and 3 carry a {@link NoiseHandshakePayload} that binds
 * the sender's libp2p identity to its Noise static key:
 * the identity key signs {@code "noise-libp2p-static-key:" || noise static public key}.
 *
 * <p>The prologue is empty: the TCP spec defines none (go, rust and js all use an empty one).
 */
final class NoiseHandshake {
    static final String SIGNATURE_PREFIX = "noise-libp2p-static-key:";
    static final byte[] EMPTY_PROLOGUE = new byte[0];
    /** "Noise messages ... are limited to 65535 bytes" (noise/README.md, "Wire Format"). */
    static final int MAX_MESSAGE_LENGTH = 65535;

    /** What a completed handshake yields. */
    record Result(CipherState send, CipherState receive, PeerId remotePeer, PublicKey remoteKey, Optional<String> muxer) {}

    private final RawConnection connection;
    private final StaticIdentity identity;
    private final VerifiedIdentities verified;
    private final List<String> muxers;
    /** Every read of the handshake, however small, is bounded by what is left of one deadline. */
    private final InputStream in;
    private final NoiseSecureChannel.Observer observer;

    NoiseHandshake(RawConnection connection, StaticIdentity identity, VerifiedIdentities verified, List<String> muxers, Duration timeout,
                   NoiseSecureChannel.Observer observer) {
        this.connection = connection;
        this.identity = identity;
        this.verified = verified;
        this.muxers = List.copyOf(muxers);
        this.in = new ReadDeadline(connection, timeout, "noise: the handshake").guard(connection.in());
        this.observer = observer;
    }

    /** The initiator's script: {@code -> e}, {@code <- e, ee, s, es}, {@code -> s, se}. */
    Result initiate(PeerId expected, Supplier<X25519> ephemerals) throws IOException {
        X25519 staticKey = identity.key;
        HandshakeState handshake = new HandshakeState(true, EMPTY_PROLOGUE, staticKey, ephemerals);

        // Message 1 carries no payload: nothing is encrypted yet, so nothing about us may go in it.
        send(1, "e", handshake.writeMessage(new byte[0]));

        NoiseHandshakePayload theirs = NoiseHandshakePayload.decode(handshake.readMessage(receive(2, "e, ee, s, es")));
        PublicKey remoteKey = verify(theirs, handshake.remoteStaticKey());
        PeerId remotePeer = PeerId.fromPublicKey(remoteKey);
        if (expected != null && !expected.equals(remotePeer)) {
            throw new PeerIdMismatchException(expected, remotePeer);
        }

        // Extensions go in message 3 from the initiator (inlined-muxer-negotiation.md).
        send(3, "s, se", handshake.writeMessage(identity.payload(muxers).encode()));

        // The initiator's list decides: the first of ours that the responder also supports.
        Optional<String> muxer = agree(muxers, theirs.streamMuxers());
        CipherState[] keys = handshake.split();
        return new Result(keys[0], keys[1], remotePeer, remoteKey, muxer);
    }

    /** The responder's script: {@code -> e}, {@code <- e, ee, s, es}, {@code -> s, se}. */
    Result respond(Supplier<X25519> ephemerals) throws IOException {
        X25519 staticKey = identity.key;
        HandshakeState handshake = new HandshakeState(false, EMPTY_PROLOGUE, staticKey, ephemerals);

        byte[] first = handshake.readMessage(receive(1, "e"));
        if (first.length != 0) {
            // Message 1 is sent in the clear; go and rust never put anything in it. Tolerate, ignore.
            observer.note("message 1 carried " + first.length + " unexpected payload bytes; ignored");
        }

        // Extensions go in message 2 from the responder.
        send(2, "e, ee, s, es", handshake.writeMessage(identity.payload(muxers).encode()));

        NoiseHandshakePayload theirs = NoiseHandshakePayload.decode(handshake.readMessage(receive(3, "s, se")));
        PublicKey remoteKey = verify(theirs, handshake.remoteStaticKey());

        // "the first entry of the initiator's list that both support" (spec and go). js picks from the
        // remote's list; with the lists the two sides exchange, every rule gives the same answer.
        Optional<String> muxer = agree(theirs.streamMuxers(), muxers);
        CipherState[] keys = handshake.split();
        return new Result(keys[0], keys[1], PeerId.fromPublicKey(remoteKey), remoteKey, muxer);
    }

    /**
     * The remote's identity key must have signed its Noise static key. A triple (identity key, static
     * key, signature) verified before is not verified again.
     */
    private PublicKey verify(NoiseHandshakePayload payload, byte[] remoteStatic) throws NoiseHandshakeException {
        PublicKey key;
        try {
            key = PublicKey.unmarshal(payload.identityKey());
        } catch (MalformedMessageException e) {
            throw new NoiseHandshakeException("noise: the remote's identity key is invalid: " + e.getMessage());
        }
        var digest = VerifiedIdentities.digest(payload.identityKey(), remoteStatic, payload.identitySig());
        if (verified.contains(digest)) {
            return key;
        }
        if (!key.verify(signedBytes(remoteStatic), payload.identitySig())) {
            throw new NoiseHandshakeException("noise: the remote's identity signature does not match its static key");
        }
        verified.add(digest);
        return key;
    }

    static byte[] signedBytes(byte[] noiseStaticKey) {
        return SymmetricState.concat(SIGNATURE_PREFIX.getBytes(StandardCharsets.UTF_8), noiseStaticKey);
    }

    /**
     * Early muxer negotiation (connections/inlined-muxer-negotiation.md): the first entry of the
     * initiator's list that the responder supports. If either side offered nothing, the muxer is
     * negotiated later with multistream-select. If both offered and nothing matches, "the handshake
     * MUST fail".
     */
    static Optional<String> agree(List<String> initiators, List<String> responders) throws NoiseHandshakeException {
        if (initiators.isEmpty() || responders.isEmpty()) {
            return Optional.empty();
        }
        for (String m : initiators) {
            if (responders.contains(m)) {
                return Optional.of(m);
            }
        }
        throw new NoiseHandshakeException("noise: no stream muxer in common (initiator " + initiators + ", responder " + responders + ")");
    }

    private void send(int number, String tokens, byte[] message) throws IOException {
        if (message.length > MAX_MESSAGE_LENGTH) {
            throw new IllegalStateException("handshake message over 65535 bytes");
        }
        byte[] frame = new byte[2 + message.length];
        frame[0] = (byte) (message.length >>> 8);
        frame[1] = (byte) message.length;
        System.arraycopy(message, 0, frame, 2, message.length);
        connection.out().write(frame);
        connection.out().flush();
        observer.handshakeMessage(number, tokens, message.length, true);
    }

    private byte[] receive(int number, String tokens) throws IOException {
        byte[] lengthBytes = readFully(2);
        int length = (lengthBytes[0] & 0xFF) << 8 | (lengthBytes[1] & 0xFF);
        byte[] message = readFully(length);
        observer.handshakeMessage(number, tokens, length, false);
        return message;
    }

    /** Reads exactly n bytes, each read bounded by what is left of the handshake deadline. */
    private byte[] readFully(int n) throws IOException {
        byte[] buf = new byte[n];
        if (in.readNBytes(buf, 0, n) < n) {
            throw new EOFException("noise: connection closed during the handshake");
        }
        return buf;
    }
}
