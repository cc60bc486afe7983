package org.jlibp2p.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.jlibp2p.testing.BenchmarkRun;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code scripts/bench-kad.sh} working: the simulation on 25 nodes prints every figure, and in
 * a network that small every lookup finds the true k closest and every GET after PUT succeeds.
 */
class KadSimulationSmokeTest {
    @Test
    void theSimulationPrintsEveryFigure() throws Exception {
        Map<String, Double> rows = BenchmarkRun.rows(() -> KadSimulation.main(new String[] {"25", "5", "5"}));
        assertThat(rows).containsKeys("n = 25: hops mean", "n = 25: requests per lookup", "n = 25: lookup latency p50 ms",
                "n = 25: lookup latency p99 ms", "n = 25: GET with 20 % of nodes unplugged %");
        assertThat(rows.get("n = 25: lookups finding the exact k closest %")).isEqualTo(100.0);
        assertThat(rows.get("n = 25: GET after PUT %")).isEqualTo(100.0);
        assertThat(rows.get("n = 25: hops mean")).isPositive();
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(10), "jlibp2p-", "yamux-")).as("threads left").isEmpty();
    }
}
