package org.jlibp2p.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jlibp2p.relay.RelayNet.ECHO;
import static org.jlibp2p.relay.RelayNet.addr;
import static org.jlibp2p.relay.RelayNet.awaitTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay's limits: bytes and time per circuit, and the number of circuits. */
@Timeout(60)
class CircuitLimitsTest {
    private final RelayNet net = new RelayNet();
    private final List<RelayEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        net.close();
    }

    private RelayService relay(RelayConfig config) {
        RelayService service = new RelayService(config);
        service.addListener(events::add);
        return service;
    }

    private Optional<RelayEvent.CircuitClosed> closedCircuit() {
        return events.stream().filter(RelayEvent.CircuitClosed.class::isInstance).map(RelayEvent.CircuitClosed.class::cast).findFirst();
    }

    @Test
    void aCircuitPastItsByteLimitEndsOnBothSides() throws Exception {
        Host r = net.relay(relay(RelayConfig.defaults().withLimit(Duration.ZERO, 32 * 1024)));
        RelayClient client = new RelayClient(addr(r));
        Host b = net.reachableThrough(client);
        RelayReservation reservation = client.awaitReservation(Duration.ofSeconds(10));
        assertThat(reservation.limit()).contains(new Limit(Duration.ZERO, 32 * 1024));
        Host a = net.dialer();
        Connection c = a.connect(client.circuitAddrs().get(0));
        awaitTrue("B accepted", () -> !b.connections(a.peerId()).isEmpty());
        Connection atB = b.connections(a.peerId()).get(0);

        assertThatThrownBy(() -> {
            try (ProtocolStream s = c.newStream(ECHO)) {
                byte[] chunk = new byte[4096];
                for (int i = 0; i < 64; i++) { // 256 KiB, far past the limit
                    s.out().write(chunk);
                }
                s.closeWrite();
                s.in().readAllBytes();
            }
        }).isInstanceOf(IOException.class);
        awaitTrue("A's relayed connection closed", c::isClosed);
        awaitTrue("B's relayed connection closed", atB::isClosed);
        awaitTrue("the relay reports the circuit closed", () -> closedCircuit().isPresent());
        RelayEvent.CircuitClosed closed = closedCircuit().get();
        assertThat(closed.reason()).contains("data limit of 32768 bytes");
        assertThat(Math.max(closed.bytesFromSource(), closed.bytesFromTarget())).isEqualTo(32 * 1024);
        assertThat(a.connections(r.peerId())).as("the connection to the relay stays").isNotEmpty();
    }

    @Test
    void aCircuitPastItsTimeLimitEndsOnBothSides() throws Exception {
        Host r = net.relay(relay(RelayConfig.defaults().withLimit(Duration.ofMillis(1500), 0)));
        RelayClient client = new RelayClient(addr(r));
        Host b = net.reachableThrough(client);
        RelayReservation reservation = client.awaitReservation(Duration.ofSeconds(10));
        assertThat(reservation.limit()).as("the wire carries whole seconds, rounded up").contains(new Limit(Duration.ofSeconds(2), 0));
        Host a = net.dialer();
        long start = System.nanoTime();
        Connection c = a.connect(client.circuitAddrs().get(0));
        assertThat(a.ping(b.peerId(), 1)).hasSize(1);
        awaitTrue("B accepted", () -> !b.connections(a.peerId()).isEmpty());
        Connection atB = b.connections(a.peerId()).get(0);
        awaitTrue("A's relayed connection closed", c::isClosed);
        awaitTrue("B's relayed connection closed", atB::isClosed);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
        awaitTrue("the relay reports the circuit closed", () -> closedCircuit().isPresent());
        assertThat(closedCircuit().get().reason()).contains("time limit of 1500 ms");
        assertThat(net.relayService(r).circuits()).isEmpty();
    }

    /** A circuit whose one side has half-closed and whose other side sends nothing still ends at the deadline. */
    @Test
    void theTimeLimitAlsoEndsAHalfClosedCircuit() throws Exception {
        Host r = net.relay(relay(RelayConfig.defaults().withLimit(Duration.ofSeconds(1), 0)));
        RelayClient client = new RelayClient(addr(r));
        Host b = net.build(net.builder().transport(RelayTransport::new).service(client).listen("/p2p-circuit"));
        client.awaitReservation(Duration.ofSeconds(10));
        Host a = net.dialer();
        Connection c = a.connect(client.circuitAddrs().get(0));
        awaitTrue("A's relayed connection closed at the deadline", c::isClosed);
        awaitTrue("B's end closed too", () -> b.connections(a.peerId()).stream().allMatch(Connection::isClosed));
    }

    @Test
    void aRelayWithAllCircuitsBusyRefusesWithResourceLimitExceeded() throws Exception {
        Host r = net.relay(relay(RelayConfig.defaults().withCircuits(1, 16)));
        RelayClient clientB = new RelayClient(addr(r));
        Host b = net.reachableThrough(clientB);
        RelayClient clientD = new RelayClient(addr(r));
        Host d = net.reachableThrough(clientD);
        clientB.awaitReservation(Duration.ofSeconds(10));
        clientD.awaitReservation(Duration.ofSeconds(10));
        Host a = net.dialer();
        Host c = net.dialer();
        a.connect(clientB.circuitAddrs().get(0));
        assertThatThrownBy(() -> c.connect(clientD.circuitAddrs().get(0)))
                .isInstanceOfSatisfying(RelayRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(Status.RESOURCE_LIMIT_EXCEEDED);
                    assertThat(e.refusedBy()).isEqualTo(r.peerId());
                });
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(RelayEvent.Refused.class,
                x -> assertThat(x.reason()).contains("limit of 1 circuits")));
        assertThat(net.relayService(r).circuits()).hasSize(1);
        assertThat(b.peerId()).isNotEqualTo(d.peerId());
    }

    @Test
    void aPeerWithAllItsCircuitsBusyIsRefused() throws Exception {
        Host r = net.relay(relay(RelayConfig.defaults().withCircuits(16, 1)));
        RelayClient clientB = new RelayClient(addr(r));
        Host b = net.reachableThrough(clientB);
        clientB.awaitReservation(Duration.ofSeconds(10));
        Host a = net.dialer();
        Host c = net.dialer();
        a.connect(clientB.circuitAddrs().get(0));
        assertThatThrownBy(() -> c.connect(clientB.circuitAddrs().get(0)))
                .isInstanceOfSatisfying(RelayRefusedException.class, e -> assertThat(e.status()).isEqualTo(Status.RESOURCE_LIMIT_EXCEEDED));
        PeerId target = b.peerId();
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(RelayEvent.Refused.class,
                x -> assertThat(x.reason()).contains("circuits to " + target)));
        // when the first circuit ends, the slot is free again
        a.connections(b.peerId()).forEach(Connection::close);
        awaitTrue("the circuit ended", () -> net.relayService(r).circuits().isEmpty());
        assertThat(c.connect(clientB.circuitAddrs().get(0)).remotePeer()).isEqualTo(b.peerId());
    }
}
