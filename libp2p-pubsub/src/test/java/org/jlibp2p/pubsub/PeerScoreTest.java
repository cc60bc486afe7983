package org.jlibp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

/** The score function of gossipsub-v1.1.md, "The Score Function", each parameter alone, on a clock the test moves. */
class PeerScoreTest {
    private static final String T = "t";
    private static final long S = 1_000_000_000L;
    private static final PeerId A = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    private static final PeerId B = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());

    /** Only the named weights on; decays of 0.5 per second. */
    private static TopicScoreParams topic(double p1, double p2, double p3, double p3b, double p4) {
        return new TopicScoreParams(1, p1, Duration.ofSeconds(1), 10, p2, 0.5, 5, p3, 0.5, 10, 4, Duration.ofMillis(100),
                Duration.ofSeconds(2), p3b, 0.5, p4, 0.5);
    }

    private static PeerScore score(TopicScoreParams tp) {
        return new PeerScore(new PeerScoreParams(Map.of(T, tp), null, 0, p -> 0, 1, 0, 1, 0, 0, 0.5, Duration.ofSeconds(1), 0.01,
                Duration.ofSeconds(10)), 0);
    }

    private static MessageId id(int n) {
        return MessageId.of(new byte[] {(byte) n});
    }

    @Test
    void p1GrowsWithTimeInMeshUpToItsCap() {
        PeerScore s = score(topic(1, 0, 0, 0, 0));
        s.addPeer(A, "1.1.1.1");
        s.graft(A, T, 0);
        assertThat(s.score(A, 3 * S)).isCloseTo(3, within(1e-9));
        assertThat(s.score(A, 60 * S)).as("capped at 10 quanta").isCloseTo(10, within(1e-9));
        s.prune(A, T);
        assertThat(s.score(A, 60 * S)).isZero();
    }

    @Test
    void p2CountsFirstDeliveriesCappedAndDecays() {
        PeerScore s = score(topic(0, 1, 0, 0, 0));
        s.addPeer(A, null);
        for (int i = 0; i < 8; i++) {
            s.validating(id(i), 0);
            s.deliverMessage(A, id(i), T, 0);
        }
        assertThat(s.score(A, 0)).as("capped at 5").isEqualTo(5);
        s.refresh(S);
        assertThat(s.score(A, S)).as("decayed by half").isEqualTo(2.5);
    }

    @Test
    void p3CountsTheDeficitSquaredOnceActiveAndP3bKeepsItAfterThePrune() {
        PeerScore s = score(topic(0, 0, -1, -2, 0));
        s.addPeer(A, null);
        s.graft(A, T, 0);
        s.validating(id(1), 0);
        s.deliverMessage(A, id(1), T, 0); // one mesh delivery of the 4 expected
        assertThat(s.score(A, S)).as("not active before 2 s in the mesh").isZero();
        s.refresh(3 * S); // active now; the counter decays to 0.5
        assertThat(s.score(A, 3 * S)).isCloseTo(-(3.5 * 3.5), within(1e-9));
        s.prune(A, T);
        // P3b: the deficit squared, weight -2; as in go, P3 itself stays active until the next GRAFT
        assertThat(s.score(A, 3 * S)).isCloseTo(-3 * 3.5 * 3.5, within(1e-9));
        s.graft(A, T, 3 * S);
        assertThat(s.score(A, 3 * S)).as("grafted again: P3 waits for its activation, P3b stays").isCloseTo(-2 * 3.5 * 3.5, within(1e-9));
    }

    @Test
    void p3CountsDuplicatesWithinTheWindowFromMeshPeers() {
        PeerScore s = score(topic(0, 0, -1, 0, 0));
        s.addPeer(A, null);
        s.addPeer(B, null);
        s.graft(A, T, 0);
        s.graft(B, T, 0);
        s.refresh(3 * S);
        for (int i = 0; i < 4; i++) {
            s.validating(id(i), 3 * S);
            s.deliverMessage(A, id(i), T, 3 * S);
            s.duplicateMessage(B, id(i), T, 3 * S + 50_000_000L); // within the 100 ms window
        }
        assertThat(s.score(B, 3 * S)).as("B met the threshold with near-first copies").isZero();
        s.duplicateMessage(B, id(0), T, 4 * S); // too late to count
        assertThat(s.score(A, 3 * S)).isZero();
    }

    /**
     * P3 counts a peer once per message, as go does: the sender whose copy is validated gains nothing
     * from a second copy it sent meanwhile, and a peer's repeats within the window count once. With
     * asynchronous validation, a second copy in the same RPC arrives while the first is pending.
     */
    @Test
    void p3CountsEachPeerOncePerMessage() {
        PeerScore s = score(topic(0, 0, -1, 0, 0)); // threshold 4, window 100 ms
        s.addPeer(A, null);
        s.addPeer(B, null);
        s.graft(A, T, 0);
        s.graft(B, T, 0);
        s.refresh(3 * S);
        for (int i = 0; i < 2; i++) {
            s.validating(id(i), 3 * S);
            s.duplicateMessage(A, id(i), T, 3 * S); // A's second copy, while its first is validated
            s.deliverMessage(A, id(i), T, 3 * S);
            s.duplicateMessage(A, id(i), T, 3 * S + 10_000_000L); // and a third, within the window
            s.duplicateMessage(B, id(i), T, 3 * S + 20_000_000L);
            s.duplicateMessage(B, id(i), T, 3 * S + 30_000_000L); // B's repeat
        }
        // two deliveries each of the 4 expected: a deficit of 2, squared, weight -1
        assertThat(s.score(A, 3 * S)).isCloseTo(-4, within(1e-9));
        assertThat(s.score(B, 3 * S)).isCloseTo(-4, within(1e-9));
    }

    @Test
    void p4SquaresInvalidMessagesAndCountsInvalidDuplicatesToo() {
        PeerScore s = score(topic(0, 0, 0, 0, -1));
        s.addPeer(A, null);
        s.addPeer(B, null);
        s.validating(id(1), 0);
        s.rejectMessage(A, id(1), T);
        s.rejectMessage(A, id(2), T);
        s.duplicateMessage(B, id(1), T, 0);
        assertThat(s.score(A, 0)).isEqualTo(-4);
        assertThat(s.score(B, 0)).isEqualTo(-1);
        s.ignoreMessage(id(3));
        s.duplicateMessage(B, id(3), T, 0);
        assertThat(s.score(B, 0)).as("an ignored message costs nothing").isEqualTo(-1);
    }

    @Test
    void p5P6AndP7() {
        PeerScoreParams p = new PeerScoreParams(Map.of(), null, 0, peer -> peer.equals(A) ? 3 : 0, 2, -1, 1, -1, 1, 0.5,
                Duration.ofSeconds(1), 0.01, Duration.ofSeconds(10));
        PeerScore s = new PeerScore(p, 0);
        s.addPeer(A, "10.0.0.1");
        assertThat(s.score(A, 0)).as("P5: 3 x weight 2").isEqualTo(6);
        s.addPeer(B, "10.0.0.1");
        PeerId c = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
        s.addPeer(c, "10.0.0.1");
        assertThat(s.score(B, 0)).as("P6: 3 peers on one IP, threshold 1: surplus 2 squared").isEqualTo(-4);
        s.addPenalty(c, 3);
        assertThat(s.score(c, 0)).as("P6 and P7: (3 - 1)^2").isEqualTo(-4 - 4);
        s.refresh(S);
        assertThat(s.score(c, S)).as("P7 decays: 1.5 - 1").isEqualTo(-4 - 0.25);
    }

    @Test
    void p6SparesPeersInWhitelistedNetworksAndPenalisesTheOthers() {
        PeerScoreParams p = new PeerScoreParams(Map.of(), null, 0, peer -> 0, 1, -1, 1, -1, 1, 0.5, Duration.ofSeconds(1), 0.01,
                Duration.ofSeconds(10)).withIPColocationFactorWhitelist(List.of("10.0.0.0/8", "2001:db8::/32"));
        PeerScore s = new PeerScore(p, 0);
        List<PeerId> inside4 = peers(3);
        List<PeerId> inside6 = peers(3);
        List<PeerId> outside4 = peers(3);
        List<PeerId> outside6 = peers(3);
        inside4.forEach(x -> s.addPeer(x, "10.1.2.3"));
        inside6.forEach(x -> s.addPeer(x, "2001:db8::7"));
        outside4.forEach(x -> s.addPeer(x, "11.1.2.3"));
        outside6.forEach(x -> s.addPeer(x, "2001:db9::7"));
        // three peers on one IP, threshold 1, weight -1: -(3 - 1)^2 for each, unless the IP is whitelisted
        for (PeerId x : inside4) {
            assertThat(s.score(x, 0)).as("whitelisted IPv4 network").isZero();
        }
        for (PeerId x : inside6) {
            assertThat(s.score(x, 0)).as("whitelisted IPv6 network").isZero();
        }
        for (PeerId x : outside4) {
            assertThat(s.score(x, 0)).as("IPv4 next to the whitelisted network").isEqualTo(-4);
        }
        for (PeerId x : outside6) {
            assertThat(s.score(x, 0)).as("IPv6 next to the whitelisted network").isEqualTo(-4);
        }
    }

    @Test
    void theWhitelistTakesOnlyCidrLiterals() {
        PeerScoreParams p = PeerScoreParams.defaults();
        assertThat(p.ipColocationFactorWhitelist()).isEmpty();
        for (String bad : List.of("10.0.0.0", "10.0.0.0/33", "10.0.0/8", "256.0.0.0/8", "::/129", "localhost/8", "example.com/24", "10.0.0.0/x")) {
            assertThatThrownBy(() -> p.withIPColocationFactorWhitelist(List.of(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(IpNetwork.parse("10.9.8.7/8")).as("host bits cleared").isEqualTo(IpNetwork.parse("10.0.0.0/8"));
        assertThat(IpNetwork.parse("0.0.0.0/0").contains("203.0.113.9")).isTrue();
        assertThat(IpNetwork.parse("0.0.0.0/0").contains("::1")).as("another family").isFalse();
        assertThat(IpNetwork.parse("192.168.1.0/25").contains("192.168.1.127")).isTrue();
        assertThat(IpNetwork.parse("192.168.1.0/25").contains("192.168.1.128")).isFalse();
    }

    private static List<PeerId> peers(int n) {
        List<PeerId> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey()));
        }
        return out;
    }

    @Test
    void aNegativeScoreOutlivesTheConnectionForRetainScore() {
        PeerScore s = score(topic(0, 0, 0, 0, -1));
        s.addPeer(A, null);
        s.rejectMessage(A, id(1), T);
        s.removePeer(A, 0);
        s.addPeer(A, null); // back at once: the penalty is still there
        assertThat(s.score(A, 0)).isEqualTo(-1);
        s.removePeer(A, 0);
        s.refresh(20 * S);
        assertThat(s.trackedPeers()).as("forgotten after retainScore").isZero();
    }
}
