package org.jlibp2p.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jlibp2p.relay.RelayNet.addr;
import static org.jlibp2p.relay.RelayNet.awaitTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.Limits;
import org.jlibp2p.core.record.Envelope;
import org.jlibp2p.core.record.SignerMismatchException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reservations: granted with a voucher the client checks, renewed, expired, lost with the connection and made again. */
@Timeout(60)
class ReservationTest {
    private final RelayNet net = new RelayNet();
    private final List<RelayEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        net.close();
    }

    private Host relay(RelayConfig config) throws IOException {
        RelayService service = new RelayService(config);
        service.addListener(events::add);
        return net.relay(service);
    }

    private long reservedEvents(PeerId peer, boolean renewal) {
        return events.stream().filter(e -> e instanceof RelayEvent.Reserved r && r.peer().equals(peer) && r.renewal() == renewal).count();
    }

    @Test
    void aReservationComesWithAVoucherThatVerifies() throws Exception {
        Host r = relay(RelayConfig.defaults());
        RelayClient client = new RelayClient(addr(r));
        List<RelayReservation> told = new CopyOnWriteArrayList<>();
        client.addListener(new ReservationListener() {
            @Override
            public void reserved(RelayReservation reservation, boolean renewal) {
                told.add(reservation);
            }
        });
        Host b = net.reachableThrough(client);
        Instant before = Instant.now();
        RelayReservation reservation = client.awaitReservation(Duration.ofSeconds(10));

        assertThat(reservation.relay()).isEqualTo(r.peerId());
        assertThat(reservation.expire()).isBetween(before.plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofHours(1)));
        assertThat(reservation.limit()).contains(new Limit(Duration.ofMinutes(2), 128 * 1024));
        assertThat(reservation.relayAddrs()).containsExactly(addr(r));
        assertThat(reservation.circuitAddrs()).containsExactly(Multiaddr.parse(addr(r) + "/p2p-circuit/p2p/" + b.peerId()));
        assertThat(client.circuitAddrs()).isEqualTo(reservation.circuitAddrs());

        ReservationVoucher voucher = reservation.voucher().orElseThrow();
        assertThat(voucher.relay()).isEqualTo(r.peerId());
        assertThat(voucher.peer()).isEqualTo(b.peerId());
        assertThat(voucher.expiration()).isEqualTo(reservation.expire().getEpochSecond());
        Envelope envelope = reservation.voucherEnvelope().orElseThrow();
        assertThat(envelope.payloadType()).containsExactly(0x03, 0x02);
        assertThat(ReservationVoucher.open(Envelope.open(envelope.marshal(), "libp2p-relay-rsvp"))).isEqualTo(voucher);

        assertThat(net.relayService(r).reservations()).singleElement().satisfies(x -> {
            assertThat(x.peer()).isEqualTo(b.peerId());
            assertThat(x.expire().getEpochSecond()).isEqualTo(voucher.expiration());
        });
        awaitTrue("the listener was told", () -> !told.isEmpty());
        assertThat(told.get(0)).isEqualTo(reservation);
    }

    private static HopMessage granting(long expire, Optional<Envelope> voucher) {
        return HopMessage.reserved(new HopMessage.Reservation(expire, List.of(), voucher), Optional.empty());
    }

    @Test
    void theClientChecksTheVoucher() throws Exception {
        AtomicReference<HopMessage> answer = new AtomicReference<>();
        PrivateKey relayKey = PrivateKey.generate(KeyType.ED25519);
        Host fake = net.build(net.builder().identity(relayKey).listen("/memory/0").handler(CircuitRelay.HOP, s -> {
            HopMessage.read(s.in());
            answer.get().write(s.out());
        }));
        Host b = net.dialer();
        Connection c = b.connect(addr(fake));
        long expire = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        PrivateKey mallory = PrivateKey.generate(KeyType.ED25519);
        PeerId malloryId = PeerId.fromPublicKey(mallory.publicKey());

        // a good one
        answer.set(granting(expire, Optional.of(new ReservationVoucher(fake.peerId(), b.peerId(), expire).seal(relayKey))));
        RelayReservation ok = RelayClient.reserve(c, addr(fake), b.peerId(), Duration.ofSeconds(5));
        assertThat(ok.voucher()).isPresent();
        assertThat(ok.relayAddrs()).as("the relay announced none").isEmpty();
        assertThat(ok.circuitAddrs()).as("built from the address we reached it at")
                .containsExactly(CircuitRelay.circuitAddress(addr(fake), b.peerId()));

        // signed by someone else, naming the relay
        Envelope forged = Envelope.seal(mallory, ReservationVoucher.DOMAIN, ReservationVoucher.payloadType(),
                new ReservationVoucher(fake.peerId(), b.peerId(), expire).encode());
        answer.set(granting(expire, Optional.of(forged)));
        assertThatThrownBy(() -> RelayClient.reserve(c, addr(fake), b.peerId(), Duration.ofSeconds(5))).isInstanceOf(SignerMismatchException.class);

        // signed by someone else, naming that someone
        answer.set(granting(expire, Optional.of(new ReservationVoucher(malloryId, b.peerId(), expire).seal(mallory))));
        assertThatThrownBy(() -> RelayClient.reserve(c, addr(fake), b.peerId(), Duration.ofSeconds(5)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("is for relay");

        // for another peer
        answer.set(granting(expire, Optional.of(new ReservationVoucher(fake.peerId(), malloryId, expire).seal(relayKey))));
        assertThatThrownBy(() -> RelayClient.reserve(c, addr(fake), b.peerId(), Duration.ofSeconds(5)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("not us");

        // in another domain
        Envelope peerRecordDomain = Envelope.seal(relayKey, "libp2p-peer-record", ReservationVoucher.payloadType(),
                new ReservationVoucher(fake.peerId(), b.peerId(), expire).encode());
        answer.set(granting(expire, Optional.of(peerRecordDomain)));
        assertThatThrownBy(() -> RelayClient.reserve(c, addr(fake), b.peerId(), Duration.ofSeconds(5))).isInstanceOf(MalformedMessageException.class);

        // already expired
        long past = Instant.now().minusSeconds(5).getEpochSecond();
        answer.set(granting(past, Optional.of(new ReservationVoucher(fake.peerId(), b.peerId(), past).seal(relayKey))));
        assertThatThrownBy(() -> RelayClient.reserve(c, addr(fake), b.peerId(), Duration.ofSeconds(5)))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("expired");

        // vouchers are advisory: none at all is accepted
        answer.set(granting(expire, Optional.empty()));
        assertThat(RelayClient.reserve(c, addr(fake), b.peerId(), Duration.ofSeconds(5)).voucher()).isEmpty();

        // OK without a reservation, and a non-STATUS answer
        answer.set(HopMessage.status(Status.OK, Optional.empty()));
        assertThatThrownBy(() -> RelayClient.reserve(c, addr(fake), b.peerId(), Duration.ofSeconds(5))).isInstanceOf(MalformedMessageException.class);
        answer.set(HopMessage.reserve());
        assertThatThrownBy(() -> RelayClient.reserve(c, addr(fake), b.peerId(), Duration.ofSeconds(5))).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void reservationsExpireAndAreRenewed() throws Exception {
        Host r = relay(RelayConfig.defaults().withReservations(Duration.ofSeconds(2), 128, 8));
        RelayClient client = new RelayClient(addr(r));
        Host b = net.reachableThrough(client);
        client.awaitReservation(Duration.ofSeconds(10));
        Host c = net.dialer();
        RelayClient.reserve(c.connect(addr(r)), addr(r), c.peerId(), Duration.ofSeconds(5)); // once, never renewed

        awaitTrue("B renewed twice", () -> reservedEvents(b.peerId(), true) >= 2);
        awaitTrue("C's reservation expired", () -> net.relayService(r).reservations().stream().noneMatch(x -> x.peer().equals(c.peerId())));
        assertThat(net.relayService(r).reservations()).anyMatch(x -> x.peer().equals(b.peerId()));
        assertThat(client.reservations()).isNotEmpty();
        assertThat(reservedEvents(b.peerId(), false)).as("one reservation, renewed").isEqualTo(1);

        Host a = net.dialer();
        assertThatThrownBy(() -> a.connect(CircuitRelay.circuitAddress(addr(r), c.peerId())))
                .isInstanceOfSatisfying(RelayRefusedException.class, e -> assertThat(e.status()).isEqualTo(Status.NO_RESERVATION));
        assertThat(a.connect(client.circuitAddrs().get(0)).remotePeer()).isEqualTo(b.peerId());
    }

    /** Identify and the signed peer record carry the circuit addresses while the slot is held, and no bare /p2p-circuit. */
    @Test
    void aClientAdvertisesItsCircuitAddressesWhileItHoldsASlot() throws Exception {
        Host r = relay(RelayConfig.defaults());
        RelayClient client = new RelayClient(addr(r));
        Host b = net.reachableThrough(client);
        client.awaitReservation(Duration.ofSeconds(10));
        Multiaddr advertised = Multiaddr.parse(addr(r) + "/p2p-circuit");
        assertThat(b.advertisedAddrs()).contains(advertised).doesNotContain(Multiaddr.parse("/p2p-circuit"));

        Host a = net.dialer();
        CompletableFuture<HostEvent.PeerIdentified> identified = new CompletableFuture<>();
        a.subscribe(HostEvent.PeerIdentified.class, e -> {
            if (e.peer().equals(b.peerId())) {
                identified.complete(e);
            }
        });
        a.connect(client.circuitAddrs().get(0));
        HostEvent.PeerIdentified id = identified.get(10, TimeUnit.SECONDS);
        assertThat(id.info().listenAddrs()).contains(advertised).doesNotContain(Multiaddr.parse("/p2p-circuit"));
        assertThat(id.signedPeerRecord()).as("the signed peer record carries them").isTrue();
        assertThat(a.peerstore().addrs(b.peerId())).contains(advertised);

        r.close(); // the slot lapses with the connection, and no relay grants another
        awaitTrue("B withdrew the address", () -> !b.advertisedAddrs().contains(advertised));
        assertThat(client.reservations()).isEmpty();
    }

    /** The connection that holds a slot is protected at both ends: neither closes it as idle, and no keepalive renewal is needed. */
    @Test
    void theConnectionThatHoldsASlotIsNotClosedAsIdle() throws Exception {
        Limits quick = Limits.defaults().withIdleTimeouts(Duration.ofSeconds(3), Duration.ofMillis(300), Duration.ofMinutes(2));
        RelayService service = new RelayService();
        service.addListener(events::add);
        Host r = net.build(net.builder().limits(quick).listen("/memory/0").service(service));
        RelayClient client = new RelayClient(addr(r));
        Host b = net.build(net.builder().limits(quick).transport(RelayTransport::new).service(client).listen("/p2p-circuit"));
        client.awaitReservation(Duration.ofSeconds(10));
        Connection held = b.connections(r.peerId()).get(0);

        Connection plain = net.build(net.builder().limits(quick)).connect(addr(r));
        awaitTrue("an idle connection without a slot is closed", plain::isClosed);
        Thread.sleep(1000);
        assertThat(held.isClosed()).isFalse();
        assertThat(reservedEvents(b.peerId(), false)).as("never lost").isEqualTo(1);
        assertThat(reservedEvents(b.peerId(), true)).as("no renewal to keep it busy").isZero();
        Host a = net.dialer();
        assertThat(a.ping(a.connect(client.circuitAddrs().get(0)).remotePeer(), 1)).hasSize(1);
    }

    @Test
    void aReservationLostWithItsConnectionIsMadeAgain() throws Exception {
        Host r = relay(RelayConfig.defaults());
        RelayClient client = new RelayClient(addr(r));
        Host b = net.reachableThrough(client);
        client.awaitReservation(Duration.ofSeconds(10));
        r.connections(b.peerId()).forEach(Connection::close);
        // The new RESERVE may reach the relay before it has seen the old connection close: then it
        // is a renewal of the slot still held, and the closing no longer drops it (B is connected).
        awaitTrue("B reserved again", () -> reservedEvents(b.peerId(), false) + reservedEvents(b.peerId(), true) >= 2);
        awaitTrue("the relay holds it", () -> net.relayService(r).reservations().stream().anyMatch(x -> x.peer().equals(b.peerId())));
        assertThat(client.awaitReservation(Duration.ofSeconds(10)).relay()).isEqualTo(r.peerId());
        Host a = net.dialer();
        assertThat(a.ping(a.connect(client.circuitAddrs().get(0)).remotePeer(), 1)).hasSize(1);
    }

    @Test
    void aClientTellsItsFailuresAndRetries() throws Exception {
        Host r = relay(RelayConfig.defaults().withReservations(Duration.ofHours(1), 1, 8));
        Host first = net.dialer();
        RelayClient.reserve(first.connect(addr(r)), addr(r), first.peerId(), Duration.ofSeconds(5)); // takes the only slot
        RelayClient client = new RelayClient(addr(r));
        List<IOException> failures = new CopyOnWriteArrayList<>();
        client.addListener(new ReservationListener() {
            @Override
            public void failed(Multiaddr relay, IOException cause, Duration retryIn) {
                failures.add(cause);
            }
        });
        net.reachableThrough(client);
        awaitTrue("the refusal was told", () -> !failures.isEmpty());
        assertThat(failures.get(0)).isInstanceOfSatisfying(RelayRefusedException.class,
                e -> assertThat(e.status()).isEqualTo(Status.RESERVATION_REFUSED));
        assertThat(client.reservations()).isEmpty();
        first.close(); // frees the slot: the relay drops the reservation with the connection
        assertThat(client.awaitReservation(Duration.ofSeconds(10)).relay()).isEqualTo(r.peerId());
    }
}
