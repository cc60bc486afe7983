package org.jlibp2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.jlibp2p.testing.BenchmarkRun;
import org.junit.jupiter.api.Test;

/** Keeps {@code scripts/bench-noise.sh} working: its command on 1 MiB and 5 handshakes prints every figure. */
class NoiseBenchmarkSmokeTest {
    @Test
    void printsThroughputAndHandshakeRate() throws Exception {
        Map<String, Double> rows = BenchmarkRun.rows(() -> NoiseBenchmark.main(new String[] {"1", "5"}));
        String bySize = new ChaChaPoly.BySize().toString();
        assertThat(rows).containsOnlyKeys("JDK ChaCha20-Poly1305 seal", "JDK ChaCha20 + own Poly1305 seal", bySize + " seal",
                "JDK ChaCha20-Poly1305 seal + open", "JDK ChaCha20 + own Poly1305 seal + open", bySize + " seal + open",
                "pipe", "tcp", "handshakes/s (pipe, Ed25519)", "X25519 key generation, ms", "X25519 agreement, ms", "Ed25519 verify, ms",
                "key ops per connection, known, ms", "key ops on the path, known, ms", "key ops per connection, new, ms");
        assertThat(rows.values()).allSatisfy(v -> assertThat(v).isPositive());
    }
}
