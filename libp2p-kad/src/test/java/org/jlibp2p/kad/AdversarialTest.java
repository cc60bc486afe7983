package org.jlibp2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.codec.Multihash;
import org.jlibp2p.core.codec.Varint;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.StreamHandler;
import org.junit.jupiter.api.Test;

/**
 * Peers that misbehave: each costs a bounded amount, and lookups still complete with the honest
 * peers' answers, well before the whole-query deadline ({@link KadNet#CONFIG}: 3 s per request,
 * 20 s per lookup).
 */
class AdversarialTest {
    private static final String KAD = "/ipfs/kad/1.0.0";

    /** A host that serves the DHT protocol with its own handler, connected to every node so that all have it in their tables. */
    private static Host hostile(KadNet net, List<Host> nodes, StreamHandler handler) throws Exception {
        Host h = net.builder().listen("/memory/0").handler(KAD, handler).build();
        net.hosts.add(h);
        for (Host n : nodes) {
            h.connect(KadNet.addr(n));
        }
        for (Host n : nodes) {
            KadNet.awaitTrue("the hostile peer in the tables", () -> net.dht(n).routingTable().contains(h.peerId()));
        }
        return h;
    }

    private static List<PeerId> ids(List<Host> hosts) {
        return hosts.stream().map(Host::peerId).toList();
    }

    @Test
    void aPeerThatNeverAnswersCostsOneRequestTimeout() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(12);
            Host silent = hostile(net, nodes, s -> {
                s.setReadTimeout(Duration.ZERO);
                s.in().readAllBytes(); // reads the request and never answers
            });
            Host asker = nodes.get(3);
            byte[] key = "target".getBytes(StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            KadDht.ClosestPeers found = net.dht(asker).closestPeers(key);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            List<PeerId> honest = ids(nodes).stream().filter(p -> !p.equals(asker.peerId())).toList();
            assertThat(found.peers()).extracting(KadPeer::id).containsExactlyElementsOf(KadNet.trueClosest(honest, key, 20));
            assertThat(took).as("one request timeout (3 s), not the query's 20 s").isLessThan(Duration.ofSeconds(6));
            assertThat(found.stats().timedOut()).isFalse();
            assertThat(net.dht(asker).routingTable().contains(silent.peerId())).as("dropped from the table").isFalse();
        }
    }

    @Test
    void aPeerThatAnswersWithThousandsOfPeersThatDoNotExist() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(12);
            AtomicInteger answered = new AtomicInteger();
            java.util.Random random = new java.util.Random(1);
            Host liar = hostile(net, nodes, s -> {
                KadMessage req = KadMessage.read(new BufferedInputStream(s.in()));
                List<KadPeer> fakes = new ArrayList<>();
                for (int i = 0; i < 5000; i++) {
                    byte[] digest = new byte[32];
                    random.nextBytes(digest);
                    PeerId fake = PeerId.fromBytes(Multihash.of(Multihash.SHA2_256, digest).bytes());
                    fakes.add(KadPeer.of(fake, List.of(Multiaddr.parse("/memory/" + (900_000 + i)))));
                }
                new KadMessage(req.type(), req.key(), Optional.empty(), fakes, List.of()).write(s.out());
                answered.incrementAndGet();
            });
            Host asker = nodes.get(5);
            byte[] key = "target".getBytes(StandardCharsets.UTF_8);
            KadDht.ClosestPeers found = net.dht(asker).closestPeers(key);
            assertThat(answered.get()).isPositive();
            List<PeerId> real = new ArrayList<>(ids(nodes));
            real.add(liar.peerId());
            real.remove(asker.peerId());
            assertThat(found.peers()).extracting(KadPeer::id).containsExactlyElementsOf(KadNet.trueClosest(real, key, 20));
            assertThat(found.stats().messages()).as("at most k of the fakes were tried per answer").isLessThanOrEqualTo(Lookup.MAX_REQUESTS);
            assertThat(found.stats().timedOut()).isFalse();
        }
    }

    @Test
    void anOversizedResponseFailsThatRequestOnly() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(8);
            hostile(net, nodes, s -> {
                KadMessage.read(new BufferedInputStream(s.in()));
                s.out().write(Varint.encode(KadMessage.MAX_MESSAGE_BYTES + 1L));
                s.out().write(new byte[64 * 1024]); // starts a huge message, never finished
                s.out().flush();
                s.in().readAllBytes();
            });
            Host asker = nodes.get(2);
            byte[] key = "/jlibp2p/k".getBytes(StandardCharsets.UTF_8);
            net.dht(nodes.get(6)).putValue(key, "v".getBytes(StandardCharsets.UTF_8));
            long t0 = System.nanoTime();
            KadDht.GetResult got = net.dht(asker).getValue(key, 8);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
            assertThat(got.value()).isPresent();
            assertThat(got.received()).isEqualTo(8);
        }
    }

    @Test
    void anOversizedRequestResetsTheStreamAndTheServerGoesOn() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(3);
            Host attacker = net.builder().build();
            net.hosts.add(attacker);
            ProtocolStream s = attacker.newStream(KadNet.addr(nodes.get(0)), KAD);
            s.out().write(Varint.encode(KadMessage.MAX_MESSAGE_BYTES + 1L));
            s.out().flush();
            s.setReadTimeout(Duration.ofSeconds(5));
            long t0 = System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.in().read()).isInstanceOf(java.io.IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("reset at once").isLessThan(Duration.ofSeconds(2));
            ProtocolStream again = attacker.newStream(nodes.get(0).peerId(), KAD);
            KadMessage.request(KadMessage.Type.FIND_NODE, nodes.get(1).peerId().bytes()).write(again.out());
            assertThat(KadMessage.read(new BufferedInputStream(again.in())).closerPeers()).extracting(KadPeer::id).contains(nodes.get(1).peerId());
            again.close();
        }
    }

    @Test
    void recordsThatFailValidationAreNeitherStoredNorReturned() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(8);
            PeerId subject = nodes.get(1).peerId();
            byte[] pkKey = KadDht.publicKeyKey(subject);
            byte[] wrongKey = PrivateKey.generate(KeyType.ED25519).publicKey().marshal();
            // a server that answers every GET_VALUE with a forged public key record
            hostile(net, nodes, s -> {
                KadMessage req = KadMessage.read(new BufferedInputStream(s.in()));
                new KadMessage(req.type(), req.key(), Optional.of(KadRecord.of(req.key(), wrongKey)), List.of(), List.of()).write(s.out());
            });
            // a PUT_VALUE of a forged record is refused by an honest server: reset, nothing stored
            Host attacker = net.builder().build();
            net.hosts.add(attacker);
            ProtocolStream s = attacker.newStream(KadNet.addr(nodes.get(0)), KAD);
            new KadMessage(KadMessage.Type.PUT_VALUE, pkKey, Optional.of(KadRecord.of(pkKey, wrongKey)), List.of(), List.of()).write(s.out());
            s.setReadTimeout(Duration.ofSeconds(5));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> KadMessage.read(s.in())).isInstanceOf(java.io.IOException.class);
            assertThat(net.dht(nodes.get(0)).storedRecords()).isZero();
            assertThat(net.dht(nodes.get(0)).refusals().count("invalid record")).isEqualTo(1);
            // the honest record wins over the forged answers
            net.dht(nodes.get(1)).putValue(pkKey, nodes.get(1).identity().publicKey().marshal());
            // A quorum of 9, more than the 8 honest holders: the lookup must ask every peer, the
            // hostile one too, whatever order the answers come in.
            KadDht.GetResult got = net.dht(nodes.get(5)).getValue(pkKey, 9);
            assertThat(got.value()).hasValueSatisfying(v -> assertThat(v).isEqualTo(nodes.get(1).identity().publicKey().marshal()));
            assertThat(net.dht(nodes.get(5)).refusals().count("invalid record")).isPositive();
        }
    }

    @Test
    void aFloodOfAddProviderForOneKeyIsBounded() throws Exception {
        try (KadNet net = new KadNet()) {
            Host server = net.node(KadNet.CONFIG.withStoreBounds(100, 1 << 20, 100, 8, 1000));
            byte[] key = Multihash.sha256("popular".getBytes(StandardCharsets.UTF_8)).bytes();
            List<Host> flooders = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Host f = net.builder().listen("/memory/0").build();
                net.hosts.add(f);
                flooders.add(f);
            }
            for (Host f : flooders) {
                ProtocolStream s = f.newStream(KadNet.addr(server), KAD);
                for (int i = 0; i < 500; i++) {
                    PeerId claimed = i % 2 == 0 ? f.peerId() : PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
                    new KadMessage(KadMessage.Type.ADD_PROVIDER, key, Optional.empty(), List.of(),
                            List.of(KadPeer.of(claimed, f.listenAddrs()))).write(s.out());
                }
                s.closeWrite();
                s.setReadTimeout(Duration.ofSeconds(5));
                assertThat(s.in().read()).as("no response to ADD_PROVIDER").isEqualTo(-1);
                s.close();
            }
            KadDht dht = net.dht(server);
            assertThat(dht.storedProviders()).as("one per flooder that named itself, at most 8 for the key").isEqualTo(8);
            List<KadPeer> kept = dht.providers().get(key, 100, java.time.Instant.now());
            assertThat(kept).extracting(KadPeer::id).containsExactlyElementsOf(
                    ids(flooders).subList(4, 12).reversed()); // the most recently announced, newest first
            assertThat(dht.refusals().count("provider store bound")).isEqualTo(4);
        }
    }

    @Test
    void streamsPastThePerPeerCapAreReset() throws Exception {
        try (KadNet net = new KadNet()) {
            List<Host> nodes = net.servers(2);
            Host attacker = net.builder().build();
            net.hosts.add(attacker);
            List<ProtocolStream> streams = new ArrayList<>();
            int reset = 0;
            for (int i = 0; i < 40; i++) { // more than the per-peer cap of 16
                try {
                    streams.add(attacker.newStream(KadNet.addr(nodes.get(0)), KAD));
                } catch (java.io.IOException e) {
                    reset++; // reset during negotiation
                }
            }
            for (ProtocolStream s : streams) {
                s.setReadTimeout(Duration.ofMillis(100));
                try {
                    InputStream in = s.in();
                    if (in.read() < 0) {
                        reset++;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // served, waiting for a request (up to the idle timeout)
                } catch (java.io.IOException e) {
                    reset++;
                }
            }
            assertThat(reset).as("streams past the per-peer cap of " + KadDht.MAX_INBOUND_STREAMS_PER_PEER + " are reset").isGreaterThanOrEqualTo(40 - KadDht.MAX_INBOUND_STREAMS_PER_PEER);
            streams.forEach(ProtocolStream::reset);
            // the server still answers others
            assertThat(net.dht(nodes.get(1)).closestPeers("x".getBytes(StandardCharsets.UTF_8)).peers()).extracting(KadPeer::id).contains(nodes.get(0).peerId());
        }
    }

    @Test
    void theWholeQueryDeadlineEndsALookupThatWaitsOnSilentPeers() throws Exception {
        try (KadNet net = new KadNet()) {
            Host asker = net.node(KadNet.CONFIG.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(1)));
            List<Host> silent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                silent.add(hostile(net, List.of(asker), s -> {
                    s.setReadTimeout(Duration.ZERO);
                    s.in().readAllBytes();
                }));
            }
            long t0 = System.nanoTime();
            KadDht.ClosestPeers found = net.dht(asker).closestPeers("target".getBytes(StandardCharsets.UTF_8));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(found.stats().timedOut()).isTrue();
            assertThat(found.peers()).isEmpty();
            assertThat(found.stats().messages()).isEqualTo(3);
            assertThat(took).as("the 1 s query deadline, not the 10 s request timeout").isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
        }
    }
}
