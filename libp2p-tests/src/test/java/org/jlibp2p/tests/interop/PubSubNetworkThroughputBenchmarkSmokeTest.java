package org.jlibp2p.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jlibp2p.testing.BenchmarkRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps {@code scripts/bench-pubsub-net.sh} working: its command on 10 nodes a side (js in two
 * processes of 5), 8 messages of 1 KiB and 2 of 100 KiB, prints every row, and every node of both
 * networks has every message.
 */
@Timeout(120)
class PubSubNetworkThroughputBenchmarkSmokeTest {
    @BeforeEach
    void needNode() throws Exception {
        JsPeer.requireNode();
    }

    @Test
    void everyNodeOfBothNetworksGetsEveryMessage() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Map<String, Double> rows;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            rows = BenchmarkRun.rows(() -> PubSubNetworkThroughputBenchmark.main(new String[] {"8", "2", "10"}));
        } finally {
            System.setOut(original);
            original.print(captured.toString(StandardCharsets.UTF_8));
        }
        List<String> cases = List.of("java, 1 KiB", "js, 1 KiB", "java, 100 KiB", "js, 100 KiB");
        assertThat(rows).containsOnlyKeys("java, 1 KiB", "java, 100 KiB", "js, 1 KiB", "js, 100 KiB", "java/js, 1 KiB", "java/js, 100 KiB");
        assertThat(rows.values()).allSatisfy(v -> assertThat(v).isPositive());
        List<String> lines = Arrays.asList(captured.toString(StandardCharsets.UTF_8).split("\n"));
        for (String c : cases) {
            assertThat(lines).as("the row of " + c).anySatisfy(l -> assertThat(l).startsWith(c + " ").endsWith("100.00 %"));
        }
    }
}
