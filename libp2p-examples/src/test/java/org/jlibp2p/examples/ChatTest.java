package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.examples.ToolRunner.Background;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chat as two people use it, in the text meant for them. */
@Timeout(120)
class ChatTest {
    /** The spec's Ed25519 test vector, so that the dialer's peer id is known. */
    private static final String SEED = "7e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d";
    private static final String SEED_PEER = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";

    @Test
    void linesCarryTheSenderAndEachSideHearsTheOtherLeave() throws Exception {
        try (Background waiting = new Background(Map.of(), "chat", "--host", "127.0.0.1")) {
            assertThat(waiting.next()).isEqualTo("waiting for a chat on");
            String address = waiting.next().strip();
            assertThat(waiting.await("in another terminal, run:")).isNotNull();
            String command = waiting.next().strip();
            assertThat(command).endsWith(" chat " + address);
            String listenerShort = Chat.shortId(PeerId.parse(address.substring(address.lastIndexOf('/') + 1)));
            String dialerShort = Chat.shortId(PeerId.parse(SEED_PEER));
            assertThat(dialerShort).isEqualTo("12*o7R3pq");

            try (Background dialing = new Background(Map.of(), "chat", address, "--seed", SEED)) {
                assertThat(dialing.await("connected to")).isNotNull();
                assertThat(waiting.await(SEED_PEER + " joined")).isNotNull();
                dialing.type("hello from the dialer");
                assertThat(waiting.await(dialerShort + ": hello from the dialer")).isNotNull();
                waiting.type("and back");
                assertThat(dialing.await(listenerShort + ": and back")).isNotNull();

                dialing.stdin.close(); // Ctrl-D on the dialer's side
                assertThat(waiting.await(dialerShort + " left")).isNotNull();
                assertThat(waiting.exitCode()).isZero();
                assertThat(dialing.await(listenerShort + " left")).isNotNull();
                assertThat(dialing.exitCode()).isZero();
            }
        }
    }

    @Test
    void ctrlCEndsTheChatWithoutAFailure() throws Exception {
        try (Background waiting = new Background(Map.of(), "chat", "--host", "127.0.0.1", "--json")) {
            String address = (String) ((java.util.List<?>) waiting.nextJson().get("addrs")).get(0);
            try (Background dialing = new Background(Map.of(), "chat", address)) {
                assertThat(dialing.await("connected to")).isNotNull();
                assertThat(dialing.interrupt()).isZero();
                String last = null;
                for (String line; (line = dialing.out.poll()) != null; ) {
                    last = line;
                }
                assertThat(last).isEqualTo("chat ended");
            }
            assertThat(waiting.await("\"event\":\"left\"")).as("a peer that vanishes has left too").isNotNull();
        }
    }
}
