package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.examples.ConsoleLoggerFinder;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.relay.RelayClient;
import org.jlibp2p.relay.RelayService;
import org.jlibp2p.relay.RelayTransport;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay's TRACE narration ({@code --trace} in the tool) tells each step of relay/circuit-v2.md's
 * "Interaction" on each of the three peers: the reservation, the hop CONNECT, the stop CONNECT, both
 * STATUS answers, the copying, and the upgrade inside the circuit. (The tool's logger is on this
 * class path, so the library logs through it here.)
 */
@Timeout(60)
class RelayNarrationTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final MemoryNetwork net = new MemoryNetwork();
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void restore() {
        for (int i = hosts.size() - 1; i >= 0; i--) {
            hosts.get(i).close();
        }
        ConsoleLoggerFinder.configure(false, System.err);
    }

    private Host host(Host.Builder b) throws Exception {
        Host h = b.transport(net.transport()).security(NoiseSecureChannel::new).muxer(new YamuxMuxer()).build();
        hosts.add(h);
        return h;
    }

    @Test
    void everyStepOfAReservationAndACircuitIsNarrated() throws Exception {
        ConsoleLoggerFinder.configure(true, new PrintStream(captured, true, StandardCharsets.UTF_8));
        Host r = host(Host.builder().listen("/memory/0").service(new RelayService()));
        RelayClient client = new RelayClient(r.fullAddrs().get(0));
        Host b = host(Host.builder().transport(RelayTransport::new).service(client).listen("/p2p-circuit"));
        client.awaitReservation(Duration.ofSeconds(10));
        Multiaddr circuit = client.circuitAddrs().get(0);
        Host a = host(Host.builder().transport(RelayTransport::new));
        Connection c = a.connect(circuit);
        assertThat(a.ping(c.remotePeer(), 1)).hasSize(1);
        String log = captured.toString(StandardCharsets.UTF_8);

        String limit = ", limit 120 s, 131072 bytes";
        assertThat(log).as("B reserves a slot on R").contains(
                "relay -> " + r.peerId() + ": HOP RESERVE\n",
                "relay <- " + b.peerId() + ": HOP RESERVE\n",
                "relay -> " + b.peerId() + ": HOP STATUS OK, reservation until ",
                "with a voucher" + limit);
        assertThat(log).as("A asks R for a circuit to B; R asks B; B accepts; R tells A").contains(
                "relay -> " + r.peerId() + ": HOP CONNECT to " + b.peerId() + "\n",
                "relay <- " + a.peerId() + ": HOP CONNECT to " + b.peerId() + "\n",
                "relay -> " + b.peerId() + ": STOP CONNECT from " + a.peerId() + limit,
                "relay <- " + r.peerId() + ": STOP CONNECT from " + a.peerId() + limit,
                "relay -> " + r.peerId() + ": STOP STATUS OK\n",
                "relay <- " + b.peerId() + ": STOP STATUS OK\n",
                "relay -> " + a.peerId() + ": HOP STATUS OK" + limit,
                "relay <- " + r.peerId() + ": HOP STATUS OK" + limit,
                "relay: relaying " + a.peerId() + " <-> " + b.peerId(),
                "relay: the circuit to " + b.peerId() + " through " + r.peerId() + " is open",
                "relay: accepted the circuit from " + a.peerId() + " through " + r.peerId());
        assertThat(log.indexOf("relay: the circuit to " + b.peerId()))
                .as("A's Noise handshake with B comes after the circuit is open")
                .isLessThan(log.lastIndexOf("noise -> message 1 (e)"));
    }
}
