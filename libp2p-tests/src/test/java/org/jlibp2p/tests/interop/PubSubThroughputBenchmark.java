package org.jlibp2p.tests.interop;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.pubsub.GossipSub;
import org.jlibp2p.pubsub.GossipSubConfig;
import org.jlibp2p.pubsub.MessageId;
import org.jlibp2p.pubsub.SignaturePolicy;

/**
 * Gossipsub throughput through a line of three nodes over loopback TCP + Noise + Yamux, our nodes
 * against js-libp2p's ({@code @libp2p/gossipsub} 17.1.1) on the same machine in the same run: the
 * first node publishes N messages one after another, as fast as its publish returns, and the rate is
 * N over the time until the third has them all, after a first round of N/4 that is not measured.
 * Both signing policies, 1 KiB and 100 KiB messages.
 *
 * <pre>
 * java -cp ... org.jlibp2p.tests.interop.PubSubThroughputBenchmark [1 KiB messages, 1000] [100 KiB messages, 100]
 * </pre>
 */
public final class PubSubThroughputBenchmark {
    private static final String TOPIC = "bench";

    private PubSubThroughputBenchmark() {}

    /**
     * Runs each line and prints one row per case: messages per second, then MiB/s.
     *
     * @param args the counts of 1 KiB and of 100 KiB messages
     * @throws Exception if a node fails
     */
    public static void main(String[] args) throws Exception {
        int small = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int large = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        System.out.printf("%-48s  %10s  %8s%n", "line of 3 nodes, loopback TCP + Noise + Yamux", "msg/s", "MiB/s");
        for (boolean sign : new boolean[] {false, true}) {
            String policy = sign ? "strict sign" : "no-sign";
            row("java, 1 KiB, " + policy, small, 1024, java(small, 1024, sign));
            row("js, 1 KiB, " + policy, small, 1024, js(small, 1024, sign));
            row("java, 100 KiB, " + policy, large, 100 * 1024, java(large, 100 * 1024, sign));
            row("js, 100 KiB, " + policy, large, 100 * 1024, js(large, 100 * 1024, sign));
        }
    }

    private static void row(String label, int count, int size, double seconds) {
        System.out.printf("%-48s  %10.0f  %8.1f%n", label, count / seconds, count * (double) size / seconds / (1 << 20));
    }

    private static MessageId sha256(org.jlibp2p.pubsub.Message m) {
        try {
            return MessageId.of(MessageDigest.getInstance("SHA-256").digest(m.payload()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** {@return seconds from the first publish to the last delivery at the third node} */
    private static double java(int count, int size, boolean sign) throws Exception {
        GossipSubConfig.Builder b = GossipSubConfig.builder().maxMessageSize(Math.max(size, 1 << 20));
        if (!sign) {
            b.signaturePolicy(SignaturePolicy.STRICT_NO_SIGN).messageIdFunction(PubSubThroughputBenchmark::sha256);
        }
        GossipSubConfig config = b.build();
        List<Host> hosts = new ArrayList<>();
        List<GossipSub> ps = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                GossipSub g = new GossipSub(config);
                hosts.add(Host.builder().listen("/ip4/127.0.0.1/tcp/0").service(g).build());
                ps.add(g);
            }
            AtomicLong got = new AtomicLong();
            ps.get(2).subscribe(TOPIC, m -> got.incrementAndGet());
            ps.get(1).subscribe(TOPIC, m -> { });
            ps.get(0).subscribe(TOPIC, m -> { });
            hosts.get(0).connect(hosts.get(1).fullAddrs().get(0));
            hosts.get(1).connect(hosts.get(2).fullAddrs().get(0));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (ps.get(1).meshPeers(TOPIC).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            byte[] data = new byte[size];
            int warmUp = Math.max(1, count / 4); // a first round, not measured: the JIT compiles the paths
            int seq = 0;
            for (int round = 0; round < 2; round++) {
                int n = round == 0 ? warmUp : count;
                long before = got.get();
                long start = System.nanoTime();
                for (int k = 0; k < n; k++) {
                    ByteBuffer.wrap(data).putLong(++seq);
                    ps.get(0).publish(TOPIC, data);
                }
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (got.get() - before < n && System.nanoTime() < end) {
                    Thread.sleep(1);
                }
                if (got.get() - before < n) {
                    throw new IllegalStateException("java: " + (got.get() - before) + " of " + n + " delivered");
                }
                if (round == 1) {
                    return (System.nanoTime() - start) / 1e9;
                }
            }
            throw new AssertionError();
        } finally {
            hosts.forEach(Host::close);
        }
    }

    private static double js(int count, int size, boolean sign) throws Exception {
        List<JsGossipPeer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                JsGossipPeer p = JsGossipPeer.start(sign);
                p.subscribe(TOPIC);
                nodes.add(p);
            }
            nodes.get(0).connect(nodes.get(1).addr);
            nodes.get(1).connect(nodes.get(2).addr);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (nodes.get(1).mesh(TOPIC).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            int warmUp = Math.max(1, count / 4); // a first round, not measured, as for our nodes
            nodes.get(2).expect(TOPIC, warmUp);
            nodes.get(1).expect(TOPIC, warmUp); // the middle one counts too, so that it prints nothing per message
            nodes.get(0).flood(TOPIC, warmUp, size, 0);
            nodes.get(2).awaitAll(120);
            nodes.get(1).awaitAll(120);
            nodes.get(2).expect(TOPIC, count);
            nodes.get(1).expect(TOPIC, count);
            long start = System.nanoTime();
            nodes.get(0).flood(TOPIC, count, size, warmUp);
            nodes.get(2).awaitAll(120);
            return (System.nanoTime() - start) / 1e9;
        } finally {
            for (JsGossipPeer p : nodes) {
                p.close();
            }
        }
    }
}
