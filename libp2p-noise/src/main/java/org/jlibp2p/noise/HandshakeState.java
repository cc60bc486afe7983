package org.jlibp2p.noise;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Noise HandshakeState (rev. 34, §5.3) for the one pattern libp2p uses, XX (§7.5):
 *
 * <pre>
 *   XX:
 *     -&gt; e
 *     &lt;- e, ee, s, es
 *     -&gt; s, se
 * </pre>
 *
 * The pattern is data ({@link #XX}); {@link #writeMessage} and {@link #readMessage} walk its tokens,
 * as the spec's pseudo-code does. After the third message, {@link #split()} yields the transport
 * CipherStates and the handshake object has nothing more to do.
 */
final class HandshakeState {
    /** The full protocol name, which is also the first value of h and ck. */
    static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";

    /** The tokens of §7.1. XX uses all but SS. */
    enum Token { E, S, EE, ES, SE, SS }

    /** The XX message patterns: initiator's, responder's, initiator's. */
    static final List<List<Token>> XX = List.of(
            List.of(Token.E),
            List.of(Token.E, Token.EE, Token.S, Token.ES),
            List.of(Token.S, Token.SE));

    private final SymmetricState symmetric;
    private final boolean initiator;
    private final X25519 s;
    private final Supplier<X25519> ephemeralSource;
    private X25519 e;
    private byte[] rs;
    private byte[] re;
    private int messageIndex;

    /**
     * Initialize(handshake_pattern, initiator, prologue, s, e, rs, re): XX has no pre-messages, so
     * only the prologue is mixed in.
     *
     * @param initiator       which side
     * @param prologue        bytes both sides must agree on (empty for libp2p over TCP)
     * @param s               our static key pair
     * @param ephemeralSource where ephemeral key pairs come from (fixed keys only in tests)
     */
    HandshakeState(boolean initiator, byte[] prologue, X25519 s, Supplier<X25519> ephemeralSource) {
        this.symmetric = new SymmetricState(PROTOCOL_NAME);
        this.initiator = initiator;
        this.s = s;
        this.ephemeralSource = ephemeralSource;
        symmetric.mixHash(prologue);
    }

    /** WriteMessage(payload, message_buffer): our turn; returns the message to send. */
    byte[] writeMessage(byte[] payload) throws NoiseException {
        checkTurn(true);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        for (Token token : XX.get(messageIndex)) {
            switch (token) {
                case E -> {
                    e = ephemeralSource.get();
                    message.writeBytes(e.publicKey());
                    symmetric.mixHash(e.publicKey());
                }
                case S -> message.writeBytes(symmetric.encryptAndHash(s.publicKey()));
                case EE -> symmetric.mixKey(e.dh(re));
                case ES -> symmetric.mixKey(initiator ? e.dh(rs) : s.dh(re));
                case SE -> symmetric.mixKey(initiator ? s.dh(re) : e.dh(rs));
                case SS -> throw new IllegalStateException("XX has no ss token");
            }
        }
        message.writeBytes(symmetric.encryptAndHash(payload));
        messageIndex++;
        return message.toByteArray();
    }

    /** ReadMessage(message, payload_buffer): the remote's turn; returns the payload it carried. */
    byte[] readMessage(byte[] message) throws NoiseException {
        checkTurn(false);
        int at = 0;
        for (Token token : XX.get(messageIndex)) {
            switch (token) {
                case E -> {
                    re = slice(message, at, X25519.DHLEN, "ephemeral key");
                    at += X25519.DHLEN;
                    symmetric.mixHash(re);
                }
                case S -> {
                    // The static key is encrypted once a key has been mixed: 32 bytes plus a 16-byte tag.
                    int length = X25519.DHLEN + (symmetric.hasKey() ? CipherState.TAG_LENGTH : 0);
                    rs = symmetric.decryptAndHash(slice(message, at, length, "static key"));
                    at += length;
                }
                case EE -> symmetric.mixKey(e.dh(re));
                case ES -> symmetric.mixKey(initiator ? e.dh(rs) : s.dh(re));
                case SE -> symmetric.mixKey(initiator ? s.dh(re) : e.dh(rs));
                case SS -> throw new IllegalStateException("XX has no ss token");
            }
        }
        byte[] payload = symmetric.decryptAndHash(Arrays.copyOfRange(message, at, message.length));
        messageIndex++;
        return payload;
    }

    /** {@return true after the third message} */
    boolean isComplete() {
        return messageIndex == XX.size();
    }

    /**
     * Split(), oriented for this side.
     *
     * @return {sending CipherState, receiving CipherState}
     */
    CipherState[] split() {
        if (!isComplete()) {
            throw new IllegalStateException("the handshake is not complete");
        }
        CipherState[] pair = symmetric.split();
        return initiator ? pair : new CipherState[] {pair[1], pair[0]};
    }

    /** {@return the remote's static public key, once received} */
    byte[] remoteStaticKey() {
        return rs == null ? null : rs.clone();
    }

    /** {@return our static public key} */
    byte[] localStaticKey() {
        return s.publicKey().clone();
    }

    /** {@return the handshake hash} */
    byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    private void checkTurn(boolean writing) {
        if (isComplete()) {
            throw new IllegalStateException("the handshake is complete");
        }
        boolean initiatorsTurn = messageIndex % 2 == 0;
        if (writing != (initiatorsTurn == initiator)) {
            throw new IllegalStateException("not this side's turn to " + (writing ? "write" : "read"));
        }
    }

    private static byte[] slice(byte[] message, int at, int length, String what) throws NoiseHandshakeException {
        if (message.length < at + length) {
            throw new NoiseHandshakeException("noise: handshake message too short for the " + what
                    + " (" + message.length + " bytes)");
        }
        return Arrays.copyOfRange(message, at, at + length);
    }
}
