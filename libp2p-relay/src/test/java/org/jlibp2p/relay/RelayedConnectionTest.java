package org.jlibp2p.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jlibp2p.relay.RelayNet.ECHO;
import static org.jlibp2p.relay.RelayNet.addr;
import static org.jlibp2p.relay.RelayNet.awaitTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.LimitedConnectionException;
import org.jlibp2p.core.host.ProtocolStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A reaches B through R: the relayed connection is a host connection like any other, only limited. */
@Timeout(60)
class RelayedConnectionTest {
    private final RelayNet net = new RelayNet();

    @AfterEach
    void close() throws InterruptedException {
        net.close();
    }

    @Test
    void aReachesBThroughTheRelayWithPingIdentifyAndEcho() throws Exception {
        Host r = net.relay(new RelayService());
        RelayClient client = new RelayClient(addr(r));
        Host b = net.reachableThrough(client);
        client.awaitReservation(Duration.ofSeconds(10));
        Multiaddr circuit = client.circuitAddrs().get(0);
        assertThat(circuit).isEqualTo(CircuitRelay.circuitAddress(addr(r), b.peerId()));

        Host a = net.dialer();
        CompletableFuture<HostEvent.PeerIdentified> identified = new CompletableFuture<>();
        a.subscribe(HostEvent.PeerIdentified.class, e -> {
            if (e.peer().equals(b.peerId())) {
                identified.complete(e);
            }
        });
        Connection c = a.connect(circuit);
        assertThat(c.remotePeer()).isEqualTo(b.peerId());
        assertThat(c.isLimited()).isTrue();
        assertThat(CircuitRelay.isRelayed(c)).isTrue();
        assertThat(c.remoteAddress()).isEqualTo(circuit);

        assertThat(a.ping(b.peerId(), 3)).hasSize(3);
        HostEvent.PeerIdentified id = identified.get(10, TimeUnit.SECONDS);
        assertThat(id.connection()).isSameAs(c);
        assertThat(id.info().protocols()).contains(ECHO, CircuitRelay.STOP);

        try (ProtocolStream s = a.newStream(b.peerId(), ECHO)) {
            s.out().write("through the relay".getBytes());
            s.closeWrite();
            assertThat(new String(s.in().readAllBytes())).isEqualTo("through the relay");
        }
        assertThat(a.connect(circuit)).as("an open relayed connection is reused").isSameAs(c);

        awaitTrue("B sees an inbound limited connection from A", () -> b.connections(a.peerId()).stream()
                .anyMatch(x -> x.direction() == Role.RESPONDER && x.isLimited() && CircuitRelay.isRelayed(x)));
        Connection atB = b.connections(a.peerId()).get(0);
        assertThat(atB.remoteAddress()).isEqualTo(CircuitRelay.circuitAddress(addr(r), a.peerId()));
        assertThat(r.connections(a.peerId())).allMatch(x -> !x.isLimited());

        c.close();
        awaitTrue("B's end closes when A closes", () -> b.connections(a.peerId()).isEmpty());
        awaitTrue("the relay's circuit ends", () -> net.relayService(r).circuits().isEmpty());
    }

    @Test
    void aProtocolNotAllowedOnLimitedConnectionsIsRefusedOnBothEnds() throws Exception {
        Host r = net.relay(new RelayService());
        RelayClient client = new RelayClient(addr(r));
        Host b = net.build(net.builder().transport(RelayTransport::new).service(client).listen("/p2p-circuit")
                .handler("/big/1.0.0", s -> s.in().transferTo(s.out())));
        client.awaitReservation(Duration.ofSeconds(10));
        Host a = net.build(net.builder().transport(RelayTransport::new).allowOnLimitedConnections("/sneaky/1.0.0"));
        Connection c = a.connect(client.circuitAddrs().get(0));

        assertThatThrownBy(() -> c.newStream("/big/1.0.0")).isInstanceOf(LimitedConnectionException.class).hasMessageContaining("/big/1.0.0");
        assertThatThrownBy(() -> a.newStream(b.peerId(), "/big/1.0.0")).isInstanceOf(LimitedConnectionException.class);
        // A lets /sneaky run on limited connections; B does not, so B refuses the stream itself
        b.setStreamHandler("/sneaky/1.0.0", s -> s.in().transferTo(s.out()));
        assertThatThrownBy(() -> {
            try (ProtocolStream s = c.newStream("/sneaky/1.0.0")) {
                s.out().write(1);
                s.closeWrite();
                s.in().readAllBytes();
            }
        }).isInstanceOf(IOException.class);
        assertThat(c.isClosed()).as("a refused stream does not end the connection").isFalse();
        assertThat(a.ping(b.peerId(), 1)).hasSize(1);
    }

    @Test
    void aRelayWithoutLimitsGivesUnlimitedRelayedConnections() throws Exception {
        Host r = net.relay(new RelayService(RelayConfig.defaults().withLimit(Duration.ZERO, 0)));
        RelayClient client = new RelayClient(addr(r));
        Host b = net.build(net.builder().transport(RelayTransport::new).service(client).listen("/p2p-circuit")
                .handler("/big/1.0.0", s -> s.in().transferTo(s.out())));
        RelayReservation reservation = client.awaitReservation(Duration.ofSeconds(10));
        assertThat(reservation.limit()).isEmpty();
        Host a = net.dialer();
        Connection c = a.connect(client.circuitAddrs().get(0));
        assertThat(c.isLimited()).isFalse();
        assertThat(CircuitRelay.isRelayed(c)).isTrue();
        byte[] data = new byte[512 * 1024];
        new java.util.Random(1).nextBytes(data);
        try (ProtocolStream s = c.newStream("/big/1.0.0")) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.out().write(data);
                    s.closeWrite();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(s.in().readAllBytes()).isEqualTo(data);
            writer.join();
        }
        assertThat(b.connections(a.peerId())).isNotEmpty();
    }

    /**
     * The host hands transports the address with its target, so a plain host.connect opens a new
     * relayed connection, and so does connect(PeerId) once the peerstore has a circuit address;
     * RelayTransport.connect is the same call.
     */
    @Test
    void aPlainHostConnectOpensARelayedConnection() throws Exception {
        Host r = net.relay(new RelayService());
        RelayClient client = new RelayClient(addr(r));
        Host b = net.reachableThrough(client);
        client.awaitReservation(Duration.ofSeconds(10));
        Host a = net.dialer();
        Multiaddr circuit = client.circuitAddrs().get(0);
        Connection c = a.connect(circuit);
        assertThat(c.isLimited()).isTrue();
        assertThat(c.remotePeer()).isEqualTo(b.peerId());
        assertThat(c.remoteAddress()).isEqualTo(circuit);
        assertThat(RelayTransport.connect(a, circuit)).as("the open connection, reused").isSameAs(c);

        c.close();
        awaitTrue("B saw the connection close", () -> b.connections(a.peerId()).isEmpty());
        assertThat(a.peerstore().addrs(b.peerId())).contains(circuit.withoutPeerId());
        Connection again = a.connect(b.peerId()); // by peer id: the peerstore's circuit address
        assertThat(again).isNotSameAs(c);
        assertThat(CircuitRelay.isRelayed(again)).isTrue();
        assertThat(a.ping(b.peerId(), 1)).hasSize(1);
    }

    @Test
    void aHostThatDoesNotListenOnP2pCircuitRefusesCircuits() throws Exception {
        Host r = net.relay(new RelayService());
        RelayClient client = new RelayClient(addr(r));
        net.build(net.builder().transport(RelayTransport::new).service(client)); // no listen("/p2p-circuit")
        client.awaitReservation(Duration.ofSeconds(10));
        Host a = net.dialer();
        assertThatThrownBy(() -> a.connect(client.circuitAddrs().get(0)))
                .isInstanceOfSatisfying(RelayRefusedException.class, e -> assertThat(e.status()).isEqualTo(Status.CONNECTION_FAILED));
    }

    @Test
    void theTransportHandlesCircuitAddressesOnly() throws Exception {
        RelayTransport[] made = new RelayTransport[1];
        Host a = net.build(net.builder().transport(ctx -> made[0] = new RelayTransport(ctx)));
        RelayTransport t = made[0];
        Multiaddr relay = Multiaddr.parse("/memory/7/p2p/12D3KooWPjceQrSwdWXPyLLeABRXmuqt69Rg3sBYbU1Nft9HyQ6X");
        assertThat(t.handles(Multiaddr.parse(relay + "/p2p-circuit"))).isTrue();
        assertThat(t.handles(CircuitRelay.circuitAddress(relay, a.peerId()))).isTrue();
        assertThat(t.handles(Multiaddr.parse("/p2p-circuit"))).isTrue();
        assertThat(t.handles(relay)).isFalse();
        assertThat(t.handles(Multiaddr.parse("/memory/7/p2p-circuit"))).as("no relay id").isFalse();
        assertThat(t.handles(Multiaddr.parse(CircuitRelay.circuitAddress(relay, a.peerId()) + "/p2p-circuit")))
                .as("through two relays").isFalse();
        assertThatThrownBy(() -> t.listen(Multiaddr.parse(relay + "/p2p-circuit"))).isInstanceOf(IOException.class);
    }
}
