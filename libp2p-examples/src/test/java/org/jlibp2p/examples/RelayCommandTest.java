package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** relay, listen --relay and the clients through the circuit, in this JVM. */
@Timeout(120)
class RelayCommandTest {
    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    @Test
    void clientsReachAListenerThroughTheRelay() throws Exception {
        try (ToolRunner.Background relay = new ToolRunner.Background(Map.of(), "relay", "--json", "--host", "127.0.0.1")) {
            Map<String, Object> relayListening = relay.nextJson();
            assertThat(relayListening).containsEntry("event", "listening");
            String relayAddr = (String) ((List<?>) relayListening.get("addrs")).get(0);
            assertThat(relayAddr).startsWith("/ip4/127.0.0.1/tcp/");

            try (ToolRunner.Listener node = new ToolRunner.Listener(Map.of(), "--relay", relayAddr)) {
                assertThat(node.listening.get("addrs").toString()).doesNotContain("p2p-circuit");
                Map<String, Object> reserved = node.node.nextJson();
                assertThat(reserved).containsEntry("event", "reserved").containsEntry("relay", relayAddr);
                String viaRelay = (String) ((List<?>) reserved.get("addrs")).get(0);
                assertThat(viaRelay).isEqualTo(relayAddr + "/p2p-circuit/p2p/" + node.peerId);

                Map<String, Object> reservation = relay.nextJson();
                assertThat(reservation).containsEntry("event", "reservation").containsEntry("peerId", node.peerId);

                ToolRunner.Run ping = ToolRunner.run("ping", "--json", viaRelay);
                assertThat(ping.code()).as(ping.out() + ping.err()).isZero();
                assertThat(ping.json()).containsEntry("action", "ping").containsEntry("ok", true).containsEntry("relayed", true);

                ToolRunner.Run echo = ToolRunner.run("echo", "--json", viaRelay, "--bytes", "1KiB");
                assertThat(echo.code()).as(echo.out() + echo.err()).isZero();
                assertThat(echo.json()).containsEntry("ok", true).containsEntry("relayed", true);

                ToolRunner.Run identify = ToolRunner.run("identify", "--json", viaRelay);
                assertThat(identify.code()).as(identify.out() + identify.err()).isZero();
                assertThat(identify.json()).containsEntry("ok", true).containsEntry("relayed", true)
                        .containsEntry("peerId", node.peerId);

                ToolRunner.Run text = ToolRunner.run("ping", viaRelay);
                assertThat(text.code()).isZero();
                assertThat(text.out()).contains("relayed");

                assertThat(relay.await("\"event\":\"circuit\"")).as("the relay reports a circuit").contains(node.peerId);

                ToolRunner.Run direct = ToolRunner.run("ping", "--json", node.address);
                assertThat(direct.json()).containsEntry("ok", true).containsEntry("relayed", false);
            }
        }
    }

    @Test
    void chatThroughTheRelay() throws Exception {
        try (ToolRunner.Background relay = new ToolRunner.Background(Map.of(), "relay", "--json", "--host", "127.0.0.1")) {
            String relayAddr = (String) ((List<?>) relay.nextJson().get("addrs")).get(0);
            try (ToolRunner.Background waiting = new ToolRunner.Background(Map.of(), "chat", "--json", "--host", "127.0.0.1", "--relay", relayAddr)) {
                assertThat(waiting.nextJson()).containsEntry("event", "listening");
                Map<String, Object> reserved = waiting.nextJson();
                assertThat(reserved).containsEntry("event", "reserved");
                String viaRelay = (String) ((List<?>) reserved.get("addrs")).get(0);
                try (ToolRunner.Background dialing = new ToolRunner.Background(Map.of(), "chat", viaRelay)) {
                    assertThat(dialing.await("connected to")).contains("(relayed, through ");
                    assertThat(JsonParser.object(waiting.await("\"event\":\"connected\""))).containsEntry("relayed", true);
                    dialing.type("hello through the relay");
                    assertThat(waiting.await("hello through the relay")).isNotNull();
                    waiting.type("and back");
                    assertThat(dialing.await(": and back")).isNotNull();
                    dialing.stdin.close();
                    assertThat(waiting.await("\"event\":\"left\"")).isNotNull();
                    assertThat(dialing.exitCode()).isZero();
                }
            }
        }
    }

    @Test
    void listenRelayNeedsAPeerId() {
        ToolRunner.Run r = ToolRunner.run("listen", "--relay", "/ip4/127.0.0.1/tcp/1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("/p2p/");
    }

    @Test
    void relayTextOutputSaysHowToUseIt() throws Exception {
        try (ToolRunner.Background relay = new ToolRunner.Background(Map.of(), "relay", "--host", "127.0.0.1")) {
            assertThat(relay.next()).startsWith("peer id ");
            assertThat(relay.next()).isEqualTo("relaying on");
            assertThat(relay.await("listen --relay /ip4/127.0.0.1/tcp/")).isNotNull();
        }
    }
}
