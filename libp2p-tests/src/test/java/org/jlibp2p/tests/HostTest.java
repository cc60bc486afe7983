package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.PeerIdMismatchException;
import org.jlibp2p.core.ProtocolNotSupportedException;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.StreamResetException;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.ConnectionListener;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Peerstore;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.plaintext.PlaintextSecureChannel;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.testing.Await;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two hosts in one JVM over loopback TCP, with plaintext (the first stack) and with Noise. */
@Timeout(60)
class HostTest {
    private final List<Host> hosts = new ArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private Host host(String security) throws IOException {
        Host.Builder b = Host.builder()
                .transport(new TcpTransport())
                .muxer(new YamuxMuxer())
                .listen("/ip4/127.0.0.1/tcp/0")
                .handler("/echo/1.0.0", s -> {
                    s.in().transferTo(s.out());
                    s.closeWrite();
                })
                .handler("/upper/1.0.0", s -> s.out().write(new String(s.in().readAllBytes()).toUpperCase().getBytes()))
                .handler("/boom/1.0.0", s -> {
                    throw new IllegalStateException("handler failure");
                });
        b = security.equals("noise") ? b.security(NoiseSecureChannel::new) : b.security(PlaintextSecureChannel::new);
        Host h = b.build();
        hosts.add(h);
        return h;
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        hosts.forEach(Host::close);
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        // "No thread or socket outlives host.close()": every thread the stack names is gone.
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    private static byte[] roundTrip(ProtocolStream s, String text) throws IOException {
        s.out().write(text.getBytes());
        s.closeWrite();
        return s.in().readAllBytes();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plaintext", "noise"})
    void streamsOnSeveralProtocolsShareOneConnection(String security) throws Exception {
        Host a = host(security);
        Host b = host(security);
        Multiaddr addr = b.fullAddrs().get(0);
        for (int i = 0; i < 10; i++) {
            try (ProtocolStream s = a.newStream(addr, "/echo/1.0.0")) {
                assertThat(roundTrip(s, "hello " + i)).isEqualTo(("hello " + i).getBytes());
            }
            try (ProtocolStream s = a.newStream(b.peerId(), "/upper/1.0.0")) {
                assertThat(roundTrip(s, "abc")).isEqualTo("ABC".getBytes());
                assertThat(s.protocol()).isEqualTo("/upper/1.0.0");
            }
        }
        assertThat(a.connections()).hasSize(1);
        Connection c = a.connections().get(0);
        assertThat(c.remotePeer()).isEqualTo(b.peerId());
        assertThat(c.direction()).isEqualTo(Role.INITIATOR);
        assertThat(c.muxerProtocol()).isEqualTo("/yamux/1.0.0");
        assertThat(c.securityProtocol()).isEqualTo(security.equals("noise") ? "/noise" : "/plaintext/2.0.0");
        assertThat(c.muxerFromSecurityHandshake()).isEqualTo(security.equals("noise"));
        assertThat(c.remoteAddress()).isEqualTo(b.listenAddrs().get(0));
        awaitTrue(() -> b.connections(a.peerId()).size() == 1);
        assertThat(b.connections(a.peerId()).get(0).direction()).isEqualTo(Role.RESPONDER);
    }

    @Test
    void openStreamsAreListedWithTheirProtocols() throws Exception {
        Host a = host("noise");
        Host b = host("noise");
        ProtocolStream s = a.newStream(b.fullAddrs().get(0), "/echo/1.0.0");
        s.out().write(1);
        assertThat(s.in().read()).isEqualTo(1);
        assertThat(a.connections().get(0).streams()).extracting(ProtocolStream::protocol).contains("/echo/1.0.0");
        awaitTrue(() -> b.connections().get(0).streams().stream().anyMatch(x -> x.protocol().equals("/echo/1.0.0")));
        s.close();
        assertThat(a.connections().get(0).streams()).extracting(ProtocolStream::protocol).doesNotContain("/echo/1.0.0");
    }

    @Test
    void pingReportsRoundTripTimes() throws Exception {
        Host a = host("noise");
        Host b = host("noise");
        a.connect(b.fullAddrs().get(0));
        List<Duration> rtts = a.ping(b.peerId(), 5);
        assertThat(rtts).hasSize(5).allSatisfy(d -> assertThat(d).isPositive().isLessThan(Duration.ofSeconds(5)));
    }

    @Test
    void identifyFillsThePeerstoreOnBothSides() throws Exception {
        Host a = host("noise");
        Host b = host("noise");
        a.connect(b.fullAddrs().get(0));
        awaitTrue(() -> a.peerstore().get(b.peerId()).map(i -> !i.protocols().isEmpty()).orElse(false));
        Peerstore.PeerInfo info = a.peerstore().get(b.peerId()).orElseThrow();
        assertThat(info.protocols()).contains("/echo/1.0.0", "/ipfs/ping/1.0.0", "/ipfs/id/1.0.0", "/ipfs/id/push/1.0.0");
        assertThat(info.agentVersion()).contains("jlibp2p/" + Host.VERSION);
        assertThat(info.protocolVersion()).contains("ipfs/0.1.0");
        assertThat(info.publicKey()).contains(b.identity().publicKey());
        assertThat(info.addrs()).contains(b.listenAddrs().get(0));
        awaitTrue(() -> b.peerstore().get(a.peerId()).map(i -> i.agentVersion().isPresent()).orElse(false));
    }

    @Test
    void identifyPushAnnouncesNewProtocols() throws Exception {
        Host a = host("noise");
        Host b = host("noise");
        a.connect(b.fullAddrs().get(0));
        awaitTrue(() -> a.peerstore().get(b.peerId()).map(i -> i.protocols().contains("/echo/1.0.0")).orElse(false));
        b.setStreamHandler("/new/1.0.0", s -> { });
        awaitTrue(() -> a.peerstore().get(b.peerId()).map(i -> i.protocols().contains("/new/1.0.0")).orElse(false));
        b.removeStreamHandler("/new/1.0.0");
        awaitTrue(() -> a.peerstore().get(b.peerId()).map(i -> !i.protocols().contains("/new/1.0.0")).orElse(false));
    }

    @Test
    void concurrentDialsToOnePeerMakeOneConnection() throws Exception {
        Host a = host("noise");
        Host b = host("noise");
        a.peerstore().addAddrs(b.peerId(), b.listenAddrs());
        List<Future<Connection>> dials = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            dials.add(executor.submit(() -> a.connect(b.peerId())));
        }
        Set<Connection> distinct = new HashSet<>();
        for (Future<Connection> f : dials) {
            distinct.add(f.get(20, TimeUnit.SECONDS));
        }
        assertThat(distinct).hasSize(1);
        assertThat(a.connections(b.peerId())).hasSize(1);
    }

    @Test
    void theWrongPeerFailsWithItsOwnException() throws Exception {
        Host a = host("noise");
        Host b = host("noise");
        PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
        Multiaddr wrong = b.listenAddrs().get(0).withPeerId(someoneElse);
        assertThatThrownBy(() -> a.connect(wrong)).isInstanceOf(PeerIdMismatchException.class);
        assertThat(a.connections()).isEmpty();
    }

    @Test
    void aHandlerThatThrowsResetsOnlyItsStream() throws Exception {
        Host a = host("noise");
        Host b = host("noise");
        ProtocolStream echo = a.newStream(b.fullAddrs().get(0), "/echo/1.0.0");
        // The reset may overtake the protocol echo, so it can surface in newStream or on the first read.
        assertThatThrownBy(() -> a.newStream(b.peerId(), "/boom/1.0.0").in().read()).isInstanceOf(StreamResetException.class);
        assertThat(roundTrip(echo, "still fine")).isEqualTo("still fine".getBytes());
        assertThat(a.connections()).hasSize(1);
        assertThat(a.connections().get(0).isClosed()).isFalse();
    }

    @Test
    void anUnknownProtocolIsNotSupported() throws Exception {
        Host a = host("noise");
        Host b = host("noise");
        assertThatThrownBy(() -> a.newStream(b.fullAddrs().get(0), "/nope/1.0.0", "/nope/2.0.0"))
                .isInstanceOf(ProtocolNotSupportedException.class);
        try (ProtocolStream s = a.newStream(b.peerId(), "/nope/1.0.0", "/echo/1.0.0")) {
            assertThat(s.protocol()).isEqualTo("/echo/1.0.0");
        }
    }

    @Test
    void connectionEventsAreReported() throws Exception {
        Host a = host("noise");
        Host b = host("noise");
        List<String> events = new CopyOnWriteArrayList<>();
        a.addConnectionListener(new ConnectionListener() {
            @Override
            public void opened(Connection c) {
                events.add("opened " + c.remotePeer());
            }

            @Override
            public void closed(Connection c) {
                events.add("closed " + c.remotePeer());
            }
        });
        Connection c = a.connect(b.fullAddrs().get(0));
        c.close();
        awaitTrue(() -> events.size() == 2);
        assertThat(events).containsExactly("opened " + b.peerId(), "closed " + b.peerId());
        assertThat(a.connections()).isEmpty();
    }

    @Test
    void theDefaultStackComesFromTheModulesPresent() throws Exception {
        Host a = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        hosts.add(a);
        Host b = Host.builder().listen("/ip4/127.0.0.1/tcp/0").identity(PrivateKey.generate(KeyType.SECP256K1)).build();
        hosts.add(b);
        Connection c = a.connect(b.fullAddrs().get(0));
        assertThat(c.securityProtocol()).isEqualTo("/noise");
        assertThat(c.muxerProtocol()).isEqualTo("/yamux/1.0.0");
        assertThat(b.peerId().toString()).startsWith("16Uiu2");
        assertThat(a.ping(b.peerId(), 1)).hasSize(1);
    }

    @Test
    void listeningOnTheWildcardReportsConcreteAddresses() throws Exception {
        Host a = Host.builder().listen("/ip4/0.0.0.0/tcp/0").build();
        hosts.add(a);
        assertThat(a.listenAddrs()).isNotEmpty().noneMatch(m -> m.toString().startsWith("/ip4/0.0.0.0/"));
        assertThat(a.listenAddrs()).anyMatch(m -> m.toString().startsWith("/ip4/127.0.0.1/tcp/"));
        assertThat(a.fullAddrs().get(0).toString()).endsWith("/p2p/" + a.peerId());
    }

    @Test
    void closeEndsConnectionsAndStreamsInFlight() throws Exception {
        Host a = host("noise");
        Host b = host("noise");
        ProtocolStream s = a.newStream(b.fullAddrs().get(0), "/echo/1.0.0");
        Future<Integer> blocked = executor.submit(() -> s.in().read());
        long start = System.nanoTime();
        a.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> blocked.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        awaitTrue(() -> b.connections().isEmpty());
        assertThatThrownBy(() -> a.connect(b.fullAddrs().get(0))).isInstanceOf(IOException.class);
    }

    private static final java.nio.file.Path PROC_SELF_FD = java.nio.file.Path.of("/proc/self/fd");

    /**
     * Sockets are file descriptors: after close() the process holds no more of them than before.
     * Counted in /proc/self/fd, so skipped where there is none (macOS, Windows).
     */
    @Test
    void noSocketOutlivesClose() throws Exception {
        Assumptions.assumeTrue(java.nio.file.Files.isDirectory(PROC_SELF_FD),
                PROC_SELF_FD + " does not exist on this system (it is where Linux lists a process's open file descriptors), so open sockets cannot be counted");
        scenario(); // warm-up: classes and jars are opened once, for good
        long before = openFileDescriptors();
        scenario();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (openFileDescriptors() > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(openFileDescriptors()).isLessThanOrEqualTo(before);
    }

    private void scenario() throws Exception {
        try (Host a = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
             Host b = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            try (ProtocolStream s = a.newStream(b.fullAddrs().get(0), "/ipfs/ping/1.0.0")) {
                org.jlibp2p.core.host.Ping.ping(s, 1);
            }
            b.connect(a.fullAddrs().get(0)); // reuses the connection, or dials the other way
        }
    }

    private static long openFileDescriptors() throws IOException {
        try (var fds = java.nio.file.Files.list(PROC_SELF_FD)) {
            return fds.count();
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        Await.until("the condition", Duration.ofSeconds(10), Duration.ofMillis(10), condition);
    }
}
