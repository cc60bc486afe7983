package org.jlibp2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.core.memory.MemoryTransport;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.testing.Await;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.jlibp2p.yamux.YamuxMuxer;

/**
 * DHT nodes for tests, on one in-memory network (Noise + Yamux):
 * servers and clients, each with its {@link KadDht}. Closing it closes every host and checks that no
 * thread of theirs is left.
 */
final class KadNet implements AutoCloseable {
    static final KadConfig CONFIG = KadConfig.defaults().withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(20))
            .withValidator(GreatestValueValidator.JLIBP2P_NAMESPACE, new GreatestValueValidator());

    final MemoryNetwork network = new MemoryNetwork();
    final List<Host> hosts = new ArrayList<>();
    final Map<Host, KadDht> dhts = new ConcurrentHashMap<>();
    /** Each node's own transport, so that a test can unplug one. */
    final Map<Host, MemoryTransport> transports = new ConcurrentHashMap<>();

    Host.Builder builder() {
        return Host.builder().transport(network.transport()).security(NoiseSecureChannel::new).muxer(new YamuxMuxer());
    }

    /** A node with a DHT, listening on the in-memory network through a transport of its own. */
    Host node(KadConfig config) throws IOException {
        KadDht dht = new KadDht(config);
        MemoryTransport transport = network.newTransport();
        Host h = Host.builder().transport(transport).security(NoiseSecureChannel::new).muxer(new YamuxMuxer())
                .listen("/memory/0").service(dht).build();
        hosts.add(h);
        dhts.put(h, dht);
        transports.put(h, transport);
        return h;
    }

    /** Makes a node vanish without a word: its connections go silent, dials to it go unanswered. */
    void unplug(Host h) {
        transports.get(h).unplug();
    }

    Host server() throws IOException {
        return node(CONFIG);
    }

    KadDht dht(Host h) {
        return dhts.get(h);
    }

    /** {@code n} servers, each bootstrapped through the first; returns them, the first first. */
    List<Host> servers(int n) throws IOException, InterruptedException {
        List<Host> out = new ArrayList<>();
        Host first = server();
        out.add(first);
        for (int i = 1; i < n; i++) {
            Host h = node(CONFIG.withBootstrap(List.of(addr(first))));
            out.add(h);
        }
        for (Host h : out.subList(1, out.size())) {
            dht(h).bootstrap();
        }
        return out;
    }

    static Multiaddr addr(Host h) {
        return h.fullAddrs().get(0);
    }

    /** The true k closest to a key among the given peers, by XOR distance computed directly. */
    static List<PeerId> trueClosest(List<PeerId> peers, byte[] key, int k) {
        KadKey target = KadKey.of(key);
        return peers.stream().sorted(Comparator.comparing((PeerId p) -> KadKey.of(p).distance(target), BigInteger::compareTo)).limit(k).toList();
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(15), Duration.ofMillis(10), condition);
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = hosts.size() - 1; i >= 0; i--) {
            hosts.get(i).close();
        }
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).as("threads left").isEmpty();
    }
}
