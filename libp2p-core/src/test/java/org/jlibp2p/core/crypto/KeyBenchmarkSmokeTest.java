package org.jlibp2p.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.jlibp2p.testing.BenchmarkRun;
import org.junit.jupiter.api.Test;

/** Keeps {@code scripts/bench-keys.sh} working: its command on a tiny budget prints a figure per key type. */
class KeyBenchmarkSmokeTest {
    @Test
    void printsSignAndVerifyRatesForEveryKeyType() throws Exception {
        Map<String, Double> rows = BenchmarkRun.rows(() -> KeyBenchmark.main(new String[] {"0.02"}));
        for (KeyType type : KeyType.values()) {
            assertThat(rows).containsKey(type.name());
            assertThat(rows.get(type.name())).isPositive();
        }
    }
}
