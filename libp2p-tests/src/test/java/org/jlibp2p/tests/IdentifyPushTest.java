package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Identify push (identify/README.md, "Identify Push"): a host tells its peers of a change in rounds,
 * so that a burst of changes costs each peer a push or two, the last one carrying the final state.
 */
@Timeout(60)
class IdentifyPushTest {
    private final List<Host> hosts = new ArrayList<>();
    private final MemoryNetwork net = new MemoryNetwork();

    private Host host() throws IOException {
        Host h = Host.builder().transport(net.transport()).security(NoiseSecureChannel::new).muxer(new YamuxMuxer())
                .listen("/memory/0").build();
        hosts.add(h);
        return h;
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        hosts.forEach(Host::close);
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    /** The protocols one push names: its parts read until the sender closes. */
    private static List<String> protocols(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        for (byte[] part; (part = LengthPrefixed.readIfPresent(in, 8192)) != null; ) {
            ProtobufReader r = new ProtobufReader(part);
            while (r.next()) {
                if (r.fieldNumber() == 3) {
                    out.add(r.readString(1024));
                } else {
                    r.skip();
                }
            }
        }
        return out;
    }

    /** A peer whose pushes are recorded instead of taken. */
    private Host recordingPeer(List<List<String>> pushes) throws IOException {
        Host peer = host();
        peer.setStreamHandler(Host.IDENTIFY_PUSH, s -> pushes.add(protocols(s.in())));
        return peer;
    }

    /** Waits until no push has come for 400 ms (at most 10 s), then forgets those that came. */
    private static void settle(List<List<String>> pushes) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int seen = -1;
        while (seen != pushes.size() && System.nanoTime() < end) {
            seen = pushes.size();
            Thread.sleep(400);
        }
        pushes.clear();
    }

    @Test
    void aBurstOfChangesReachesAPeerInAFewPushesEndingWithTheLastState() throws Exception {
        List<List<String>> pushes = new CopyOnWriteArrayList<>();
        Host peer = recordingPeer(pushes);
        Host h = host();
        h.connect(peer.fullAddrs().get(0));
        settle(pushes);

        List<String> added = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            added.add("/burst/" + i);
            h.setStreamHandler("/burst/" + i, s -> { });
        }
        awaitTrue(() -> !pushes.isEmpty() && pushes.get(pushes.size() - 1).containsAll(added));
        Thread.sleep(500); // a round that might still follow
        assertThat(pushes.size()).as("pushes for 200 changes").isBetween(1, 10);
        assertThat(pushes.get(pushes.size() - 1)).containsAll(added).contains(Host.IDENTIFY, Host.IDENTIFY_PUSH);
    }

    /** More peers than pushes in flight at once (32): each gets the change. */
    @Test
    void aChangeReachesEveryPeerBeyondThePushesInFlightAtOnce() throws Exception {
        List<List<List<String>>> perPeer = new ArrayList<>();
        Host h = host();
        for (int i = 0; i < 40; i++) {
            List<List<String>> pushes = new CopyOnWriteArrayList<>();
            perPeer.add(pushes);
            h.connect(recordingPeer(pushes).fullAddrs().get(0));
        }
        h.setStreamHandler("/news/1.0.0", s -> { });
        awaitTrue(() -> perPeer.stream().allMatch(p -> p.stream().anyMatch(protocols -> protocols.contains("/news/1.0.0"))));
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("condition not met in 20 s").isNegative();
            Thread.sleep(20);
        }
    }
}
