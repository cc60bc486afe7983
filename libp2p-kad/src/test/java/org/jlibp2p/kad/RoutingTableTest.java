package org.jlibp2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.Multihash;
import org.junit.jupiter.api.Test;

/** XOR distance over SHA-256, k-buckets, replacement of unresponsive peers and the closest-peer query. */
class RoutingTableTest {
    private final Random random = new Random(7);
    private final PeerId self = peer();

    private PeerId peer() {
        byte[] d = new byte[32];
        random.nextBytes(d);
        try {
            return PeerId.fromBytes(Multihash.of(Multihash.SHA2_256, d).bytes());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A peer whose key shares exactly {@code cpl} leading bits with ours. */
    private PeerId peerAt(int cpl) {
        while (true) {
            PeerId p = peer();
            if (KadKey.of(self).commonPrefixLength(KadKey.of(p)) == cpl) {
                return p;
            }
        }
    }

    @Test
    void distanceIsTheXorOfTheSha256Digests() throws Exception {
        PeerId a = peer();
        PeerId b = peer();
        byte[] ha = java.security.MessageDigest.getInstance("SHA-256").digest(a.bytes());
        byte[] hb = java.security.MessageDigest.getInstance("SHA-256").digest(b.bytes());
        assertThat(KadKey.of(a).distance(KadKey.of(b))).isEqualTo(new BigInteger(1, ha).xor(new BigInteger(1, hb)));
        assertThat(KadKey.of(a).distance(KadKey.of(a))).isZero();
        assertThat(KadKey.of(a).commonPrefixLength(KadKey.of(a))).isEqualTo(256);
        int cpl = KadKey.of(a).commonPrefixLength(KadKey.of(b));
        assertThat(KadKey.of(a).distance(KadKey.of(b)).bitLength()).isEqualTo(256 - cpl);
    }

    @Test
    void randomKeysAtAPrefixShareExactlyThatPrefix() {
        KadKey k = KadKey.of(self);
        for (int cpl : new int[] {0, 1, 7, 8, 9, 100, 255}) {
            assertThat(k.commonPrefixLength(k.randomAtPrefix(cpl, random))).isEqualTo(cpl);
        }
    }

    @Test
    void aBucketHoldsKPeersAndTheRestWait() {
        RoutingTable t = new RoutingTable(self, 4);
        List<PeerId> inBucket0 = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inBucket0.add(peerAt(0));
            assertThat(t.add(inBucket0.get(i))).isInstanceOf(RoutingTable.Added.InTable.class);
        }
        PeerId late = peerAt(0);
        assertThat(t.add(late)).isEqualTo(new RoutingTable.Added.BucketFull(inBucket0.get(0)));
        assertThat(t.bucket(0)).containsExactlyElementsOf(inBucket0);
        assertThat(t.contains(late)).isFalse();
        assertThat(t.waiting(0)).isEqualTo(1);
        // seen again: the oldest moves to the tail; the next oldest is the one to check
        t.add(inBucket0.get(0));
        assertThat(t.add(late)).isEqualTo(new RoutingTable.Added.BucketFull(inBucket0.get(1)));
        // the checked peer did not answer: the waiting peer takes its place
        assertThat(t.remove(inBucket0.get(1))).contains(late);
        assertThat(t.bucket(0)).containsExactly(inBucket0.get(2), inBucket0.get(3), inBucket0.get(0), late);
        assertThat(t.waiting(0)).isZero();
        // other buckets are not affected
        assertThat(t.add(peerAt(1))).isInstanceOf(RoutingTable.Added.InTable.class);
        assertThat(t.size()).isEqualTo(5);
    }

    @Test
    void theReplacementCacheIsBoundedToK() {
        RoutingTable t = new RoutingTable(self, 2);
        t.add(peerAt(0));
        t.add(peerAt(0));
        for (int i = 0; i < 50; i++) {
            t.add(peerAt(0));
        }
        assertThat(t.bucket(0)).hasSize(2);
        assertThat(t.waiting(0)).isEqualTo(2);
    }

    @Test
    void closestAreTheTrueClosestByXor() {
        RoutingTable t = new RoutingTable(self, 20);
        List<PeerId> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            PeerId p = peer();
            if (t.add(p) instanceof RoutingTable.Added.InTable) {
                all.add(p);
            }
        }
        assertThat(t.size()).isEqualTo(all.size());
        for (int i = 0; i < 10; i++) {
            KadKey target = KadKey.of(new byte[] {(byte) i});
            List<PeerId> expected = all.stream().sorted(Comparator.comparing((PeerId p) -> KadKey.of(p).distance(target))).limit(20).toList();
            assertThat(t.closest(target, 20)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void bucketsDueForRefreshAreThoseNoLookupWentThrough() {
        RoutingTable t = new RoutingTable(self, 20);
        t.add(peerAt(0));
        t.add(peerAt(3));
        java.time.Instant now = java.time.Instant.now();
        assertThat(t.due(now, 15)).containsExactly(0, 1, 2, 3);
        t.lookedUp(KadKey.of(peerAt(2)), now);
        assertThat(t.due(now, 15)).containsExactly(0, 1, 3);
        assertThat(t.due(now, 1)).containsExactly(0, 1);
    }
}
