package org.jlibp2p.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jlibp2p.relay.RelayNet.addr;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.Multiaddr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every refusal of the hop protocol, with its status, as a client that speaks the protocol by hand sees it. */
@Timeout(60)
class RefusalsTest {
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

    /** Sends one hop request as raw bytes and returns the relay's answer. */
    private static HopMessage ask(Connection relay, byte[] request) throws IOException {
        try (ProtocolStream s = relay.newStream(CircuitRelay.HOP)) {
            LengthPrefixed.write(s.out(), request);
            s.out().flush();
            return HopMessage.read(s.in());
        }
    }

    private static Status statusOf(HopMessage answer) {
        assertThat(answer.type()).isEqualTo(HopMessage.Type.STATUS);
        return answer.status().orElseThrow();
    }

    @Test
    void aClientThatAsksToBeRelayedToItselfIsRefused() throws Exception {
        Host r = relay(RelayConfig.defaults());
        Host a = net.dialer();
        Connection c = a.connect(addr(r));
        RelayClient.reserve(c, addr(r), a.peerId(), Duration.ofSeconds(5)); // it even holds a slot
        assertThat(statusOf(ask(c, HopMessage.connect(a.peerId()).encode()))).isEqualTo(Status.PERMISSION_DENIED);
        assertThat(statusOf(ask(c, HopMessage.connect(r.peerId()).encode()))).as("nor to the relay").isEqualTo(Status.PERMISSION_DENIED);
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(RelayEvent.Refused.class,
                x -> assertThat(x.reason()).contains("relayed to itself")));
        // and the relay transport does not even ask
        assertThatThrownBy(() -> a.connect(CircuitRelay.circuitAddress(addr(r), a.peerId())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("itself");
    }

    @Test
    void aConnectToAPeerWithoutReservationIsRefused() throws Exception {
        Host r = relay(RelayConfig.defaults());
        Host b = net.dialer();
        b.connect(addr(r)); // connected, but without a slot
        Host a = net.dialer();
        assertThatThrownBy(() -> a.connect(CircuitRelay.circuitAddress(addr(r), b.peerId())))
                .isInstanceOfSatisfying(RelayRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(Status.NO_RESERVATION);
                    assertThat(e.refusedBy()).isEqualTo(r.peerId());
                });
        assertThat(a.connections(b.peerId())).isEmpty();
    }

    @Test
    void malformedAndUnexpectedRequestsAreRefused() throws Exception {
        Host r = relay(RelayConfig.defaults());
        Host a = net.dialer();
        Connection c = a.connect(addr(r));
        assertThat(statusOf(ask(c, new byte[] {(byte) 0xff, 0x01}))).isEqualTo(Status.MALFORMED_MESSAGE);
        assertThat(statusOf(ask(c, new byte[] {0x08, 0x07}))).as("an unknown type").isEqualTo(Status.MALFORMED_MESSAGE);
        assertThat(statusOf(ask(c, new byte[0]))).as("no type").isEqualTo(Status.MALFORMED_MESSAGE);
        assertThat(statusOf(ask(c, new byte[] {0x08, 0x01}))).as("CONNECT without a peer").isEqualTo(Status.MALFORMED_MESSAGE);
        assertThat(statusOf(ask(c, HopMessage.refusal(Status.OK).encode()))).as("a STATUS as a request").isEqualTo(Status.UNEXPECTED_MESSAGE);
        try (ProtocolStream s = c.newStream(CircuitRelay.HOP)) {
            s.out().write(new byte[] {(byte) 0x80, (byte) 0x80, 0x01}); // announces 16 KiB, more than a relay message may be
            assertThat(statusOf(HopMessage.read(s.in()))).isEqualTo(Status.MALFORMED_MESSAGE);
        }
        assertThat(a.ping(r.peerId(), 1)).as("the connection survives").hasSize(1);
    }

    @Test
    void theAclRefusesWithPermissionDenied() throws Exception {
        Host a = net.dialer();
        RelayConfig.Acl acl = new RelayConfig.Acl() {
            @Override
            public boolean allowReserve(PeerId peer, Multiaddr address) {
                return !peer.equals(a.peerId());
            }

            @Override
            public boolean allowConnect(PeerId source, Multiaddr sourceAddress, PeerId target) {
                return !source.equals(a.peerId());
            }
        };
        Host r = relay(RelayConfig.defaults().withAcl(acl));
        Connection c = a.connect(addr(r));
        assertThatThrownBy(() -> RelayClient.reserve(c, addr(r), a.peerId(), Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(RelayRefusedException.class, e -> assertThat(e.status()).isEqualTo(Status.PERMISSION_DENIED));
        RelayClient client = new RelayClient(addr(r));
        Host b = net.reachableThrough(client);
        client.awaitReservation(Duration.ofSeconds(10));
        assertThatThrownBy(() -> a.connect(CircuitRelay.circuitAddress(addr(r), b.peerId())))
                .isInstanceOfSatisfying(RelayRefusedException.class, e -> assertThat(e.status()).isEqualTo(Status.PERMISSION_DENIED));
    }

    @Test
    void tooManyReservationsAreRefused() throws Exception {
        Host r = relay(RelayConfig.defaults().withReservations(Duration.ofHours(1), 2, 8));
        Host[] peers = {net.dialer(), net.dialer(), net.dialer()};
        RelayClient.reserve(peers[0].connect(addr(r)), addr(r), peers[0].peerId(), Duration.ofSeconds(5));
        RelayClient.reserve(peers[1].connect(addr(r)), addr(r), peers[1].peerId(), Duration.ofSeconds(5));
        Connection third = peers[2].connect(addr(r));
        assertThatThrownBy(() -> RelayClient.reserve(third, addr(r), peers[2].peerId(), Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(RelayRefusedException.class, e -> assertThat(e.status()).isEqualTo(Status.RESERVATION_REFUSED));
        // a renewal is not a new reservation
        RelayClient.reserve(peers[0].connections(r.peerId()).get(0), addr(r), peers[0].peerId(), Duration.ofSeconds(5));
        assertThat(net.relayService(r).reservations()).hasSize(2);
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(RelayEvent.Reserved.class,
                x -> assertThat(x.renewal()).isTrue()));
    }

    /** A relay never relays through another relay: requests that arrive over a relayed connection are refused. */
    @Test
    void requestsOverARelayedConnectionAreRefused() throws Exception {
        Host r1 = relay(RelayConfig.defaults());
        RelayClient client = new RelayClient(addr(r1));
        RelayService second = new RelayService();
        second.addListener(events::add);
        // a second relay, reachable only through the first
        Host r2 = net.build(net.builder().transport(RelayTransport::new).service(client).service(second).listen("/p2p-circuit"));
        client.awaitReservation(Duration.ofSeconds(10));
        Host a = net.build(net.builder().transport(RelayTransport::new).allowOnLimitedConnections(CircuitRelay.HOP));
        Connection relayed = a.connect(client.circuitAddrs().get(0));
        assertThat(relayed.isLimited()).isTrue();
        assertThat(statusOf(ask(relayed, HopMessage.reserve().encode()))).isEqualTo(Status.PERMISSION_DENIED);
        assertThat(statusOf(ask(relayed, HopMessage.connect(r1.peerId()).encode()))).isEqualTo(Status.PERMISSION_DENIED);
        assertThat(second.reservations()).isEmpty();
        // our own client and transport refuse before asking
        assertThatThrownBy(() -> RelayClient.reserve(relayed, client.circuitAddrs().get(0), a.peerId(), Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class).hasMessageContaining("direct connection");
        assertThat(r2.connections(a.peerId())).allMatch(Connection::isLimited);
        assertThat(events).filteredOn(RelayEvent.Refused.class::isInstance)
                .map(e -> ((RelayEvent.Refused) e).reason()).anyMatch(x -> x.contains("never relays through another relay"));
        assertThat(relayed.isClosed()).isFalse();
    }
}
