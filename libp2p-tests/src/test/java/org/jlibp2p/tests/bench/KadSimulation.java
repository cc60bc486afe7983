package org.jlibp2p.tests.bench;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Limits;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.core.memory.MemoryTransport;
import org.jlibp2p.core.plaintext.PlaintextSecureChannel;
import org.jlibp2p.kad.GreatestValueValidator;
import org.jlibp2p.kad.KadConfig;
import org.jlibp2p.kad.KadDht;
import org.jlibp2p.kad.KadKey;
import org.jlibp2p.kad.KadPeer;
import org.jlibp2p.kad.LookupStep;
import org.jlibp2p.yamux.YamuxMuxer;

/**
 * The Kademlia DHT in one JVM: n hosts with a {@link KadDht} each, over the in-memory transport,
 * each joining through a node that joined before it. Then:
 *
 * <ol>
 *   <li>lookups for random keys from random nodes, each result compared with the true k closest
 *       node ids, computed directly by XOR distance; the path length in hops, the requests sent
 *       and the time of each;</li>
 *   <li>PUT of random keys from random nodes, then GET of each from another random node;</li>
 *   <li>a fifth of the nodes unplugged at once ({@link MemoryTransport#unplug()}): they vanish
 *       without a word, their connections go silent and dials to them go unanswered, as when
 *       machines lose power. Then, in this order, many at once, each node finding out about the
 *       departed only through its own request timeouts: lookups from living nodes, compared with
 *       the true k closest living nodes; GET of every key from a random living node (the latency
 *       counts only GETs that went to the network, failures included); a {@link KadDht#refresh()}
 *       by every living node (its first step, a lookup of its own id, drops the neighbours that are
 *       gone); and lookups again.</li>
 * </ol>
 *
 * The hosts use the plaintext security channel (core's, for tests) with Yamux, so that thousands
 * of hosts fit in one JVM; the DHT's bytes are the same as over Noise.
 *
 * <p>Connections idle for {@link #IDLE_CONNECTION_TIMEOUT} are closed. Each host has a transport of its own ({@link MemoryNetwork#newTransport()}), so that it can be
 * unplugged alone. Joining: each node joins through a random node created before it
 * ({@link KadDht#bootstrap(List)}), {@value #JOINS_AT_ONCE} at a time.
 *
 * <p>Usage: {@code KadSimulation [sizes, default 100,500] [lookups, default 200] [keys, default 200] [request timeout ms, default 5000]};
 * {@code scripts/bench-kad.sh} runs it. Prints one row per figure and a table.
 */
public final class KadSimulation {
    /** Nodes joining at once: a join waits on requests more than on the processor. */
    static final int JOINS_AT_ONCE = 8;
    /** GETs at once after the churn: each may wait out request timeouts on departed peers. */
    static final int GETS_AT_ONCE = 32;
    /** Living nodes refreshing at once after the churn. */
    static final int REFRESHES_AT_ONCE = 256;
    /**
     * A connection without streams for this long is closed, as a connection manager trims them (go's
     * connmgr): a node keeps the connections it uses, not one to every peer it ever asked, which is
     * what lets 2,000 nodes fit in one JVM. A later request dials again.
     */
    static final Duration IDLE_CONNECTION_TIMEOUT = Duration.ofSeconds(30);
    /** The per-request timeout: what a departed peer costs a lookup. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private KadSimulation() {}

    /** One size's figures. */
    record Row(int n, int lookups, double exactShare, double hopsMean, int hopsMax, double messagesMean, double p50Ms, double p99Ms,
               int keys, double getShare, double getAfterChurnShare, double churnP50Ms, double churnP99Ms, double joinSeconds,
               double exactRightAfterShare, double exactAfterRefreshShare) {}

    /**
     * Runs the simulation.
     *
     * @param args sizes (comma-separated), lookups per size, keys per size
     * @throws Exception if it fails
     */
    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String s : (args.length > 0 ? args[0] : "100,500").split(",")) {
            sizes.add(Integer.parseInt(s.strip()));
        }
        int lookups = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int keys = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Duration requestTimeout = args.length > 3 ? Duration.ofMillis(Long.parseLong(args[3])) : REQUEST_TIMEOUT;
        List<Row> rows = new ArrayList<>();
        for (int n : sizes) {
            rows.add(run(n, lookups, keys, requestTimeout, new Random(n)));
        }
        System.out.println();
        System.out.println("| nodes | joined in | log2 n | lookups | exact k closest | hops mean | hops max | requests per lookup | latency p50 | latency p99 "
                + "| GET after PUT | GET, 20 % unplugged | its p50 (network) | its p99 (network) | exact, right after | exact, after refreshes |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %d | %.0f s | %.1f | %d | %.1f %% | %.2f | %d | %.1f | %.1f ms | %.1f ms | %.1f %% | %.1f %% | %.0f ms | %.0f ms | %.1f %% | %.1f %% |%n",
                    r.n, r.joinSeconds, Math.log(r.n) / Math.log(2), r.lookups, 100 * r.exactShare, r.hopsMean, r.hopsMax, r.messagesMean,
                    r.p50Ms, r.p99Ms, 100 * r.getShare, 100 * r.getAfterChurnShare, r.churnP50Ms, r.churnP99Ms,
                    100 * r.exactRightAfterShare, 100 * r.exactAfterRefreshShare);
        }
    }

    static Row run(int n, int lookups, int keys, Duration requestTimeout, Random random) throws Exception {
        MemoryNetwork net = new MemoryNetwork(4 * 1024, 1024);
        // the refresh runs when the simulation says so, not in the middle of a measurement
        KadConfig config = KadConfig.defaults().withTimeouts(requestTimeout, Duration.ofSeconds(60)).withRefreshInterval(Duration.ofHours(12))
                .withValidator(GreatestValueValidator.JLIBP2P_NAMESPACE, new GreatestValueValidator());
        Limits limits = Limits.defaults().withConnections(4 * n + 64, 4 * n + 64, 1024).withConnectionsPerSource(1024, 4 * n + 64, 4)
                .withIdleTimeouts(Duration.ofSeconds(3), IDLE_CONNECTION_TIMEOUT, Duration.ofMinutes(2));
        List<Host> hosts = new ArrayList<>();
        List<MemoryTransport> transports = new ArrayList<>();
        List<KadDht> dhts = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(JOINS_AT_ONCE)) {
            for (int i = 0; i < n; i++) {
                KadDht dht = new KadDht(config);
                MemoryTransport transport = net.newTransport();
                transports.add(transport);
                hosts.add(Host.builder().transport(transport).security(PlaintextSecureChannel::new).muxer(new YamuxMuxer())
                        .limits(limits).listen("/memory/0").service(dht).build());
                dhts.add(dht);
            }
            // each joins through a random node before it, a few at a time
            List<Future<Integer>> joined = new ArrayList<>();
            for (int i = 1; i < n; i++) {
                KadDht d = dhts.get(i);
                List<org.jlibp2p.core.Multiaddr> through = List.of(hosts.get(random.nextInt(i)).fullAddrs().get(0));
                joined.add(pool.submit(() -> d.bootstrap(through)));
            }
            for (Future<Integer> f : joined) {
                f.get();
            }
            double joinSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "n = %d: joined in %.1f s%n", n, joinSeconds);

            // 1. lookups against the truth
            List<PeerId> ids = hosts.stream().map(Host::peerId).toList();
            int exact = 0;
            long hopsSum = 0;
            int hopsMax = 0;
            long messages = 0;
            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < lookups; i++) {
                int asker = random.nextInt(n);
                byte[] key = new byte[32];
                random.nextBytes(key);
                KadDht.ClosestPeers found = dhts.get(asker).closestPeers(key);
                List<PeerId> others = new ArrayList<>(ids);
                others.remove(ids.get(asker));
                if (found.peers().stream().map(KadPeer::id).toList().equals(trueClosest(others, key, config.k()))) {
                    exact++;
                }
                hopsSum += found.stats().hops();
                hopsMax = Math.max(hopsMax, found.stats().hops());
                messages += found.stats().messages();
                latencies.add(found.stats().elapsed().toNanos() / 1e6);
            }
            Collections.sort(latencies);
            double exactShare = (double) exact / lookups;
            System.out.printf(Locale.ROOT, "n = %d: lookups finding the exact k closest %%  %.1f%n", n, 100 * exactShare);
            System.out.printf(Locale.ROOT, "n = %d: hops mean  %.2f  (max %d, log2 n %.1f)%n", n, (double) hopsSum / lookups, hopsMax, Math.log(n) / Math.log(2));
            System.out.printf(Locale.ROOT, "n = %d: requests per lookup  %.1f%n", n, (double) messages / lookups);
            System.out.printf(Locale.ROOT, "n = %d: lookup latency p50 ms  %.2f%n", n, percentile(latencies, 0.50));
            System.out.printf(Locale.ROOT, "n = %d: lookup latency p99 ms  %.2f%n", n, percentile(latencies, 0.99));

            // 2. GET after PUT
            List<byte[]> keyList = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                byte[] key = ("/jlibp2p/sim-" + i).getBytes(StandardCharsets.UTF_8);
                byte[] value = ("value " + i + " " + random.nextLong()).getBytes(StandardCharsets.UTF_8);
                dhts.get(random.nextInt(n)).putValue(key, value);
                keyList.add(key);
                values.add(value);
            }
            int got = 0;
            for (int i = 0; i < keys; i++) {
                byte[] expected = values.get(i);
                if (dhts.get(random.nextInt(n)).getValue(keyList.get(i), 1).value().map(v -> Arrays.equals(v, expected)).orElse(false)) {
                    got++;
                }
            }
            System.out.printf(Locale.ROOT, "n = %d: GET after PUT %%  %.1f%n", n, 100.0 * got / keys);

            // 3. a fifth of the nodes unplugged at once; then, in this order: lookups among the living,
            // GET of every key from the living, each living node's refresh (which starts with a lookup
            // of its own id), and lookups among the living again
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            Collections.shuffle(order, random);
            List<Integer> gone = order.subList(0, n / 5);
            List<Integer> alive = new ArrayList<>(order.subList(n / 5, n));
            for (int i : gone) {
                transports.get(i).unplug();
            }
            Set<PeerId> goneIds = gone.stream().map(ids::get).collect(Collectors.toSet());
            AtomicInteger unanswered = new AtomicInteger();
            for (int i : alive) {
                dhts.get(i).addTraceListener(step -> {
                    if (step instanceof LookupStep.Failed f && goneIds.contains(f.peer())) {
                        unanswered.incrementAndGet();
                    }
                });
            }
            List<PeerId> aliveIds = alive.stream().map(ids::get).toList();
            int afterLookups = Math.max(5, lookups / 4);
            double exactRightAfter = exactAmong(dhts, ids, alive, aliveIds, afterLookups, config.k(), random);
            System.out.printf(Locale.ROOT, "n = %d: lookups right after the churn finding the exact k closest living %%  %.1f  (of %d)%n",
                    n, 100 * exactRightAfter, afterLookups);

            record Get(boolean ok, boolean local, double ms) {}
            List<Future<Get>> gets = new ArrayList<>();
            try (ExecutorService getters = Executors.newFixedThreadPool(GETS_AT_ONCE)) {
                for (int i = 0; i < keys; i++) {
                    KadDht asker = dhts.get(alive.get(random.nextInt(alive.size())));
                    byte[] key = keyList.get(i);
                    byte[] expected = values.get(i);
                    gets.add(getters.submit(() -> {
                        long g0 = System.nanoTime();
                        KadDht.GetResult r = asker.getValue(key, 1);
                        boolean ok = r.value().map(v -> Arrays.equals(v, expected)).orElse(false);
                        return new Get(ok, r.stats().messages() == 0, (System.nanoTime() - g0) / 1e6);
                    }));
                }
            }
            int gotAfter = 0;
            int local = 0;
            List<Double> churnLatencies = new ArrayList<>();
            for (Future<Get> f : gets) {
                Get g = f.get();
                gotAfter += g.ok() ? 1 : 0;
                if (g.local()) {
                    local++;
                } else {
                    churnLatencies.add(g.ms()); // failures too, at the time they took
                }
            }
            Collections.sort(churnLatencies);
            System.out.printf(Locale.ROOT, "n = %d: GET with 20 %% of nodes unplugged %%  %.1f%n", n, 100.0 * gotAfter / keys);
            System.out.printf(Locale.ROOT, "n = %d: GET with 20 %% of nodes unplugged, answered by the asker's own store  %d%n", n, local);
            System.out.printf(Locale.ROOT, "n = %d: GET with 20 %% of nodes unplugged, through the network, p50 ms  %.1f%n", n, percentile(churnLatencies, 0.50));
            System.out.printf(Locale.ROOT, "n = %d: GET with 20 %% of nodes unplugged, through the network, p99 ms  %.1f%n", n, percentile(churnLatencies, 0.99));

            long r0 = System.nanoTime();
            List<Future<?>> refreshes = new ArrayList<>();
            try (ExecutorService refreshers = Executors.newFixedThreadPool(REFRESHES_AT_ONCE, Thread.ofVirtual().factory())) {
                for (int i : alive) {
                    KadDht d = dhts.get(i);
                    refreshes.add(refreshers.submit(() -> {
                        d.refresh();
                        return null;
                    }));
                }
            }
            for (Future<?> f : refreshes) {
                f.get();
            }
            System.out.printf(Locale.ROOT, "n = %d: every living node refreshed in s  %.1f%n", n, (System.nanoTime() - r0) / 1e9);
            double exactAfterRefresh = exactAmong(dhts, ids, alive, aliveIds, afterLookups, config.k(), random);
            System.out.printf(Locale.ROOT, "n = %d: lookups after the refreshes finding the exact k closest living %%  %.1f  (of %d)%n",
                    n, 100 * exactAfterRefresh, afterLookups);
            System.out.printf(Locale.ROOT, "n = %d: requests to unplugged nodes that failed  %d%n", n, unanswered.get());
            return new Row(n, lookups, exactShare, (double) hopsSum / lookups, hopsMax, (double) messages / lookups,
                    percentile(latencies, 0.50), percentile(latencies, 0.99), keys, (double) got / keys, (double) gotAfter / keys,
                    percentile(churnLatencies, 0.50), percentile(churnLatencies, 0.99), joinSeconds, exactRightAfter, exactAfterRefresh);
        } finally {
            try (ExecutorService closer = Executors.newFixedThreadPool(4)) {
                hosts.forEach(h -> closer.submit(h::close));
            }
        }
    }

    /**
     * Lookups from random living nodes for random keys, many at once: the share that found exactly
     * the true k closest living nodes.
     */
    static double exactAmong(List<KadDht> dhts, List<PeerId> ids, List<Integer> alive, List<PeerId> aliveIds, int count, int k, Random random)
            throws Exception {
        List<Future<Boolean>> exact = new ArrayList<>();
        try (ExecutorService lookers = Executors.newFixedThreadPool(GETS_AT_ONCE)) {
            for (int i = 0; i < count; i++) {
                int asker = alive.get(random.nextInt(alive.size()));
                byte[] key = new byte[32];
                random.nextBytes(key);
                exact.add(lookers.submit(() -> {
                    List<PeerId> others = new ArrayList<>(aliveIds);
                    others.remove(ids.get(asker));
                    return dhts.get(asker).closestPeers(key).peers().stream().map(KadPeer::id).toList().equals(trueClosest(others, key, k));
                }));
            }
        }
        int hits = 0;
        for (Future<Boolean> f : exact) {
            hits += f.get() ? 1 : 0;
        }
        return (double) hits / count;
    }

    static List<PeerId> trueClosest(List<PeerId> peers, byte[] key, int k) {
        KadKey target = KadKey.of(key);
        return peers.stream().sorted(Comparator.comparing((PeerId p) -> KadKey.of(p).distance(target), BigInteger::compareTo)).limit(k).toList();
    }

    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
