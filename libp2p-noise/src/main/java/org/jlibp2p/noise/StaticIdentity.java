package org.jlibp2p.noise;

import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.crypto.PrivateKey;

/**
 * A channel's Noise static key and the identity signature over it, made once and reused by every
 * handshake until it is replaced after {@link #LIFETIME} (rust-libp2p keeps one static key per
 * configuration; go makes one per connection). noise/README.md, "Static Key Authentication": the
 * signature binds the static key to the libp2p identity, and it depends on nothing else, so it can be
 * computed once. Forward secrecy does not depend on it: that comes from the ephemeral keys (the
 * {@code ee} token), which stay fresh for every handshake.
 *
 * <p>A handshake pays an X25519 key generation and an identity signature less: on a processor
 * without the JDK's curve intrinsics these are ~0.3 ms and ~1.2 ms (Ed25519) of the ~3 ms each side
 * spends on a handshake.
 */
final class StaticIdentity {
    /** How long one static key serves before a new one is made. */
    static final Duration LIFETIME = Duration.ofHours(1);

    final X25519 key;
    private final byte[] identityKey;
    private final byte[] signature;
    private final long madeAtNanos = System.nanoTime();

    StaticIdentity(PrivateKey identity) {
        this.key = X25519.generate();
        this.identityKey = identity.publicKey().marshal();
        this.signature = identity.sign(NoiseHandshake.signedBytes(key.publicKey()));
    }

    /** A static key presented with any identity key and signature: for tests that forge one. */
    StaticIdentity(X25519 key, byte[] identityKey, byte[] signature) {
        this.key = key;
        this.identityKey = identityKey.clone();
        this.signature = signature.clone();
    }

    byte[] identityKey() {
        return identityKey.clone();
    }

    byte[] signature() {
        return signature.clone();
    }

    boolean expired() {
        return System.nanoTime() - madeAtNanos > LIFETIME.toNanos();
    }

    /** The handshake payload that authenticates this key, with the muxers to offer. */
    NoiseHandshakePayload payload(List<String> muxers) {
        return new NoiseHandshakePayload(identityKey, signature, List.of(), muxers);
    }
}
