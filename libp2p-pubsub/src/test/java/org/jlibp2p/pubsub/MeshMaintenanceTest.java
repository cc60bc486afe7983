package org.jlibp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jlibp2p.pubsub.PubSubNet.awaitTrue;
import static org.jlibp2p.pubsub.PubSubNet.connect;
import static org.jlibp2p.pubsub.RawPeer.control;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jlibp2p.core.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The heartbeat's work seen over the network, with scoring where it matters (gossipsub-v1.0.md
 * "Heartbeat"; gossipsub-v1.1.md "Opportunistic Grafting", "The Score Function" P3, "PRUNE Backoff
 * and Peer Exchange"): short heartbeats and small parameters, each test a few seconds.
 */
@Timeout(60)
class MeshMaintenanceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String T = "t";

    @Test
    void aMeshWhoseMedianScoreIsBelowTheThresholdGraftsABetterPeer() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            RawPeer low1 = new RawPeer(net);
            RawPeer low2 = new RawPeer(net);
            RawPeer good = new RawPeer(net);
            PeerId goodId = good.peerId();
            // P5 alone: the good peer scores 10, the others 0; the mesh's median (0) is below the threshold (5)
            PeerScoreParams scores = new PeerScoreParams(Map.of(), null, 0, peer -> peer.equals(goodId) ? 10 : 0, 1, -1, 10, -1, 1, 0.9,
                    Duration.ofSeconds(1), 0.01, Duration.ofSeconds(10));
            GossipSubParams p = PubSubNet.FAST.toBuilder().d(2).dlo(2).dhi(4).dscore(1).dout(0).opportunisticGraftTicks(3).build();
            PubSubNet.Node node = net.node(GossipSubConfig.builder().params(p)
                    .scoring(scores, new PeerScoreThresholds(-10, -50, -80, 10, 5)).build());
            node.pubsub().subscribe(T);
            for (RawPeer low : new RawPeer[] {low1, low2}) {
                low.connect(node).subscribe(T);
            }
            awaitTrue("the two low peers grafted", () -> node.pubsub().meshPeers(T).equals(Set.of(low1.peerId(), low2.peerId())));
            good.connect(node).subscribe(T); // the mesh holds Dlo peers already: only opportunistic grafting takes it in
            Rpc graft = good.await(control(c -> c.graft().stream().anyMatch(g -> g.topic().equals(T))), WAIT);
            assertThat(graft).as("a GRAFT for the better peer").isNotNull();
            assertThat(node.pubsub().meshPeers(T)).contains(goodId, low1.peerId(), low2.peerId());
            assertThat(node.pubsub().score(goodId)).isEqualTo(10);
        }
    }

    @Test
    void aMeshPeerThatDeliversNothingFallsBelowZeroAndIsPruned() throws Exception {
        // P3 alone: 3 mesh deliveries expected, counted once a peer has been 500 ms in the mesh; decay every 200 ms
        TopicScoreParams tp = new TopicScoreParams(1, 0, Duration.ofSeconds(1), 1, 0, 0.5, 1, -1, 0.9, 10, 3, Duration.ofMillis(50),
                Duration.ofMillis(500), -1, 0.5, 0, 0.5);
        PeerScoreParams scores = new PeerScoreParams(Map.of(T, tp), null, 0, peer -> 0, 1, -1, 10, -1, 1, 0.9,
                Duration.ofMillis(200), 0.01, Duration.ofSeconds(10));
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(GossipSubConfig.builder().params(PubSubNet.FAST)
                    .scoring(scores, PeerScoreThresholds.defaults()).build());
            PubSubNet.Node publisher = net.node();
            node.pubsub().subscribe(T);
            publisher.pubsub().subscribe(T);
            connect(publisher, node);
            RawPeer silent = new RawPeer(net).connect(node);
            silent.subscribe(T);
            silent.control(RawPeer.graft(T));
            awaitTrue("both in the node's mesh", () -> node.pubsub().meshPeers(T).containsAll(Set.of(publisher.host().peerId(), silent.peerId())));
            // the publisher keeps delivering; the silent peer delivers nothing
            PeerId pub = publisher.host().peerId();
            int[] sent = {0};
            awaitWhilePublishing(publisher, sent, "the silent peer below zero, the publisher not",
                    () -> node.pubsub().score(silent.peerId()) < 0 && node.pubsub().score(pub) >= 0);
            awaitWhilePublishing(publisher, sent, "the silent peer pruned for its score, the publisher kept",
                    () -> !node.pubsub().meshPeers(T).contains(silent.peerId()) && node.pubsub().meshPeers(T).contains(pub));
            assertThat(silent.await(control(c -> c.prune().stream().anyMatch(x -> x.topic().equals(T))), WAIT)).as("a PRUNE").isNotNull();
        }
    }

    /** Publishes from a node every 50 ms until the condition holds, for at most 15 s and 300 messages. */
    private static void awaitWhilePublishing(PubSubNet.Node publisher, int[] sent, String what, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within 15 s").isLessThan(deadline);
            assertThat(sent[0]).as(what + " within 300 messages").isLessThan(300);
            publisher.pubsub().publish(T, ("m" + sent[0]++).getBytes(StandardCharsets.UTF_8));
            Thread.sleep(50);
        }
    }

    @Test
    void aFanoutIsForgottenFanoutTTLAfterTheLastPublish() throws Exception {
        Duration ttl = Duration.ofMillis(1500);
        GossipSubConfig config = GossipSubConfig.builder().params(PubSubNet.FAST.toBuilder().fanoutTTL(ttl).build()).floodPublish(false).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node a = net.node(config);
            PubSubNet.Node b = net.node();
            Subscription sb = b.pubsub().subscribe(T);
            connect(a, b);
            awaitTrue("a knows b's topic and has its stream to b", () -> a.pubsub().topicPeers(T).contains(b.host().peerId())
                    && a.pubsub().protocol(b.host().peerId()).isPresent());
            long published = System.nanoTime();
            a.pubsub().publish(T, "through the fanout".getBytes(StandardCharsets.UTF_8));
            assertThat(a.pubsub().fanoutPeers(T)).containsExactly(b.host().peerId());
            assertThat(sb.next(WAIT)).isNotNull();
            awaitTrue("the fanout forgotten", () -> a.pubsub().fanoutPeers(T).isEmpty());
            assertThat(Duration.ofNanos(System.nanoTime() - published)).as("not before FanoutTTL").isGreaterThanOrEqualTo(ttl);
            assertThat(a.pubsub().meshPeers(T)).isEmpty();
        }
    }

    @Test
    void afterAnUnsubscribeTheNodeDoesNotGraftAgainDuringTheBackoff() throws Exception {
        Duration backoff = Duration.ofSeconds(2);
        GossipSubConfig config = GossipSubConfig.builder().params(PubSubNet.FAST.toBuilder().unsubscribeBackoff(backoff).build()).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(config);
            Subscription s = node.pubsub().subscribe(T);
            RawPeer raw = new RawPeer(net).connect(node);
            raw.subscribe(T);
            assertThat(raw.await(control(c -> c.graft().stream().anyMatch(g -> g.topic().equals(T))), WAIT)).as("grafted").isNotNull();
            long left = System.nanoTime(); // before the backoff begins, so that the time measured is never shorter than it
            s.close(); // LEAVE: a PRUNE with the unsubscribe backoff
            Rpc prune = raw.await(control(c -> c.prune().stream().anyMatch(x -> x.topic().equals(T))), WAIT);
            assertThat(prune).isNotNull();
            assertThat(prune.control().get().prune().get(0).backoffSeconds()).contains(backoff.toSeconds());
            node.pubsub().subscribe(T); // JOIN at once: the raw peer is the only topic peer, but in backoff
            Rpc graft = raw.await(control(c -> c.graft().stream().anyMatch(g -> g.topic().equals(T))), WAIT);
            assertThat(graft).as("grafted again once the backoff is over").isNotNull();
            assertThat(Duration.ofNanos(System.nanoTime() - left)).as("not during the backoff").isGreaterThanOrEqualTo(backoff);
        }
    }
}
