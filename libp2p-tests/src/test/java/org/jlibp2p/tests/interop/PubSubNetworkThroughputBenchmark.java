package org.jlibp2p.tests.interop;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.pubsub.GossipSub;
import org.jlibp2p.pubsub.GossipSubConfig;
import org.jlibp2p.pubsub.MessageId;
import org.jlibp2p.pubsub.SignaturePolicy;
import org.jlibp2p.tests.bench.RandomGraph;

/**
 * Gossipsub throughput through a network of 100 nodes over loopback TCP + Noise + Yamux, our nodes
 * against js-libp2p's ({@code @libp2p/gossipsub} 17.1.1) on the same machine in the same run.
 *
 * <p>For each implementation: the nodes (ours: hosts in this JVM; js: two node processes of half the
 * nodes each, {@code interop/js-peer/gossipsub-net.mjs}, so that js, like the JVM, can use two cores),
 * one topic, strict no-sign with ids the SHA-256 of the data (js's default under StrictNoSign), each
 * implementation's default parameters; a random connected graph in which each node dials 4 others
 * (degree 8 on average), the same seeded graph for both; a wait until every node's mesh has at least
 * 4 peers (or all its peers, if fewer), then a heartbeat more. Then, for 1 KiB and 100 KiB messages,
 * N messages from random publishers (the same sequence for both), published as fast as publish
 * returns: the messages of each half of the nodes one after another, the two halves at once (js:
 * one process each; ours: one thread each). The rate is N over the time from the first publish until
 * every node has every message (its own excepted), after a first round of N/4 that is not measured.
 *
 * <p>Two js defaults are changed for the network, both because its nodes share one loaded machine:
 * 127.0.0.1 is whitelisted from the IP colocation penalty (P6, on by default in js: past 10 peers on one
 * address every peer scores below 0 and no mesh forms), and the connection monitor's failed pings no
 * longer abort connections (a ping queued behind a flood times out; a run with them lost every
 * connection). Ours has neither: scoring is off by default, and nothing pings.
 *
 * <p>A round that stops delivering for 60 s (or lasts 10 minutes) is reported with how far it got,
 * node by node, and makes the command fail once every row is printed.
 *
 * <pre>
 * java -cp ... org.jlibp2p.tests.interop.PubSubNetworkThroughputBenchmark [1 KiB messages, 500] [100 KiB messages, 50] [nodes, 100] [java,js]
 * </pre>
 */
public final class PubSubNetworkThroughputBenchmark {
    private static final String TOPIC = "bench";
    /** Each node dials this many others. */
    private static final int DIALS = 4;
    /** A mesh is formed when it has this many peers (js's Dlo; go's and ours is 5), or all the node's peers. */
    private static final int MESH_READY = 4;
    /** js processes, and our publishing threads: the machine's two cores. */
    private static final int HALVES = 2;
    private static final long CONNECT_SECONDS = 120;
    private static final long MESH_SECONDS = 30;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long ROUND_NANOS = TimeUnit.MINUTES.toNanos(10);

    private PubSubNetworkThroughputBenchmark() {}

    /**
     * Runs both networks and prints one row per implementation and size (messages per second, MiB/s,
     * delivery), then the ratio of the rates.
     *
     * @param args the counts of 1 KiB and of 100 KiB messages, the number of nodes, and which implementations
     *             ({@code java,js}, {@code java} or {@code js})
     * @throws Exception if a network cannot be built, or a round does not deliver everything
     */
    public static void main(String[] args) throws Exception {
        int small = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int large = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int nodes = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        List<String> impls = List.of((args.length > 3 ? args[3] : "java,js").split(","));
        if (nodes < HALVES * 2 || small < 1 || large < 1) {
            throw new IllegalArgumentException("at least " + HALVES * 2 + " nodes and one message of each size");
        }
        Graph graph = Graph.random(nodes, new Random(42));
        List<Plan> plans = List.of(Plan.random(small, 1024, nodes, new Random(1)), Plan.random(large, 100 * 1024, nodes, new Random(2)));
        System.out.printf("%-44s  %8s  %8s  %10s%n", nodes + " nodes, loopback TCP + Noise + Yamux", "msg/s", "MiB/s", "delivered");
        List<Outcome> outcomes = new ArrayList<>();
        if (impls.contains("java")) {
            outcomes.addAll(run("java", graph, plans, JavaNetwork::new));
        }
        if (impls.contains("js")) {
            outcomes.addAll(run("js", graph, plans, JsNetwork::new));
        }
        for (Plan plan : impls.size() == 2 ? plans : List.<Plan>of()) {
            Outcome java = find(outcomes, "java", plan);
            Outcome js = find(outcomes, "js", plan);
            if (java.complete() && js.complete()) {
                System.out.printf("%-44s  %8.2f%n", "java/js, " + plan.sizeLabel(), js.seconds() / java.seconds());
            }
        }
        List<String> failures = outcomes.stream().filter(o -> !o.complete()).map(Outcome::why).toList();
        if (!failures.isEmpty()) {
            failures.forEach(System.out::println);
            throw new IllegalStateException("not every node had every message: " + String.join("; ", failures));
        }
    }

    private static Outcome find(List<Outcome> outcomes, String impl, Plan plan) {
        return outcomes.stream().filter(o -> o.impl().equals(impl) && o.plan() == plan).findFirst().orElseThrow();
    }

    /** Builds one implementation's network, runs every plan on it and prints their rows. */
    private static List<Outcome> run(String impl, Graph graph, List<Plan> plans, NetworkFactory factory) throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        try (Network net = factory.build(graph)) {
            net.awaitMeshes(graph);
            for (Plan plan : plans) {
                Outcome warm = net.round(plan, plan.warmUp()); // not measured: the JIT compiles the paths, js's too
                Outcome o = warm.complete() ? net.round(plan, plan.measured())
                        : new Outcome(impl, plan, 0, warm.delivered(), warm.expected(), "in the warm-up round, " + warm.stall());
                outcomes.add(o);
                if (o.complete()) {
                    System.out.printf("%-44s  %8.1f  %8.2f  %8.2f %%%n", impl + ", " + plan.sizeLabel(), plan.count() / o.seconds(),
                            plan.count() * (double) plan.size() / o.seconds() / (1 << 20), 100.0);
                } else {
                    System.out.printf("%-44s  %8s  %8s  %8.2f %%%n", impl + ", " + plan.sizeLabel(), "stalled", "-", 100.0 * o.delivered() / o.expected());
                }
            }
        }
        return outcomes;
    }

    /** A random connected graph: node i dials {@code dials[i]}; retried until connected. */
    record Graph(int[][] dials, int[] degree) {
        static Graph random(int n, Random random) {
            RandomGraph g = RandomGraph.draw(n, DIALS, random);
            return new Graph(g.dials(), g.degree());
        }

        int nodes() {
            return degree.length;
        }

        /** {@return the half (js process, publishing thread) that node i belongs to} */
        int half(int i) {
            return i / halfSize();
        }

        int halfSize() {
            return (nodes() + HALVES - 1) / HALVES;
        }
    }

    /** The messages of one size: who publishes each, in the warm-up round and in the measured one. */
    record Plan(int count, int size, Round warmUp, Round measured) {
        static Plan random(int count, int size, int nodes, Random random) {
            int warm = Math.max(1, count / 4);
            return new Plan(count, size, Round.random(warm, 1, nodes, random), Round.random(count, warm + 1, nodes, random));
        }

        String sizeLabel() {
            return size >= 1024 ? size / 1024 + " KiB" : size + " B";
        }
    }

    /**
     * One round: message k is published by {@code publishers[k]}, its first 8 bytes {@code first + k}
     * (distinct data: the id is the data's hash).
     */
    record Round(int[] publishers, long first) {
        static Round random(int count, long first, int nodes, Random random) {
            return new Round(random.ints(count, 0, nodes).toArray(), first);
        }

        /** {@return deliveries that make every node have every message: each to every node but its publisher} */
        long expected(int nodes) {
            return (long) publishers.length * (nodes - 1);
        }

        /** {@return how many messages node i should be delivered} */
        int expectedAt(int i) {
            int own = 0;
            for (int p : publishers) {
                own += p == i ? 1 : 0;
            }
            return publishers.length - own;
        }
    }

    /**
     * A round's result: the seconds it took when every node had every message, else how many
     * deliveries of how many, and where it stopped.
     */
    record Outcome(String impl, Plan plan, double seconds, long delivered, long expected, String stall) {
        boolean complete() {
            return delivered == expected;
        }

        String why() {
            return impl + ", " + plan.sizeLabel() + ": " + stall;
        }
    }

    /** Where a round stopped: the deliveries so far, and the nodes still short. */
    private static String stall(long[] counts, Round round, long elapsed, boolean stalled, int[][] meshes) {
        long delivered = 0;
        int complete = 0;
        List<String> lagging = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            delivered += counts[i];
            if (counts[i] >= round.expectedAt(i)) {
                complete++;
            } else if (lagging.size() < 10) {
                lagging.add("node " + i + " had " + counts[i] + " of " + round.expectedAt(i) + (meshes == null ? "" : " (mesh " + meshes[0][i] + ", "
                        + meshes[1][i] + " topic peers, " + meshes[2][i] + " connections)"));
            }
        }
        return String.format("%d of %d deliveries (%.2f %%) %s, after %.1f s; %d of %d nodes had every message; short: %s%s",
                delivered, round.expected(counts.length), 100.0 * delivered / round.expected(counts.length),
                stalled ? "and none for " + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s" : "at the round's deadline",
                elapsed / 1e9, complete, counts.length, String.join(", ", lagging), counts.length - complete > lagging.size() ? ", ..." : "");
    }

    @FunctionalInterface
    private interface NetworkFactory {
        Network build(Graph graph) throws Exception;
    }

    /** One implementation's nodes, connected as the graph says, every node subscribed to the topic. */
    private interface Network extends AutoCloseable {
        /** {@return each node's mesh size, its peers in the topic, its connections: three arrays} */
        int[][] meshes() throws Exception;

        /** Publishes a round and waits until every node has every message, or it stalls. */
        Outcome round(Plan plan, Round round) throws Exception;

        @Override
        void close() throws Exception;

        default void awaitMeshes(Graph graph) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MESH_SECONDS);
            int[][] m = meshes();
            for (int polls = 0; polls < 10 * MESH_SECONDS && System.nanoTime() < deadline && !lagging(m[0], graph).isEmpty(); polls++) {
                Thread.sleep(100);
                m = meshes();
            }
            List<Integer> lagging = lagging(m[0], graph);
            if (!lagging.isEmpty()) {
                StringBuilder nodes = new StringBuilder();
                for (int i : lagging.subList(0, Math.min(20, lagging.size()))) {
                    nodes.append(nodes.isEmpty() ? "" : "; ").append("node ").append(i).append(": mesh ").append(m[0][i]).append(", ")
                            .append(m[1][i]).append(" topic peers, ").append(m[2][i]).append(" connections, degree ").append(graph.degree()[i]);
                }
                throw new IllegalStateException((m[0].length - lagging.size()) + " of " + m[0].length + " nodes had a mesh of " + MESH_READY
                        + " peers (or all their peers) after " + MESH_SECONDS + " s; short: " + nodes);
            }
            Thread.sleep(1000); // a heartbeat more: meshes fill up to D
        }

        private static List<Integer> lagging(int[] sizes, Graph graph) {
            List<Integer> lagging = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                if (sizes[i] < Math.min(MESH_READY, graph.degree()[i])) {
                    lagging.add(i);
                }
            }
            return lagging;
        }
    }

    private static MessageId sha256(org.jlibp2p.pubsub.Message m) {
        try {
            return MessageId.of(MessageDigest.getInstance("SHA-256").digest(m.payload()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] payload(int size, long counter) {
        byte[] data = new byte[size];
        ByteBuffer.wrap(data).putLong(counter);
        return data;
    }

    /** Our hosts, all in this JVM. */
    private static final class JavaNetwork implements Network {
        private final List<Host> hosts = new ArrayList<>();
        private final List<GossipSub> pubsubs = new ArrayList<>();
        private final AtomicLongArray counts;
        private final AtomicLong delivered = new AtomicLong();
        private final Graph graph;

        JavaNetwork(Graph graph) throws Exception {
            this.graph = graph;
            int n = graph.nodes();
            counts = new AtomicLongArray(n);
            GossipSubConfig config = GossipSubConfig.builder().maxMessageSize(1 << 20)
                    .signaturePolicy(SignaturePolicy.STRICT_NO_SIGN).messageIdFunction(PubSubNetworkThroughputBenchmark::sha256).build();
            try {
                for (int i = 0; i < n; i++) {
                    GossipSub g = new GossipSub(config);
                    hosts.add(Host.builder().listen("/ip4/127.0.0.1/tcp/0").service(g).build());
                    pubsubs.add(g);
                    PeerId self = hosts.get(i).peerId();
                    int index = i;
                    g.subscribe(TOPIC, m -> { // counts the messages of others: a node's subscriptions get its own too
                        if (!m.receivedFrom().equals(self)) {
                            counts.incrementAndGet(index);
                            delivered.incrementAndGet();
                        }
                    });
                }
                List<Callable<Void>> dials = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    for (int j : graph.dials()[i]) {
                        Host from = hosts.get(i);
                        Host to = hosts.get(j);
                        dials.add(() -> {
                            from.connect(to.fullAddrs().get(0));
                            return null;
                        });
                    }
                }
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (Future<Void> f : pool.invokeAll(dials, CONNECT_SECONDS, TimeUnit.SECONDS)) {
                        if (f.isCancelled()) {
                            throw new IllegalStateException("java: the dials did not end in " + CONNECT_SECONDS + " s");
                        }
                        f.get();
                    }
                }
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        @Override
        public int[][] meshes() {
            return new int[][] {pubsubs.stream().mapToInt(g -> g.meshPeers(TOPIC).size()).toArray(),
                pubsubs.stream().mapToInt(g -> g.topicPeers(TOPIC).size()).toArray(),
                hosts.stream().mapToInt(h -> h.connections().size()).toArray()};
        }

        @Override
        public Outcome round(Plan plan, Round round) throws Exception {
            int n = hosts.size();
            long[] before = snapshot();
            long deliveredBefore = delivered.get();
            long expected = round.expected(n);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> publishers = new ArrayList<>();
            long start = System.nanoTime();
            for (int h = 0; h < HALVES; h++) {
                int half = h;
                publishers.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int k = 0; k < round.publishers().length; k++) {
                            int p = round.publishers()[k];
                            if (graph.half(p) == half) {
                                pubsubs.get(p).publish(TOPIC, payload(plan.size(), round.first() + k));
                            }
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }));
            }
            try {
                long last = delivered.get();
                long lastProgress = System.nanoTime();
                while (delivered.get() - deliveredBefore < expected) {
                    if (failure.get() != null) {
                        throw new IllegalStateException("java: a publish failed", failure.get());
                    }
                    long now = System.nanoTime();
                    if (delivered.get() != last) {
                        last = delivered.get();
                        lastProgress = now;
                    }
                    boolean stalled = now - lastProgress > STALL_NANOS;
                    if (stalled || now - start > ROUND_NANOS) {
                        long[] after = snapshot();
                        for (int i = 0; i < n; i++) {
                            after[i] -= before[i];
                        }
                        return new Outcome("java", plan, 0, delivered.get() - deliveredBefore, expected, stall(after, round, now - start, stalled, meshes()));
                    }
                    Thread.sleep(1);
                }
                return new Outcome("java", plan, (System.nanoTime() - start) / 1e9, expected, expected, "");
            } finally {
                for (Thread t : publishers) {
                    if (!t.join(java.time.Duration.ofSeconds(30))) {
                        t.interrupt();
                    }
                }
            }
        }

        private long[] snapshot() {
            long[] s = new long[counts.length()];
            for (int i = 0; i < s.length; i++) {
                s[i] = counts.get(i);
            }
            return s;
        }

        @Override
        public void close() {
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                hosts.forEach(h -> pool.submit(h::close)); // each returns once its threads have ended, or after a few seconds
            }
        }
    }

    /** js nodes in {@link #HALVES} node processes. */
    private static final class JsNetwork implements Network {
        private final List<JsGossipPeer> processes = new ArrayList<>();
        private final Graph graph;
        private int rounds;

        JsNetwork(Graph graph) throws Exception {
            this.graph = graph;
            int n = graph.nodes();
            try {
                List<String> addrs = new ArrayList<>();
                for (int h = 0; h < HALVES; h++) {
                    int size = Math.min(graph.halfSize(), n - h * graph.halfSize());
                    JsGossipPeer p = JsGossipPeer.network(size, false);
                    processes.add(p);
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> nodes = (List<Map<String, Object>>) p.listening.get("nodes");
                    nodes.forEach(node -> addrs.add((String) node.get("addr")));
                }
                for (JsGossipPeer p : processes) {
                    p.command("{\"cmd\":\"subscribe\",\"topic\":\"" + TOPIC + "\"}");
                    p.next(e -> "subscribed".equals(e.get("event")), 30);
                }
                for (int h = 0; h < HALVES; h++) {
                    StringBuilder links = new StringBuilder();
                    for (int i = h * graph.halfSize(); i < Math.min(n, (h + 1) * graph.halfSize()); i++) {
                        for (int j : graph.dials()[i]) {
                            links.append(links.isEmpty() ? "" : ",").append('[').append(i - h * graph.halfSize()).append(",\"").append(addrs.get(j)).append("\"]");
                        }
                    }
                    processes.get(h).command("{\"cmd\":\"connect\",\"links\":[" + links + "]}");
                }
                for (JsGossipPeer p : processes) {
                    Map<String, Object> e = p.next(ev -> "connected".equals(ev.get("event")) || "error".equals(ev.get("event")), CONNECT_SECONDS);
                    if ("error".equals(e.get("event"))) {
                        throw new IllegalStateException("js: " + e.get("error"));
                    }
                }
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        @Override
        public int[][] meshes() throws Exception {
            List<List<Integer>> all = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            List<String> fields = List.of("sizes", "subscribers", "connections");
            for (JsGossipPeer p : processes) {
                p.command("{\"cmd\":\"meshes\",\"topic\":\"" + TOPIC + "\"}");
                Map<String, Object> e = p.next(ev -> "meshes".equals(ev.get("event")), 30);
                for (int f = 0; f < fields.size(); f++) {
                    @SuppressWarnings("unchecked")
                    List<Number> values = (List<Number>) e.get(fields.get(f));
                    List<Integer> into = all.get(f);
                    values.forEach(x -> into.add(x.intValue()));
                }
            }
            return all.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        }

        @Override
        public Outcome round(Plan plan, Round round) throws Exception {
            int n = graph.nodes();
            int halfSize = graph.halfSize();
            int id = ++rounds; // a stalled round's late "received-all" is not this one's
            for (int h = 0; h < processes.size(); h++) {
                StringBuilder counts = new StringBuilder();
                for (int i = h * halfSize; i < Math.min(n, (h + 1) * halfSize); i++) {
                    counts.append(counts.isEmpty() ? "" : ",").append(round.expectedAt(i));
                }
                processes.get(h).command("{\"cmd\":\"expect\",\"round\":" + id + ",\"topic\":\"" + TOPIC + "\",\"counts\":[" + counts + "]}");
                processes.get(h).next(e -> "expecting".equals(e.get("event")), 30);
            }
            List<String> floods = new ArrayList<>();
            for (int h = 0; h < processes.size(); h++) {
                StringBuilder messages = new StringBuilder();
                for (int k = 0; k < round.publishers().length; k++) {
                    int p = round.publishers()[k];
                    if (graph.half(p) == h) {
                        messages.append(messages.isEmpty() ? "" : ",").append('[').append(p - h * halfSize).append(',').append(round.first() + k).append(']');
                    }
                }
                floods.add("{\"cmd\":\"flood\",\"topic\":\"" + TOPIC + "\",\"size\":" + plan.size() + ",\"messages\":[" + messages + "]}");
            }
            long start = System.nanoTime();
            for (int h = 0; h < processes.size(); h++) {
                processes.get(h).command(floods.get(h));
            }
            // the counts are asked for once a second and read when they come: a process busy with a flood may
            // take many seconds to read a command
            int procs = processes.size();
            boolean[] done = new boolean[procs];
            boolean[] asked = new boolean[procs];
            long[] askedAt = new long[procs];
            long[][] counts = new long[procs][0];
            for (int h = 0; h < procs; h++) {
                counts[h] = new long[Math.min(halfSize, n - h * halfSize)];
            }
            long last = 0;
            long lastProgress = start;
            for (int left = procs; left > 0; ) {
                for (int h = 0; h < procs; h++) {
                    JsGossipPeer p = processes.get(h);
                    if (!done[h] && p.poll(e -> "received-all".equals(e.get("event")) && ((Number) e.get("round")).intValue() == id,
                            TimeUnit.MILLISECONDS.toNanos(100)) != null) {
                        done[h] = true;
                        left--;
                        lastProgress = System.nanoTime();
                        counts[h] = expectedCounts(round, h);
                    }
                    Map<String, Object> c = asked[h] ? p.poll(e -> "counts".equals(e.get("event")), 0) : null;
                    if (c != null) {
                        asked[h] = false;
                        if (!done[h] && c.get("round") instanceof Number r && r.intValue() == id) {
                            @SuppressWarnings("unchecked")
                            List<Number> values = (List<Number>) c.get("counts");
                            counts[h] = values.stream().mapToLong(Number::longValue).toArray();
                        }
                    }
                    if (!asked[h] && !done[h] && System.nanoTime() - askedAt[h] > TimeUnit.SECONDS.toNanos(1)) {
                        p.command("{\"cmd\":\"counts\"}");
                        asked[h] = true;
                        askedAt[h] = System.nanoTime();
                    }
                }
                long now = System.nanoTime();
                if (left == 0) {
                    return new Outcome("js", plan, (now - start) / 1e9, round.expected(n), round.expected(n), "");
                }
                long total = java.util.Arrays.stream(counts).flatMapToLong(java.util.Arrays::stream).sum();
                if (total != last) {
                    last = total;
                    lastProgress = now;
                }
                boolean stalled = now - lastProgress > STALL_NANOS;
                if (stalled || now - start > ROUND_NANOS) {
                    long[] all = java.util.Arrays.stream(counts).flatMapToLong(java.util.Arrays::stream).toArray();
                    List<Map<String, Object>> errors = new ArrayList<>();
                    processes.forEach(p -> errors.addAll(p.errors()));
                    return new Outcome("js", plan, 0, total, round.expected(n), stall(all, round, now - start, stalled, meshesOrNull())
                            + (errors.isEmpty() ? "" : "; js errors: " + errors) + stderr());
                }
            }
            throw new AssertionError();
        }

        private long[] expectedCounts(Round round, int h) {
            int halfSize = graph.halfSize();
            long[] c = new long[Math.min(halfSize, graph.nodes() - h * halfSize)];
            for (int i = 0; i < c.length; i++) {
                c[i] = round.expectedAt(h * halfSize + i);
            }
            return c;
        }

        private int[][] meshesOrNull() {
            try {
                return meshes();
            } catch (Exception e) {
                return null; // a process too busy to answer
            }
        }

        /** {@return the end of what the js processes wrote on stderr, if anything} */
        private String stderr() {
            StringBuilder all = new StringBuilder();
            for (JsGossipPeer p : processes) {
                String e = p.stderr().strip();
                all.append(e.isEmpty() ? "" : "; stderr: " + e.substring(Math.max(0, e.length() - 2000)));
            }
            return all.toString();
        }

        @Override
        public void close() throws InterruptedException {
            InterruptedException interrupted = null;
            for (JsGossipPeer p : processes) {
                try {
                    p.close();
                } catch (InterruptedException e) {
                    interrupted = e; // the others are closed all the same
                }
            }
            if (interrupted != null) {
                throw interrupted;
            }
        }
    }
}
