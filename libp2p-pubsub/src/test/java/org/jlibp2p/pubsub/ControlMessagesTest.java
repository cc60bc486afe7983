package org.jlibp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jlibp2p.pubsub.PubSubNet.awaitTrue;
import static org.jlibp2p.pubsub.RawPeer.control;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.record.PeerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What each control message makes a node do (gossipsub-v1.0.md "Control Messages", v1.1 "PRUNE
 * Backoff and Peer Exchange", v1.2 "IDONTWANT"), seen from a peer that speaks the wire by hand.
 */
@Timeout(60)
class ControlMessagesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String T = "topic";

    /** A node subscribed to T and a raw peer subscribed to T, connected, with the node's stream to the raw peer open. */
    private static RawPeer joined(PubSubNet net, PubSubNet.Node node) throws Exception {
        node.pubsub().subscribe(T);
        RawPeer raw = new RawPeer(net).connect(node);
        raw.subscribe(T);
        awaitTrue("the node knows the raw peer's topic", () -> node.pubsub().topicPeers(T).contains(raw.peerId())
                && node.pubsub().protocol(raw.peerId()).isPresent());
        return raw;
    }

    @Test
    void graftAddsThePeerToTheMeshAndPruneTakesItOut() throws Exception {
        GossipSubConfig slow = GossipSubConfig.builder().params(GossipSubParams.builder().heartbeatInterval(Duration.ofSeconds(30)).heartbeatInitialDelay(Duration.ofSeconds(30)).build()).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(slow); // no heartbeat during any of these tests: only control messages move the mesh
            RawPeer raw = joined(net, node);
            raw.control(RawPeer.graft(T));
            awaitTrue("in the mesh", () -> node.pubsub().meshPeers(T).contains(raw.peerId()));
            raw.control(RawPeer.prune(T, 60));
            awaitTrue("out of the mesh", () -> !node.pubsub().meshPeers(T).contains(raw.peerId()));
        }
    }

    @Test
    void aGraftDuringBackoffIsPrunedAndCostsScore() throws Exception {
        GossipSubConfig scored = GossipSubConfig.builder().params(GossipSubParams.builder().heartbeatInterval(Duration.ofSeconds(30)).heartbeatInitialDelay(Duration.ofSeconds(30)).build())
                .scoring(PeerScoreParams.defaults(), PeerScoreThresholds.defaults()).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(scored);
            RawPeer raw = joined(net, node);
            raw.control(RawPeer.graft(T));
            awaitTrue("in the mesh", () -> node.pubsub().meshPeers(T).contains(raw.peerId()));
            raw.control(RawPeer.prune(T, 60)); // a PRUNE puts both sides in a 60 s backoff for the topic
            awaitTrue("out of the mesh", () -> !node.pubsub().meshPeers(T).contains(raw.peerId()));
            raw.received.clear();
            for (int i = 0; i < 3; i++) {
                raw.control(RawPeer.graft(T));
            }
            Rpc prune = raw.await(control(c -> c.prune().stream().anyMatch(p -> p.topic().equals(T))), WAIT);
            assertThat(prune).as("the node answers a GRAFT in backoff with a PRUNE").isNotNull();
            assertThat(prune.control().get().prune().get(0).backoffSeconds()).contains(60L);
            assertThat(node.pubsub().meshPeers(T)).doesNotContain(raw.peerId());
            // P7 counts each GRAFT in backoff twice within GraftFloodThreshold: penalties 2, then 4, so -10 x (4 - 1)^2 = -90
            // after the second, below the graylist threshold (-80): the third RPC is ignored whole
            awaitTrue("graylisted", () -> node.pubsub().stats().getOrDefault("refused.graylist", 0L) == 1);
            assertThat(node.pubsub().stats().get("refused.graftBackoff")).isEqualTo(2);
            assertThat(node.pubsub().meshPeers(T)).doesNotContain(raw.peerId());
            assertThat(node.pubsub().score(raw.peerId())).isLessThan(PeerScoreThresholds.defaults().graylistThreshold());
        }
    }

    @Test
    void ihaveOfAnUnseenMessageGetsAnIWant() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node();
            RawPeer raw = joined(net, node);
            MessageId unseen = MessageId.of("an id the node never saw".getBytes(StandardCharsets.UTF_8));
            raw.control(RawPeer.ihave(T, List.of(unseen)));
            Rpc iwant = raw.await(control(c -> !c.iwant().isEmpty()), WAIT);
            assertThat(iwant).isNotNull();
            assertThat(iwant.control().get().iwant().get(0).ids()).containsExactly(unseen);
            // an IHAVE of a topic the node is not in asks for nothing
            raw.control(RawPeer.ihave("elsewhere", List.of(MessageId.of(new byte[] {1}))));
            assertThat(raw.await(control(c -> !c.iwant().isEmpty()), Duration.ofMillis(500))).isNull();
        }
    }

    @Test
    void iwantGetsTheMessageFromTheCacheAtMostGossipRetransmissionTimes() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node();
            node.pubsub().subscribe(T);
            RawPeer raw = new RawPeer(net).connect(node); // not subscribed: nothing is pushed to it
            awaitTrue("ready", () -> node.pubsub().protocol(raw.peerId()).isPresent());
            MessageId id = node.pubsub().publish(T, "cached".getBytes(StandardCharsets.UTF_8));
            assertThat(raw.await(r -> !r.publish().isEmpty(), Duration.ofMillis(300))).isNull();
            for (int i = 0; i < 5; i++) {
                raw.control(RawPeer.iwant(List.of(id)));
            }
            java.util.function.Predicate<Rpc> cached = r -> !r.publish().isEmpty()
                    && new String(r.publish().get(0).payload(), StandardCharsets.UTF_8).equals("cached");
            int retransmission = GossipSubParams.defaults().gossipRetransmission();
            for (int i = 0; i < retransmission; i++) {
                assertThat(raw.await(cached, WAIT)).as("copy %d of %d", i + 1, retransmission).isNotNull();
            }
            // the five IWANTs were written before the first copy came back, and each is answered in turn: no more copies
            raw.control(RawPeer.ihave(T, List.of(MessageId.of("marks the end".getBytes(StandardCharsets.UTF_8)))));
            Rpc next = raw.await(r -> cached.test(r) || r.control().map(c -> !c.iwant().isEmpty()).orElse(false), WAIT);
            assertThat(next).as("the IWANT for the marker comes before any further copy").isNotNull();
            assertThat(cached.test(next)).as("a copy past GossipRetransmission").isFalse();
        }
    }

    @Test
    void idontwantKeepsAForwardedMessageAway() throws Exception {
        GossipSubConfig slow = GossipSubConfig.builder().params(GossipSubParams.builder().heartbeatInterval(Duration.ofSeconds(30)).heartbeatInitialDelay(Duration.ofSeconds(30)).build()).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(slow);
            RawPeer quiet = joined(net, node);
            RawPeer other = new RawPeer(net).connect(node);
            other.subscribe(T);
            RawPeer publisher = new RawPeer(net).connect(node);
            awaitTrue("ready", () -> node.pubsub().protocol(other.peerId()).isPresent() && node.pubsub().protocol(publisher.peerId()).isPresent());
            quiet.control(RawPeer.graft(T));
            other.control(RawPeer.graft(T));
            awaitTrue("both in the mesh", () -> node.pubsub().meshPeers(T).containsAll(List.of(quiet.peerId(), other.peerId())));
            Message m = publisher.signed(T, "not for quiet".getBytes(StandardCharsets.UTF_8));
            // the IDONTWANT goes with an IHAVE of an unseen id, in one RPC: the node handles both before it answers the
            // IHAVE with an IWANT, so once the IWANT is back the IDONTWANT is known, before the message comes in on another stream
            MessageId unseen = MessageId.of("an id the node never saw".getBytes(StandardCharsets.UTF_8));
            quiet.control(new Rpc.Control(List.of(new Rpc.IHave(T, List.of(unseen))), List.of(), List.of(), List.of(),
                    List.of(new Rpc.IDontWant(List.of(MessageIdFunction.FROM_AND_SEQNO.apply(m))))));
            assertThat(quiet.await(control(c -> !c.iwant().isEmpty()), WAIT)).as("the IWANT that follows the IDONTWANT").isNotNull();
            publisher.send(Rpc.ofMessages(List.of(m)));
            assertThat(other.await(r -> r.publish().contains(m), WAIT)).as("forwarded to the other mesh peer").isNotNull();
            assertThat(quiet.await(r -> r.publish().contains(m), Duration.ofMillis(500))).as("not to the peer that said IDONTWANT").isNull();
        }
    }

    @Test
    void aLargeMessageMakesTheNodeSendIDontWantToItsMesh() throws Exception {
        GossipSubConfig slow = GossipSubConfig.builder().params(GossipSubParams.builder().heartbeatInterval(Duration.ofSeconds(30)).heartbeatInitialDelay(Duration.ofSeconds(30)).build()).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(slow);
            RawPeer meshPeer = joined(net, node);
            meshPeer.control(RawPeer.graft(T));
            RawPeer publisher = new RawPeer(net).connect(node);
            awaitTrue("ready", () -> node.pubsub().meshPeers(T).contains(meshPeer.peerId()));
            Message big = publisher.signed(T, new byte[2048]);
            Message small = publisher.signed(T, new byte[100]);
            publisher.send(Rpc.ofMessages(List.of(small, big)));
            Rpc idw = meshPeer.await(control(c -> !c.idontwant().isEmpty()), WAIT);
            assertThat(idw).isNotNull();
            assertThat(idw.control().get().idontwant().get(0).ids()).containsExactly(MessageIdFunction.FROM_AND_SEQNO.apply(big));
        }
    }

    @Test
    void pruneWithPeerExchangeOffersTopicPeersToV11Peers() throws Exception {
        GossipSubParams p = GossipSubParams.builder().heartbeatInterval(Duration.ofSeconds(30)).heartbeatInitialDelay(Duration.ofSeconds(30)).d(2).dlo(1).dhi(2).dout(0).dscore(1).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(GossipSubConfig.builder().params(p).build());
            RawPeer a = joined(net, node);
            RawPeer b = new RawPeer(net).connect(node);
            b.subscribe(T);
            RawPeer c = new RawPeer(net).connect(node);
            c.subscribe(T);
            awaitTrue("ready", () -> node.pubsub().topicPeers(T).size() == 3 && node.pubsub().peers().size() == 3);
            a.control(RawPeer.graft(T));
            b.control(RawPeer.graft(T));
            awaitTrue("mesh full at Dhi", () -> node.pubsub().meshPeers(T).size() == 2);
            c.control(RawPeer.graft(T)); // an inbound peer past Dhi is pruned, with peers to try instead
            Rpc prune = c.await(control(x -> !x.prune().isEmpty()), WAIT);
            assertThat(prune).isNotNull();
            Rpc.Prune pr = prune.control().get().prune().get(0);
            assertThat(pr.backoffSeconds()).contains(60L);
            assertThat(pr.peers()).extracting(i -> org.jlibp2p.core.PeerId.fromBytes(i.peerId()))
                    .isNotEmpty().isSubsetOf(a.peerId(), b.peerId());
        }
    }

    @Test
    void peerExchangeCarriesTheSignedPeerRecordsOfTheOfferedPeers() throws Exception {
        GossipSubParams p = GossipSubParams.builder().heartbeatInterval(Duration.ofSeconds(30)).heartbeatInitialDelay(Duration.ofSeconds(30))
                .d(2).dlo(1).dhi(2).dout(0).dscore(1).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(GossipSubConfig.builder().params(p).build());
            node.pubsub().subscribe(T);
            PubSubNet.Node a = net.node();
            PubSubNet.Node b = net.node();
            for (PubSubNet.Node x : List.of(a, b)) {
                x.pubsub().subscribe(T);
                PubSubNet.connect(x, node); // each grafts the node at its next heartbeat: the node's mesh is full at Dhi
            }
            awaitTrue("a and b in the node's mesh, their records known, the node's streams to them open", () -> node.pubsub().meshPeers(T).size() == 2
                    && node.pubsub().hasSignedPeerRecord(a.host().peerId()) && node.pubsub().hasSignedPeerRecord(b.host().peerId())
                    && node.pubsub().protocol(a.host().peerId()).isPresent() && node.pubsub().protocol(b.host().peerId()).isPresent());
            RawPeer c = new RawPeer(net).connect(node);
            c.subscribe(T);
            awaitTrue("ready", () -> node.pubsub().topicPeers(T).contains(c.peerId()) && node.pubsub().protocol(c.peerId()).isPresent());
            c.control(RawPeer.graft(T)); // inbound, past Dhi: pruned, with a and b to try instead
            Rpc prune = c.await(control(x -> !x.prune().isEmpty()), WAIT);
            assertThat(prune).isNotNull();
            List<Rpc.PeerInfo> offered = prune.control().get().prune().get(0).peers();
            assertThat(offered).hasSize(2);
            for (Rpc.PeerInfo info : offered) {
                PeerId id = PeerId.fromBytes(info.peerId());
                PubSubNet.Node x = id.equals(a.host().peerId()) ? a : b;
                assertThat(id).isEqualTo(x.host().peerId());
                assertThat(info.signedPeerRecord()).as("the record of " + id).isNotNull();
                PeerRecord record = PeerRecord.open(info.signedPeerRecord()); // throws unless signed by the record's peer
                assertThat(record.peerId()).isEqualTo(id);
                assertThat(record.addrs()).isNotEmpty().containsExactlyInAnyOrderElementsOf(x.host().advertisedAddrs());
            }
        }
    }

    @Test
    void aPeerExchangeRecordSignedByAnotherKeyIsIgnored() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(GossipSubConfig.builder().params(GossipSubParams.builder().heartbeatInterval(Duration.ofSeconds(30))
                    .heartbeatInitialDelay(Duration.ofSeconds(30)).build()).build());
            RawPeer raw = joined(net, node);
            PubSubNet.Node offered = net.node(); // the node has never heard of it
            PubSubNet.Node honest = net.node();
            PrivateKey stranger = PrivateKey.generate(KeyType.ED25519);
            // a record that names the offered peer's id and addresses but is signed by another key; and one about the signer
            // itself, offered under the offered peer's id
            byte[] forged = signedWithoutCheck(stranger, new PeerRecord(offered.host().peerId(), 1, offered.host().advertisedAddrs()));
            byte[] aboutAnother = new PeerRecord(PeerId.fromPublicKey(stranger.publicKey()), 1, offered.host().advertisedAddrs())
                    .seal(stranger).marshal();
            byte[] good = new PeerRecord(honest.host().peerId(), 1, honest.host().advertisedAddrs()).seal(honest.host().identity()).marshal();
            raw.control(RawPeer.graft(T));
            awaitTrue("in the mesh", () -> node.pubsub().meshPeers(T).contains(raw.peerId()));
            raw.control(new Rpc.Control(List.of(), List.of(), List.of(), List.of(new Rpc.Prune(T, List.of(
                    new Rpc.PeerInfo(offered.host().peerId().bytes(), forged),
                    new Rpc.PeerInfo(offered.host().peerId().bytes(), aboutAnother),
                    new Rpc.PeerInfo(honest.host().peerId().bytes(), good)), Optional.of(60L))), List.of()));
            awaitTrue("the honest peer, reached at its record's address", () -> !node.host().connections(honest.host().peerId()).isEmpty());
            awaitTrue("both bad records refused", () -> node.pubsub().stats().getOrDefault("refused.pxPeerRecord", 0L) == 2);
            assertThat(node.host().peerstore().addrs(offered.host().peerId())).as("nothing learnt from the bad records").isEmpty();
            assertThat(node.host().connections(offered.host().peerId())).isEmpty();
        }
    }

    /** Seals a record with any key, as a forger would: {@link PeerRecord#seal} refuses a key that is not the record's peer's. */
    private static byte[] signedWithoutCheck(PrivateKey key, PeerRecord record) {
        return org.jlibp2p.core.record.Envelope.seal(key, PeerRecord.DOMAIN, PeerRecord.payloadType(), record.encode()).marshal();
    }

    @Test
    void aPeerThatResetsOurStreamGetsANewOneWithoutSpeakingAgain() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node();
            Subscription own = node.pubsub().subscribe(T);
            RawPeer raw = new RawPeer(net);
            raw.resetStreams.set(2); // the node's first two streams to it are reset at once, before anything is read
            raw.connect(node);
            raw.subscribe(T); // the last thing the raw peer ever says
            java.util.function.Predicate<Rpc> hello = r -> r.subscriptions().contains(new Rpc.SubOpts(true, T));
            // the node sees each reset (it watches its stream, as go does) and opens a new stream after a backoff
            Rpc got = raw.await(hello, WAIT);
            assertThat(got).as("the node's subscriptions, on its third stream; stats " + node.pubsub().stats()).isNotNull();
            assertThat(raw.resetStreams.get()).as("both earlier streams were reset").isZero();
            awaitTrue("known with its topic, its stream open", () -> node.pubsub().topicPeers(T).contains(raw.peerId())
                    && node.pubsub().protocol(raw.peerId()).isPresent());
            assertThat(node.pubsub().stats()).doesNotContainKey("refused.maxStreamAttempts");
            // and the new stream carries messages: flood publishing sends ours to every topic peer
            node.pubsub().publish(T, "over the new stream".getBytes(StandardCharsets.UTF_8));
            assertThat(raw.await(r -> r.publish().stream().anyMatch(m -> new String(m.payload(), StandardCharsets.UTF_8)
                    .equals("over the new stream")), WAIT)).isNotNull();
            assertThat(own.next(WAIT)).isNotNull();
        }
    }

    @Test
    void aPeerThatResetsEveryStreamIsDroppedAfterMaxStreamAttempts() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node();
            node.pubsub().subscribe(T);
            RawPeer raw = new RawPeer(net);
            raw.resetStreams.set(1_000);
            raw.connect(node);
            raw.subscribe(T);
            // the first stream and MAX_STREAM_ATTEMPTS new ones, each reset: then the node gives up (100 + 200 + 400 + 800 ms of backoff)
            awaitTrue("given up", () -> node.pubsub().stats().getOrDefault("refused.maxStreamAttempts", 0L) == 1);
            assertThat(1_000 - raw.resetStreams.get()).as("streams opened").isEqualTo(1 + PeerWriter.MAX_STREAM_ATTEMPTS);
            awaitTrue("dropped", () -> node.pubsub().protocol(raw.peerId()).isEmpty() && !node.pubsub().topicPeers(T).contains(raw.peerId()));
            // speaking again brings it back with one new stream, but its failures are remembered per
            // peer (go's backoff history): when that stream is reset too, no new attempts follow
            raw.subscribe(T);
            awaitTrue("given up again at once", () -> node.pubsub().stats().getOrDefault("refused.maxStreamAttempts", 0L) == 2);
            assertThat(1_000 - raw.resetStreams.get()).as("streams opened in all").isEqualTo(2 + PeerWriter.MAX_STREAM_ATTEMPTS);
            awaitTrue("dropped again", () -> node.pubsub().protocol(raw.peerId()).isEmpty() && !node.pubsub().topicPeers(T).contains(raw.peerId()));
            // a peer that stops resetting is served again when it speaks
            raw.resetStreams.set(0);
            raw.subscribe(T);
            awaitTrue("taken back when it speaks", () -> node.pubsub().topicPeers(T).contains(raw.peerId())
                    && node.pubsub().protocol(raw.peerId()).isPresent());
        }
    }
}
