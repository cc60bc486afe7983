package org.jlibp2p.tests.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.core.plaintext.PlaintextSecureChannel;
import org.jlibp2p.pubsub.GossipSub;
import org.jlibp2p.pubsub.GossipSubConfig;
import org.jlibp2p.pubsub.GossipSubParams;
import org.jlibp2p.pubsub.MessageId;
import org.jlibp2p.pubsub.PeerScoreParams;
import org.jlibp2p.pubsub.PeerScoreThresholds;
import org.jlibp2p.pubsub.SignaturePolicy;
import org.jlibp2p.pubsub.ValidationResult;
import org.jlibp2p.yamux.YamuxMuxer;

/**
 * The gossipsub simulation of {@code scripts/bench-pubsub.sh}: N nodes in one JVM over the in-memory
 * transport (plaintext + Yamux: this measures gossipsub, not encryption), on a random connected graph
 * where each node dials 4 others (degree 8 on average), one topic, go's default parameters, strict
 * no-sign with ids from the data (as Ethereum and the gossipsub interop framework publish; one row
 * signs with Ed25519, whose checks at every node dominate the cost on a small machine). Each
 * scenario (after a smaller run that is not printed, to warm the JIT) publishes M messages from random
 * publishers, 20 ms apart, and prints one row: delivery
 * (the share of (message, subscriber) pairs delivered), dissemination latency from publish to
 * delivery (p50, p99, max, in ms), duplicates received per message and their payload bytes, and
 * control bytes sent per message (subscriptions, GRAFT/PRUNE, IHAVE/IWANT, IDONTWANT, across all
 * nodes). Then a line of three nodes' throughput.
 *
 * <pre>
 * java -cp ... org.jlibp2p.tests.bench.PubSubSimulation [nodes 100] [messages 100] [large message KiB 100] [only rows containing]
 * </pre>
 */
public final class PubSubSimulation {
    private static final String TOPIC = "sim";
    private static final Duration GAP = Duration.ofMillis(20);

    /** Runs only the rows whose label contains this (the fourth argument), or all. */
    private static String only = "";

    private PubSubSimulation() {}

    /**
     * Runs every scenario and prints the table.
     *
     * @param args nodes, messages, large message size in KiB
     * @throws Exception if a scenario cannot run
     */
    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int largeKiB = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        only = args.length > 3 ? args[3] : "";
        System.out.printf("gossipsub simulation: %d nodes, degree 8, %d messages from random publishers %d ms apart, go's parameters, no-sign%n",
                nodes, messages, GAP.toMillis());
        System.out.printf("%-44s  %9s  %8s  %8s  %8s  %9s  %12s  %12s%n", "scenario", "delivered%", "p50 ms", "p99 ms", "max ms",
                "dups/msg", "dup KiB/msg", "ctrl KiB/msg");
        System.out.println("(dups, dup KiB and ctrl KiB per message are summed over all nodes)");
        int noIDontWant = Integer.MAX_VALUE;
        warmUp(nodes, messages);
        run(nodes, messages, 128, "128 B", GossipSubParams.defaults(), Mode.PLAIN);
        run(nodes, Math.max(2, messages / 10), 128, "128 B, strict sign (Ed25519), 1/10 the messages", GossipSubParams.defaults(), Mode.SIGNED);
        run(nodes, messages, 1024, "1 KiB, IDONTWANT off", GossipSubParams.builder().iDontWantMessageThreshold(noIDontWant).build(), Mode.PLAIN);
        run(nodes, messages, 1024, "1 KiB, IDONTWANT on (>= 1 KiB)", GossipSubParams.defaults(), Mode.PLAIN);
        // a large message crosses every link of the mesh: spaced so that one JVM on a small machine can carry them
        Duration largeGap = Duration.ofMillis(Math.max(GAP.toMillis(), largeKiB * 3L));
        String large = largeKiB + " KiB, " + largeGap.toMillis() + " ms apart";
        run(nodes, messages, largeKiB * 1024, large + ", IDONTWANT off", GossipSubParams.builder().iDontWantMessageThreshold(noIDontWant).build(),
                Mode.PLAIN, largeGap);
        run(nodes, messages, largeKiB * 1024, large + ", IDONTWANT on", GossipSubParams.defaults(), Mode.PLAIN, largeGap);
        run(nodes, messages, 128, "128 B, 10% of nodes leave mid-run", GossipSubParams.defaults(), Mode.CHURN);
        run(nodes, messages, 128, "128 B, 10% publish invalid (scoring on)", GossipSubParams.defaults(), Mode.INVALID);
        throughput(1024, Math.max(messages * 10, 100), SignaturePolicy.STRICT_SIGN);
        throughput(largeKiB * 1024, Math.max(messages, 20), SignaturePolicy.STRICT_SIGN);
        throughput(1024, Math.max(messages * 10, 100), SignaturePolicy.STRICT_NO_SIGN);
        throughput(largeKiB * 1024, Math.max(messages, 20), SignaturePolicy.STRICT_NO_SIGN);
    }

    private enum Mode { PLAIN, SIGNED, CHURN, INVALID }

    /** A first, smaller run that is not printed: the JIT compiles the paths before the first row is measured. */
    private static void warmUp(int nodes, int messages) throws Exception {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            String saved = only;
            only = "";
            run(Math.min(nodes, 30), Math.min(messages, 30), 128, "warm-up", GossipSubParams.defaults(), Mode.PLAIN);
            only = saved;
        } finally {
            System.setOut(out);
        }
    }

    private record Node(Host host, GossipSub pubsub) {}

    private record Delivery(MessageId id, long at) {}

    private static Node node(MemoryNetwork net, GossipSubConfig config) throws IOException {
        GossipSub ps = new GossipSub(config);
        Host h = Host.builder().transport(net.transport()).security(PlaintextSecureChannel::new).muxer(new YamuxMuxer())
                .listen("/memory/0").service(ps).build();
        return new Node(h, ps);
    }

    /** Each node dials 4 random others; drawn again until the graph is connected. */
    private static void connect(List<Node> nodes, Random random) throws IOException {
        RandomGraph graph = RandomGraph.draw(nodes.size(), 4, random);
        for (int i = 0; i < nodes.size(); i++) {
            for (int j : graph.dials()[i]) {
                nodes.get(i).host().connect(nodes.get(j).host().fullAddrs().get(0));
            }
        }
    }

    private static void run(int n, int messages, int size, String label, GossipSubParams params, Mode mode) throws Exception {
        run(n, messages, size, label, params, mode, GAP);
    }

    private static void run(int n, int messages, int size, String label, GossipSubParams params, Mode mode, Duration gap) throws Exception {
        if (!label.contains(only)) {
            return;
        }
        Random random = new Random(42);
        MemoryNetwork net = new MemoryNetwork();
        GossipSubConfig.Builder cb = GossipSubConfig.builder().params(params).maxMessageSize(Math.max(size, 1 << 20));
        if (mode == Mode.INVALID) {
            cb.scoring(PeerScoreParams.defaults(), PeerScoreThresholds.defaults());
        }
        if (mode != Mode.SIGNED) {
            // as Ethereum and the gossipsub interop framework publish: no signature, ids from the data
            cb.signaturePolicy(SignaturePolicy.STRICT_NO_SIGN)
                    .messageIdFunction(m -> MessageId.of(java.nio.ByteBuffer.allocate(8).put(m.payload(), 1, 8).array()));
        }
        GossipSubConfig config = cb.build();
        List<Node> nodes = new ArrayList<>();
        Map<MessageId, Long> published = new ConcurrentHashMap<>();
        // deliveries are matched with their publish time afterwards: a message may arrive before publish() returns its id
        ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicLong> deliveredTo = new ConcurrentHashMap<>();
        AtomicLong invalidDelivered = new AtomicLong();
        Set<Integer> bad = new HashSet<>();
        if (mode == Mode.INVALID) {
            while (bad.size() < Math.max(1, n / 10)) {
                bad.add(random.nextInt(n));
            }
        }
        try {
            for (int i = 0; i < n; i++) {
                // the attackers ignore scores: they flood every peer (with scoring on they would stop publishing to the
                // peers that stop answering their IWANTs, and so reach fewer of them)
                Node node = node(net, bad.contains(i) ? config.toBuilder().scoreParams(null).build() : config);
                nodes.add(node);
                int index = i;
                deliveredTo.put(i, new AtomicLong());
                if (mode == Mode.INVALID && !bad.contains(i)) {
                    node.pubsub().setValidator(TOPIC, (from, m) -> m.payload().length > 0 && m.payload()[0] == 'X'
                            ? ValidationResult.REJECT : ValidationResult.ACCEPT);
                }
                node.pubsub().subscribe(TOPIC, m -> {
                    if (m.receivedFrom().equals(node.host().peerId())) {
                        return; // our own
                    }
                    byte[] data = m.message().data();
                    if (data != null && data.length > 0 && data[0] == 'X') {
                        if (!bad.contains(index)) {
                            invalidDelivered.incrementAndGet(); // bad nodes take each other's: only good nodes count
                        }
                    } else {
                        deliveries.add(new Delivery(m.id(), System.nanoTime()));
                        deliveredTo.get(index).incrementAndGet();
                    }
                });
            }
            connect(nodes, random);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (nodes.stream().anyMatch(x -> x.pubsub().meshPeers(TOPIC).size() < Math.min(params.dlo(), 4)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long[] before = totals(nodes);
            List<Integer> leavers = new ArrayList<>();
            if (mode == Mode.CHURN) {
                while (leavers.size() < Math.max(1, n / 10)) {
                    int x = random.nextInt(n);
                    if (!leavers.contains(x)) {
                        leavers.add(x);
                    }
                }
            }
            List<Integer> alive = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!leavers.contains(i)) {
                    alive.add(i);
                }
            }
            List<Integer> good = alive.stream().filter(i -> !bad.contains(i)).toList();
            int valid = 0;
            int[] ownMessages = new int[n];
            for (int k = 0; k < messages; k++) {
                if (mode == Mode.CHURN && k == messages / 2) {
                    for (int x : leavers) {
                        nodes.get(x).host().close(); // they leave mid-run, without a word
                    }
                }
                int from = good.get(random.nextInt(good.size()));
                byte[] data = new byte[size];
                random.nextBytes(data);
                data[0] = 'V';
                java.nio.ByteBuffer.wrap(data, 1, 8).putLong(k); // unique: under no-sign these bytes are the id
                publish(nodes.get(from), data, published);
                valid++;
                ownMessages[from]++;
                if (mode == Mode.INVALID) {
                    int b = bad.stream().toList().get(random.nextInt(bad.size()));
                    byte[] x = data.clone();
                    x[0] = 'X';
                    x[1] ^= 1;
                    nodes.get(b).pubsub().publish(TOPIC, x); // not in `published`: never counted as delivered
                }
                Thread.sleep(gap);
            }
            // every valid message, to every good node still there but its publisher (graylisted bad nodes are cut off:
            // their share is reported on its own)
            long want = 0;
            for (int i : good) {
                want += valid - ownMessages[i];
            }
            long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (delivered(good, deliveredTo) < want && System.nanoTime() < wait) {
                Thread.sleep(50);
            }
            Thread.sleep(200);
            long[] after = totals(nodes);
            double delivered = want == 0 ? 0 : 100.0 * Math.min(delivered(good, deliveredTo), want) / want;
            long[] sorted = deliveries.stream().filter(d -> published.containsKey(d.id())).mapToLong(d -> d.at() - published.get(d.id()))
                    .sorted().toArray();
            double dups = (double) (after[0] - before[0]) / messages;
            double dupKiB = (after[1] - before[1]) / 1024.0 / messages;
            double ctrlKiB = (after[2] - before[2]) / 1024.0 / messages;
            System.out.printf("%-44s  %9.2f  %8.1f  %8.1f  %8.1f  %9.1f  %12.1f  %12.1f%n", label, delivered, pct(sorted, 0.5), pct(sorted, 0.99),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, dups, dupKiB, ctrlKiB);
            if (mode == Mode.INVALID) {
                List<Integer> badList = List.copyOf(bad);
                System.out.printf("%-44s  %9.2f%n", "  valid messages delivered to the bad nodes, %",
                        100.0 * delivered(badList, deliveredTo) / Math.max(1, (long) valid * bad.size()));
                reportInvalid(nodes, bad, invalidDelivered.get());
            }
        } finally {
            for (Node node : nodes) {
                node.host().close();
            }
        }
    }

    private static long delivered(List<Integer> which, Map<Integer, AtomicLong> deliveredTo) {
        long sum = 0;
        for (int i : which) {
            sum += deliveredTo.get(i).get();
        }
        return sum;
    }

    private static void publish(Node from, byte[] data, Map<MessageId, Long> published) {
        long t0 = System.nanoTime();
        MessageId id = from.pubsub().publish(TOPIC, data);
        published.put(id, t0);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * (sorted.length - 1)))] / 1e6;
    }

    /** Duplicates, duplicate payload bytes and control bytes sent, over all nodes still running. */
    private static long[] totals(List<Node> nodes) {
        long[] t = new long[3];
        for (Node n : nodes) {
            Map<String, Long> s = n.pubsub().stats();
            t[0] += s.getOrDefault("duplicates", 0L);
            t[1] += s.getOrDefault("duplicateBytes", 0L);
            t[2] += s.getOrDefault("controlBytesSent", 0L);
        }
        return t;
    }

    private static void reportInvalid(List<Node> nodes, Set<Integer> bad, long invalidDelivered) throws Exception {
        int pairs = 0;
        int graylisted = 0;
        for (int b : bad) {
            PeerId badId = nodes.get(b).host().peerId();
            for (int i = 0; i < nodes.size(); i++) {
                if (!bad.contains(i) && nodes.get(i).pubsub().peers().containsKey(badId)) {
                    pairs++;
                    if (nodes.get(i).pubsub().score(badId) < PeerScoreThresholds.defaults().graylistThreshold()) {
                        graylisted++;
                    }
                }
            }
        }
        System.out.printf("%-44s  %9.2f  (%d of %d good neighbours see a bad node below the graylist threshold)%n",
                "  bad nodes graylisted by neighbours, %", pairs == 0 ? 0 : 100.0 * graylisted / pairs, graylisted, pairs);
        System.out.printf("%-44s  %9d%n", "  invalid messages delivered to good nodes", invalidDelivered);
        int goodPairs = 0;
        int goodNegative = 0;
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = 0; j < nodes.size(); j++) {
                if (!bad.contains(i) && !bad.contains(j) && i != j && nodes.get(i).pubsub().peers().containsKey(nodes.get(j).host().peerId())) {
                    goodPairs++;
                    if (nodes.get(i).pubsub().score(nodes.get(j).host().peerId()) < 0) {
                        goodNegative++;
                    }
                }
            }
        }
        System.out.printf("%-44s  %9d  (of %d)%n", "  good neighbours a good node scores below 0", goodNegative, goodPairs);
        long timeouts = 0;
        long rejected = 0;
        for (int i = 0; i < nodes.size(); i++) {
            if (!bad.contains(i)) {
                timeouts += nodes.get(i).pubsub().stats().getOrDefault("refused.validationTimeout", 0L);
                rejected += nodes.get(i).pubsub().stats().getOrDefault("rejected", 0L);
            }
        }
        System.out.printf("%-44s  %9d  (validations past their deadline: ignored, no penalty: %d)%n", "  invalid copies rejected by good nodes",
                rejected, timeouts);
        // once graylisted, even a valid message of a bad node goes nowhere: its neighbours ignore its RPCs
        int b = bad.iterator().next();
        byte[] data = "V after graylisting".getBytes(StandardCharsets.UTF_8);
        Set<Integer> goodIdx = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!bad.contains(i)) {
                goodIdx.add(i);
            }
        }
        long before = goodIdx.stream().mapToLong(i -> nodes.get(i).pubsub().stats().getOrDefault("delivered", 0L)).sum();
        nodes.get(b).pubsub().publish(TOPIC, data);
        Thread.sleep(1000);
        long after = goodIdx.stream().mapToLong(i -> nodes.get(i).pubsub().stats().getOrDefault("delivered", 0L)).sum();
        System.out.printf("%-44s  %9d%n", "  good nodes reached by a bad node afterwards", after - before);
    }

    /** Messages per second through a line of three nodes: published at one end as fast as accepted, counted at the other. */
    private static void throughput(int size, int count, SignaturePolicy policy) throws Exception {
        if (!"line of 3".contains(only) && !only.startsWith("line")) {
            return;
        }
        MemoryNetwork net = new MemoryNetwork();
        AtomicLong ids = new AtomicLong();
        GossipSubConfig.Builder cb = GossipSubConfig.builder().maxMessageSize(Math.max(size, 1 << 20)).signaturePolicy(policy);
        if (policy == SignaturePolicy.STRICT_NO_SIGN) {
            cb.messageIdFunction(m -> MessageId.of(java.nio.ByteBuffer.allocate(8).put(m.payload(), 0, 8).array())); // the first 8 bytes, as the interop framework does
        }
        GossipSubConfig config = cb.build();
        Node a = node(net, config);
        Node b = node(net, config);
        Node c = node(net, config);
        try {
            AtomicLong got = new AtomicLong();
            c.pubsub().subscribe(TOPIC, m -> got.incrementAndGet());
            b.pubsub().subscribe(TOPIC, m -> { });
            a.pubsub().subscribe(TOPIC, m -> { });
            a.host().connect(b.host().fullAddrs().get(0));
            b.host().connect(c.host().fullAddrs().get(0));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((a.pubsub().meshPeers(TOPIC).isEmpty() || c.pubsub().meshPeers(TOPIC).isEmpty() || b.pubsub().meshPeers(TOPIC).size() < 2)
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            byte[] data = new byte[size];
            Random random = new Random(1);
            long start = System.nanoTime();
            for (int k = 0; k < count; k++) {
                random.nextBytes(data);
                java.nio.ByteBuffer.wrap(data).putLong(ids.incrementAndGet());
                a.pubsub().publish(TOPIC, data);
                while (k - got.get() > 64) {
                    Thread.onSpinWait(); // keep at most 64 in flight: the bounded queues would drop the rest
                    Thread.sleep(0, 100_000);
                }
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got.get() < count && System.nanoTime() < end) {
                Thread.sleep(1);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String label = "line of 3, " + (size >= 1024 ? size / 1024 + " KiB" : size + " B") + " messages"
                    + (policy == SignaturePolicy.STRICT_NO_SIGN ? ", no-sign" : "") + ", msg/s";
            System.out.printf("%-44s  %9.0f  (%d of %d delivered, %.1f MiB/s)%n", label, got.get() / seconds, got.get(), count,
                    got.get() * (double) size / seconds / (1 << 20));
        } finally {
            a.host().close();
            b.host().close();
            c.host().close();
        }
    }
}
