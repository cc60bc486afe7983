package org.jlibp2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jlibp2p.testing.BenchmarkRun;
import org.junit.jupiter.api.Test;

/** Keeps {@code scripts/bench-noise.sh} working: its command on 1 MiB and 5 handshakes prints every figure. */
class NoiseBenchmarkSmokeTest {
    @Test
    void printsThroughputAndHandshakeRate() throws Exception {
        Map<String, Double> rows = BenchmarkRun.rows(() -> NoiseBenchmark.main(new String[] {"1", "5"}));
        String bySize = new ChaChaPoly.BySize().toString();
        List<String> expected = new ArrayList<>(List.of("JDK ChaCha20-Poly1305 seal", "JDK ChaCha20 + own Poly1305 seal", bySize + " seal"));
        for (int size : new int[] {64, ChaChaPoly.BySize.SHORT, 1024}) {
            for (String form : List.of("JDK ChaCha20-Poly1305", "JDK ChaCha20 + own Poly1305", bySize)) {
                expected.add(form + " seal + open " + size + " B");
            }
        }
        expected.addAll(List.of(
                "pipe", "tcp", "handshakes/s (pipe, Ed25519)", "X25519 key generation, ms", "X25519 agreement, ms", "Ed25519 verify, ms",
                "key ops per connection, known, ms", "key ops on the path, known, ms", "key ops per connection, new, ms"));
        assertThat(rows).containsOnlyKeys(expected);
        assertThat(rows.values()).allSatisfy(v -> assertThat(v).isPositive());
    }
}
