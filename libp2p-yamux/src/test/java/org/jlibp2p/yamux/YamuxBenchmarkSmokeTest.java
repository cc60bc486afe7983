package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.jlibp2p.testing.BenchmarkRun;
import org.junit.jupiter.api.Test;

/** Keeps {@code scripts/bench-yamux.sh} working: its command on 1 MiB and 200 streams prints every figure. */
class YamuxBenchmarkSmokeTest {
    @Test
    void printsThroughputForEachWindowAndTheStreamRate() throws Exception {
        Map<String, Double> rows = BenchmarkRun.rows(() -> YamuxBenchmark.main(new String[] {"1", "200"}));
        assertThat(rows).containsOnlyKeys("pipe, window fixed 256 KiB", "pipe, window auto-tuned",
                "tcp, window fixed 256 KiB", "tcp, window auto-tuned", "streams opened+closed/s (pipe)");
        assertThat(rows.values()).allSatisfy(v -> assertThat(v).isPositive());
    }
}
