package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.memory.Pipes;

/**
 * Two started sessions talking over in-memory pipes, a client and a server: for tests of real
 * sessions on both ends.
 *
 * @param client the initiator's session
 * @param server the responder's session
 */
record SessionPair(YamuxSession client, YamuxSession server) {
    /**
     * Starts both ends.
     *
     * @param pipeCapacity bytes each pipe holds before a writer waits
     * @param config       both sessions' settings
     * @return the started pair
     */
    static SessionPair start(int pipeCapacity, YamuxConfig config) {
        Pipes.Pair pipes = Pipes.pair(pipeCapacity);
        SessionPair pair = new SessionPair(new YamuxSession(pipes.a(), Role.INITIATOR, config), new YamuxSession(pipes.b(), Role.RESPONDER, config));
        pair.client.start();
        pair.server.start();
        return pair;
    }

    /** Closes both ends and checks that every thread of theirs ended. */
    void closeAndAwait() throws InterruptedException {
        client.close();
        server.close();
        assertThat(client.awaitTermination(Duration.ofSeconds(5))).as("the client session's threads ended").isTrue();
        assertThat(server.awaitTermination(Duration.ofSeconds(5))).as("the server session's threads ended").isTrue();
    }
}
