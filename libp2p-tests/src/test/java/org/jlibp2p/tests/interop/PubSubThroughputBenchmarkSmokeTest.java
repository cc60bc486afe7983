package org.jlibp2p.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.jlibp2p.testing.BenchmarkRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Keeps {@code scripts/bench-pubsub-js.sh} working: its command on 20 and 4 messages prints every row. */
@Timeout(240)
class PubSubThroughputBenchmarkSmokeTest {
    @BeforeEach
    void needNode() throws Exception {
        JsPeer.requireNode();
    }

    @Test
    void printsEveryRow() throws Exception {
        Map<String, Double> rows = BenchmarkRun.rows(() -> PubSubThroughputBenchmark.main(new String[] {"20", "4"}));
        assertThat(rows).containsOnlyKeys("java, 1 KiB, no-sign", "js, 1 KiB, no-sign", "java, 100 KiB, no-sign", "js, 100 KiB, no-sign",
                "java, 1 KiB, strict sign", "js, 1 KiB, strict sign", "java, 100 KiB, strict sign", "js, 100 KiB, strict sign");
        assertThat(rows.values()).allSatisfy(v -> assertThat(v).isPositive());
    }
}
