package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool's other protocols through a circuit (perf, kv, send-file: within the relay's default
 * limit of 128 KiB each way), and {@code --trace} narrating the relayed dial.
 */
@Timeout(120)
class RelayedCommandsTest {
    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    @Test
    void perfKvAndSendFileRunThroughTheRelay() throws Exception {
        Path received = Files.createDirectory(dir.resolve("received"));
        try (ToolRunner.Background relay = new ToolRunner.Background(Map.of(), "relay", "--json", "--host", "127.0.0.1")) {
            String relayAddr = (String) ((List<?>) relay.nextJson().get("addrs")).get(0);
            try (ToolRunner.Listener node = new ToolRunner.Listener(Map.of(), "--relay", relayAddr, "--receive-dir", received.toString())) {
                String viaRelay = (String) ((List<?>) node.node.nextJson().get("addrs")).get(0);

                ToolRunner.Run perf = ToolRunner.run("perf", viaRelay, "--upload-bytes", "32768", "--download-bytes", "16384", "--json");
                assertThat(perf.code()).as(perf.out() + perf.err()).isZero();
                Map<String, Object> last = JsonParser.object(perf.out().lines().reduce((a, b) -> b).orElseThrow());
                assertThat(last).containsEntry("type", "final").containsEntry("ok", true).containsEntry("relayed", true);
                assertThat(((Number) last.get("uploadBytes")).longValue()).isEqualTo(32768);
                assertThat(((Number) last.get("downloadBytes")).longValue()).isEqualTo(16384);

                ToolRunner.Run put = ToolRunner.run("kv", viaRelay, "put", "colour", "blue", "--json");
                assertThat(put.code()).as(put.out() + put.err()).isZero();
                assertThat(put.json()).containsEntry("ok", true).containsEntry("relayed", true);
                ToolRunner.Run get = ToolRunner.run("kv", viaRelay, "get", "colour", "--json");
                assertThat(get.json()).containsEntry("ok", true).containsEntry("value", "blue").containsEntry("relayed", true);

                byte[] content = new byte[20_000];
                new java.util.Random(7).nextBytes(content);
                Path file = Files.write(dir.resolve("photo.bin"), content);
                ToolRunner.Run send = ToolRunner.run("send-file", viaRelay, file.toString(), "--json");
                assertThat(send.code()).as(send.out() + send.err()).isZero();
                assertThat(send.json()).containsEntry("ok", true).containsEntry("relayed", true);
                assertThat(Files.readAllBytes(received.resolve("photo.bin"))).isEqualTo(content);
            }
        }
    }

    /** The relay's per-circuit data limit is an option: 1 MiB passes only where it is lifted. */
    @Test
    void relayLimitsAreOptions() throws Exception {
        for (boolean lifted : new boolean[] {false, true}) {
            String[] args = lifted ? new String[] {"relay", "--json", "--host", "127.0.0.1", "--limit-bytes", "0", "--limit-seconds", "0"}
                    : new String[] {"relay", "--json", "--host", "127.0.0.1"};
            try (ToolRunner.Background relay = new ToolRunner.Background(Map.of(), args)) {
                String relayAddr = (String) ((List<?>) relay.nextJson().get("addrs")).get(0);
                try (ToolRunner.Listener node = new ToolRunner.Listener(Map.of(), "--relay", relayAddr)) {
                    String viaRelay = (String) ((List<?>) node.node.nextJson().get("addrs")).get(0);
                    ToolRunner.Run perf = ToolRunner.run("perf", viaRelay, "--upload-bytes", "1MiB", "--json");
                    Map<String, Object> last = JsonParser.object(perf.out().lines().reduce((a, b) -> b).orElseThrow());
                    assertThat(last).as("1 MiB through a relay %s", lifted ? "without limits" : "with the default 128 KiB limit")
                            .containsEntry("ok", lifted);
                }
            }
        }
        assertThat(ToolRunner.run("relay", "--limit-seconds", "-1").code()).isEqualTo(2);

        // The time limit reaches the wire: the relay's STATUS carries it, as --trace shows.
        try (ToolRunner.Background relay = new ToolRunner.Background(Map.of(), "relay", "--json", "--host", "127.0.0.1",
                "--limit-seconds", "7", "--limit-bytes", "0")) {
            String relayAddr = (String) ((List<?>) relay.nextJson().get("addrs")).get(0);
            try (ToolRunner.Listener node = new ToolRunner.Listener(Map.of(), "--relay", relayAddr)) {
                String viaRelay = (String) ((List<?>) node.node.nextJson().get("addrs")).get(0);
                ToolRunner.Run ping = ToolRunner.run("ping", viaRelay, "--trace");
                assertThat(ping.err()).contains(": HOP STATUS OK, limit 7 s, no data limit");
            }
        }
    }

    /**
     * {@code --trace} tells the relayed dial in order: the hop CONNECT to the relay and its STATUS,
     * then the end-to-end upgrade running again inside the circuit.
     */
    @Test
    void traceNarratesTheRelayedDial() throws Exception {
        try (ToolRunner.Background relay = new ToolRunner.Background(Map.of(), "relay", "--json", "--host", "127.0.0.1")) {
            Map<String, Object> relayListening = relay.nextJson();
            String relayAddr = (String) ((List<?>) relayListening.get("addrs")).get(0);
            String relayId = (String) relayListening.get("peerId");
            try (ToolRunner.Listener node = new ToolRunner.Listener(Map.of(), "--relay", relayAddr)) {
                String viaRelay = (String) ((List<?>) node.node.nextJson().get("addrs")).get(0);
                ToolRunner.Run ping = ToolRunner.run("ping", viaRelay, "--trace");
                assertThat(ping.code()).as(ping.out() + ping.err()).isZero();
                List<String> lines = ping.err().lines().toList();
                int connect = indexOf(lines, "relay -> " + relayId + ": HOP CONNECT to " + node.peerId);
                int status = indexOf(lines, "relay <- " + relayId + ": HOP STATUS OK, limit ");
                int open = indexOf(lines, "relay: the circuit to " + node.peerId + " through " + relayId + " is open");
                assertThat(connect).as("the hop CONNECT is narrated:\n%s", ping.err()).isNotNegative();
                assertThat(status).as("then the relay's STATUS").isGreaterThan(connect);
                assertThat(open).isGreaterThan(status);
                assertThat(lines.subList(open, lines.size())).as("then Noise runs again, inside the circuit")
                        .anySatisfy(l -> assertThat(l).contains("noise -> message 1 (e)"));
            }
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
