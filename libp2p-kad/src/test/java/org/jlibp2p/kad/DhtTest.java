package org.jlibp2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.Multihash;
import org.jlibp2p.core.host.Host;
import org.junit.jupiter.api.Test;

/** A small DHT over the in-memory transport: lookups, values, providers, peers, modes, prefixes. */
class DhtTest {
    private static byte[] key(String s) {
        return ("/jlibp2p/" + s).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void lookupsFindTheTrueKClosest() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(24);
            List<PeerId> ids = nodes.stream().map(Host::peerId).toList();
            Host asker = nodes.get(7);
            for (int i = 0; i < 5; i++) {
                byte[] key = ("lookup-" + i).getBytes(StandardCharsets.UTF_8);
                KadDht.ClosestPeers found = net.dht(asker).closestPeers(key);
                List<PeerId> others = ids.stream().filter(p -> !p.equals(asker.peerId())).toList();
                assertThat(found.peers().stream().map(KadPeer::id).toList()).as("key " + i)
                        .containsExactlyElementsOf(KadNet.trueClosest(others, key, 20));
                assertThat(found.stats().hops()).isBetween(1, 5);
                assertThat(found.stats().timedOut()).isFalse();
            }
        }
    }

    /**
     * Peers that vanish without a word (unplugged: silent connections, unanswered dials) stay in a
     * routing table until someone asks them; the refresh's lookup of the node's own id asks every
     * neighbour, and those that do not answer leave the table while the others stay.
     */
    @Test
    void aRefreshDropsTheNeighboursThatVanishedWithoutAWord() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(12);
            Host asker = nodes.get(1);
            RoutingTable table = net.dht(asker).routingTable();
            KadNet.awaitTrue("every other node in the table", () -> table.size() == 11);
            List<Host> gone = List.of(nodes.get(3), nodes.get(6), nodes.get(9));
            gone.forEach(net::unplug);
            for (Host h : gone) {
                assertThat(table.contains(h.peerId())).as("not noticed yet: nobody asked").isTrue();
            }
            net.dht(asker).refresh();
            for (Host h : nodes) {
                if (h != asker) {
                    assertThat(table.contains(h.peerId())).as(gone.contains(h) ? "a vanished node" : "a living node").isEqualTo(!gone.contains(h));
                }
            }
        }
    }

    @Test
    void aValuePutOnOneNodeIsFoundFromAnother() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(22);
            KadDht.PutResult put = net.dht(nodes.get(3)).putValue(key("greeting"), "hello".getBytes(StandardCharsets.UTF_8));
            assertThat(put.stored()).isEqualTo(20);
            KadDht.GetResult got = net.dht(nodes.get(17)).getValue(key("greeting"), 1);
            assertThat(got.value()).hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("hello"));
            long holders = nodes.stream().filter(h -> net.dht(h).storedRecords() > 0).count();
            assertThat(holders).as("the putter and the 20 closest").isBetween(20L, 21L);
            assertThat(net.dht(nodes.get(17)).getValue(key("nothing-here"), 1).value()).isEmpty();
        }
    }

    @Test
    void getSelectsTheBestValueAndCorrectsStalePeers() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(12);
            byte[] key = key("counter");
            net.dht(nodes.get(1)).putValue(key, "1".getBytes(StandardCharsets.UTF_8));
            // a newer value reaches only some: stored directly on three nodes
            List<Host> fresh = nodes.subList(4, 7);
            for (Host h : fresh) {
                net.dht(h).records().put(KadRecord.of(key, "2".getBytes(StandardCharsets.UTF_8)), net.dht(h).validators(), java.time.Instant.now());
            }
            KadDht.GetResult got = net.dht(nodes.get(9)).getValue(key, 12); // every node, so that every one is asked
            assertThat(new String(got.value().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("2");
            assertThat(got.corrected()).isGreaterThan(0);
            // the stale peers were corrected: every node now holds 2
            for (Host h : nodes) {
                net.dht(h).records().get(key, java.time.Instant.now()).ifPresent(s ->
                        assertThat(new String(s.record().value(), StandardCharsets.UTF_8)).as(h.peerId().toString()).isEqualTo("2"));
            }
        }
    }

    @Test
    void providersAreAnnouncedAndFound() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(22);
            byte[] content = Multihash.sha256("some block".getBytes(StandardCharsets.UTF_8)).bytes();
            KadDht.ProvideResult provided = net.dht(nodes.get(2)).provide(content);
            assertThat(provided.announced()).isEqualTo(20);
            net.dht(nodes.get(11)).provide(content);
            KadDht.Providers found = net.dht(nodes.get(20)).findProviders(content, 2);
            assertThat(found.providers()).extracting(KadPeer::id).containsExactlyInAnyOrder(nodes.get(2).peerId(), nodes.get(11).peerId());
            assertThat(found.providers()).allSatisfy(p -> assertThat(p.addrs()).isNotEmpty());
        }
    }

    @Test
    void findPeerReturnsTheAddressesOfAPeerNotConnected() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(22);
            Host asker = nodes.get(5);
            Host target = nodes.get(19);
            // forget the target: no connection, no address, not in the table; only the network knows it
            asker.connections(target.peerId()).forEach(c -> c.close());
            KadNet.awaitTrue("disconnected", () -> asker.connections(target.peerId()).isEmpty());
            net.dht(asker).routingTable().remove(target.peerId());
            asker.peerstore().remove(target.peerId());
            assertThat(asker.peerstore().addrs(target.peerId())).isEmpty();
            KadDht.FoundPeer found = net.dht(asker).findPeer(target.peerId());
            assertThat(found.peer()).hasValueSatisfying(p -> assertThat(p.addrs()).containsAll(target.listenAddrs()));
            assertThat(found.stats().messages()).isPositive();
        }
    }

    @Test
    void clientsAskButAreNotInRoutingTables() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(8);
            Host client = net.node(KadNet.CONFIG.withMode(KadConfig.Mode.CLIENT).withBootstrap(List.of(KadNet.addr(nodes.get(0)))));
            assertThat(net.dht(client).bootstrap()).as("the client's table holds every server").isEqualTo(8);
            net.dht(client).putValue(key("from-client"), "x".getBytes(StandardCharsets.UTF_8));
            assertThat(net.dht(nodes.get(6)).getValue(key("from-client"), 1).value()).isPresent();
            for (Host h : nodes) {
                assertThat(net.dht(h).routingTable().contains(client.peerId())).as("client in " + h.peerId() + "'s table").isFalse();
            }
            assertThat(client.protocols()).doesNotContain("/ipfs/kad/1.0.0");
        }
    }

    @Test
    void aProtocolPrefixMakesASeparateDht() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> pub = net.servers(4);
            KadConfig priv = KadNet.CONFIG.withProtocolPrefix("/private");
            Host a = net.node(priv);
            Host b = net.node(priv.withBootstrap(List.of(KadNet.addr(a))));
            Host c = net.node(priv.withBootstrap(List.of(KadNet.addr(a), KadNet.addr(pub.get(0)))));
            net.dht(b).bootstrap();
            // a takes b into its table once it has identified b, on a thread of its own
            KadNet.awaitTrue("a knows b", () -> net.dht(a).routingTable().contains(b.peerId()));
            net.dht(c).bootstrap();
            assertThat(b.protocols()).contains("/private/kad/1.0.0").doesNotContain("/ipfs/kad/1.0.0");
            assertThat(net.dht(c).routingTable().peers()).containsExactlyInAnyOrder(a.peerId(), b.peerId());
            net.dht(b).putValue(key("secret"), "s".getBytes(StandardCharsets.UTF_8));
            assertThat(net.dht(a).getValue(key("secret"), 1).value()).isPresent();
            assertThat(net.dht(pub.get(2)).getValue(key("secret"), 1).value()).isEmpty();
        }
    }

    @Test
    void recordsOutsideAValidNamespaceAreRefusedBeforeSending() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(3);
            assertThatThrownBy(() -> net.dht(nodes.get(0)).putValue("/other/x".getBytes(StandardCharsets.UTF_8), new byte[1]))
                    .isInstanceOf(InvalidRecordException.class).hasMessageContaining("/other/");
            assertThatThrownBy(() -> net.dht(nodes.get(0)).putValue(key("big"), new byte[64 * 1024 + 1]))
                    .isInstanceOf(InvalidRecordException.class);
            PeerId peer = nodes.get(1).peerId();
            KadDht.PutResult pk = net.dht(nodes.get(1)).putValue(KadDht.publicKeyKey(peer), nodes.get(1).identity().publicKey().marshal());
            assertThat(pk.stored()).isEqualTo(2);
            assertThat(net.dht(nodes.get(2)).getValue(KadDht.publicKeyKey(peer), 1).value()).isPresent();
        }
    }

    /** A host whose peer id falls in bucket {@code cpl} of {@code self}'s table. */
    private static Host inBucket(KadNet net, PeerId self, int cpl) throws Exception {
        while (true) {
            org.jlibp2p.core.crypto.PrivateKey key = org.jlibp2p.core.crypto.PrivateKey.generate(org.jlibp2p.core.crypto.KeyType.ED25519);
            if (KadKey.of(self).commonPrefixLength(KadKey.of(PeerId.fromPublicKey(key.publicKey()))) == cpl) {
                Host h = net.builder().identity(key).listen("/memory/0").service(new KadDht(KadNet.CONFIG)).build();
                net.hosts.add(h);
                return h;
            }
        }
    }

    @Test
    void aFullBucketsOldestPeerIsCheckedAndReplacedOnlyIfItDoesNotAnswer() throws Exception {
        try (KadNet net = new KadNet()) {
            Host x = net.node(KadNet.CONFIG.withK(1, 1));
            RoutingTable table = net.dht(x).routingTable();
            Host a = inBucket(net, x.peerId(), 0);
            Host b = inBucket(net, x.peerId(), 0);
            Host c = inBucket(net, x.peerId(), 0);
            a.connect(KadNet.addr(x));
            KadNet.awaitTrue("a in the table", () -> table.contains(a.peerId()));
            // the bucket is full and its oldest answers: b waits
            b.connect(KadNet.addr(x));
            KadNet.awaitTrue("b waiting", () -> table.waiting(0) == 1);
            Thread.sleep(500); // the check of a has time to run and succeed
            assertThat(table.bucket(0)).containsExactly(a.peerId());
            // a goes away without a word: the next newcomer's check finds it silent, and c takes its place
            a.close();
            c.connect(KadNet.addr(x));
            KadNet.awaitTrue("a replaced", () -> !table.contains(a.peerId()));
            assertThat(table.bucket(0)).containsExactly(c.peerId());
        }
    }

    @Test
    void republishingPutsBackWhatExpiredElsewhere() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(6);
            KadDht owner = net.dht(nodes.get(2));
            owner.putValue(key("kept"), "v".getBytes(StandardCharsets.UTF_8));
            byte[] content = Multihash.sha256("kept".getBytes(StandardCharsets.UTF_8)).bytes();
            owner.provide(content);
            for (Host h : nodes) { // ADD_PROVIDER has no response: wait until it has landed before it expires
                KadNet.awaitTrue("providers on " + h.peerId() + " before they expire", () -> net.dht(h).storedProviders() == 1);
            }
            java.time.Instant later = java.time.Instant.now().plus(java.time.Duration.ofHours(49));
            for (Host h : nodes) { // 49 hours pass elsewhere: every record and provider record is gone
                if (h != nodes.get(2)) {
                    net.dht(h).records().expire(later);
                    net.dht(h).providers().expire(later);
                    assertThat(net.dht(h).storedRecords()).isZero();
                    assertThat(net.dht(h).storedProviders()).isZero();
                }
            }
            owner.republish();
            for (Host h : nodes) {
                assertThat(net.dht(h).storedRecords()).as("records on " + h.peerId()).isEqualTo(1);
                // ADD_PROVIDER has no response: the record lands a moment after the send
                KadNet.awaitTrue("providers on " + h.peerId(), () -> net.dht(h).storedProviders() == 1);
            }
        }
    }
}
