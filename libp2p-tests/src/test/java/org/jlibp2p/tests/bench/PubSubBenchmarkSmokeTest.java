package org.jlibp2p.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.jlibp2p.testing.BenchmarkRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Keeps {@code scripts/bench-pubsub.sh} working: its simulation on 12 nodes and 6 messages prints every row. */
@Timeout(240)
class PubSubBenchmarkSmokeTest {
    @Test
    void printsEveryScenario() throws Exception {
        Map<String, Double> rows = BenchmarkRun.rows(() -> PubSubSimulation.main(new String[] {"12", "6", "4"}));
        assertThat(rows).containsKeys("128 B", "1 KiB, IDONTWANT off", "1 KiB, IDONTWANT on (>= 1 KiB)", "4 KiB, 20 ms apart, IDONTWANT off",
                "4 KiB, 20 ms apart, IDONTWANT on", "128 B, 10% of nodes leave mid-run", "128 B, 10% publish invalid (scoring on)",
                "line of 3, 1 KiB messages, msg/s", "line of 3, 4 KiB messages, msg/s", "128 B, strict sign (Ed25519), 1/10 the messages",
                "line of 3, 1 KiB messages, no-sign, msg/s", "line of 3, 4 KiB messages, no-sign, msg/s");
        assertThat(rows.get("128 B")).as("delivery, %").isPositive();
        assertThat(rows.get("line of 3, 1 KiB messages, msg/s")).isPositive();
    }
}
