package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code gossipsub-interop}: three nodes of the framework on one machine, one script, the logs the framework's analysis reads. */
@Timeout(120)
class GossipsubInteropCommandTest {
    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    /** A script as the framework writes it: go's parameter names, durations in nanoseconds. */
    private static final String PARAMS = """
            {"script": [
              {"type": "initGossipSub", "gossipSubParams": {"D": 2, "Dlo": 1, "Dhi": 3, "Dout": 0, "Dscore": 1,
                 "HeartbeatInterval": 200000000, "HeartbeatInitialDelay": 50000000, "FanoutTTL": 60000000000,
                 "IDontWantMessageThreshold": 1000, "PartialMessagesSomething": null}},
              {"type": "subscribeToTopic", "topicID": "topic"},
              {"type": "ifNodeIDEquals", "nodeID": 1, "instruction": {"type": "connect", "connectTo": [0]}},
              {"type": "ifNodeIDEquals", "nodeID": 2, "instruction": {"type": "connect", "connectTo": [1]}},
              {"type": "waitUntil", "elapsedSeconds": 3},
              {"type": "ifNodeIDEquals", "nodeID": 0, "instruction": {"type": "publish", "messageID": 7, "messageSizeBytes": 2000, "topicID": "topic"}},
              {"type": "waitUntil", "elapsedSeconds": 5}
            ]}
            """;

    @Test
    void aLineOfThreeNodesRunsTheScriptAndLogsEveryReceivedMessage(@TempDir Path dir) throws Exception {
        Path params = dir.resolve("params.json");
        Files.writeString(params, PARAMS);
        int base = 20_000 + (int) (ProcessHandle.current().pid() % 20_000);
        List<ToolRunner.Background> nodes = new ArrayList<>();
        try {
            for (int n = 0; n < 3; n++) {
                nodes.add(new ToolRunner.Background(Map.of(), "gossipsub-interop", "--params", params.toString(), "--node-id", String.valueOf(n),
                        "--port-base", String.valueOf(base)));
            }
            for (int n = 0; n < 3; n++) {
                Map<String, Object> first = nodes.get(n).nextJson();
                assertThat(first).containsEntry("msg", "PeerID").containsEntry("level", "INFO").containsKey("time");
                assertThat(((Number) first.get("node_id")).intValue()).isEqualTo(n);
                assertThat(first.get("id")).isEqualTo(PeerId.fromPublicKey(GossipsubInterop.nodeKey(n).publicKey()).toString());
            }
            for (int n = 1; n < 3; n++) {
                String line = nodes.get(n).await("\"Received Message\"");
                assertThat(line).as("node %d received message 7", n).isNotNull();
                Map<String, Object> m = JsonParser.object(line);
                assertThat(m).containsEntry("id", "7").containsEntry("topic", "topic").containsEntry("service", "gossipsub");
            }
            for (ToolRunner.Background node : nodes) {
                assertThat(node.exitCode()).as("the script ends, and so does the node").isZero();
            }
        } finally {
            nodes.forEach(ToolRunner.Background::close);
        }
    }

    @Test
    void theKeyIsTheLittleEndianNodeIdAsGoMakesIt() {
        // go: seed[0:8] = little-endian uint64(id), ed25519.NewKeyFromSeed; the same id gives the same peer id every time
        Set<String> ids = new HashSet<>();
        for (int n = 0; n < 5; n++) {
            ids.add(PeerId.fromPublicKey(GossipsubInterop.nodeKey(n).publicKey()).toString());
        }
        assertThat(ids).hasSize(5);
        assertThat(PeerId.fromPublicKey(GossipsubInterop.nodeKey(3).publicKey())).isEqualTo(PeerId.fromPublicKey(GossipsubInterop.nodeKey(3).publicKey()));
        assertThat(GossipsubInterop.nodeIdFromHostname("node12")).isEqualTo(12);
        assertThat(GossipsubInterop.nodeIdFromHostname("node3.local")).isEqualTo(3);
    }

    @Test
    void parametersTakeGoNamesAndNanoseconds() {
        var p = GossipsubInterop.params(Map.of("D", 8L, "Dlo", 6L, "Dhi", 12L, "HeartbeatInterval", 700_000_000L, "GossipFactor", 0.1), System.err);
        assertThat(p.d()).isEqualTo(8);
        assertThat(p.dlo()).isEqualTo(6);
        assertThat(p.heartbeatInterval()).isEqualTo(Duration.ofMillis(700));
        assertThat(p.gossipFactor()).isEqualTo(0.1);
    }
}
