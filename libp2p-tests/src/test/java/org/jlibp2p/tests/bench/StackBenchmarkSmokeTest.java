package org.jlibp2p.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.jlibp2p.testing.BenchmarkRun;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code scripts/bench-rates.sh} and {@code scripts/bench-memory.sh} working: their commands on
 * a tiny budget print every figure.
 */
class StackBenchmarkSmokeTest {
    @Test
    void ratesPrintEveryFigure() throws Exception {
        Map<String, Double> rows = BenchmarkRun.rows(() -> StackBenchmark.main(new String[] {"0.3"}));
        assertThat(rows.keySet()).containsExactly(
                "connections upgraded, 1 concurrent dialer(s)",
                "connections upgraded, 2 concurrent dialer(s)",
                "connections upgraded, 4 concurrent dialer(s)",
                "streams opened + closed, 1 concurrent opener(s)",
                "streams opened + closed, 16 concurrent opener(s)",
                "streams opened + closed, 64 concurrent opener(s)",
                "streams through hosts (multistream each), 64 openers",
                "one stream, upload MB/s",
                "one stream, download MB/s");
        assertThat(rows.values()).allSatisfy(v -> assertThat(v).isPositive());
    }

    @Test
    void memoryPrintsPerConnectionFigures() throws Exception {
        Map<String, Double> rows = BenchmarkRun.rows(() -> ConnectionMemoryBenchmark.main(new String[] {"20"}));
        // RSS per connection may be negative at 20 connections: the collections before the reading
        // can hand more of this test JVM's memory back than 20 connections take.
        assertThat(rows).containsKeys("connections", "heap per connection", "RSS per connection");
        assertThat(rows.get("connections")).isEqualTo(20);
    }
}
