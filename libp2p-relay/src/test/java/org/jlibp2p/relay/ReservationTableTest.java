package org.jlibp2p.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

/** The caps on reservations, as go-libp2p's constraints apply them. */
class ReservationTableTest {
    private static final Multiaddr ADDR = Multiaddr.parse("/ip4/192.0.2.1/tcp/1");
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Instant later = now.plusSeconds(3600);

    private static PeerId peer() {
        return PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
    }

    @Test
    void atMostSoManyFromOneIpAddress() {
        ReservationTable t = new ReservationTable(128, 2);
        assertThat(t.reserve(peer(), "192.0.2.1", ADDR, later, now)).isEqualTo(ReservationTable.Outcome.NEW);
        assertThat(t.reserve(peer(), "192.0.2.1", ADDR, later, now)).isEqualTo(ReservationTable.Outcome.NEW);
        assertThat(t.reserve(peer(), "192.0.2.1", ADDR, later, now)).isEqualTo(ReservationTable.Outcome.IP_FULL);
        assertThat(t.reserve(peer(), "192.0.2.2", ADDR, later, now)).isEqualTo(ReservationTable.Outcome.NEW);
    }

    @Test
    void atMostSoManyInAll() {
        ReservationTable t = new ReservationTable(2, 8);
        PeerId first = peer();
        t.reserve(first, "a", ADDR, later, now);
        t.reserve(peer(), "b", ADDR, later, now);
        assertThat(t.reserve(peer(), "c", ADDR, later, now)).isEqualTo(ReservationTable.Outcome.FULL);
        assertThat(t.reserve(first, "a", ADDR, later.plusSeconds(1), now)).as("a renewal fits").isEqualTo(ReservationTable.Outcome.RENEWED);
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void aRefusedRenewalKeepsWhatItHad() {
        ReservationTable t = new ReservationTable(8, 1);
        PeerId p = peer();
        t.reserve(p, "a", ADDR, later, now);
        t.reserve(peer(), "b", ADDR, later, now);
        assertThat(t.reserve(p, "b", ADDR, later, now)).as("moved to a full address").isEqualTo(ReservationTable.Outcome.IP_FULL);
        assertThat(t.holds(p, now)).isTrue();
        assertThat(t.reserve(peer(), "a", ADDR, later, now)).as("its old address still counts it").isEqualTo(ReservationTable.Outcome.IP_FULL);
    }

    @Test
    void expiredReservationsFreeTheirPlaces() {
        ReservationTable t = new ReservationTable(1, 1);
        PeerId p = peer();
        t.reserve(p, "a", ADDR, now.plusSeconds(10), now);
        assertThat(t.holds(p, now.plusSeconds(9))).isTrue();
        assertThat(t.holds(p, now.plusSeconds(10))).isFalse();
        assertThat(t.reserve(peer(), "a", ADDR, later, now.plusSeconds(11))).isEqualTo(ReservationTable.Outcome.NEW);
        assertThat(t.entries(now.plusSeconds(11))).hasSize(1);
    }

    @Test
    void aRetractionDoesNotUndoALaterRenewal() {
        ReservationTable t = new ReservationTable(8, 8);
        PeerId p = peer();
        t.reserve(p, "a", ADDR, later, now);
        t.reserve(p, "a", ADDR, later.plusSeconds(5), now);
        t.retract(p, later);
        assertThat(t.holds(p, now)).isTrue();
        t.retract(p, later.plusSeconds(5));
        assertThat(t.holds(p, now)).isFalse();
    }
}
