package org.jlibp2p.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jlibp2p.relay.RelayNet.addr;
import static org.jlibp2p.relay.RelayNet.awaitTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.PeerIdMismatchException;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Both ends of a relayed connection check that the peer at the far end is the one named. */
@Timeout(60)
class PeerCheckTest {
    private final RelayNet net = new RelayNet();

    @AfterEach
    void close() throws InterruptedException {
        net.close();
    }

    /** A hop stream as a raw connection, for a test that upgrades it by hand. */
    private static RawConnection raw(ProtocolStream s) {
        final class Raw extends ForwardingDuplex implements RawConnection {
            Raw() {
                super(s);
            }

            @Override
            public Multiaddr localAddress() {
                return s.connection().localAddress();
            }

            @Override
            public Multiaddr remoteAddress() {
                return s.connection().remoteAddress();
            }
        }
        return new Raw();
    }

    private static void copy(InputStream in, OutputStream out) {
        Thread.ofVirtual().start(() -> {
            try {
                in.transferTo(out);
                out.close();
            } catch (IOException e) {
                // the bridge ends with the streams
            }
        });
    }

    /** A dishonest relay answers a CONNECT for X by connecting to B: the dialer's handshake finds out. */
    @Test
    void theDialerRefusesAPeerOtherThanTheOneItAskedFor() throws Exception {
        AtomicReference<Host> relayHost = new AtomicReference<>();
        AtomicReference<PeerId> victim = new AtomicReference<>();
        Host liar = net.build(net.builder().listen("/memory/0").handler(CircuitRelay.HOP, s -> {
            HopMessage.read(s.in());
            ProtocolStream stop = relayHost.get().connections(victim.get()).get(0).newStream(CircuitRelay.STOP);
            StopMessage.connect(s.connection().remotePeer(), Optional.empty()).write(stop.out());
            StopMessage.read(stop.in());
            HopMessage.status(Status.OK, Optional.empty()).write(s.out());
            s.keepOpen();
            copy(s.in(), stop.out());
            copy(stop.in(), s.out());
        }));
        relayHost.set(liar);
        Host b = net.build(net.builder().transport(RelayTransport::new).listen("/p2p-circuit"));
        b.connect(addr(liar));
        victim.set(b.peerId());
        Host a = net.dialer();
        PeerId wanted = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
        assertThatThrownBy(() -> a.connect(CircuitRelay.circuitAddress(addr(liar), wanted)))
                .isInstanceOf(PeerIdMismatchException.class);
        assertThat(a.connections(b.peerId())).isEmpty();
        assertThat(a.connections(wanted)).isEmpty();
    }

    /**
     * The relay names the initiator it authenticated (A), and the target's raw connection says so in
     * its remote address; an initiator whose handshake inside the circuit proves another identity (M)
     * fails the target's upgrade: the connection is never opened.
     */
    @Test
    void theTargetRefusesAnInitiatorThatIsNotTheOneTheRelayNamed() throws Exception {
        Host r = net.relay(new RelayService());
        RelayClient client = new RelayClient(addr(r));
        Host b = net.reachableThrough(client);
        client.awaitReservation(Duration.ofSeconds(10));
        List<HostEvent> seen = new CopyOnWriteArrayList<>();
        b.subscribe(HostEvent.class, seen::add);

        Host a = net.dialer();
        PrivateKey mallory = PrivateKey.generate(KeyType.ED25519);
        PeerId malloryId = PeerId.fromPublicKey(mallory.publicKey());
        ProtocolStream hop = a.connect(addr(r)).newStream(CircuitRelay.HOP);
        HopMessage.connect(b.peerId()).write(hop.out());
        assertThat(HopMessage.read(hop.in()).status()).contains(Status.OK);
        RawConnection circuit = raw(hop);
        MultistreamSelect.dialerSelect(circuit, List.of(NoiseSecureChannel.PROTOCOL_ID), Duration.ofSeconds(10));
        SecureConnection secure = new NoiseSecureChannel(mallory).secureOutbound(circuit, b.peerId(), List.of("/yamux/1.0.0"));
        if (secure.earlyMuxer().isEmpty()) {
            MultistreamSelect.dialerSelect(secure, List.of("/yamux/1.0.0"), Duration.ofSeconds(10));
        }
        MuxedSession session = new YamuxMuxer().newSession(secure, Role.INITIATOR);
        try {
            awaitTrue("M's session ended", session::isClosed);
            assertThat(seen).noneMatch(e -> e instanceof HostEvent.ConnectionOpened o && o.connection().remotePeer().equals(malloryId));
            assertThat(b.connections(malloryId)).isEmpty();
            assertThat(b.connections(a.peerId())).isEmpty();
        } finally {
            session.close();
        }
        // A itself, honest, is accepted
        Connection honest = a.connect(client.circuitAddrs().get(0));
        assertThat(a.ping(honest.remotePeer(), 1)).hasSize(1);
    }
}
