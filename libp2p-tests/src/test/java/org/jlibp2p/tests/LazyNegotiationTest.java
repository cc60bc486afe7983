package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.ProtocolNotSupportedException;
import org.jlibp2p.core.StreamResetException;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Ping;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.UpgradeException;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.testing.Await;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Multistream-select without waiting for the answer: a dialer with one security protocol sends its
 * first handshake message with the proposal, and {@link Connection#newStreamLazy} sends a stream's
 * first bytes with its proposal.
 */
@Timeout(60)
class LazyNegotiationTest {
    private static final String ECHO = "/echo/1.0.0";
    private final List<Host> hosts = new ArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private Host host() throws IOException {
        Host h = Host.builder()
                .transport(new TcpTransport())
                .security(NoiseSecureChannel::new)
                .muxer(new YamuxMuxer())
                .listen("/ip4/127.0.0.1/tcp/0")
                .handler(ECHO, s -> {
                    s.in().transferTo(s.out());
                    s.closeWrite();
                })
                .build();
        hosts.add(h);
        return h;
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        hosts.forEach(Host::close);
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(10), "jlibp2p-", "yamux-")).as("threads left after close").isEmpty();
    }

    /** The host that dialed in {@link #connectedPair()}. */
    private Host dialer;

    /** {@return a connection from a new host, {@link #dialer}, to another} */
    private Connection connectedPair() throws IOException {
        dialer = host();
        Host listener = host();
        return dialer.connect(listener.fullAddrs().get(0));
    }

    /** A host dials a plain socket that plays the listener; {@return what the dial threw, or null} */
    private Future<Throwable> dialInBackground(ServerSocket server) throws IOException {
        Multiaddr addr = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + server.getLocalPort())
                .withPeerId(PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey()));
        Host dialer = host();
        return executor.submit(() -> {
            try {
                dialer.connect(addr);
                return null;
            } catch (IOException e) {
                return e;
            }
        });
    }

    @Test
    void aDialersFirstNoiseMessageLeavesWithItsSecurityProposal() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Future<Throwable> dial = dialInBackground(server);
            byte[] expected;
            byte[] received;
            try (Socket s = server.accept()) {
                s.setSoTimeout(5_000);
                ByteArrayOutputStream prefix = new ByteArrayOutputStream();
                prefix.writeBytes(MultistreamSelect.encode("/multistream/1.0.0"));
                prefix.writeBytes(MultistreamSelect.encode("/noise"));
                prefix.writeBytes(new byte[] {0, 32}); // Noise message 1: its length, then the ephemeral key
                expected = prefix.toByteArray();
                // Nothing is answered: all of it must come without the listener's word.
                received = s.getInputStream().readNBytes(expected.length + 32);
            }
            assertThat(received).hasSize(expected.length + 32);
            assertThat(java.util.Arrays.copyOf(received, expected.length)).isEqualTo(expected);
            Throwable failure = dial.get(20, TimeUnit.SECONDS);
            assertThat(failure).as("the connection ended before any answer").isInstanceOf(UpgradeException.class);
            assertThat(((UpgradeException) failure).stage()).isEqualTo(UpgradeException.Stage.SECURITY_NEGOTIATION);
        }
    }

    @Test
    void aListenerThatRefusesTheSecurityProtocolFailsTheDialAtNegotiation() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Future<Throwable> dial = dialInBackground(server);
            try (Socket s = server.accept()) {
                s.setSoTimeout(5_000);
                InputStream in = s.getInputStream();
                assertThat(MultistreamSelect.readMessage(in)).isEqualTo("/multistream/1.0.0");
                assertThat(MultistreamSelect.readMessage(in)).isEqualTo("/noise");
                s.getOutputStream().write(MultistreamSelect.encode("/multistream/1.0.0"));
                s.getOutputStream().write(MultistreamSelect.encode("na"));
                s.getOutputStream().flush();
                Throwable failure = dial.get(20, TimeUnit.SECONDS);
                assertThat(failure).isInstanceOf(UpgradeException.class).hasCauseInstanceOf(ProtocolNotSupportedException.class);
                assertThat(((UpgradeException) failure).stage()).isEqualTo(UpgradeException.Stage.SECURITY_NEGOTIATION);
            }
        }
    }

    @Test
    void aLazyStreamPingsAndEchoes() throws Exception {
        Connection c = connectedPair();
        try (ProtocolStream s = c.newStreamLazy(Ping.PROTOCOL_ID)) {
            assertThat(s.protocol()).isEqualTo(Ping.PROTOCOL_ID);
            assertThat(Ping.ping(s, 3)).hasSize(3);
            s.closeWrite();
        }
        for (int i = 0; i < 20; i++) {
            byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
            try (ProtocolStream s = c.newStreamLazy(ECHO)) {
                // ended at once, before the listener can have answered: the end must not overtake it
                s.out().write(message);
                s.closeWrite();
                s.setReadTimeout(Duration.ofSeconds(10));
                assertThat(s.in().readAllBytes()).isEqualTo(message);
            }
        }
    }

    /**
     * {@code transferTo} on a lazy stream waits for the answer, then hands over whole payloads from
     * the muxer (the echo handler at the other end is such a transfer too); a refusal fails it.
     */
    @Test
    void aLazyStreamTransfersWholePayloadsOnceAnswered() throws Exception {
        Connection c = connectedPair();
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        try (ProtocolStream s = c.newStreamLazy(ECHO)) {
            Future<?> writer = executor.submit(() -> {
                s.out().write(data);
                s.closeWrite();
                return null;
            });
            s.setReadTimeout(Duration.ofSeconds(10));
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            int[] largest = {0};
            long moved = s.in().transferTo(new OutputStream() {
                @Override
                public void write(int b) {
                    back.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    largest[0] = Math.max(largest[0], len);
                    back.write(b, off, len);
                }
            });
            writer.get(10, TimeUnit.SECONDS);
            assertThat(moved).isEqualTo(data.length);
            assertThat(back.toByteArray()).isEqualTo(data);
            assertThat(largest[0]).as("whole payloads, not InputStream's 16 KiB pieces").isGreaterThan(16 * 1024);
        }
        ProtocolStream refused = c.newStreamLazy("/nothing/1.0.0");
        refused.out().flush();
        refused.setReadTimeout(Duration.ofSeconds(10));
        assertThatThrownBy(() -> refused.in().transferTo(OutputStream.nullOutputStream()))
                .isInstanceOf(ProtocolNotSupportedException.class);
    }

    /**
     * One thread writes first, more than the stream's window, so its write carries the proposal and
     * waits for the echo to be read; another thread reads meanwhile. The reader must not wait for the
     * writer to finish sending the proposal, which waits for the reader: the three would stop.
     */
    @Test
    void aReaderDoesNotWaitForTheLargeFirstWriteOfAnotherThread() throws Exception {
        Connection c = connectedPair();
        byte[] data = new byte[4 << 20];
        new Random(4).nextBytes(data);
        try (ProtocolStream s = c.newStreamLazy(ECHO)) {
            AtomicReference<Thread> writing = new AtomicReference<>();
            Future<?> writer = executor.submit(() -> {
                writing.set(Thread.currentThread());
                s.out().write(data);
                s.closeWrite();
                return null;
            });
            // until the writer, holding the proposal, waits for window
            Await.until("the writer waits", Duration.ofSeconds(5), Duration.ofMillis(5),
                    () -> writing.get() != null && (writing.get().getState() == Thread.State.WAITING
                            || writing.get().getState() == Thread.State.TIMED_WAITING));
            s.setReadTimeout(Duration.ofSeconds(5));
            byte[] back = s.in().readNBytes(data.length);
            writer.get(10, TimeUnit.SECONDS);
            assertThat(back).isEqualTo(data);
        }
    }

    @Test
    void aLazyStreamToAProtocolTheRemoteLacksFailsOnItsFirstRead() throws Exception {
        Connection c = connectedPair();
        ProtocolStream s = c.newStreamLazy("/nothing/1.0.0");
        s.out().flush(); // the proposal alone: the remote answers na and waits for another
        assertThat(c.streams()).contains(s);
        s.setReadTimeout(Duration.ofSeconds(10));
        assertThatThrownBy(() -> s.in().read()).isInstanceOf(ProtocolNotSupportedException.class).hasMessageContaining("/nothing/1.0.0");
        Await.until("the refused stream is reset and leaves the connection", Duration.ofSeconds(5), Duration.ofMillis(10),
                () -> !c.streams().contains(s));
        assertThatThrownBy(s::close).as("and so does closing it").isInstanceOf(ProtocolNotSupportedException.class);
        assertThat(c.isClosed()).as("only the stream failed").isFalse();
        assertThat(dialer.ping(c.remotePeer(), 1)).hasSize(1);
    }

    /**
     * In try-with-resources the close after a refused read throws too; the caller gets the refusal,
     * with the close's failure suppressed under it, not the JDK's refusal to suppress an exception
     * under itself.
     */
    @Test
    void aRefusalInTryWithResourcesReachesTheCallerAsTheRefusal() throws Exception {
        Connection c = connectedPair();
        Throwable thrown = catchThrowable(() -> {
            try (ProtocolStream s = c.newStreamLazy("/nothing/1.0.0")) {
                s.setReadTimeout(Duration.ofSeconds(10));
                s.in().read();
            }
        });
        assertThat(thrown).isInstanceOf(ProtocolNotSupportedException.class);
        assertThat(thrown.getSuppressed()).singleElement()
                .isInstanceOf(ProtocolNotSupportedException.class)
                .satisfies(closing -> assertThat(closing.getCause()).isSameAs(thrown));
    }

    @Test
    void bytesWrittenBehindARefusedProposalEndTheStreamNotTheConnection() throws Exception {
        Connection c = connectedPair();
        ProtocolStream s = c.newStreamLazy("/nothing/1.0.0");
        // The remote reads these 32 bytes as its next proposal, an empty message, and resets the
        // stream, which may discard its na before we read it (rust-libp2p's V1Lazy notes the pitfall).
        s.out().write(new byte[32]);
        s.out().flush();
        s.setReadTimeout(Duration.ofSeconds(10));
        assertThatThrownBy(() -> s.in().read()).isInstanceOfAny(ProtocolNotSupportedException.class, StreamResetException.class);
        assertThatThrownBy(s::close).isInstanceOfAny(ProtocolNotSupportedException.class, StreamResetException.class);
        Await.until("the stream leaves the connection", Duration.ofSeconds(5), Duration.ofMillis(10), () -> !c.streams().contains(s));
        assertThat(c.isClosed()).as("only the stream failed").isFalse();
        assertThat(dialer.ping(c.remotePeer(), 1)).hasSize(1);
    }

    @Test
    void endingALazyStreamWaitsForTheAnswer() throws Exception {
        Connection c = connectedPair();
        ProtocolStream s = c.newStreamLazy("/nothing/1.0.0");
        s.out().write("request".getBytes(StandardCharsets.UTF_8));
        // Without a wait for the answer, closeWrite would send the FIN and return.
        assertThatThrownBy(s::closeWrite).isInstanceOf(ProtocolNotSupportedException.class);
        Await.until("the stream leaves the connection", Duration.ofSeconds(5), Duration.ofMillis(10), () -> !c.streams().contains(s));
    }
}
