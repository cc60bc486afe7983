package org.jlibp2p.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.StreamHandler;
import org.jlibp2p.relay.RelayClient;
import org.jlibp2p.relay.RelayReservation;
import org.jlibp2p.relay.RelayService;
import org.jlibp2p.relay.RelayTransport;
import org.jlibp2p.relay.ReservationVoucher;
import org.jlibp2p.tcp.TcpTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Circuit relay v2 between our hosts and js-libp2p 3 nodes (@libp2p/circuit-relay-v2, from npm),
 * over TCP + Noise + Yamux: a Java relay between js peers, a js relay between Java peers, and each
 * mixed pair. js serves only ping, identify and the relay protocols on a relayed (limited)
 * connection unless a handler opts in; the js test peer's echo handler does, and our hosts allow
 * echo on limited connections.
 */
@Timeout(180)
class RelayInteropTest {
    private static final String ECHO = "/echo/1.0.0";
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

    private static final StreamHandler ECHO_HANDLER = s -> {
        s.in().transferTo(s.out());
        s.closeWrite();
    };

    private <T extends Host> T keep(T h) {
        hosts.add(h);
        return h;
    }

    private JsPeer keep(JsPeer p) {
        peers.add(p);
        return p;
    }

    /** A Java relay on loopback TCP, with the stock limits. */
    private Host javaRelay() throws IOException {
        return keep(Host.builder().transport(new TcpTransport()).listen("/ip4/127.0.0.1/tcp/0")
                .service(new RelayService()).build());
    }

    /** A Java peer that listens on nothing but reserves a slot on the relay. */
    private Host javaBehindRelay(RelayClient reservations) throws IOException {
        return keep(Host.builder().transport(new TcpTransport())
                .transport(RelayTransport::new).service(reservations).listen("/p2p-circuit")
                .handler(ECHO, ECHO_HANDLER).allowOnLimitedConnections(ECHO)
                .build());
    }

    /** A Java peer that dials, through relays too. */
    private Host javaDialer() throws IOException {
        return keep(Host.builder().transport(new TcpTransport())
                .transport(RelayTransport::new)
                .allowOnLimitedConnections(ECHO)
                .build());
    }

    private static String firstAddr(Map<String, Object> event) {
        return (String) ((List<?>) event.get("addrs")).get(0);
    }

    private static void assertEchoes(Connection c, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        try (ProtocolStream s = c.newStream(ECHO)) {
            s.out().write(data);
            s.closeWrite();
            assertThat(Arrays.equals(s.in().readAllBytes(), data)).as("echoed through the relay").isTrue();
        }
    }

    private static void assertPings(Host h, PeerId peer) throws Exception {
        List<Duration> rtts = h.ping(peer, 2);
        assertThat(rtts).hasSize(2).allSatisfy(d -> assertThat(d).isPositive().isLessThan(Duration.ofSeconds(5)));
    }

    // ---- (a) a Java relay between two js peers -----------------------------------------------

    @Test
    void jsPeersReserveAndConnectThroughAJavaRelay() throws Exception {
        Host relay = javaRelay();
        JsPeer b = keep(JsPeer.listenVia("ed25519", relay.fullAddrs().get(0).toString()));
        Map<String, Object> listening = b.nextEvent("listening", 30);
        String circuit = firstAddr(b.nextEvent("reserved", 30));
        assertThat(circuit).isEqualTo(relay.fullAddrs().get(0) + "/p2p-circuit/p2p/" + listening.get("peerId"));

        Map<String, Object> ping = JsPeer.dial(circuit, "ed25519", "ping");
        assertThat(ping).containsEntry("ok", true);
        Map<String, Object> echo = JsPeer.dial(circuit, "ed25519", "echo", "4096", "2");
        assertThat(echo).containsEntry("ok", true).containsEntry("streams", 2.0);
    }

    // ---- (b) a js relay between two Java peers -----------------------------------------------

    @Test
    void javaPeersReserveAndConnectThroughAJsRelay() throws Exception {
        JsPeer jsRelay = keep(JsPeer.relay("ed25519"));
        Map<String, Object> listening = jsRelay.nextEvent("listening", 30);
        Multiaddr relayAddr = Multiaddr.parse(firstAddr(listening));
        PeerId relayId = PeerId.parse((String) listening.get("peerId"));

        RelayClient reservations = new RelayClient(relayAddr);
        Host b = javaBehindRelay(reservations);
        RelayReservation reservation = reservations.awaitReservation(Duration.ofSeconds(30));
        // the js relay's voucher verified here: signed by the relay, for B
        ReservationVoucher voucher = reservation.voucher().orElseThrow(() -> new AssertionError("the js relay sent no voucher"));
        assertThat(voucher.relay()).isEqualTo(relayId);
        assertThat(voucher.peer()).isEqualTo(b.peerId());
        assertThat(reservation.voucherEnvelope()).isPresent();
        assertThat(reservation.relay()).isEqualTo(relayId);
        // js writes Limit.duration in milliseconds (stock 2 minutes as 120000; the spec says
        // seconds), and we read seconds: advisory only, the relay enforces its own limit
        assertThat(reservation.limit()).as("the js relay limits its circuits").isPresent();
        assertThat(reservation.limit().orElseThrow().durationSeconds()).isEqualTo(120_000);
        Multiaddr circuit = reservation.circuitAddrs().get(0);
        assertThat(circuit.toString()).endsWith("/p2p-circuit/p2p/" + b.peerId());

        Host a = javaDialer();
        CompletableFuture<HostEvent.PeerIdentified> identified = new CompletableFuture<>();
        a.subscribe(HostEvent.PeerIdentified.class, e -> {
            if (e.connection().remotePeer().equals(b.peerId())) {
                identified.complete(e);
            }
        });
        Connection c = a.connect(circuit);
        assertThat(c.remotePeer()).isEqualTo(b.peerId());
        assertThat(c.isLimited()).as("a js relay announces a limit").isTrue();
        assertPings(a, b.peerId());
        HostEvent.PeerIdentified event = identified.get(15, TimeUnit.SECONDS);
        assertThat(event.info().protocols()).contains(ECHO, "/ipfs/ping/1.0.0");
        assertEchoes(c, 4096);
    }

    // ---- (c) mixed ---------------------------------------------------------------------------

    @Test
    void javaReachesAJsPeerThroughAJavaRelay() throws Exception {
        Host relay = javaRelay();
        JsPeer b = keep(JsPeer.listenVia("ed25519", relay.fullAddrs().get(0).toString()));
        PeerId bId = PeerId.parse((String) b.nextEvent("listening", 30).get("peerId"));
        Multiaddr circuit = Multiaddr.parse(firstAddr(b.nextEvent("reserved", 30)));

        Host a = javaDialer();
        Connection c = a.connect(circuit);
        assertThat(c.remotePeer()).isEqualTo(bId);
        assertThat(c.isLimited()).isTrue();
        assertPings(a, bId);
        assertEchoes(c, 4096);
    }

    @Test
    void jsReachesAJavaPeerThroughAJsRelay() throws Exception {
        JsPeer jsRelay = keep(JsPeer.relay("ed25519"));
        Multiaddr relayAddr = Multiaddr.parse(firstAddr(jsRelay.nextEvent("listening", 30)));
        RelayClient reservations = new RelayClient(relayAddr);
        Host b = javaBehindRelay(reservations);
        String circuit = reservations.awaitReservation(Duration.ofSeconds(30)).circuitAddrs().get(0).toString();

        Map<String, Object> ping = JsPeer.dial(circuit, "ed25519", "ping");
        assertThat(ping).containsEntry("ok", true);
        Map<String, Object> echo = JsPeer.dial(circuit, "ed25519", "echo", "4096", "2");
        assertThat(echo).containsEntry("ok", true).containsEntry("streams", 2.0);
        assertThat(b.connections()).isNotEmpty();
    }
}
