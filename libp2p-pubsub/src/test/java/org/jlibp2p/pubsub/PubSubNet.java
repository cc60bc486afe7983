package org.jlibp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.testing.Await;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.jlibp2p.yamux.YamuxMuxer;

/**
 * Gossipsub nodes on one in-memory network, with Noise and Yamux as over TCP. Closing it closes
 * every host and checks that no thread of theirs is left.
 */
final class PubSubNet implements AutoCloseable {
    /** A faster heartbeat than go's 1 s, so that tests of the heartbeat's work finish sooner. */
    static final GossipSubParams FAST = GossipSubParams.builder().heartbeatInterval(Duration.ofMillis(100))
            .heartbeatInitialDelay(Duration.ofMillis(10)).build();

    record Node(Host host, GossipSub pubsub) {
        Multiaddr addr() {
            return host.fullAddrs().get(0);
        }
    }

    final MemoryNetwork network = new MemoryNetwork();
    final List<Node> nodes = new ArrayList<>();
    final List<Host> others = new ArrayList<>();

    Host.Builder builder() {
        return Host.builder().transport(network.transport()).security(NoiseSecureChannel::new).muxer(new YamuxMuxer()).listen("/memory/0");
    }

    Node node() throws IOException {
        return node(GossipSubConfig.builder().params(FAST).build());
    }

    Node node(GossipSubConfig config) throws IOException {
        return node(config, builder());
    }

    /** A node whose host has the given identity key, of any type. */
    Node node(GossipSubConfig config, org.jlibp2p.core.crypto.PrivateKey identity) throws IOException {
        return node(config, builder().identity(identity));
    }

    private Node node(GossipSubConfig config, Host.Builder b) throws IOException {
        GossipSub ps = new GossipSub(config);
        Node n = new Node(b.service(ps).build(), ps);
        nodes.add(n);
        return n;
    }

    static void connect(Node a, Node b) throws IOException {
        a.host().connect(b.addr());
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(15), Duration.ofMillis(10), condition);
    }

    @Override
    public void close() throws InterruptedException {
        others.forEach(Host::close);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).host().close();
        }
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).as("threads left").isEmpty();
    }
}
