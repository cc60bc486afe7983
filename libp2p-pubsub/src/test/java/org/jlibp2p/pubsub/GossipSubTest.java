package org.jlibp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jlibp2p.pubsub.PubSubNet.awaitTrue;
import static org.jlibp2p.pubsub.PubSubNet.connect;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jlibp2p.core.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Gossipsub between whole hosts over the in-memory transport: delivery, meshes, versions, events. */
@Timeout(60)
class GossipSubTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aLineOfThreeDeliversBothWaysThroughTheMiddle() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node a = net.node();
            PubSubNet.Node b = net.node();
            PubSubNet.Node c = net.node();
            Subscription sa = a.pubsub().subscribe("t");
            Subscription sb = b.pubsub().subscribe("t");
            Subscription sc = c.pubsub().subscribe("t");
            connect(a, b);
            connect(b, c);
            awaitTrue("meshes formed", () -> a.pubsub().meshPeers("t").contains(b.host().peerId())
                    && c.pubsub().meshPeers("t").contains(b.host().peerId()) && b.pubsub().meshPeers("t").size() == 2);

            MessageId id = a.pubsub().publish("t", "from a".getBytes(StandardCharsets.UTF_8));
            ReceivedMessage atC = sc.next(WAIT);
            assertThat(atC).isNotNull();
            assertThat(new String(atC.data(), StandardCharsets.UTF_8)).isEqualTo("from a");
            assertThat(atC.from()).contains(a.host().peerId());
            assertThat(atC.receivedFrom()).isEqualTo(b.host().peerId()); // forwarded by the middle node
            assertThat(atC.id()).isEqualTo(id);
            assertThat(sb.next(WAIT).receivedFrom()).isEqualTo(a.host().peerId());
            assertThat(sa.next(WAIT).receivedFrom()).as("our own message, delivered to us as go does").isEqualTo(a.host().peerId());

            c.pubsub().publish("t", "from c".getBytes(StandardCharsets.UTF_8));
            ReceivedMessage atA = nextOther(sa, c.host().peerId());
            assertThat(new String(atA.data(), StandardCharsets.UTF_8)).isEqualTo("from c");
            assertThat(sa.next(Duration.ofMillis(300))).as("no duplicate").isNull();
            assertThat(a.pubsub().protocol(b.host().peerId())).contains(GossipSub.MESHSUB_1_2);
        }
    }

    private static ReceivedMessage nextOther(Subscription s, PeerId publisher) throws InterruptedException {
        ReceivedMessage m;
        do {
            m = s.next(WAIT);
            assertThat(m).isNotNull();
        } while (!m.from().orElseThrow().equals(publisher));
        return m;
    }

    @Test
    void aSmallMeshDeliversEveryMessageToEveryNodeOnce() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            int n = 12;
            List<PubSubNet.Node> nodes = new ArrayList<>();
            List<Subscription> subs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                PubSubNet.Node node = net.node();
                nodes.add(node);
                subs.add(node.pubsub().subscribe("mesh"));
            }
            Random random = new Random(7);
            for (int i = 1; i < n; i++) {
                connect(nodes.get(i), nodes.get(random.nextInt(i))); // a random tree, then more links
                connect(nodes.get(i), nodes.get((i + 5) % n == i ? 0 : (i + 5) % n));
            }
            awaitTrue("every mesh has a peer", () -> nodes.stream().allMatch(x -> !x.pubsub().meshPeers("mesh").isEmpty()));
            for (int k = 0; k < 10; k++) {
                nodes.get(k % n).pubsub().publish("mesh", ("m" + k).getBytes(StandardCharsets.UTF_8));
            }
            for (Subscription s : subs) {
                List<String> got = new ArrayList<>();
                for (int k = 0; k < 10; k++) {
                    ReceivedMessage m = s.next(WAIT);
                    assertThat(m).as("message %d of 10", k + 1).isNotNull();
                    got.add(new String(m.data(), StandardCharsets.UTF_8));
                }
                assertThat(got).containsExactlyInAnyOrder("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
                assertThat(s.next(Duration.ofMillis(100))).isNull();
            }
            for (PubSubNet.Node x : nodes) {
                assertThat(x.pubsub().meshPeers("mesh").size()).isLessThanOrEqualTo(PubSubNet.FAST.dhi());
            }
        }
    }

    @Test
    void joinAndLeaveEventsFollowSubscriptions() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node a = net.node();
            PubSubNet.Node b = net.node();
            List<PubSubEvent> events = new CopyOnWriteArrayList<>();
            a.pubsub().onPeerEvent(events::add);
            a.pubsub().subscribe("t");
            connect(a, b);
            Subscription sb = b.pubsub().subscribe("t");
            awaitTrue("b joined", () -> events.contains(new PubSubEvent.PeerJoined("t", b.host().peerId())));
            assertThat(a.pubsub().topicPeers("t")).containsExactly(b.host().peerId());
            sb.close();
            awaitTrue("b left", () -> events.contains(new PubSubEvent.PeerLeft("t", b.host().peerId())));
            assertThat(a.pubsub().topicPeers("t")).isEmpty();
            assertThat(a.pubsub().meshPeers("t")).isEmpty();
        }
    }

    @Test
    void aSubscriptionHandlerGetsTheMessages() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node a = net.node();
            PubSubNet.Node b = net.node();
            List<String> got = new CopyOnWriteArrayList<>();
            b.pubsub().subscribe("t", m -> got.add(new String(m.data(), StandardCharsets.UTF_8)));
            a.pubsub().subscribe("t");
            connect(a, b);
            awaitTrue("mesh", () -> a.pubsub().meshPeers("t").contains(b.host().peerId()));
            a.pubsub().publish("t", "one".getBytes(StandardCharsets.UTF_8));
            a.pubsub().publish("t", "two".getBytes(StandardCharsets.UTF_8));
            awaitTrue("two messages", () -> got.size() == 2);
            assertThat(got).containsExactly("one", "two");
        }
    }

    @Test
    void publishingWithoutSubscribingGoesThroughTheFanout() throws Exception {
        GossipSubConfig noFlood = GossipSubConfig.builder().params(PubSubNet.FAST).floodPublish(false).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node a = net.node(noFlood);
            PubSubNet.Node b = net.node();
            Subscription sb = b.pubsub().subscribe("t");
            connect(a, b);
            // b's subscription can reach a before a's own stream to b is open; a fanout is chosen
            // among the peers a can send to, as in go
            awaitTrue("a knows b's topic and has its stream to b", () -> a.pubsub().topicPeers("t").contains(b.host().peerId())
                    && a.pubsub().protocol(b.host().peerId()).isPresent());
            a.pubsub().publish("t", "fanout".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(sb.next(WAIT).data(), StandardCharsets.UTF_8)).isEqualTo("fanout");
            assertThat(a.pubsub().meshPeers("t")).isEmpty();
        }
    }

    @Test
    void versionsAreAgreedPerPeerAndFloodsubPeersGetEveryMessage() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node modern = net.node();
            PubSubNet.Node v10 = net.node(GossipSubConfig.builder().params(PubSubNet.FAST).protocols(List.of(GossipSub.MESHSUB_1_0)).build());
            PubSubNet.Node flood = net.node(GossipSubConfig.builder().params(PubSubNet.FAST).protocols(List.of(GossipSub.FLOODSUB)).build());
            Subscription s10 = v10.pubsub().subscribe("t");
            Subscription sf = flood.pubsub().subscribe("t");
            modern.pubsub().subscribe("t");
            connect(modern, v10);
            connect(modern, flood);
            awaitTrue("both peers known, each stream open", () -> modern.pubsub().topicPeers("t").size() == 2 && modern.pubsub().peers().size() == 2
                    && v10.pubsub().protocol(modern.host().peerId()).isPresent() && flood.pubsub().protocol(modern.host().peerId()).isPresent());
            assertThat(modern.pubsub().protocol(v10.host().peerId())).contains(GossipSub.MESHSUB_1_0);
            assertThat(modern.pubsub().protocol(flood.host().peerId())).contains(GossipSub.FLOODSUB);
            assertThat(flood.pubsub().protocol(modern.host().peerId())).contains(GossipSub.FLOODSUB);
            awaitTrue("v1.0 peer in the mesh", () -> modern.pubsub().meshPeers("t").contains(v10.host().peerId()));
            assertThat(modern.pubsub().meshPeers("t")).doesNotContain(flood.host().peerId());
            v10.pubsub().publish("t", "hi".getBytes(StandardCharsets.UTF_8));
            ReceivedMessage m = sf.next(WAIT);
            assertThat(m).isNotNull();
            assertThat(m.from()).contains(v10.host().peerId());
            assertThat(s10.next(WAIT).from()).contains(v10.host().peerId());
        }
    }

    @Test
    void directPeersGetEveryMessageStayOutOfTheMeshAndAreDialedByTheNode() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node friend = net.node();
            Subscription sf = friend.pubsub().subscribe("t");
            GossipSubConfig withFriend = GossipSubConfig.builder().params(PubSubNet.FAST).floodPublish(false)
                    .directPeers(List.of(friend.addr())).build();
            PubSubNet.Node node = net.node(withFriend); // never told to connect: the heartbeat dials its direct peer
            PubSubNet.Node other = net.node();
            node.pubsub().subscribe("t");
            other.pubsub().subscribe("t");
            connect(other, node);
            awaitTrue("the direct peer dialed and known", () -> node.pubsub().topicPeers("t").contains(friend.host().peerId())
                    && node.pubsub().meshPeers("t").contains(other.host().peerId()));
            Thread.sleep(300); // a few heartbeats: the direct peer must never be grafted
            assertThat(node.pubsub().meshPeers("t")).doesNotContain(friend.host().peerId());
            node.pubsub().publish("t", "to my friend".getBytes(StandardCharsets.UTF_8));
            ReceivedMessage m = sf.next(WAIT);
            assertThat(m).as("sent to the direct peer although flood publishing is off and it is not in the mesh").isNotNull();
            assertThat(m.receivedFrom()).isEqualTo(node.host().peerId());
        }
    }
}
