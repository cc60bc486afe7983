package org.jlibp2p.noise;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Where a channel's handshakes take their ephemeral key pairs (GENERATE_KEYPAIR() for the {@code e}
 * token, Noise rev. 34 §5.3). The next pair is made ahead, on a virtual thread of its own, while the
 * handshakes wait for the network, so that a handshake finds its pair ready instead of making it on
 * its critical path: the initiator before its first message, the responder before its reply.
 *
 * <p>Each pair is handed out once and dropped by this class as it is handed out, so every handshake
 * still has an ephemeral key of its own and the forward secrecy of the {@code ee} token is unchanged.
 * For the whole channel at most one pair waits and at most one is being made; a handshake that finds
 * none ready makes its own.
 */
final class EphemeralKeys implements Supplier<X25519> {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.noise");
    private final Supplier<X25519> generator;
    private final AtomicReference<X25519> ready = new AtomicReference<>();
    private final AtomicBoolean making = new AtomicBoolean();

    /** Pairs from the JDK's X25519. */
    EphemeralKeys() {
        this(X25519::generate);
    }

    /** Pairs from {@code generator}: for tests that count or pick them. */
    EphemeralKeys(Supplier<X25519> generator) {
        this.generator = generator;
    }

    /** {@return a key pair never handed out before: the one made ahead if it is ready, else a new one} */
    @Override
    public X25519 get() {
        X25519 pair = ready.getAndSet(null);
        makeAhead();
        return pair != null ? pair : generator.get();
    }

    /** {@return whether a pair is ready} */
    boolean hasReady() {
        return ready.get() != null;
    }

    private void makeAhead() {
        if (!making.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("noise-ephemeral").start(() -> {
            try {
                ready.compareAndSet(null, generator.get()); // one left untaken stays: this one is dropped
            } catch (RuntimeException e) {
                // Nothing ready: the next handshake makes its own pair, and meets the same failure there.
                LOG.log(Level.DEBUG, () -> "noise: could not make an ephemeral key pair ahead: " + e);
            } finally {
                making.set(false);
            }
        });
    }
}
