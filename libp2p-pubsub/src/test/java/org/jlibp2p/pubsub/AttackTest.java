package org.jlibp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jlibp2p.pubsub.PubSubNet.awaitTrue;
import static org.jlibp2p.pubsub.PubSubNet.connect;
import static org.jlibp2p.pubsub.RawPeer.control;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.codec.Varint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peers that attack a node: each attack is bounded, logged by the limit it hits, costs the attacker
 * score where the spec says so, and good peers keep getting their messages.
 */
@Timeout(60)
class AttackTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String T = "t";
    private static final GossipSubParams QUIET = GossipSubParams.builder().heartbeatInterval(Duration.ofSeconds(30))
            .heartbeatInitialDelay(Duration.ofSeconds(30)).build();

    /** A node and a good peer in one mesh; the good peer's subscription to T. */
    private record Victim(PubSubNet.Node node, PubSubNet.Node good, Subscription goodSub) {
        void stillDelivers(String text) throws InterruptedException {
            node.pubsub().publish(T, text.getBytes(StandardCharsets.UTF_8));
            ReceivedMessage m;
            do {
                m = goodSub.next(WAIT);
                assertThat(m).as("the good peer still gets " + text).isNotNull();
            } while (!new String(m.data(), StandardCharsets.UTF_8).equals(text));
        }
    }

    private static Victim victim(PubSubNet net, GossipSubConfig config) throws Exception {
        PubSubNet.Node node = net.node(config);
        PubSubNet.Node good = net.node();
        node.pubsub().subscribe(T);
        Subscription s = good.pubsub().subscribe(T);
        connect(good, node);
        awaitTrue("the good peer is in the node's mesh", () -> node.pubsub().meshPeers(T).contains(good.host().peerId()));
        return new Victim(node, good, s);
    }

    @Test
    void anOversizedRpcEndsItsStreamBeforeItsBodyIsRead() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            Victim v = victim(net, GossipSubConfig.builder().params(PubSubNet.FAST).build());
            RawPeer raw = new RawPeer(net).connect(v.node());
            int max = v.node().pubsub().config().maxRpcSize();
            raw.send(new Rpc(List.of(), List.of(), Optional.empty())); // an empty RPC: the stream works
            byte[] prefix = Varint.encode(max + 1); // then announce one byte more than allowed, and send no body
            raw.stream().out().write(prefix);
            raw.stream().out().flush();
            awaitTrue("refused by maxRpcSize", () -> v.node().pubsub().stats().getOrDefault("refused.maxRpcSize", 0L) == 1);
            v.stillDelivers("after the oversized RPC");
        }
    }

    @Test
    void thousandsOfTopicsAreCappedPerPeerAndPerRpc() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            GossipSubConfig config = GossipSubConfig.builder().params(PubSubNet.FAST).maxTopicsPerPeer(300).maxSubscriptionsPerRpc(200).build();
            Victim v = victim(net, config);
            RawPeer raw = new RawPeer(net).connect(v.node());
            List<String> topics = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                topics.add("spam-" + i);
            }
            for (int i = 0; i < 5000; i += 500) {
                raw.subscribe(topics.subList(i, i + 500).toArray(String[]::new));
            }
            awaitTrue("10 RPCs cut at 200 subscriptions each", () -> v.node().pubsub().stats().getOrDefault("refused.maxSubscriptionsPerRpc", 0L) == 10);
            long known = topics.stream().filter(t -> v.node().pubsub().topicPeers(t).contains(raw.peerId())).count();
            assertThat(known).isEqualTo(300);
            assertThat(v.node().pubsub().stats().get("refused.maxTopicsPerPeer")).isEqualTo(10 * 200 - 300);
            v.stillDelivers("after the topic flood");
        }
    }

    @Test
    void anIHaveFloodIsBoundedPerHeartbeatAndBrokenPromisesCostScore() throws Exception {
        // no heartbeat for 3 s, so that the whole flood falls in one heartbeat; the promises, due after 300 ms, are
        // found broken at the first heartbeat
        GossipSubParams p = QUIET.toBuilder().heartbeatInterval(Duration.ofSeconds(1)).heartbeatInitialDelay(Duration.ofSeconds(3))
                .iWantFollowupTime(Duration.ofMillis(300)).build();
        GossipSubConfig config = GossipSubConfig.builder().params(p).scoring(PeerScoreParams.defaults(), PeerScoreThresholds.defaults()).build();
        try (PubSubNet net = new PubSubNet()) {
            Victim v = victim(net, config);
            RawPeer raw = new RawPeer(net).connect(v.node());
            raw.subscribe(T);
            awaitTrue("ready", () -> v.node().pubsub().protocol(raw.peerId()).isPresent());
            for (int i = 0; i < 50; i++) {
                List<MessageId> ids = new ArrayList<>();
                for (int k = 0; k < 200; k++) {
                    ids.add(MessageId.of(("fake-" + i + "-" + k).getBytes(StandardCharsets.UTF_8)));
                }
                raw.control(RawPeer.ihave(T, ids));
            }
            int iwants = 0;
            int asked = 0;
            Rpc r;
            while ((r = raw.await(control(c -> !c.iwant().isEmpty()), Duration.ofMillis(300))) != null) {
                iwants++;
                asked += r.control().get().iwant().get(0).ids().size();
            }
            // fifty IHAVEs within the first heartbeat: MaxIHaveMessages (10) answered, at most MaxIHaveLength ids asked for
            assertThat(iwants).isLessThanOrEqualTo(p.maxIHaveMessages());
            assertThat(asked).isLessThanOrEqualTo(p.maxIHaveLength());
            awaitTrue("the IHAVEs past MaxIHaveMessages refused",
                    () -> v.node().pubsub().stats().getOrDefault("refused.maxIHaveMessages", 0L) == 50 - p.maxIHaveMessages());
            awaitTrue("promises broken, P7 below zero", () -> v.node().pubsub().score(raw.peerId()) < 0);
            v.stillDelivers("after the IHAVE flood");
        }
    }

    @Test
    void aHugeIWantIsCutAtMaxIHaveLength() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            Victim v = victim(net, GossipSubConfig.builder().params(PubSubNet.FAST).build());
            RawPeer raw = new RawPeer(net).connect(v.node());
            List<MessageId> ids = new ArrayList<>();
            for (int k = 0; k < 20_000; k++) {
                ids.add(MessageId.of(new byte[] {(byte) k, (byte) (k >> 8)}));
            }
            raw.control(RawPeer.iwant(ids));
            awaitTrue("cut", () -> v.node().pubsub().stats().getOrDefault("refused.maxIWantLength", 0L) == 1);
            v.stillDelivers("after the IWANT flood");
        }
    }

    @Test
    void graftsForTopicsWeAreNotInAreIgnoredWithoutAnswer() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            Victim v = victim(net, GossipSubConfig.builder().params(QUIET).build());
            RawPeer raw = new RawPeer(net).connect(v.node());
            awaitTrue("ready", () -> v.node().pubsub().protocol(raw.peerId()).isPresent());
            List<Rpc.Graft> grafts = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                grafts.add(new Rpc.Graft("not-ours-" + i));
            }
            raw.control(new Rpc.Control(List.of(), List.of(), grafts, List.of(), List.of()));
            raw.control(RawPeer.graft(T)); // not subscribed to T either, in the node's view: an inbound GRAFT it may accept
            assertThat(raw.await(control(c -> !c.prune().isEmpty()), Duration.ofMillis(500))).as("no PRUNE, no peers leaked").isNull();
            assertThat(v.node().pubsub().topics()).containsExactly(T);
        }
    }

    @Test
    void aPeerThatNeverReadsCostsABoundedQueueAndDelaysNobody() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            GossipSubConfig config = GossipSubConfig.builder().params(PubSubNet.FAST).maxMessageSize(4096).maxRpcSize(8192)
                    .outboundQueueLength(64).outboundQueueBytes(256 * 1024).build();
            Victim v = victim(net, config);
            RawPeer sink = new RawPeer(net, GossipSub.MESHSUB_1_2, false).connect(v.node());
            sink.subscribe(T);
            awaitTrue("the sink is a topic peer", () -> v.node().pubsub().topicPeers(T).contains(sink.peerId()));
            int n = 2048;
            int got = 0;
            for (int i = 0; i < n; i += 32) {
                for (int k = 0; k < 32; k++) {
                    v.node().pubsub().publish(T, new byte[1024]); // flood publish: to the sink too
                }
                for (int k = 0; k < 32 && v.goodSub().next(WAIT) != null; k++) {
                    got++; // in bursts of half the queue, so that only a peer that stops reading overflows its queue
                }
            }
            assertThat(got).as("every message reached the good peer").isEqualTo(n);
            // the sink's queue filled (past the 256 KiB Yamux window and the 64 RPCs queued) and dropped the rest; on a slow
            // run Yamux's 10 s write timeout may end the sink's stream first, after which nothing more is queued for it
            assertThat(v.node().pubsub().stats().getOrDefault("refused.outboundQueue.message", 0L)).as("the sink's queue overflowed")
                    .isPositive();
        }
    }

    @Test
    void invalidMessagesGraylistTheirSenderAndNothingItSendsIsForwarded() throws Exception {
        GossipSubConfig config = GossipSubConfig.builder().params(PubSubNet.FAST)
                .scoring(PeerScoreParams.defaults(), PeerScoreThresholds.defaults()).build();
        try (PubSubNet net = new PubSubNet()) {
            Victim v = victim(net, config);
            v.node().pubsub().setValidator(T, (from, m) -> new String(m.payload(), StandardCharsets.UTF_8).startsWith("bad")
                    ? ValidationResult.REJECT : ValidationResult.ACCEPT);
            RawPeer raw = new RawPeer(net).connect(v.node());
            raw.subscribe(T);
            awaitTrue("ready", () -> v.node().pubsub().protocol(raw.peerId()).isPresent());
            raw.send(Rpc.ofMessages(List.of(raw.signed(T, "good 1".getBytes(StandardCharsets.UTF_8)))));
            assertThat(new String(v.goodSub().next(WAIT).data(), StandardCharsets.UTF_8)).isEqualTo("good 1");
            for (int i = 0; i < 3; i++) {
                raw.send(Rpc.ofMessages(List.of(raw.signed(T, ("bad " + i).getBytes(StandardCharsets.UTF_8)))));
            }
            // P4: -20 x 3^2 = -180 (decaying slowly), below the graylist threshold of -80
            awaitTrue("graylisted", () -> v.node().pubsub().score(raw.peerId()) < PeerScoreThresholds.defaults().graylistThreshold());
            raw.send(Rpc.ofMessages(List.of(raw.signed(T, "good 2".getBytes(StandardCharsets.UTF_8)))));
            awaitTrue("ignored whole", () -> v.node().pubsub().stats().getOrDefault("refused.graylist", 0L) >= 1);
            assertThat(v.goodSub().next(Duration.ofMillis(500))).as("nothing from the graylisted peer is forwarded").isNull();
            v.stillDelivers("after the invalid messages");
        }
    }
}
