package org.jlibp2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

/** The record and provider stores: TTLs, bounds in count and bytes, selection; and the validators. */
class StoresTest {
    private static final Validators VALIDATORS = new Validators(Map.of("jlibp2p", new GreatestValueValidator(), "pk", new PublicKeyValidator()));
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static PeerId peer() {
        return PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    }

    @Test
    void recordsExpireAfterTheirTtl() throws Exception {
        RecordStore s = new RecordStore(10, 1000, Duration.ofHours(36));
        s.put(KadRecord.of(b("/jlibp2p/a"), b("1")), VALIDATORS, T0);
        assertThat(s.get(b("/jlibp2p/a"), T0.plus(Duration.ofHours(35))).map(x -> x.record().timeReceived())).contains("2026-01-01T00:00:00Z");
        assertThat(s.get(b("/jlibp2p/a"), T0.plus(Duration.ofHours(37)))).isEmpty();
        s.expire(T0.plus(Duration.ofHours(37)));
        assertThat(s.size()).isZero();
        assertThat(s.bytes()).isZero();
    }

    @Test
    void theBetterValueIsKept() throws Exception {
        RecordStore s = new RecordStore(10, 1000, Duration.ofHours(36));
        assertThat(s.put(KadRecord.of(b("/jlibp2p/a"), b("5")), VALIDATORS, T0)).isEqualTo(RecordStore.Outcome.STORED);
        assertThat(s.put(KadRecord.of(b("/jlibp2p/a"), b("3")), VALIDATORS, T0)).isEqualTo(RecordStore.Outcome.KEPT_BETTER);
        assertThat(s.put(KadRecord.of(b("/jlibp2p/a"), b("7")), VALIDATORS, T0)).isEqualTo(RecordStore.Outcome.STORED);
        assertThat(s.get(b("/jlibp2p/a"), T0).orElseThrow().record().value()).isEqualTo(b("7"));
    }

    @Test
    void recordsAreBoundedInCountAndBytes() throws Exception {
        RecordStore s = new RecordStore(3, 1000, Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            assertThat(s.put(KadRecord.of(b("/jlibp2p/" + i), b("v")), VALIDATORS, T0)).isEqualTo(RecordStore.Outcome.STORED);
        }
        assertThat(s.put(KadRecord.of(b("/jlibp2p/x"), b("v")), VALIDATORS, T0)).isEqualTo(RecordStore.Outcome.FULL);
        assertThat(s.put(KadRecord.of(b("/jlibp2p/0"), b("w")), VALIDATORS, T0)).as("a new value of a stored key").isEqualTo(RecordStore.Outcome.STORED);
        RecordStore small = new RecordStore(100, 60, // one record: 10 key + 20 value + 20 time bytes
                Duration.ofHours(1));
        assertThat(small.put(KadRecord.of(b("/jlibp2p/a"), new byte[20]), VALIDATORS, T0)).isEqualTo(RecordStore.Outcome.STORED);
        assertThat(small.put(KadRecord.of(b("/jlibp2p/b"), new byte[20]), VALIDATORS, T0)).isEqualTo(RecordStore.Outcome.FULL);
        assertThat(small.bytes()).isEqualTo(50);
    }

    @Test
    void providersAreBoundedPerKeyInKeysAndInAll() {
        ProviderStore s = new ProviderStore(2, 3, 5, Duration.ofHours(48));
        List<Multiaddr> addrs = List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"));
        List<PeerId> peers = java.util.stream.Stream.generate(StoresTest::peer).limit(6).toList();
        for (PeerId p : peers) {
            s.add(b("k1"), KadPeer.of(p, addrs), T0);
        }
        assertThat(s.get(b("k1"), 100, T0)).extracting(KadPeer::id).containsExactly(peers.get(5), peers.get(4), peers.get(3));
        assertThat(s.add(b("k2"), KadPeer.of(peers.get(0), addrs), T0)).isEqualTo(ProviderStore.Outcome.ADDED);
        assertThat(s.add(b("k2"), KadPeer.of(peers.get(1), addrs), T0)).isEqualTo(ProviderStore.Outcome.ADDED);
        assertThat(s.add(b("k2"), KadPeer.of(peers.get(2), addrs), T0)).as("5 entries in all").isEqualTo(ProviderStore.Outcome.FULL);
        assertThat(s.add(b("k3"), KadPeer.of(peers.get(0), addrs), T0)).as("2 keys").isEqualTo(ProviderStore.Outcome.FULL);
        assertThat(s.entries()).isEqualTo(5);
        assertThat(s.get(b("k1"), 100, T0.plus(Duration.ofHours(49)))).isEmpty();
        s.expire(T0.plus(Duration.ofHours(49)));
        assertThat(s.keys()).isZero();
        assertThat(s.entries()).isZero();
    }

    @Test
    void publicKeyRecordsMustMatchThePeerId() throws Exception {
        PrivateKey key = PrivateKey.generate(KeyType.ED25519);
        PeerId id = PeerId.fromPublicKey(key.publicKey());
        PublicKeyValidator v = new PublicKeyValidator();
        v.validate(PublicKeyValidator.keyOf(id), key.publicKey().marshal());
        assertThatThrownBy(() -> v.validate(PublicKeyValidator.keyOf(peer()), key.publicKey().marshal())).isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> v.validate(PublicKeyValidator.keyOf(id), new byte[] {1, 2, 3})).isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> v.validate(b("/pk/"), key.publicKey().marshal())).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void namespacesAndTheGreatestValue() throws Exception {
        assertThat(Validators.namespace(b("/jlibp2p/x/y"))).isEqualTo("jlibp2p");
        for (String bad : new String[] {"jlibp2p/x", "/jlibp2p", "/jlibp2p/", "//x", ""}) {
            assertThatThrownBy(() -> Validators.namespace(b(bad))).as(bad).isInstanceOf(InvalidRecordException.class);
        }
        assertThatThrownBy(() -> VALIDATORS.validate(b("/ipns/x"), b("v"))).hasMessageContaining("no validator for the namespace /ipns/");
        GreatestValueValidator g = new GreatestValueValidator(4);
        assertThat(g.select(b("/a/b"), List.of(b("abc"), b("abd"), b("ab")))).isEqualTo(1);
        assertThat(g.select(b("/a/b"), List.of(new byte[] {(byte) 0x80}, new byte[] {0x7f}))).as("unsigned").isZero();
        assertThatThrownBy(() -> g.validate(b("/a/b"), new byte[5])).isInstanceOf(InvalidRecordException.class);
    }
}
