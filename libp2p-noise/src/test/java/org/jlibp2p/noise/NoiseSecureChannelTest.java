package org.jlibp2p.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.PeerIdMismatchException;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.testing.RawConnections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class NoiseSecureChannelTest {
    private static final List<String> YAMUX = List.of("/yamux/1.0.0");
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void shutdown() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private SecureConnection[] handshake(RawConnections.Pair link, PrivateKey dialer, PrivateKey listener,
                                         PeerId expected, List<String> dialerMuxers, List<String> listenerMuxers) throws Exception {
        Future<SecureConnection> inbound = executor.submit(() -> new NoiseSecureChannel(listener).secureInbound(link.b(), listenerMuxers));
        SecureConnection outbound = new NoiseSecureChannel(dialer).secureOutbound(link.a(), expected, dialerMuxers);
        return new SecureConnection[] {outbound, inbound.get(10, TimeUnit.SECONDS)};
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void everyKeyTypeAuthenticatesOverPipes(KeyType type) throws Exception {
        PrivateKey a = PrivateKey.generate(type);
        PrivateKey b = PrivateKey.generate(KeyType.ED25519);
        SecureConnection[] c = handshake(RawConnections.pipes(), a, b, PeerId.fromPublicKey(b.publicKey()), YAMUX, YAMUX);
        assertThat(c[0].remotePeer()).isEqualTo(PeerId.fromPublicKey(b.publicKey()));
        assertThat(c[1].remotePeer()).isEqualTo(PeerId.fromPublicKey(a.publicKey()));
        assertThat(c[1].remotePublicKey()).isEqualTo(a.publicKey());
        assertThat(c[0].earlyMuxer()).contains("/yamux/1.0.0");
        assertThat(c[1].earlyMuxer()).contains("/yamux/1.0.0");
        exchange(c[0], c[1], 100_000);
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void everyKeyTypeAuthenticatesOverTcp(KeyType type) throws Exception {
        PrivateKey a = PrivateKey.generate(KeyType.ED25519);
        PrivateKey b = PrivateKey.generate(type);
        SecureConnection[] c = handshake(RawConnections.tcp(), a, b, null, YAMUX, YAMUX);
        assertThat(c[0].remotePeer()).isEqualTo(PeerId.fromPublicKey(b.publicKey()));
        exchange(c[0], c[1], 3_000_000);
        c[0].close();
        c[1].close();
    }

    /** Bytes cross both ways intact: large writes become full frames, small writes are coalesced. */
    private void exchange(SecureConnection a, SecureConnection b, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Future<byte[]> received = executor.submit(() -> b.in().readNBytes(size));
        a.out().write(data, 0, 10);               // small writes stay buffered...
        a.out().write(data, 10, 1);
        a.out().write(data, 11, size - 11);       // ...until frames fill or flush
        a.out().flush();
        assertThat(Arrays.equals(received.get(30, TimeUnit.SECONDS), data)).isTrue();
        b.out().write("pong".getBytes());
        b.out().flush();
        assertThat(a.in().readNBytes(4)).isEqualTo("pong".getBytes());
    }

    @Test
    void theWrongPeerIsRefusedWithItsOwnException() throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        PrivateKey listener = PrivateKey.generate(KeyType.ED25519);
        PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
        executor.submit(() -> new NoiseSecureChannel(listener).secureInbound(link.b(), YAMUX));
        assertThatThrownBy(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)).secureOutbound(link.a(), someoneElse, YAMUX))
                .isInstanceOf(PeerIdMismatchException.class)
                .satisfies(e -> assertThat(((PeerIdMismatchException) e).actual()).isEqualTo(PeerId.fromPublicKey(listener.publicKey())));
        assertThatThrownBy(() -> link.a().in().read()).as("the connection is closed").isInstanceOf(IOException.class);
    }

    @Test
    void muxersWithNothingInCommonFailTheHandshake() {
        RawConnections.Pair link = RawConnections.pipes();
        executor.submit(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)).secureInbound(link.b(), List.of("/mplex/6.7.0")));
        assertThatThrownBy(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)).secureOutbound(link.a(), null, YAMUX))
                .isInstanceOf(NoiseHandshakeException.class)
                .hasMessageContaining("no stream muxer in common");
    }

    @Test
    void withoutOffersTheMuxerIsLeftToMultistream() throws Exception {
        SecureConnection[] c = handshake(RawConnections.pipes(), PrivateKey.generate(KeyType.ED25519),
                PrivateKey.generate(KeyType.ED25519), null, YAMUX, List.of());
        assertThat(c[0].earlyMuxer()).isEmpty();
        assertThat(c[1].earlyMuxer()).isEmpty();
    }

    @Test
    void theInitiatorsPreferenceDecides() throws Exception {
        assertThat(NoiseHandshake.agree(List.of("/a", "/b"), List.of("/b", "/a"))).contains("/a");
        assertThat(NoiseHandshake.agree(List.of("/c", "/b"), List.of("/a", "/b"))).contains("/b");
        assertThat(NoiseHandshake.agree(List.of(), List.of("/a"))).isEmpty();
        SecureConnection[] c = handshake(RawConnections.pipes(), PrivateKey.generate(KeyType.ED25519),
                PrivateKey.generate(KeyType.ED25519), null, List.of("/mplex/6.7.0", "/yamux/1.0.0"), List.of("/yamux/1.0.0", "/mplex/6.7.0"));
        assertThat(c[0].earlyMuxer()).contains("/mplex/6.7.0");
        assertThat(c[1].earlyMuxer()).contains("/mplex/6.7.0");
    }

    @Test
    void aSilentRemoteFailsAtTheHandshakeDeadline() {
        RawConnections.Pair link = RawConnections.pipes();
        long start = System.nanoTime();
        assertThatThrownBy(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519), Duration.ofMillis(200), NoiseSecureChannel.Observer.NONE)
                .secureInbound(link.b(), YAMUX))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("deadline");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    /** A responder whose payload is signed by another key than the one it presents. */
    @Test
    void aSignatureByAnotherKeyIsRefused() throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        PrivateKey presented = PrivateKey.generate(KeyType.ED25519);
        PrivateKey signer = PrivateKey.generate(KeyType.ED25519);
        executor.submit(() -> {
            respondWithPayload(link.b(), staticKey -> new NoiseHandshakePayload(presented.publicKey().marshal(),
                    signer.sign(NoiseHandshake.signedBytes(staticKey)), List.of(), List.of()));
            return null;
        });
        assertThatThrownBy(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)).secureOutbound(link.a(), null, YAMUX))
                .isInstanceOf(NoiseHandshakeException.class)
                .hasMessageContaining("signature does not match");
    }

    /** A responder that signs something other than its Noise static key. */
    @Test
    void aSignatureOverTheWrongStaticKeyIsRefused() throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        PrivateKey identity = PrivateKey.generate(KeyType.SECP256K1);
        executor.submit(() -> {
            respondWithPayload(link.b(), staticKey -> new NoiseHandshakePayload(identity.publicKey().marshal(),
                    identity.sign(NoiseHandshake.signedBytes(new byte[32])), List.of(), List.of()));
            return null;
        });
        assertThatThrownBy(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)).secureOutbound(link.a(), null, YAMUX))
                .isInstanceOf(NoiseHandshakeException.class);
    }

    @Test
    void aGarbageIdentityKeyIsRefused() throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        executor.submit(() -> {
            respondWithPayload(link.b(), staticKey -> new NoiseHandshakePayload(new byte[] {8, 9, 18, 1, 0}, new byte[64], List.of(), List.of()));
            return null;
        });
        assertThatThrownBy(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)).secureOutbound(link.a(), null, YAMUX))
                .isInstanceOf(NoiseHandshakeException.class)
                .hasMessageContaining("identity key is invalid");
    }

    private static void respondWithPayload(RawConnection conn, java.util.function.Function<byte[], NoiseHandshakePayload> payload) throws IOException {
        X25519 s = X25519.generate();
        HandshakeState hs = new HandshakeState(false, NoiseHandshake.EMPTY_PROLOGUE, s, X25519::generate);
        hs.readMessage(readFrame(conn));
        writeFrame(conn, hs.writeMessage(payload.apply(s.publicKey()).encode()));
        conn.in().read(); // wait for the initiator to give up
    }

    private static byte[] readFrame(RawConnection conn) throws IOException {
        byte[] len = conn.in().readNBytes(2);
        return conn.in().readNBytes((len[0] & 0xFF) << 8 | (len[1] & 0xFF));
    }

    private static void writeFrame(RawConnection conn, byte[] message) throws IOException {
        conn.out().write(new byte[] {(byte) (message.length >>> 8), (byte) message.length});
        conn.out().write(message);
        conn.out().flush();
    }

    /** After the handshake, a frame whose bytes changed on the way fails authentication. */
    @Test
    void tamperedCiphertextFailsAuthentication() throws Exception {
        ByHand c = handshakeByHand();
        byte[] frame = sealedFrame(c.initiator(), "attack at dawn".getBytes());
        frame[5] ^= 1; // one bit flipped in flight
        c.link().a().out().write(frame);
        c.link().a().out().flush();
        assertThatThrownBy(() -> c.server().in().read()).isInstanceOf(NoiseException.class).hasMessageContaining("authentication");
    }

    /**
     * The initiator's side of a handshake, driven by hand so that a test can write raw bytes under the
     * encryption layer, and the listener's connection.
     */
    private record ByHand(RawConnections.Pair link, NoiseHandshake.Result initiator, SecureConnection server) {}

    private ByHand handshakeByHand() throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        Future<SecureConnection> inbound = executor.submit(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)).secureInbound(link.b(), YAMUX));
        NoiseHandshake.Result result = new NoiseHandshake(link.a(), new StaticIdentity(PrivateKey.generate(KeyType.ED25519)), new VerifiedIdentities(), YAMUX, Duration.ofSeconds(5),
                NoiseSecureChannel.Observer.NONE).initiate(null, X25519::generate);
        return new ByHand(link, result, inbound.get(5, TimeUnit.SECONDS));
    }

    /**
     * The reader takes the next frame's length with a frame's body when it has arrived too: frames
     * split anywhere on the way, or arriving many in one read, all decode in order, and the stream
     * still ends cleanly between frames.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 17, 65_536})
    void framesSplitAnywhereOrArrivingTogetherDecodeInOrder(int readSize) throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        RawConnection limited = RawConnections.wrap(new ForwardingDuplex(link.b()) {
            private final InputStream in = new FilterInputStream(link.b().in()) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return super.read(b, off, Math.min(len, readSize));
                }
            };

            @Override
            public InputStream in() {
                return in;
            }
        }, "/memory/2", "/memory/1");
        Future<SecureConnection> inbound = executor.submit(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)).secureInbound(limited, YAMUX));
        NoiseHandshake.Result result = new NoiseHandshake(link.a(), new StaticIdentity(PrivateKey.generate(KeyType.ED25519)), new VerifiedIdentities(), YAMUX, Duration.ofSeconds(5),
                NoiseSecureChannel.Observer.NONE).initiate(null, X25519::generate);
        SecureConnection server = inbound.get(5, TimeUnit.SECONDS);
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        Random random = new Random(readSize);
        for (int size : new int[] {5, 0, 1, 15, 1000, NoiseConnection.MAX_PLAINTEXT, 0, 2}) {
            byte[] frame = new byte[2 + size + 16];
            random.nextBytes(frame);
            expected.write(frame, 2, size);
            int ct = result.send().encryptInPlace(null, frame, 2, size);
            frame[0] = (byte) (ct >>> 8);
            frame[1] = (byte) ct;
            wire.write(frame);
        }
        link.a().out().write(wire.toByteArray()); // every frame is there before the first read
        link.a().out().close();
        byte[] want = expected.toByteArray();
        assertThat(Arrays.equals(server.in().readNBytes(want.length + 1), want)).isTrue();
        assertThat(server.in().read()).isEqualTo(-1);
    }

    /**
     * {@code available()} counts what is left of the decrypted frame, then the next frame's plaintext
     * once all of that frame has arrived (a muxer asks it to learn whether more is on its way), and
     * nothing of a frame still arriving.
     */
    @Test
    void availableCountsTheNextFrameOnlyOnceAllOfItHasArrived() throws Exception {
        ByHand c = handshakeByHand();
        RawConnections.Pair link = c.link();
        SecureConnection server = c.server();
        Random random = new Random(1);
        byte[] one = new byte[100];
        byte[] two = new byte[1000];
        random.nextBytes(one);
        random.nextBytes(two);
        byte[] first = sealedFrame(c.initiator(), one);
        byte[] second = sealedFrame(c.initiator(), two);
        int half = 2 + 500;
        link.a().out().write(first);
        link.a().out().write(second, 0, half); // the next frame's length, half its body
        link.a().out().flush();

        assertThat(server.in().readNBytes(40)).isEqualTo(Arrays.copyOf(one, 40));
        assertThat(server.in().available()).as("left of the first frame").isEqualTo(60);
        assertThat(server.in().readNBytes(60)).isEqualTo(Arrays.copyOfRange(one, 40, 100));
        assertThat(server.in().available()).as("the second frame, half arrived").isZero();
        link.a().out().write(second, half, second.length - half);
        link.a().out().flush();
        assertThat(server.in().available()).as("the second frame, all arrived").isEqualTo(two.length);
        assertThat(server.in().readNBytes(two.length)).isEqualTo(two);
        assertThat(server.in().available()).as("nothing more sent").isZero();
    }

    private static byte[] sealedFrame(NoiseHandshake.Result result, byte[] plaintext) throws NoiseException {
        byte[] frame = new byte[2 + plaintext.length + 16];
        System.arraycopy(plaintext, 0, frame, 2, plaintext.length);
        int ct = result.send().encryptInPlace(null, frame, 2, plaintext.length);
        frame[0] = (byte) (ct >>> 8);
        frame[1] = (byte) ct;
        return frame;
    }

    @Test
    void truncatedFrameIsAnEofAndAShortFrameIsRefused() throws Exception {
        // The initiator is driven by hand, so the test can write raw bytes under the encryption layer.
        RawConnections.Pair link = RawConnections.pipes();
        Future<SecureConnection> inbound = executor.submit(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)).secureInbound(link.b(), YAMUX));
        new NoiseHandshake(link.a(), new StaticIdentity(PrivateKey.generate(KeyType.ED25519)), new VerifiedIdentities(), YAMUX, Duration.ofSeconds(5), NoiseSecureChannel.Observer.NONE)
                .initiate(null, X25519::generate);
        SecureConnection server = inbound.get(5, TimeUnit.SECONDS);
        link.a().out().write(new byte[] {0, 100, 1, 2, 3});
        link.a().out().close();
        assertThatThrownBy(() -> server.in().read()).isInstanceOf(EOFException.class).hasMessageContaining("3 of 100");

        RawConnections.Pair link2 = RawConnections.pipes();
        Future<SecureConnection> inbound2 = executor.submit(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)).secureInbound(link2.b(), YAMUX));
        new NoiseHandshake(link2.a(), new StaticIdentity(PrivateKey.generate(KeyType.ED25519)), new VerifiedIdentities(), YAMUX, Duration.ofSeconds(5), NoiseSecureChannel.Observer.NONE)
                .initiate(null, X25519::generate);
        SecureConnection server2 = inbound2.get(5, TimeUnit.SECONDS);
        link2.a().out().write(new byte[] {0, 5, 1, 2, 3, 4, 5});
        assertThatThrownBy(() -> server2.in().read()).isInstanceOf(NoiseException.class).hasMessageContaining("cannot hold its 16-byte tag");
    }

    @Test
    void aHandshakeMessageTooShortIsRefused() throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        Future<?> inbound = executor.submit(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)).secureInbound(link.b(), YAMUX));
        writeFrame(link.a(), new byte[10]); // message 1 must hold a 32-byte ephemeral key
        assertThatThrownBy(() -> inbound.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(NoiseHandshakeException.class);
    }

    @Test
    void theObserverSeesTheThreeMessages() throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        StringBuilder seen = new StringBuilder();
        NoiseSecureChannel.Observer observer = new NoiseSecureChannel.Observer() {
            @Override
            public void handshakeMessage(int number, String tokens, int length, boolean sent) {
                seen.append(sent ? "-> " : "<- ").append(number).append(' ').append(tokens).append('\n');
            }

            @Override
            public void handshakeComplete(PeerId remote, Optional<String> muxer) {
                seen.append("done ").append(muxer.orElse("none"));
            }
        };
        executor.submit(() -> new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519)).secureInbound(link.b(), YAMUX));
        new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519), Duration.ofSeconds(5), observer).secureOutbound(link.a(), null, YAMUX);
        assertThat(seen.toString()).isEqualTo("-> 1 e\n<- 2 e, ee, s, es\n-> 3 s, se\ndone /yamux/1.0.0");
    }
}
