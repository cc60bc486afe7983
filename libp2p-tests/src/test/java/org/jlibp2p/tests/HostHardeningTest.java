package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.Varint;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Limits;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureChannel;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Strangers sending bad bytes to a running host over real sockets: each offending connection is
 * closed for the reason the test names, and the host then serves a well-behaved peer normally, in the
 * same test.
 *
 * <p>The host's handshake deadline is {@link #HANDSHAKE} (1 s), so a host that ignored bad bytes
 * would still close the connection at the deadline. A test of a check therefore requires the close
 * {@link #PROMPTLY}, within half the deadline of sending the bad bytes, and with no answer from the
 * host; a test of the deadline itself requires the close between 0.8 and 3 times the deadline after
 * the deadline started. The multistream tests require that the connection never reached the security
 * handshake; where the host's Noise channel is reached, its failure is recorded and must be the one
 * named.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a host that never closes fails the test, never hangs it
class HostHardeningTest {
    private static final Duration HANDSHAKE = Duration.ofSeconds(1);
    /** Well before the deadline: a close this soon was caused by the bytes, not by the clock. */
    private static final Duration PROMPTLY = HANDSHAKE.dividedBy(2);
    private static final byte[] HEADER = MultistreamSelect.encode(MultistreamSelect.PROTOCOL_ID);

    private Host host;
    private Host client;
    private RecordingChannel noise;
    private InetSocketAddress target;
    private final List<Socket> sockets = new ArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /** The host's Noise channel, recording how each inbound handshake ends. */
    private static final class RecordingChannel implements SecureChannel {
        private final SecureChannel delegate;
        final AtomicInteger inboundStarted = new AtomicInteger();
        final BlockingQueue<Throwable> inboundFailures = new LinkedBlockingQueue<>();

        RecordingChannel(SecureChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public String protocolId() {
            return delegate.protocolId();
        }

        @Override
        public SecureConnection secureOutbound(RawConnection connection, PeerId expected, List<String> muxers) throws IOException {
            return delegate.secureOutbound(connection, expected, muxers);
        }

        @Override
        public SecureConnection secureInbound(RawConnection connection, List<String> muxers) throws IOException {
            inboundStarted.incrementAndGet();
            try {
                return delegate.secureInbound(connection, muxers);
            } catch (IOException | RuntimeException e) {
                inboundFailures.add(e);
                throw e;
            }
        }

        /** {@return how the next inbound handshake failed, waiting for it} */
        Throwable nextFailure() throws InterruptedException {
            Throwable t = inboundFailures.poll(10, TimeUnit.SECONDS);
            assertThat(t).as("an inbound Noise handshake failed").isNotNull();
            return t;
        }
    }

    private ResourceBaseline baseline;

    @BeforeEach
    void start() throws IOException {
        baseline = ResourceBaseline.take();
        host = Host.builder()
                .transport(new TcpTransport())
                .security(k -> noise = new RecordingChannel(new NoiseSecureChannel(k, HANDSHAKE, NoiseSecureChannel.Observer.NONE)))
                .muxer(new YamuxMuxer())
                .limits(Limits.defaults().withConnections(64, 64, 4).withTimeouts(HANDSHAKE, HANDSHAKE, Duration.ofSeconds(5)))
                .listen("/ip4/127.0.0.1/tcp/0")
                .build();
        client = Host.builder().build();
        Multiaddr addr = host.listenAddrs().get(0);
        target = new InetSocketAddress("127.0.0.1", Integer.parseInt(addr.valueOf(MultiaddrProtocol.TCP).orElseThrow()));
    }

    @AfterEach
    void stop() throws IOException, InterruptedException {
        for (Socket s : sockets) {
            s.close();
        }
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        client.close();
        host.close();
        baseline.assertRestored();
    }

    private Socket raw() throws IOException {
        Socket s = new Socket();
        s.connect(target, 5000);
        s.setSoTimeout(10_000);
        sockets.add(s);
        return s;
    }

    /** Writes bytes and returns when they were sent, for timing the host's answer. */
    private static long send(Socket s, byte[]... parts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        OutputStream out = s.getOutputStream();
        out.write(all.toByteArray());
        out.flush();
        return System.nanoTime();
    }

    /** Reads exactly what the host is expected to send next. */
    private static void expect(Socket s, byte[] expected, String what) throws IOException {
        byte[] got = s.getInputStream().readNBytes(expected.length);
        assertThat(got).as(what).isEqualTo(expected);
    }

    /** How a connection ended: what the host sent before closing it, and when it closed it. */
    private record Ending(byte[] received, Duration after) {
        String text() {
            return new String(received, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Reads until the host closes the socket (end of stream, or a reset when it closed with our bytes
     * unread) and times the close from {@code sentNanos}; fails if the client's 10 s timeout passes.
     */
    private static Ending awaitClose(Socket s, long sentNanos) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the host did not close the connection within 10 s; it sent " + got.size() + " bytes", e);
        } catch (SocketException e) {
            // a reset: the host closed with our bytes still unread
        }
        return new Ending(got.toByteArray(), Duration.ofNanos(System.nanoTime() - sentNanos));
    }

    private void aWellBehavedPeerIsServed() throws IOException {
        List<Duration> rtts = client.ping(client.connect(host.fullAddrs().get(0)).remotePeer(), 1);
        assertThat(rtts).hasSize(1);
        client.connections().forEach(c -> c.close());
    }

    /**
     * Agrees on Noise with the host, which then waits for Noise message 1, and returns when the host's
     * agreement arrived: its Noise handshake, and the deadline of it, start as it sends that.
     */
    private static long agreeOnNoise(Socket s) throws IOException {
        byte[] noiseId = MultistreamSelect.encode(NoiseSecureChannel.PROTOCOL_ID);
        send(s, HEADER, noiseId);
        byte[] answer = s.getInputStream().readNBytes(HEADER.length + noiseId.length);
        long agreed = System.nanoTime();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(HEADER);
        expected.writeBytes(noiseId);
        assertThat(answer).as("the host's multistream header and its agreement on Noise").isEqualTo(expected.toByteArray());
        return agreed;
    }

    @Test
    void randomBytesInsteadOfMultistream() throws Exception {
        Socket s = raw();
        expect(s, HEADER, "the host's multistream header, sent before it reads anything");
        byte[] junk = new byte[300];
        new Random(1).nextBytes(junk);
        assertThat(junk[0]).as("the junk's first message is 115 bytes long").isEqualTo((byte) 115);
        assertThat(junk[115]).as("and does not end in a newline").isNotEqualTo((byte) '\n');
        Ending end = awaitClose(s, send(s, junk));
        assertThat(end.text()).as("no answer to junk (no na, no echo)").isEmpty();
        assertThat(end.after()).as("closed on reading the junk, not at the %s deadline", HANDSHAKE).isLessThan(PROMPTLY);
        assertThat(noise.inboundStarted).as("the junk never reached the security handshake").hasValue(0);
        aWellBehavedPeerIsServed();
    }

    /**
     * A whole proposal of 2024 bytes, newline included, after a valid header: a host without the
     * 1024-byte limit would read it and answer {@code na}; this one closes on reading its length.
     */
    @Test
    void anOverLongMultistreamLine() throws Exception {
        Socket s = raw();
        expect(s, HEADER, "the host's multistream header");
        int length = MultistreamSelect.MAX_MESSAGE_LENGTH + 1000;
        byte[] proposal = ("/" + "a".repeat(length - 2) + "\n").getBytes(StandardCharsets.US_ASCII);
        Ending end = awaitClose(s, send(s, HEADER, Varint.encode(length), proposal));
        assertThat(end.text()).as("the over-long proposal is not answered, not even with na").isEmpty();
        assertThat(end.after()).as("closed on reading the length, not at the %s deadline", HANDSHAKE).isLessThan(PROMPTLY);
        assertThat(noise.inboundStarted).hasValue(0);
        aWellBehavedPeerIsServed();
    }

    /** 32 bytes with the continuation bit set: a host without the 9-byte varint limit would wait for the end. */
    @Test
    void aVarintThatNeverEnds() throws Exception {
        Socket s = raw();
        expect(s, HEADER, "the host's multistream header");
        byte[] endless = new byte[32];
        Arrays.fill(endless, (byte) 0xff);
        Ending end = awaitClose(s, send(s, endless));
        assertThat(end.text()).isEmpty();
        assertThat(end.after()).as("closed once the varint ran past its 9 bytes, not at the %s deadline", HANDSHAKE).isLessThan(PROMPTLY);
        assertThat(noise.inboundStarted).hasValue(0);
        aWellBehavedPeerIsServed();
    }

    /** The deadline itself: a Noise message announced but never sent holds the connection only until it. */
    @Test
    void aNoiseLengthOf65535AndThenSilenceIsDroppedAtTheDeadline() throws Exception {
        Socket s = raw();
        long agreed = agreeOnNoise(s);
        send(s, new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3}); // a 65535-byte message (the largest Noise allows) that never comes
        Ending end = awaitClose(s, agreed);
        assertThat(end.text()).as("no Noise message 2 before message 1 is complete").isEmpty();
        assertThat(end.after()).as("dropped at the %s deadline of the handshake, not before, not much after", HANDSHAKE)
                .isBetween(HANDSHAKE.multipliedBy(8).dividedBy(10), HANDSHAKE.multipliedBy(3));
        // Two deadlines of 1 s race here: the Noise handshake's own (a timeout naming it) and the
        // host's deadline for the whole upgrade, which closes the socket under the reading handshake.
        Throwable failure = noise.nextFailure();
        if (failure instanceof SocketTimeoutException) {
            assertThat(failure).hasMessageContaining("handshake exceeded its deadline of 1000 ms");
        } else {
            assertThat(failure).isInstanceOf(java.net.SocketException.class).hasMessageContaining("closed");
        }
        aWellBehavedPeerIsServed();
    }

    /**
     * A valid-looking message 1, then a message 3 of zeros: the host answers message 1 with message 2,
     * then closes on message 3 because it fails authentication (not for any other reason).
     */
    @Test
    void aNoiseMessageThatFailsToDecrypt() throws Exception {
        Socket s = raw();
        agreeOnNoise(s);
        byte[] ephemeral = new byte[32];
        new Random(2).nextBytes(ephemeral);
        send(s, new byte[] {0, 32}, ephemeral); // message 1: e
        byte[] length = s.getInputStream().readNBytes(2);
        int message2 = (length[0] & 0xff) << 8 | (length[1] & 0xff);
        assertThat(message2).as("message 2 holds e (32), s (32 + 16), and a payload (+ 16)").isGreaterThan(32 + 48 + 16);
        assertThat(s.getInputStream().readNBytes(message2)).hasSize(message2);
        Ending end = awaitClose(s, send(s, new byte[] {0, (byte) 200}, new byte[200])); // message 3: s, se, payload
        assertThat(end.text()).isEmpty();
        assertThat(end.after()).as("closed on message 3, not at the %s deadline", HANDSHAKE).isLessThan(PROMPTLY);
        assertThat(noise.nextFailure()).as("why the handshake failed").hasMessageContaining("message failed authentication");
        aWellBehavedPeerIsServed();
    }

    /**
     * Slowloris: connections that send nothing hold no place a peer needs. The pending table (4 here)
     * is full of silent sockets when a well-behaved peer comes: the oldest silent one is closed at once
     * to make room, so the peer is served without waiting (a host that queued it would serve it only at
     * the deadline), and the other silent ones are dropped at the deadline.
     */
    @Test
    void silentConnectionsHoldNoPlaceAPeerNeeds() throws Exception {
        List<Future<Ending>> silent = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // exactly the cap
            Socket s = raw();
            long opened = System.nanoTime();
            silent.add(executor.submit(() -> awaitClose(s, opened)));
        }
        Thread.sleep(100); // all four are pending
        long start = System.nanoTime();
        aWellBehavedPeerIsServed();
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertThat(waited).as("the peer did not wait for a silent connection's deadline").isLessThan(PROMPTLY);
        List<Ending> ends = new ArrayList<>();
        for (Future<Ending> f : silent) {
            Ending end = f.get(10, TimeUnit.SECONDS);
            assertThat(end.received()).as("the host sent its header, then nothing").isEqualTo(HEADER);
            ends.add(end);
        }
        ends.sort(java.util.Comparator.comparing(Ending::after));
        assertThat(ends.get(0).after()).as("the oldest silent connection made room for the peer").isLessThan(PROMPTLY.plusMillis(100));
        for (Ending end : ends.subList(1, 4)) {
            assertThat(end.after()).as("a silent connection is dropped at the %s deadline", HANDSHAKE)
                    .isBetween(HANDSHAKE.multipliedBy(8).dividedBy(10), HANDSHAKE.multipliedBy(3));
        }
        assertThat(noise.inboundStarted).as("only the well-behaved peer reached Noise").hasValue(1);
    }
}
