package org.jlibp2p.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.PeerIdMismatchException;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.memory.Pipes;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureChannel;
import org.jlibp2p.core.spi.SecureConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link SecureChannel} keeps, as tests over in-memory pipes (like
 * {@link MuxerContract}, after go-libp2p's p2p/security tests). A security module extends this class
 * and supplies its channel; every promise of {@link SecureChannel} and {@link SecureConnection}, and
 * of {@link Duplex} for the connection it returns, is checked here:
 * <ul>
 *   <li>the handshake authenticates both peers, in both roles, and a dialer that expected another
 *       peer fails with {@link PeerIdMismatchException};</li>
 *   <li>bytes cross both ways intact, large and small, with {@code flush()} delivering what was
 *       written; half-close, close and read timeouts behave as {@link Duplex} says;</li>
 *   <li>a handshake with a peer that sends garbage, says nothing, or is too slow ends with an
 *       {@link IOException} (never a {@link RuntimeException}) by the channel's handshake deadline,
 *       and the raw connection is closed;</li>
 *   <li>muxers offered in the handshake are agreed as connections/inlined-muxer-negotiation.md says,
 *       if the channel supports that ({@link #negotiatesMuxerInHandshake()}), and ignored if not.</li>
 * </ul>
 */
@Timeout(60)
public abstract class SecureChannelContract {
    /** The handshake deadline of the tests that do not test the deadline. */
    protected static final Duration RELAXED = Duration.ofSeconds(10);
    /** The handshake deadline of the tests that do. */
    protected static final Duration DEADLINE = Duration.ofMillis(500);
    /** How late after its deadline a handshake may fail: scheduling noise on a busy machine. */
    protected static final Duration SLACK = Duration.ofMillis(1500);
    private static final List<String> YAMUX = List.of("/yamux/1.0.0");

    protected final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("contract-", 0).factory());
    protected final PrivateKey dialerKey = PrivateKey.generate(KeyType.ED25519);
    protected final PrivateKey listenerKey = PrivateKey.generate(KeyType.ED25519);

    /**
     * The channel under test.
     *
     * @param identity          the identity it authenticates as
     * @param handshakeDeadline how long its handshake may take
     * @return the channel
     */
    protected abstract SecureChannel channel(PrivateKey identity, Duration handshakeDeadline);

    /**
     * Whether the channel agrees on a stream muxer inside its handshake
     * (connections/inlined-muxer-negotiation.md), reporting it in {@link SecureConnection#earlyMuxer()}.
     *
     * @return false unless overridden
     */
    protected boolean negotiatesMuxerInHandshake() {
        return false;
    }

    @AfterEach
    void endTasks() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("test tasks ended").isTrue();
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "contract-")).isEmpty();
    }

    // ---- the handshake -----------------------------------------------------------------------

    /** Both ends of a completed handshake. @param dialer the initiator's end @param listener the responder's end */
    protected record Secured(SecureConnection dialer, SecureConnection listener) {}

    /**
     * Runs both sides of a handshake over a fresh pipe, the responder on another thread.
     *
     * @param expected       the peer the dialer expects, or null
     * @param dialerMuxers   what the dialer offers
     * @param listenerMuxers what the listener offers
     * @return both ends
     * @throws Exception if either side fails
     */
    protected Secured handshake(PeerId expected, List<String> dialerMuxers, List<String> listenerMuxers) throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        Future<SecureConnection> inbound = executor.submit(() -> channel(listenerKey, RELAXED).secureInbound(link.b(), listenerMuxers));
        SecureConnection outbound;
        try {
            outbound = channel(dialerKey, RELAXED).secureOutbound(link.a(), expected, dialerMuxers);
        } catch (IOException | RuntimeException e) {
            link.b().close();
            throw e;
        }
        SecureConnection in = inbound.get(RELAXED.toSeconds(), TimeUnit.SECONDS);
        outbound.setReadTimeout(RELAXED);
        in.setReadTimeout(RELAXED);
        return new Secured(outbound, in);
    }

    private Secured handshake() throws Exception {
        return handshake(PeerId.fromPublicKey(listenerKey.publicKey()), YAMUX, YAMUX);
    }

    @Test
    void theHandshakeAuthenticatesBothPeers() throws Exception {
        Secured s = handshake();
        PeerId dialer = PeerId.fromPublicKey(dialerKey.publicKey());
        PeerId listener = PeerId.fromPublicKey(listenerKey.publicKey());
        assertThat(s.dialer().localPeer()).isEqualTo(dialer);
        assertThat(s.dialer().remotePeer()).isEqualTo(listener);
        assertThat(s.dialer().remotePublicKey()).isEqualTo(listenerKey.publicKey());
        assertThat(s.listener().localPeer()).isEqualTo(listener);
        assertThat(s.listener().remotePeer()).isEqualTo(dialer);
        assertThat(s.listener().remotePublicKey()).isEqualTo(dialerKey.publicKey());
        String id = channel(dialerKey, RELAXED).protocolId();
        assertThat(s.dialer().securityProtocol()).isEqualTo(id);
        assertThat(s.listener().securityProtocol()).isEqualTo(id);
        // The raw connection's addresses pass through.
        assertThat(s.dialer().localAddress()).isEqualTo(s.listener().remoteAddress());
        assertThat(s.dialer().remoteAddress()).isEqualTo(s.listener().localAddress());
        s.dialer().close();
        s.listener().close();
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void everyKeyTypeAuthenticates(KeyType type) throws Exception {
        PrivateKey dialer = PrivateKey.generate(type);
        PrivateKey listener = PrivateKey.generate(type);
        RawConnections.Pair link = RawConnections.pipes();
        Future<SecureConnection> inbound = executor.submit(() -> channel(listener, RELAXED).secureInbound(link.b(), List.of()));
        SecureConnection out = channel(dialer, RELAXED).secureOutbound(link.a(), PeerId.fromPublicKey(listener.publicKey()), List.of());
        SecureConnection in = inbound.get(10, TimeUnit.SECONDS);
        assertThat(out.remotePublicKey()).isEqualTo(listener.publicKey());
        assertThat(in.remotePublicKey()).isEqualTo(dialer.publicKey());
        assertThat(in.remotePeer()).isEqualTo(PeerId.fromPublicKey(dialer.publicKey()));
        out.close();
        in.close();
    }

    @Test
    void aDialerThatExpectsNobodyInParticularAcceptsWhoeverAnswers() throws Exception {
        Secured s = handshake(null, YAMUX, YAMUX);
        assertThat(s.dialer().remotePeer()).isEqualTo(PeerId.fromPublicKey(listenerKey.publicKey()));
        s.dialer().close();
        s.listener().close();
    }

    @Test
    void aDialerThatExpectedAnotherPeerFailsWithPeerIdMismatch() throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
        Future<SecureConnection> inbound = executor.submit(() -> channel(listenerKey, RELAXED).secureInbound(link.b(), YAMUX));
        Throwable thrown = catchThrowable(() -> channel(dialerKey, RELAXED).secureOutbound(link.a(), someoneElse, YAMUX));
        assertThat(thrown).isInstanceOf(PeerIdMismatchException.class);
        PeerIdMismatchException mismatch = (PeerIdMismatchException) thrown;
        assertThat(mismatch.expected()).isEqualTo(someoneElse);
        assertThat(mismatch.actual()).isEqualTo(PeerId.fromPublicKey(listenerKey.publicKey()));
        assertClosed(link.a());
        // The listener either fails, or finishes and then finds the connection closed.
        try {
            SecureConnection in = inbound.get(10, TimeUnit.SECONDS);
            in.setReadTimeout(RELAXED);
            assertThat(readOrFail(in.in())).isEqualTo(-1);
            in.close();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IOException.class);
        }
    }

    // ---- data --------------------------------------------------------------------------------

    @Test
    void aLargeTransferCrossesBothWaysAtOnce() throws Exception {
        Secured s = handshake();
        int size = 4 * 1024 * 1024;
        byte[] up = random(size, 1);
        byte[] down = random(size, 2);
        Future<byte[]> atListener = executor.submit(() -> s.listener().in().readNBytes(size));
        Future<byte[]> atDialer = executor.submit(() -> s.dialer().in().readNBytes(size));
        Future<?> writeDown = executor.submit(() -> {
            s.listener().out().write(down);
            s.listener().out().flush();
            return null;
        });
        s.dialer().out().write(up);
        s.dialer().out().flush();
        writeDown.get(30, TimeUnit.SECONDS);
        assertThat(Arrays.equals(atListener.get(30, TimeUnit.SECONDS), up)).as("dialer to listener").isTrue();
        assertThat(Arrays.equals(atDialer.get(30, TimeUnit.SECONDS), down)).as("listener to dialer").isTrue();
        s.dialer().close();
        s.listener().close();
    }

    /** Each flush delivers what was written before it: a request/response protocol never stalls. */
    @Test
    void flushDeliversEverySmallWrite() throws Exception {
        Secured s = handshake();
        Random random = new Random(3);
        for (int i = 0; i < 1000; i++) {
            byte[] message = random(1 + random.nextInt(40), i);
            s.dialer().out().write(message);
            s.dialer().out().flush();
            assertThat(s.listener().in().readNBytes(message.length)).isEqualTo(message);
            s.listener().out().write(i & 0xFF);
            s.listener().out().flush();
            assertThat(s.dialer().in().read()).isEqualTo(i & 0xFF);
        }
        s.dialer().close();
        s.listener().close();
    }

    @Test
    void manySmallWritesArriveInOrder() throws Exception {
        Secured s = handshake();
        int count = 100_000;
        Future<byte[]> received = executor.submit(() -> s.listener().in().readNBytes(count));
        byte[] sent = new byte[count];
        for (int i = 0; i < count; i++) {
            sent[i] = (byte) (i * 31);
            s.dialer().out().write(sent[i]);
        }
        s.dialer().out().flush();
        assertThat(Arrays.equals(received.get(30, TimeUnit.SECONDS), sent)).isTrue();
        s.dialer().close();
        s.listener().close();
    }

    @Test
    void halfCloseDeliversEndOfStreamAndTheOtherDirectionGoesOn() throws Exception {
        Secured s = handshake();
        s.dialer().out().write("request".getBytes());
        s.dialer().out().close();
        assertThat(s.listener().in().readAllBytes()).isEqualTo("request".getBytes());
        assertThat(s.listener().in().read()).as("still at its end").isEqualTo(-1);
        s.listener().out().write("response".getBytes());
        s.listener().out().close();
        assertThat(s.dialer().in().readAllBytes()).isEqualTo("response".getBytes());
        assertThatThrownBy(() -> {
            s.dialer().out().write(1);
            s.dialer().out().flush();
        }).isInstanceOf(IOException.class);
        s.dialer().close();
        s.listener().close();
    }

    @Test
    void closeWakesABlockedReaderOnBothSides() throws Exception {
        Secured s = handshake();
        Future<Integer> local = executor.submit(() -> readOrFail(s.dialer().in()));
        Future<Integer> remote = executor.submit(() -> readOrFail(s.listener().in()));
        Thread.sleep(50);
        assertThat(local).isNotDone();
        s.dialer().close();
        // Our own close fails or ends our read; the remote reads end-of-stream or fails.
        assertThat(local.get(5, TimeUnit.SECONDS)).isIn(-1, FAILED);
        assertThat(remote.get(5, TimeUnit.SECONDS)).isIn(-1, FAILED);
        s.dialer().close(); // idempotent
        s.listener().close();
    }

    @Test
    void aReadTimeoutExpiresAndTheConnectionStaysUsable() throws Exception {
        Secured s = handshake();
        s.dialer().setReadTimeout(Duration.ofMillis(50));
        assertThatThrownBy(() -> s.dialer().in().read()).isInstanceOf(SocketTimeoutException.class);
        s.listener().out().write(42);
        s.listener().out().flush();
        s.dialer().setReadTimeout(RELAXED);
        assertThat(s.dialer().in().read()).isEqualTo(42);
        s.dialer().close();
        s.listener().close();
    }

    /** A connection secured with a short handshake deadline may then wait for data as long as it likes. */
    @Test
    void theHandshakeDeadlineEndsWithTheHandshake() throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        Future<SecureConnection> inbound = executor.submit(() -> channel(listenerKey, DEADLINE).secureInbound(link.b(), List.of()));
        SecureConnection out = channel(dialerKey, DEADLINE).secureOutbound(link.a(), null, List.of());
        SecureConnection in = inbound.get(10, TimeUnit.SECONDS);
        Future<Integer> read = executor.submit(() -> in.in().read());
        Thread.sleep(DEADLINE.toMillis() * 2);
        out.out().write(7);
        out.out().flush();
        assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(7);
        out.close();
        in.close();
    }

    // ---- hostile and broken peers ------------------------------------------------------------

    /**
     * A peer that sends bytes that are no handshake, then ends its output. Half the seeds start with a
     * small first byte, so that a length prefix (a varint, or two bytes big-endian) is short and the
     * garbage after it reaches the channel's message parser.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
    void garbageFailsTheHandshakeWithAnIOException(int seed) throws Exception {
        byte[] garbage = switch (seed) {
            case 0 -> new byte[70_000];
            case 1 -> filled(70_000, (byte) 0xFF);
            default -> random(70_000, seed);
        };
        if (seed >= 2 && seed % 2 == 0) {
            garbage[0] = (byte) (seed * 11 & 0x7F);
        }
        for (Role role : Role.values()) {
            RawConnections.Pair link = RawConnections.pipes();
            Future<?> peer = executor.submit(() -> {
                link.b().out().write(garbage);
                link.b().out().close();
                drain(link.b());
                return null;
            });
            assertFailsByDeadline(role, link.a(), "garbage (seed " + seed + ")");
            peer.get(5, TimeUnit.SECONDS);
        }
    }

    /** Garbage that stops short: the channel waits for the rest, until its deadline. */
    @ParameterizedTest
    @EnumSource(Role.class)
    void garbageThenSilenceEndsByTheDeadline(Role role) throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        Future<?> peer = executor.submit(() -> {
            link.b().out().write(new byte[] {0x05, 0x01, 0x02}); // a short length prefix, then too few bytes
            link.b().out().flush();
            drain(link.b());
            return null;
        });
        assertFailsByDeadline(role, link.a(), "garbage then silence");
        peer.get(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void aSilentPeerEndsTheHandshakeByItsDeadline(Role role) throws Exception {
        RawConnections.Pair link = RawConnections.pipes();
        Future<?> peer = executor.submit(() -> {
            drain(link.b());
            return null;
        });
        assertFailsByDeadline(role, link.a(), "a silent peer");
        peer.get(5, TimeUnit.SECONDS);
    }

    /**
     * An honest peer behind a link that delivers one byte every 20 ms: each read waits far less than
     * the deadline, but the whole handshake takes far longer. The deadline bounds the handshake, not
     * each read.
     */
    @ParameterizedTest
    @EnumSource(Role.class)
    void aPeerTooSlowForTheDeadlineFailsTheHandshake(Role role) throws Exception {
        Pipes.Pair near = Pipes.pair(256 * 1024);
        Pipes.Pair far = Pipes.pair(256 * 1024);
        RawConnection underTest = RawConnections.wrap(near.a(), "/memory/1", "/memory/2");
        RawConnection honest = RawConnections.wrap(far.b(), "/memory/2", "/memory/1");
        Future<?> toPeer = executor.submit(() -> relay(near.b(), far.a(), Duration.ZERO));
        Future<?> fromPeer = executor.submit(() -> relay(far.a(), near.b(), Duration.ofMillis(20)));
        Future<SecureConnection> peer = executor.submit(() -> role == Role.INITIATOR
                ? channel(listenerKey, RELAXED).secureInbound(honest, List.of())
                : channel(dialerKey, RELAXED).secureOutbound(honest, null, List.of()));
        assertFailsByDeadline(role, underTest, "a slow peer");
        // Once the channel under test gives up, the relay ends, and the honest peer fails, or (if it
        // had all it needed) finishes and finds the connection closed.
        toPeer.get(5, TimeUnit.SECONDS);
        fromPeer.get(5, TimeUnit.SECONDS);
        try {
            SecureConnection c = peer.get(5, TimeUnit.SECONDS);
            assertThat(readOrFail(c.in())).isIn(-1, FAILED);
            c.close();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IOException.class);
        }
    }

    /**
     * Runs the channel under test in a role with the short {@link #DEADLINE} and checks that it fails
     * with an IOException in time and leaves the raw connection closed.
     */
    private void assertFailsByDeadline(Role role, RawConnection raw, String against) {
        SecureChannel ch = channel(role == Role.INITIATOR ? dialerKey : listenerKey, DEADLINE);
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> {
            if (role == Role.INITIATOR) {
                ch.secureOutbound(raw, PeerId.fromPublicKey(listenerKey.publicKey()), YAMUX);
            } else {
                ch.secureInbound(raw, YAMUX);
            }
        });
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(thrown).as("the %s handshake against %s", role, against).isInstanceOf(IOException.class);
        assertThat(took).as("the %s handshake against %s failed after %s ms", role, against, took.toMillis())
                .isLessThan(DEADLINE.plus(SLACK));
        assertClosed(raw);
    }

    // ---- muxers in the handshake -------------------------------------------------------------

    @Test
    void theMuxerAgreedInTheHandshake() throws Exception {
        Secured both = handshake(null, YAMUX, YAMUX);
        Secured preference = handshake(null, List.of("/mplex/6.7.0", "/yamux/1.0.0"), List.of("/yamux/1.0.0", "/mplex/6.7.0"));
        Secured oneSided = handshake(null, YAMUX, List.of());
        if (negotiatesMuxerInHandshake()) {
            assertThat(both.dialer().earlyMuxer()).contains("/yamux/1.0.0");
            assertThat(both.listener().earlyMuxer()).contains("/yamux/1.0.0");
            // "the first entry of the initiator's list that the responder supports"
            assertThat(preference.dialer().earlyMuxer()).contains("/mplex/6.7.0");
            assertThat(preference.listener().earlyMuxer()).contains("/mplex/6.7.0");
        } else {
            for (Secured s : List.of(both, preference)) {
                assertThat(s.dialer().earlyMuxer()).isEmpty();
                assertThat(s.listener().earlyMuxer()).isEmpty();
            }
        }
        // One side offered nothing: the muxer is left to multistream-select.
        assertThat(oneSided.dialer().earlyMuxer()).isEmpty();
        assertThat(oneSided.listener().earlyMuxer()).isEmpty();
        for (Secured s : List.of(both, preference, oneSided)) {
            s.dialer().close();
            s.listener().close();
        }
    }

    @Test
    void muxerListsWithNothingInCommon() throws Exception {
        if (!negotiatesMuxerInHandshake()) {
            // Offers are ignored: the handshake succeeds and agrees on nothing.
            Secured s = handshake(null, YAMUX, List.of("/mplex/6.7.0"));
            assertThat(s.dialer().earlyMuxer()).isEmpty();
            s.dialer().close();
            s.listener().close();
            return;
        }
        // "If there is no overlap ... the handshake MUST fail" (inlined-muxer-negotiation.md).
        RawConnections.Pair link = RawConnections.pipes();
        Future<SecureConnection> inbound = executor.submit(() -> channel(listenerKey, RELAXED).secureInbound(link.b(), List.of("/mplex/6.7.0")));
        assertThatThrownBy(() -> channel(dialerKey, RELAXED).secureOutbound(link.a(), null, YAMUX)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> inbound.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static final int FAILED = Integer.MIN_VALUE;

    /** Reads one byte; an IOException becomes {@link #FAILED}. */
    private static int readOrFail(InputStream in) {
        try {
            return in.read();
        } catch (IOException e) {
            return FAILED;
        }
    }

    /** A raw pipe end that its channel closed: reading it fails. */
    private static void assertClosed(RawConnection raw) {
        assertThatThrownBy(() -> raw.in().read()).as("the raw connection is closed").isInstanceOf(IOException.class);
    }

    /** Reads until the other side ends or closes, then closes this end. */
    private static void drain(Duplex end) throws IOException {
        try (end) {
            byte[] buf = new byte[8192];
            while (end.in().read(buf) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // the other side closed
        }
    }

    /** Copies bytes one at a time with a pause after each (or all at once if the pause is zero); closes both ends after. */
    private static Void relay(Duplex from, Duplex to, Duration pause) throws InterruptedException, IOException {
        try (from; to) {
            InputStream in = from.in();
            OutputStream out = to.out();
            byte[] buf = new byte[pause.isZero() ? 8192 : 1];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
                Thread.sleep(pause);
            }
        } catch (IOException e) {
            // either side closed
        }
        return null;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] filled(int size, byte value) {
        byte[] b = new byte[size];
        Arrays.fill(b, value);
        return b;
    }
}
