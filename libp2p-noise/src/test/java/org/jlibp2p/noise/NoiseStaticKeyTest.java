package org.jlibp2p.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.spi.ForwardingRawConnection;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.testing.RawConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One static key per channel, signed once; fresh ephemeral keys every handshake; a signature verified
 * once is not verified again, and only the very same signature over the very same keys counts.
 */
@Timeout(30)
class NoiseStaticKeyTest {
    private static final List<String> YAMUX = List.of("/yamux/1.0.0");
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** What the initiator wrote: message 1 is its ephemeral key in the clear. */
    private static final class Recording extends ForwardingRawConnection {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final OutputStream out;

        Recording(RawConnection c) {
            super(c);
            out = new FilterOutputStream(c.out()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    written.write(b, off, len);
                    super.out.write(b, off, len);
                }
            };
        }

        @Override
        public OutputStream out() {
            return out;
        }

        byte[] ephemeral() {
            return Arrays.copyOfRange(written.toByteArray(), 2, 34);
        }
    }

    private Recording handshake(NoiseSecureChannel initiator, NoiseSecureChannel responder) throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        Future<SecureConnection> inbound = executor.submit(() -> responder.secureInbound(link.b(), YAMUX));
        Recording recording = new Recording(link.a());
        try (SecureConnection out = initiator.secureOutbound(recording, null, YAMUX); SecureConnection in = inbound.get(5, TimeUnit.SECONDS)) {
            out.out().write(7);
            out.out().flush();
            assertThat(in.in().read()).isEqualTo(7);
        }
        return recording;
    }

    @Test
    void reconnectingSkipsTheSignatureCheckButNotTheFreshEphemeralKeys() throws Exception {
        NoiseSecureChannel a = new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519));
        NoiseSecureChannel b = new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519));
        Recording first = handshake(a, b);
        assertThat(a.verified.hits()).as("the first handshake verifies").isZero();
        Recording second = handshake(a, b);
        // b's static key and signature are the same as before: a found them verified; and b found a's
        assertThat(a.verified.hits()).isEqualTo(1);
        assertThat(b.verified.hits()).isEqualTo(1);
        assertThat(second.ephemeral()).as("message 1's ephemeral key is new every handshake").isNotEqualTo(first.ephemeral());
        // a channel with another identity has another static key: verified afresh
        handshake(a, new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)));
        assertThat(a.verified.hits()).isEqualTo(1);
    }

    @Test
    void aCachedTripleDoesNotCoverAnotherSignature() throws Exception {
        VerifiedIdentities cache = new VerifiedIdentities();
        byte[] id = {1, 2, 3};
        byte[] key = new byte[32];
        cache.add(VerifiedIdentities.digest(id, key, new byte[] {9, 9}));
        assertThat(cache.contains(VerifiedIdentities.digest(id, key, new byte[] {9, 9}))).isTrue();
        assertThat(cache.contains(VerifiedIdentities.digest(id, key, new byte[] {9, 8}))).isFalse();
        // lengths are digested too: moving a byte from one part to the next is another triple
        assertThat(cache.contains(VerifiedIdentities.digest(new byte[] {1, 2}, concat(new byte[] {3}, key), new byte[] {9, 9}))).isFalse();
    }

    /**
     * b's identity key and b's real signature, cached by a, presented with another static key: the
     * cache does not cover it, the signature is checked and fails.
     */
    @Test
    void aForgedSignatureIsRefusedAfterARealOneWasCached() throws Exception {
        NoiseSecureChannel a = new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519));
        NoiseSecureChannel b = new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519));
        handshake(a, b);
        StaticIdentity real = b.staticIdentity();
        StaticIdentity forged = new StaticIdentity(X25519.generate(), real.identityKey(), real.signature());
        RawConnections.Pair link = RawConnections.pipes();
        executor.submit(() -> {
            // a responder that presents b's identity key and b's signature over another static key
            return new NoiseHandshake(link.b(), forged, new VerifiedIdentities(), YAMUX, java.time.Duration.ofSeconds(5),
                    NoiseSecureChannel.Observer.NONE).respond(X25519::generate);
        });
        assertThatThrownBy(() -> a.secureOutbound(link.a(), null, YAMUX)).isInstanceOf(IOException.class);
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}
