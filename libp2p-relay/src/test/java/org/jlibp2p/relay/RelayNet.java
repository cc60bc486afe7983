package org.jlibp2p.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.testing.Await;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.jlibp2p.yamux.YamuxMuxer;

/**
 * Hosts for relay tests, on one in-memory network: a relay R, peers that reserve on it and accept
 * relayed connections (B, "behind a NAT": they listen on nothing else), and peers that dial through
 * it (A). Closing it closes every host and checks that no thread of theirs is left.
 */
final class RelayNet {
    static final String ECHO = "/echo/1.0.0";

    final MemoryNetwork network = new MemoryNetwork();
    private final List<Host> hosts = new ArrayList<>();
    private final Map<Host, RelayService> relays = new ConcurrentHashMap<>();

    /** A host over the in-memory network with Noise and Yamux, serving an echo that may run on limited connections. */
    Host.Builder builder() {
        return Host.builder().transport(network.transport()).security(NoiseSecureChannel::new).muxer(new YamuxMuxer())
                .handler(ECHO, s -> s.in().transferTo(s.out())).allowOnLimitedConnections(ECHO);
    }

    Host build(Host.Builder b) throws IOException {
        Host h = b.build();
        hosts.add(h);
        return h;
    }

    /** A relay, listening on the in-memory network. */
    Host relay(RelayService service) throws IOException {
        Host h = build(builder().listen("/memory/0").service(service));
        relays.put(h, service);
        return h;
    }

    RelayService relayService(Host relay) {
        return relays.get(relay);
    }

    /** A peer that reserves on relays and accepts relayed connections; it listens on nothing else. */
    Host reachableThrough(RelayClient client) throws IOException {
        return build(builder().transport(RelayTransport::new).service(client).listen("/p2p-circuit"));
    }

    /** A peer that dials through relays. */
    Host dialer() throws IOException {
        return build(builder().transport(RelayTransport::new));
    }

    static Multiaddr addr(Host h) {
        return h.fullAddrs().stream().filter(a -> !CircuitRelay.isCircuitAddress(a)).findFirst().orElseThrow();
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(15), Duration.ofMillis(10), condition);
    }

    void close() throws InterruptedException {
        for (int i = hosts.size() - 1; i >= 0; i--) {
            hosts.get(i).close(); // the relays last, so that their clients do not try to reserve again
        }
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).as("threads left").isEmpty();
    }
}
