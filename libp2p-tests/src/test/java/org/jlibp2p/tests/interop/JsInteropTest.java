package org.jlibp2p.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.Peerstore;
import org.jlibp2p.core.host.Ping;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.StreamHandler;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.testing.Await;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our host and a real js-libp2p 3 node (interop/js-peer, from npm) in both directions over
 * TCP + Noise + Yamux: ping, identify, echo, perf, every key type, early muxer negotiation and its
 * multistream fallback, and a js process that dies mid-stream.
 */
@Timeout(180)
class JsInteropTest {
    private static final long MIB = 1024 * 1024;
    private final List<Host> hosts = new ArrayList<>();
    private final List<JsPeer> peers = new ArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void needNode() throws Exception {
        JsPeer.requireNode();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (JsPeer p : peers) {
            p.close();
        }
        hosts.forEach(Host::close);
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    private Host host(KeyType key, boolean earlyMuxer) throws IOException {
        PrivateKey identity = PrivateKey.generate(key);
        Host h = Host.builder()
                .identity(identity)
                .transport(new TcpTransport())
                .security(earlyMuxer ? NoiseSecureChannel::new : NoiseSecureChannel::withoutEarlyMuxerNegotiation)
                .muxer(new YamuxMuxer())
                .listen("/ip4/127.0.0.1/tcp/0")
                .handler("/echo/1.0.0", ECHO)
                .handler("/perf/1.0.0", PERF)
                .build();
        hosts.add(h);
        return h;
    }

    private Host host() throws IOException {
        return host(KeyType.ED25519, true);
    }

    private JsPeer jsListener(String key) throws Exception {
        JsPeer p = JsPeer.listen(key);
        peers.add(p);
        return p;
    }

    private static Multiaddr address(Map<String, Object> listening) {
        return Multiaddr.parse((String) ((List<?>) listening.get("addrs")).get(0));
    }

    static final StreamHandler ECHO = s -> {
        s.in().transferTo(s.out());
        s.closeWrite();
    };

    /** perf/perf.md, server side. */
    static final StreamHandler PERF = s -> {
        long sendBack = new DataInputStream(s.in()).readLong();
        byte[] buf = new byte[256 * 1024];
        while (s.in().read(buf) >= 0) {
            // drain the upload
        }
        for (long left = sendBack; left > 0; left -= buf.length) {
            s.out().write(buf, 0, (int) Math.min(left, buf.length));
        }
        s.closeWrite();
    };

    // ---- Java dials js -----------------------------------------------------------------------

    @Test
    void javaDialsJsPingsAndAgreesOnTheMuxerInsideNoise() throws Exception {
        JsPeer js = jsListener("ed25519");
        Multiaddr addr = address(js.next(30));
        Host h = host();
        Connection c = h.connect(addr);
        assertThat(c.securityProtocol()).isEqualTo("/noise");
        assertThat(c.muxerProtocol()).isEqualTo("/yamux/1.0.0");
        assertThat(c.muxerFromSecurityHandshake()).as("js offers its muxers in the Noise extensions").isTrue();
        List<Duration> rtts = h.ping(c.remotePeer(), 3);
        assertThat(rtts).hasSize(3).allSatisfy(d -> assertThat(d).isPositive().isLessThan(Duration.ofSeconds(5)));
        Map<String, Object> seen = js.nextEvent("connection", 10);
        assertThat(seen).containsEntry("peerId", h.peerId().toString()).containsEntry("muxer", "/yamux/1.0.0").containsEntry("encryption", "/noise");
    }

    /**
     * Our dialer proposes /noise lazily, with Noise's first message behind it (every test that dials
     * js does); here streams are proposed lazily too, and echo streams end their side at once, while
     * js may still be negotiating: the end waits for js's answer, which js 3.3.11 needs.
     */
    @Test
    void javaProposesLazilyToJsAndEndsStreamsAtOnce() throws Exception {
        JsPeer js = jsListener("ed25519");
        Multiaddr addr = address(js.next(30));
        Host h = host();
        Connection c = h.connect(addr);
        try (ProtocolStream s = c.newStreamLazy("/ipfs/ping/1.0.0")) {
            assertThat(Ping.ping(s, 2)).hasSize(2);
            s.closeWrite();
        }
        for (int i = 0; i < 20; i++) {
            byte[] message = ("lazy " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            try (ProtocolStream s = c.newStreamLazy("/echo/1.0.0")) {
                s.out().write(message);
                s.closeWrite();
                s.setReadTimeout(Duration.ofSeconds(10));
                assertThat(s.in().readAllBytes()).isEqualTo(message);
            }
        }
        ProtocolStream refused = c.newStreamLazy("/nothing/1.0.0");
        refused.out().flush();
        refused.setReadTimeout(Duration.ofSeconds(10));
        assertThatThrownBy(() -> refused.in().read()).isInstanceOf(org.jlibp2p.core.ProtocolNotSupportedException.class);
        assertThat(h.ping(c.remotePeer(), 1)).as("the connection outlives the refused stream").hasSize(1);
    }

    @Test
    void javaDialsJsAndEachIdentifiesTheOther() throws Exception {
        JsPeer js = jsListener("ed25519");
        Map<String, Object> listening = js.next(30);
        Multiaddr addr = address(listening);
        Host h = host();
        CompletableFuture<HostEvent.PeerIdentified> identified = new CompletableFuture<>();
        h.subscribe(HostEvent.PeerIdentified.class, identified::complete);
        Connection c = h.connect(addr);
        HostEvent.PeerIdentified event = identified.get(15, TimeUnit.SECONDS);
        // js sends its signed peer record (identify field 8) and it verified here: its addresses
        // now come from the record, and unsigned ones are no longer taken for js
        assertThat(event.signedPeerRecord()).as("js's signed peer record verified").isTrue();
        Peerstore.PeerInfo theirs = h.peerstore().get(c.remotePeer()).orElseThrow();
        assertThat(theirs.agentVersion().orElseThrow()).startsWith("js-libp2p/");
        assertThat(theirs.protocols()).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/echo/1.0.0", "/perf/1.0.0");
        assertThat(PeerId.fromPublicKey(theirs.publicKey().orElseThrow())).isEqualTo(c.remotePeer());
        assertThat(theirs.addrs()).contains(addr.decapsulate(org.jlibp2p.core.MultiaddrProtocol.P2P).orElseThrow());
        // js-libp2p 3 appends /p2p/<our id> to the address it observed us at
        assertThat(theirs.observedAddr()).contains(c.localAddress().withPeerId(h.peerId()));

        Map<String, Object> ours = js.nextEvent("identify", 15);
        assertThat(ours).containsEntry("peerId", h.peerId().toString())
                .containsEntry("agentVersion", "jlibp2p/" + Host.VERSION)
                .containsEntry("protocolVersion", "ipfs/0.1.0")
                .containsEntry("publicKey", HexFormat.of().formatHex(h.identity().publicKey().marshal()))
                .containsEntry("observedAddr", c.remoteAddress().toString()); // where we see js
        assertThat(strings(ours.get("protocols"))).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/echo/1.0.0", "/perf/1.0.0");
        assertThat(strings(ours.get("listenAddrs"))).contains(h.listenAddrs().get(0).toString());
        assertSignedRecordAccepted(ours, h);
    }

    /**
     * Identify push (identify/README.md, "Identify Push") to js: a handler added on our side reaches
     * js as a push, which js takes in and reports, and a second change follows without waiting out
     * the 5 s a push may wait for js to close the stream (js closes it once it has read the push).
     */
    @Test
    void javaPushesItsNewProtocolsToJs() throws Exception {
        JsPeer js = jsListener("ed25519");
        Multiaddr addr = address(js.next(30));
        Host h = host();
        h.connect(addr);
        assertThat(strings(js.nextEvent("identify", 15).get("protocols"))).doesNotContain("/news/1.0.0");

        long start = System.nanoTime();
        h.setStreamHandler("/news/1.0.0", s -> { });
        identifiedWith(js, "/news/1.0.0");
        h.setStreamHandler("/more/1.0.0", s -> { });
        assertThat(identifiedWith(js, "/more/1.0.0")).contains("/news/1.0.0", "/echo/1.0.0");
        // a push js had not closed would hold the next round for 5 s
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("two pushes, each ended by js's close")
                .isLessThan(Duration.ofMillis(4500));
    }

    /**
     * Reads js's identify events until one lists {@code protocol} (an earlier push, such as the one
     * our host makes as it starts, may come first); {@return that event's protocols}
     */
    private static List<String> identifiedWith(JsPeer js, String protocol) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            long left = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(end - System.nanoTime()));
            List<String> protocols = strings(js.nextEvent("identify", left).get("protocols"));
            if (protocols.contains(protocol)) {
                return protocols;
            }
            assertThat(System.nanoTime() - end).as("js told of %s within 15 s", protocol).isNegative();
        }
    }

    /** js accepted our signed peer record: it reports the record's addresses, ours, and a seq. */
    @SuppressWarnings("unchecked")
    private static void assertSignedRecordAccepted(Map<String, Object> identify, Host h) {
        assertThat(identify.get("signedPeerRecord")).as("js verified our signed peer record").isInstanceOf(Map.class);
        Map<String, Object> record = (Map<String, Object>) identify.get("signedPeerRecord");
        assertThat(strings(record.get("addrs"))).containsExactlyInAnyOrderElementsOf(h.listenAddrs().stream().map(Multiaddr::toString).toList());
        assertThat(Long.parseUnsignedLong((String) record.get("seq"))).isPositive();
    }

    @Test
    void javaEchoesSixteenMebibytesThroughJsOnSixteenStreams() throws Exception {
        JsPeer js = jsListener("ed25519");
        Multiaddr addr = address(js.next(30));
        Host h = host();
        Connection c = h.connect(addr);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int seed = i;
            results.add(executor.submit(() -> {
                byte[] data = new byte[(int) MIB];
                new Random(seed).nextBytes(data);
                try (ProtocolStream s = c.newStream("/echo/1.0.0")) {
                    Future<byte[]> back = executor.submit(() -> s.in().readAllBytes());
                    s.out().write(data);
                    s.closeWrite();
                    return Arrays.equals(back.get(60, TimeUnit.SECONDS), data);
                }
            }));
        }
        for (Future<Boolean> r : results) {
            assertThat(r.get(120, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(h.connections()).hasSize(1);
    }

    @Test
    void javaPerfAgainstJs() throws Exception {
        JsPeer js = jsListener("ed25519");
        Multiaddr addr = address(js.next(30));
        Host h = host();
        try (ProtocolStream s = h.newStream(addr, "/perf/1.0.0")) {
            new DataOutputStream(s.out()).writeLong(64 * MIB);
            byte[] buf = new byte[256 * 1024];
            for (long sent = 0; sent < 64 * MIB; sent += buf.length) {
                s.out().write(buf);
            }
            s.closeWrite();
            long received = 0;
            for (int n; (n = s.in().read(buf)) >= 0; ) {
                received += n;
            }
            assertThat(received).isEqualTo(64 * MIB);
        }
    }

    // ---- js dials Java -----------------------------------------------------------------------

    @Test
    void jsDialsJavaAndPings() throws Exception {
        Host h = host();
        Map<String, Object> r = JsPeer.dial(h.fullAddrs().get(0).toString(), "ed25519", "ping");
        assertThat(r).containsEntry("ok", true);
        assertThat((Double) r.get("rttMs")).isGreaterThanOrEqualTo(0.0);
    }

    @Test
    void jsDialsJavaAndEachIdentifiesTheOther() throws Exception {
        Host h = host();
        Map<String, Object> r = JsPeer.dial(h.fullAddrs().get(0).toString(), "ed25519", "identify");
        assertThat(r).containsEntry("ok", true)
                .containsEntry("peerId", h.peerId().toString())
                .containsEntry("agentVersion", "jlibp2p/" + Host.VERSION)
                .containsEntry("publicKey", HexFormat.of().formatHex(h.identity().publicKey().marshal()))
                .containsEntry("muxer", "/yamux/1.0.0")
                .containsEntry("encryption", "/noise");
        assertThat(strings(r.get("protocols"))).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/echo/1.0.0", "/perf/1.0.0");
        assertThat(strings(r.get("listenAddrs"))).contains(h.listenAddrs().get(0).toString());
        assertThat((String) r.get("observedAddr")).startsWith("/ip4/127.0.0.1/tcp/");
        assertSignedRecordAccepted(r, h);
        // and we learned who the js dialer is
        awaitTrue(() -> h.peerstore().peers().stream().anyMatch(p ->
                h.peerstore().get(p).flatMap(Peerstore.PeerInfo::agentVersion).map(a -> a.startsWith("js-libp2p/")).orElse(false)));
    }

    /**
     * A Java identify too large for one message of 4 KiB (250 advertised addresses) goes to js in two
     * parts: the first with the public addresses that fit, the signed record alone in the second. js
     * merges them: it reports our protocols, the addresses that fit, and a record it verified.
     */
    @Test
    void jsMergesALargeJavaIdentifySentInTwoParts() throws Exception {
        List<Multiaddr> extra = new ArrayList<>();
        for (int i = 1; i <= 250; i++) {
            extra.add(Multiaddr.parse("/ip6/2001:db8::" + Integer.toHexString(i) + "/tcp/4001"));
        }
        Host h = Host.builder()
                .transport(new TcpTransport())
                .security(NoiseSecureChannel::new)
                .muxer(new YamuxMuxer())
                .listen("/ip4/127.0.0.1/tcp/0")
                .handler("/echo/1.0.0", ECHO)
                .service(ctx -> ctx.addAdvertisedAddrs(extra))
                .build();
        hosts.add(h);
        Map<String, Object> r = JsPeer.dial(h.fullAddrs().get(0).toString(), "ed25519", "identify");
        assertThat(r).containsEntry("ok", true).containsEntry("peerId", h.peerId().toString())
                .containsEntry("agentVersion", "jlibp2p/" + Host.VERSION);
        assertThat(strings(r.get("protocols"))).contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/echo/1.0.0");
        List<String> extraText = extra.stream().map(Multiaddr::toString).toList();
        List<String> listen = strings(r.get("listenAddrs"));
        // 4 KiB holds about 175 of them: the public ones go first, the loopback listen address is left out
        assertThat(listen).hasSizeBetween(150, 249).allMatch(extraText::contains);
        assertThat(r.get("signedPeerRecord")).as("js verified the record of the second part").isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> record = (Map<String, Object>) r.get("signedPeerRecord");
        assertThat(strings(record.get("addrs"))).hasSize(64).allMatch(extraText::contains);
    }

    @Test
    void jsEchoesSixteenMebibytesThroughJavaOnSixteenStreams() throws Exception {
        Host h = host();
        Map<String, Object> r = JsPeer.dial(h.fullAddrs().get(0).toString(), "ed25519", "echo", Long.toString(MIB), "16");
        assertThat(r).containsEntry("ok", true).containsEntry("bytes", (double) MIB).containsEntry("streams", 16.0);
    }

    @Test
    void jsPerfAgainstJava() throws Exception {
        Host h = host();
        Map<String, Object> r = JsPeer.dial(h.fullAddrs().get(0).toString(), "ed25519", "perf", Long.toString(64 * MIB), Long.toString(64 * MIB));
        assertThat(r).containsEntry("ok", true).containsEntry("uploadBytes", (double) (64 * MIB)).containsEntry("downloadBytes", (double) (64 * MIB));
    }

    // ---- key types ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"ED25519", "SECP256K1", "RSA"})
    void ourKeyTypesAgainstJsEd25519(String type) throws Exception {
        JsPeer js = jsListener("ed25519");
        Multiaddr addr = address(js.next(30));
        Host h = host(KeyType.valueOf(type), true);
        assertThat(h.ping(h.connect(addr).remotePeer(), 1)).hasSize(1);
        assertThat(js.nextEvent("connection", 10)).containsEntry("peerId", h.peerId().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "secp256k1", "rsa"})
    void theirKeyTypesAgainstOurs(String type) throws Exception {
        Host h = host();
        assertThat(JsPeer.dial(h.fullAddrs().get(0).toString(), type, "ping")).containsEntry("ok", true);
        JsPeer js = jsListener(type);
        Multiaddr addr = address(js.next(30));
        String expectedPrefix = switch (type) {
            case "ed25519" -> "12D3KooW";
            case "secp256k1" -> "16Uiu2";
            default -> "Qm";
        };
        assertThat(addr.peerId().orElseThrow().toString()).startsWith(expectedPrefix);
        assertThat(h.ping(h.connect(addr).remotePeer(), 1)).hasSize(1);
    }

    // ---- muxer negotiation fallback ----------------------------------------------------------

    @Test
    void withoutNoiseExtensionsTheMuxerIsNegotiatedWithMultistream() throws Exception {
        JsPeer js = jsListener("ed25519");
        Multiaddr addr = address(js.next(30));
        Host h = host(KeyType.ED25519, false);
        Connection c = h.connect(addr);
        assertThat(c.muxerFromSecurityHandshake()).isFalse();
        assertThat(c.muxerProtocol()).isEqualTo("/yamux/1.0.0");
        assertThat(h.ping(c.remotePeer(), 1)).hasSize(1);
        // and the other direction
        assertThat(JsPeer.dial(h.fullAddrs().get(0).toString(), "ed25519", "ping")).containsEntry("ok", true);
    }

    // ---- failures ----------------------------------------------------------------------------

    @Test
    void aJsProcessKilledMidStreamGivesACleanErrorAndWeServeTheNext() throws Exception {
        JsPeer js = jsListener("ed25519");
        Multiaddr addr = address(js.next(30));
        Host h = host();
        Connection c = h.connect(addr);
        ProtocolStream s = c.newStream("/echo/1.0.0");
        s.out().write(new byte[1024]);
        assertThat(s.in().readNBytes(1024)).hasSize(1024);
        Future<Integer> blocked = executor.submit(() -> s.in().read());
        js.kill();
        assertThatThrownBy(() -> blocked.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        awaitTrue(c::isClosed);
        // the host serves the next peer, in both directions
        JsPeer next = jsListener("ed25519");
        Multiaddr nextAddr = address(next.next(30));
        assertThat(h.ping(h.connect(nextAddr).remotePeer(), 1)).hasSize(1);
        assertThat(JsPeer.dial(h.fullAddrs().get(0).toString(), "ed25519", "ping")).containsEntry("ok", true);
    }

    @Test
    void aConnectionJsClosesEndsOurStreamsCleanly() throws Exception {
        Host h = host();
        // js dials, pings and stops its node, closing the connection from its side
        assertThat(JsPeer.dial(h.fullAddrs().get(0).toString(), "ed25519", "ping")).containsEntry("ok", true);
        awaitTrue(() -> h.connections().isEmpty());
        assertThat(JsPeer.dial(h.fullAddrs().get(0).toString(), "ed25519", "ping")).containsEntry("ok", true);
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        Await.until("the condition", Duration.ofSeconds(20), Duration.ofMillis(20), condition);
    }
}
