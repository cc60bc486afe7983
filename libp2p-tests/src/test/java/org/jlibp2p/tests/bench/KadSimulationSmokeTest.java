package org.jlibp2p.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.jlibp2p.testing.BenchmarkRun;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code scripts/bench-kad.sh} working: the simulation on 25 nodes prints every figure, and in
 * a network that small every lookup finds the true k closest and every GET after PUT succeeds, also
 * after a fifth of the nodes are unplugged.
 */
class KadSimulationSmokeTest {
    @Test
    void theSimulationPrintsEveryFigure() throws Exception {
        Map<String, Double> rows = BenchmarkRun.rows(() -> KadSimulation.main(new String[] {"25", "5", "5", "2000"}));
        assertThat(rows).containsKeys("n = 25: hops mean", "n = 25: requests per lookup", "n = 25: lookup latency p50 ms",
                "n = 25: lookup latency p99 ms", "n = 25: GET with 20 % of nodes unplugged %");
        assertThat(rows.get("n = 25: lookups finding the exact k closest %")).isEqualTo(100.0);
        assertThat(rows.get("n = 25: GET after PUT %")).isEqualTo(100.0);
        assertThat(rows.get("n = 25: hops mean")).isPositive();
        // a fifth unplugged: the values are still on enough of their holders, the departed were
        // asked and stayed silent, and once each living node has refreshed (a lookup of its own id
        // first, dropping the departed near it), lookups are exact again
        assertThat(rows.get("n = 25: GET with 20 % of nodes unplugged %")).isEqualTo(100.0);
        assertThat(rows.get("n = 25: requests to unplugged nodes that failed")).isPositive();
        assertThat(rows.get("n = 25: lookups after the refreshes finding the exact k closest living %")).isEqualTo(100.0);
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(10), "jlibp2p-", "yamux-")).as("threads left").isEmpty();
    }
}
