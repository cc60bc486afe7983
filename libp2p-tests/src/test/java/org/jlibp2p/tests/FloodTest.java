package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.StreamResetException;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.codec.ProtobufWriter;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.IdentifyInfo;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.examples.ConsoleLoggerFinder;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Floods and limits: the host answers with resets, keeps serving others, and its memory stays bounded.
 * A connection the host closes for a broken rule is closed {@link #PROMPTLY}, well before the 10 s
 * deadlines of the default limits that would also end it, and the host's log names the rule. (The
 * tool's logger is on this class path, so the library logs through it here, into {@link #log}.)
 */
@Timeout(120)
class FloodTest {
    /** Well under the 10 s handshake and stream negotiation deadlines of {@link org.jlibp2p.core.host.Limits#defaults()}. */
    private static final Duration PROMPTLY = Duration.ofSeconds(2);
    private final List<Host> hosts = new ArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private ResourceBaseline baseline;

    @BeforeEach
    void captureLog() throws IOException {
        baseline = ResourceBaseline.take();
        ConsoleLoggerFinder.configure(false, new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() throws IOException, InterruptedException {
        hosts.forEach(Host::close);
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        ConsoleLoggerFinder.configure(false, System.err);
        baseline.assertRestored();
    }

    private String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the connection is closed, failing unless that happens {@link #PROMPTLY} after {@code since}. */
    private static void closedPromptly(Connection c, long since, String why) throws InterruptedException {
        while (!c.isClosed()) {
            assertThat(Duration.ofNanos(System.nanoTime() - since)).as(why).isLessThan(PROMPTLY);
            Thread.sleep(10);
        }
    }

    private Host host(Host.Builder b) throws IOException {
        Host h = b.build();
        hosts.add(h);
        return h;
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Test
    void aProtocolsStreamLimitResetsTheStreamsBeyondIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Host server = host(Host.builder().listen("/ip4/127.0.0.1/tcp/0").handler("/slow/1.0.0", s -> {
            s.out().write(1);
            s.out().flush();
            release.await();
        }, 2));
        Host client = host(Host.builder());
        Connection c = client.connect(server.fullAddrs().get(0));
        ProtocolStream first = c.newStream("/slow/1.0.0");
        ProtocolStream second = c.newStream("/slow/1.0.0");
        assertThat(first.in().read()).isEqualTo(1);
        assertThat(second.in().read()).isEqualTo(1);
        assertThatThrownBy(() -> c.newStream("/slow/1.0.0").in().read()).isInstanceOf(StreamResetException.class);
        release.countDown();
        first.close();
        second.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) { // slots come back as the handlers end
            try (ProtocolStream again = c.newStream("/slow/1.0.0")) {
                assertThat(again.in().read()).isEqualTo(1);
                break;
            } catch (StreamResetException e) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    @Test
    void anOversizedIdentifyClosesTheConnection() throws Exception {
        Host server = host(Host.builder().listen("/ip4/127.0.0.1/tcp/0"));
        // A peer whose identify answer is 20 KiB of protocol names: over the 8 KiB limit.
        Host rogue = host(Host.builder().handler(Host.IDENTIFY, s -> {
            ProtobufWriter w = new ProtobufWriter();
            for (int i = 0; i < 1000; i++) {
                w.writeString(3, "/padding/protocol/" + i);
            }
            LengthPrefixed.write(s.out(), w.toByteArray());
            s.closeWrite();
        }));
        long start = System.nanoTime();
        Connection c = rogue.connect(server.fullAddrs().get(0));
        closedPromptly(c, start, "the server closes the rogue's connection on reading the identify length");
        assertThat(log()).contains("[INFO] host: closing the connection to " + rogue.peerId()
                + ": length-prefixed message of ").contains("bytes exceeds the limit of " + IdentifyInfo.MAX_MESSAGE_LENGTH + " bytes");
        Host honest = host(Host.builder());
        assertThat(honest.ping(honest.connect(server.fullAddrs().get(0)).remotePeer(), 1)).hasSize(1);
    }

    @Test
    void anIdentifyWithAnotherPeersKeyClosesTheConnection() throws Exception {
        Host server = host(Host.builder().listen("/ip4/127.0.0.1/tcp/0"));
        PrivateKey someoneElse = PrivateKey.generate(KeyType.ED25519);
        Host rogue = host(Host.builder().handler(Host.IDENTIFY, s -> {
            LengthPrefixed.write(s.out(), new ProtobufWriter().writeBytes(1, someoneElse.publicKey().marshal()).toByteArray());
            s.closeWrite();
        }));
        long start = System.nanoTime();
        Connection c = rogue.connect(server.fullAddrs().get(0));
        closedPromptly(c, start, "identify's key must belong to the connection's peer");
        assertThat(log()).contains("[INFO] host: closing the connection to " + rogue.peerId()
                + ": identify: the public key does not belong to " + rogue.peerId());
        assertThat(server.peerstore().get(rogue.peerId()).flatMap(i -> i.publicKey()))
                .as("the lie is not recorded").contains(rogue.identity().publicKey());
    }

    /** 10,000 stream opens in one burst, ignoring every ACK: resets beyond the backlog, no crash, bounded heap. */
    @Test
    void tenThousandStreamOpensInABurst() throws Exception {
        Host server = host(Host.builder().listen("/ip4/127.0.0.1/tcp/0").limits(org.jlibp2p.core.host.Limits.defaults()
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(5))));
        long before = usedHeap();
        RawConnection raw = new TcpTransport().dial(server.listenAddrs().get(0), Duration.ofSeconds(5));
        MultistreamSelect.dialerSelect(raw, List.of(NoiseSecureChannel.PROTOCOL_ID), Duration.ofSeconds(5));
        SecureConnection secure = new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519))
                .secureOutbound(raw, server.peerId(), List.of(YamuxMuxer.PROTOCOL_ID));
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            ByteBuffer frame = ByteBuffer.allocate(12).put((byte) 0).put((byte) 1).putShort((short) 1).putInt(2 * i + 1).putInt(0);
            burst.writeBytes(frame.array());
        }
        // Read what the host answers while we write, so neither side blocks the other.
        int[] resets = new int[1];
        var reader = executor.submit(() -> {
            InputStream in = secure.in();
            secure.setReadTimeout(Duration.ofSeconds(5));
            try {
                while (true) {
                    byte[] h = in.readNBytes(12);
                    if (h.length < 12) {
                        throw new AssertionError("the host closed the connection: a flood of opens is answered with resets, not a close");
                    }
                    ByteBuffer b = ByteBuffer.wrap(h);
                    b.get();
                    int type = b.get();
                    int flags = b.getShort();
                    b.getInt();
                    long length = b.getInt() & 0xFFFFFFFFL;
                    if (type == 0) {
                        in.skipNBytes(length);
                    }
                    if ((flags & 0x8) != 0) {
                        resets[0]++;
                    }
                    if (type == 3) {
                        throw new AssertionError("a flood of opens is not a protocol error");
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                return null; // quiet again, and still open
            }
        });
        secure.out().write(burst.toByteArray());
        secure.out().flush();
        reader.get(60, TimeUnit.SECONDS);
        assertThat(resets[0]).as("streams beyond the backlog are reset").isGreaterThan(5_000);
        Host honest = host(Host.builder());
        assertThat(honest.ping(honest.connect(server.fullAddrs().get(0)).remotePeer(), 1)).hasSize(1);
        long growth = usedHeap() - before;
        assertThat(growth).as("heap growth while 10,000 opens were refused").isLessThan(64L * 1024 * 1024);
        secure.close();
    }

    @Test
    void connectionLimitsApplyPerDirection() throws Exception {
        org.jlibp2p.core.host.Limits limits = org.jlibp2p.core.host.Limits.defaults().withConnections(2, 1, 8);
        Host server = host(Host.builder().listen("/ip4/127.0.0.1/tcp/0").limits(limits));
        List<Host> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(host(Host.builder()));
        }
        clients.get(0).connect(server.fullAddrs().get(0));
        clients.get(1).connect(server.fullAddrs().get(0));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.connections().size() < 2) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(10);
        }
        // the third inbound connection is closed by the server as soon as it is made
        long start = System.nanoTime();
        try {
            Connection third = clients.get(2).connect(server.fullAddrs().get(0));
            closedPromptly(third, start, "the server closes the third inbound connection");
        } catch (IOException expected) {
            // or the upgrade itself fails
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the server refuses the third inbound connection").isLessThan(PROMPTLY);
        }
        assertThat(log()).as("refused for the inbound limit").contains("the limit of 2 inbound connections is reached");
        assertThat(server.connections()).hasSize(2);
        // outbound: one allowed, the second dial is refused by the limit, inbound unaffected
        Host a = host(Host.builder().listen("/ip4/127.0.0.1/tcp/0"));
        Host b = host(Host.builder().listen("/ip4/127.0.0.1/tcp/0"));
        server.connect(a.fullAddrs().get(0));
        assertThatThrownBy(() -> server.connect(b.fullAddrs().get(0))).isInstanceOf(IOException.class).hasMessageContaining("1 outbound");
    }

    /** A peer that sends as fast as it can to a handler that reads slowly: the writer waits, the heap stays bounded. */
    @Test
    void aFastSenderToASlowHandler() throws Exception {
        Host server = host(Host.builder().listen("/ip4/127.0.0.1/tcp/0").handler("/slow-sink/1.0.0", s -> {
            byte[] buf = new byte[16 * 1024];
            while (s.in().read(buf) >= 0) {
                Thread.sleep(5); // about 3 MB/s
            }
        }));
        Host client = host(Host.builder());
        ProtocolStream s = client.newStream(server.fullAddrs().get(0), "/slow-sink/1.0.0");
        long before = usedHeap();
        var writer = executor.submit(() -> {
            byte[] chunk = new byte[256 * 1024];
            for (int i = 0; i < 128; i++) { // 32 MiB
                s.out().write(chunk);
            }
            return null;
        });
        Thread.sleep(1500);
        assertThat(writer.isDone()).as("the writer is held back by the window").isFalse();
        assertThat(usedHeap() - before).as("heap growth").isLessThan(48L * 1024 * 1024);
        s.reset();
    }

    /** A peer that opens streams and never reads while we write: our writers block on the window, memory stays bounded. */
    @Test
    void aPeerThatNeverReadsHoldsOnlyItsWindows() throws Exception {
        Host server = host(Host.builder().listen("/ip4/127.0.0.1/tcp/0").handler("/firehose/1.0.0", s -> {
            byte[] chunk = new byte[64 * 1024];
            while (true) {
                s.out().write(chunk); // blocks once the reader's window is used up; the write timeout ends it
            }
        }));
        Host client = host(Host.builder());
        Connection c = client.connect(server.fullAddrs().get(0));
        long before = usedHeap();
        List<ProtocolStream> idle = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            idle.add(c.newStream("/firehose/1.0.0")); // opened, never read
        }
        Thread.sleep(1000);
        long growth = usedHeap() - before;
        // 50 streams x 256 KiB of window on the receiving side, and nothing more on the sending side
        assertThat(growth).as("heap growth with 50 unread firehoses").isLessThan(50L * 256 * 1024 * 2 + 16L * 1024 * 1024);
        Host other = host(Host.builder());
        assertThat(other.ping(other.connect(server.fullAddrs().get(0)).remotePeer(), 1)).as("the server serves others meanwhile").hasSize(1);
        for (ProtocolStream s : idle) {
            s.reset();
        }
    }
}
