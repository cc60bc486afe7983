package org.jlibp2p.core.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

class BoundedPeerstoreTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private static PeerId peer() {
        return PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    }

    private static Multiaddr addr(int port) {
        return Multiaddr.parse("/ip4/10.0.0.1/tcp/" + port);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void neverRefusesAPeerAndEvictsTheLeastRecentlyUsedUnconnectedOne() {
        BoundedPeerstore store = new BoundedPeerstore(3, now::get);
        PeerId connected = peer();
        store.connectionChanged(connected, true); // the oldest, but connected: never evicted
        PeerId a = peer();
        PeerId b = peer();
        store.addAddrs(a, List.of(addr(1)));
        store.addAddrs(b, List.of(addr(2)));
        store.addrs(a); // a is used again: b is now the least recently used unconnected peer
        PeerId c = peer();
        store.addAddrs(c, List.of(addr(3)));
        assertThat(store.peers()).containsExactlyInAnyOrder(connected, a, c);
        assertThat(store.evictions()).isEqualTo(1);
        for (int i = 0; i < 100; i++) {
            store.addAddrs(peer(), List.of(addr(100 + i)));
        }
        assertThat(store.peers()).hasSize(3).contains(connected);
    }

    @Test
    void addressesExpireAfterTheirTtl() {
        BoundedPeerstore store = new BoundedPeerstore(10, now::get);
        PeerId p = peer();
        store.addAddrs(p, List.of(addr(1)), Duration.ofSeconds(10));
        store.addAddrs(p, List.of(addr(2)), Peerstore.PERMANENT_TTL);
        advance(Duration.ofSeconds(11));
        assertThat(store.addrs(p)).containsExactly(addr(2));
    }

    @Test
    void connectedAddressesBecomeRecentlyConnectedWhenTheLastConnectionCloses() {
        BoundedPeerstore store = new BoundedPeerstore(10, now::get);
        PeerId p = peer();
        store.connectionChanged(p, true);
        store.connectionChanged(p, true);
        store.addAddrs(p, List.of(addr(1)), Peerstore.CONNECTED_TTL);
        advance(Duration.ofDays(2));
        store.connectionChanged(p, false);
        assertThat(store.addrs(p)).as("one connection is still open").containsExactly(addr(1));
        store.connectionChanged(p, false);
        advance(Peerstore.RECENTLY_CONNECTED_TTL.minusSeconds(1));
        assertThat(store.addrs(p)).containsExactly(addr(1));
        advance(Duration.ofSeconds(2));
        assertThat(store.addrs(p)).isEmpty();
    }

    @Test
    void aNewReportReplacesStaleAddresses() {
        BoundedPeerstore store = new BoundedPeerstore(10, now::get);
        PeerId p = peer();
        store.replaceAddrs(p, List.of(addr(1), addr(2)), Peerstore.CONNECTED_TTL);
        advance(Duration.ofSeconds(1));
        store.replaceAddrs(p, List.of(addr(3)), Peerstore.CONNECTED_TTL);
        assertThat(store.addrs(p)).as("the newest report first").startsWith(addr(3));
        advance(Peerstore.TEMPORARY_TTL.plusSeconds(1));
        assertThat(store.addrs(p)).as("the stale addresses faded out").containsExactly(addr(3));
    }

    @Test
    void signedRecordAddressesReplaceUnsignedOnesAndWin() {
        BoundedPeerstore store = new BoundedPeerstore(10, now::get);
        PeerId p = peer();
        store.addAddrs(p, List.of(addr(1)), Peerstore.CONNECTED_TTL);
        assertThat(store.addSignedAddrs(p, 5, List.of(addr(2)), Peerstore.CONNECTED_TTL)).isTrue();
        assertThat(store.addrs(p)).containsExactly(addr(2));
        store.addAddrs(p, List.of(addr(3)), Peerstore.PERMANENT_TTL);
        store.replaceAddrs(p, List.of(addr(4)), Peerstore.CONNECTED_TTL);
        assertThat(store.addrs(p)).as("unsigned addresses are ignored once a signed record is known").containsExactly(addr(2));
        assertThat(store.addSignedAddrs(p, 5, List.of(addr(5)), Peerstore.CONNECTED_TTL)).as("same seq").isTrue();
        assertThat(store.addrs(p)).as("the same record again adds, it does not replace").containsExactlyInAnyOrder(addr(2), addr(5));
        assertThat(store.addSignedAddrs(p, 4, List.of(addr(5)), Peerstore.CONNECTED_TTL)).as("older seq").isFalse();
        assertThat(store.addSignedAddrs(p, 6, List.of(addr(6), addr(7)), Peerstore.CONNECTED_TTL)).isTrue();
        assertThat(store.addrs(p)).containsExactlyInAnyOrder(addr(6), addr(7));
    }

    /**
     * A record first learnt for a short while (peer exchange: 2 minutes) and then received again from
     * the peer itself (identify, while connected) lives as long as the connection, not 2 minutes.
     */
    @Test
    void theSameSignedRecordAgainExtendsItsAddressesLife() {
        BoundedPeerstore store = new BoundedPeerstore(10, now::get);
        PeerId p = peer();
        assertThat(store.addSignedAddrs(p, 7, List.of(addr(1)), Peerstore.TEMPORARY_TTL)).isTrue();
        assertThat(store.addSignedAddrs(p, 7, List.of(addr(1)), Peerstore.CONNECTED_TTL)).isTrue();
        advance(Peerstore.TEMPORARY_TTL.plusSeconds(1));
        assertThat(store.addrs(p)).containsExactly(addr(1));
        assertThat(store.addSignedAddrs(p, 7, List.of(addr(1)), Peerstore.TEMPORARY_TTL)).as("a shorter TTL does not shorten it").isTrue();
        advance(Peerstore.TEMPORARY_TTL.plusSeconds(1));
        assertThat(store.addrs(p)).containsExactly(addr(1));
    }

    @Test
    void protocolsAreQueryable() {
        BoundedPeerstore store = new BoundedPeerstore(10, now::get);
        PeerId a = peer();
        PeerId b = peer();
        store.setProtocols(a, List.of("/x/1", "/y/1"));
        store.setProtocols(b, List.of("/y/1"));
        assertThat(store.peersSupporting("/y/1")).containsExactlyInAnyOrder(a, b);
        assertThat(store.peersSupporting("/x/1")).containsExactly(a);
        store.setProtocols(a, List.of("/z/1"));
        assertThat(store.peersSupporting("/x/1")).isEmpty();
        assertThat(store.protocols(a)).containsExactly("/z/1");
    }

    @Test
    void keysMustMatchAndMetadataIsBounded() {
        BoundedPeerstore store = new BoundedPeerstore(10, now::get);
        PrivateKey key = PrivateKey.generate(KeyType.ED25519);
        PeerId p = PeerId.fromPublicKey(key.publicKey());
        assertThatThrownBy(() -> store.addPublicKey(peer(), key.publicKey())).isInstanceOf(IllegalArgumentException.class);
        store.addPublicKey(p, key.publicKey());
        assertThat(store.publicKey(p)).contains(key.publicKey());
        store.putMetadata(p, Peerstore.AGENT_VERSION, "x".repeat(5000));
        assertThat(store.metadata(p, Peerstore.AGENT_VERSION).orElseThrow()).hasSize(1024);
        for (int i = 0; i < 100; i++) {
            store.putMetadata(p, "k" + i, "v");
        }
        assertThat(store.metadata(p, "k99")).isEmpty();
        store.remove(p);
        assertThat(store.get(p)).isEmpty();
    }
}
