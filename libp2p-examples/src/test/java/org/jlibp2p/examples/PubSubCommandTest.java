package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.pubsub.GossipSub;
import org.jlibp2p.pubsub.GossipSubConfig;
import org.jlibp2p.pubsub.GossipSubParams;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code pubsub}: two nodes of the tool on one topic, lines typed in one printed by the other, and a library node beside them. */
@Timeout(120)
class PubSubCommandTest {
    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    private static String awaitJson(ToolRunner.Background node, String event, String... contains) throws InterruptedException {
        while (true) {
            String line = node.await("\"event\":\"" + event + "\"");
            assertThat(line).as("a '" + event + "' event").isNotNull();
            boolean all = true;
            for (String c : contains) {
                all &= line.contains(c);
            }
            if (all) {
                return line;
            }
        }
    }

    @Test
    void linesTypedInOneNodeArePrintedByTheOtherWithTheirPublisher() throws Exception {
        try (ToolRunner.Background a = new ToolRunner.Background(Map.of(), "pubsub", "--json", "--topic", "chat", "--host", "127.0.0.1")) {
            Map<String, Object> listening = a.nextJson();
            assertThat(listening).containsEntry("event", "listening").containsEntry("topic", "chat");
            String aAddr = (String) ((List<?>) listening.get("addrs")).get(0);
            String aId = (String) listening.get("peerId");
            try (ToolRunner.Background b = new ToolRunner.Background(Map.of(), "pubsub", "--json", "--topic", "chat", "--host", "127.0.0.1",
                    "--publish-every", "300ms", aAddr)) {
                String bId = (String) b.nextJson().get("peerId");
                assertThat(awaitJson(b, "connected")).contains(aId);
                awaitJson(a, "joined", bId);
                awaitJson(b, "joined", aId);
                b.type("hello from b");
                Map<String, Object> m = JsonParser.object(awaitJson(a, "message", "hello from b"));
                assertThat(m).containsEntry("topic", "chat").containsEntry("from", bId).containsEntry("data", "hello from b");
                a.type("and back");
                assertThat(JsonParser.object(awaitJson(b, "message", "and back"))).containsEntry("from", aId);
                Map<String, Object> counter = JsonParser.object(awaitJson(a, "message", "message "));
                assertThat((String) counter.get("data")).matches("message \\d+ from .*");

                // a library node beside them publishes bytes that are not UTF-8: printed as hex
                GossipSub ps = new GossipSub(GossipSubConfig.builder().params(GossipSubParams.builder().heartbeatInterval(Duration.ofMillis(200)).build()).build());
                try (Host lib = Host.builder().listen("/ip4/127.0.0.1/tcp/0").service(ps).build()) {
                    ps.subscribe("chat");
                    lib.connect(Multiaddr.parse(aAddr));
                    awaitJson(a, "joined", lib.peerId().toString());
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (!ps.meshPeers("chat").contains(org.jlibp2p.core.PeerId.parse(aId)) && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    ps.publish("chat", new byte[] {(byte) 0xff, (byte) 0xfe, 0});
                    Map<String, Object> bin = JsonParser.object(awaitJson(a, "message", "dataHex"));
                    assertThat(bin).containsEntry("dataHex", "fffe00").containsEntry("from", lib.peerId().toString()).doesNotContainKey("data");
                }
                awaitJson(a, "left", "");
            }
        }
    }

    @Test
    void textOutputNamesTheSenderAndTopicIsRequired() throws Exception {
        ToolRunner.Run noTopic = ToolRunner.run("pubsub");
        assertThat(noTopic.code()).isEqualTo(2);
        assertThat(noTopic.err()).contains("--topic");
        try (ToolRunner.Background a = new ToolRunner.Background(Map.of(), "pubsub", "--topic", "t", "--host", "127.0.0.1", "--no-sign")) {
            assertThat(a.next()).startsWith("peer id ");
            a.next(); // listening on
            String addr = a.next().strip();
            try (ToolRunner.Background b = new ToolRunner.Background(Map.of(), "pubsub", "--topic", "t", "--host", "127.0.0.1", "--no-sign", addr)) {
                assertThat(b.await("joined t")).isNotNull();
                assertThat(a.await("joined t")).isNotNull();
                Thread.sleep(1500); // a heartbeat: the mesh is formed
                b.type("anonymous");
                assertThat(a.await(": anonymous")).as("printed with the forwarding peer, since no-sign messages name no publisher")
                        .contains("(unsigned, via ");
            }
        }
    }
}
