package org.jlibp2p.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jlibp2p.relay.RelayNet.addr;
import static org.jlibp2p.relay.RelayNet.awaitTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay's part alone, with both ends speaking hop and stop by hand: the relay passes the bytes
 * both ways unchanged, and an end's half-close, and the circuit closes once both sides have.
 */
@Timeout(60)
class RawCircuitTest {
    private final RelayNet net = new RelayNet();

    @AfterEach
    void close() throws InterruptedException {
        net.close();
    }

    @Test
    void theRelayCopiesBothWaysAndPassesOnAHalfClose() throws Exception {
        RelayService service = new RelayService();
        List<RelayEvent> events = new CopyOnWriteArrayList<>();
        service.addListener(events::add);
        Host r = net.relay(service);
        CompletableFuture<StopMessage> stopRequest = new CompletableFuture<>();
        Host b = net.build(net.builder().handler(CircuitRelay.STOP, s -> {
            StopMessage request = StopMessage.read(s.in());
            stopRequest.complete(request);
            StopMessage.status(Status.OK).write(s.out());
            byte[] all = s.in().readAllBytes(); // until the initiator's half-close
            s.out().write(("got " + all.length + " bytes").getBytes());
            s.closeWrite();
        }));
        RelayClient.reserve(b.connect(addr(r)), addr(r), b.peerId(), Duration.ofSeconds(5));

        Host a = net.dialer();
        byte[] data = new byte[100_000];
        new Random(7).nextBytes(data);
        try (ProtocolStream hop = a.connect(addr(r)).newStream(CircuitRelay.HOP)) {
            HopMessage.connect(b.peerId()).write(hop.out());
            HopMessage answer = HopMessage.read(hop.in());
            assertThat(answer.status()).contains(Status.OK);
            assertThat(answer.limit()).contains(new Limit(Duration.ofMinutes(2), 128 * 1024));
            hop.out().write(data);
            hop.closeWrite();
            assertThat(new String(hop.in().readAllBytes())).isEqualTo("got 100000 bytes");
        }
        StopMessage request = stopRequest.get(5, TimeUnit.SECONDS);
        assertThat(request.peer().orElseThrow().id()).isEqualTo(a.peerId());
        assertThat(request.limit()).contains(new Limit(Duration.ofMinutes(2), 128 * 1024));
        awaitTrue("the circuit closed", () -> events.stream().anyMatch(RelayEvent.CircuitClosed.class::isInstance));
        RelayEvent.CircuitClosed closed = events.stream().filter(RelayEvent.CircuitClosed.class::isInstance)
                .map(RelayEvent.CircuitClosed.class::cast).findFirst().orElseThrow();
        assertThat(closed.reason()).isEqualTo("both sides closed");
        assertThat(closed.bytesFromSource()).isEqualTo(100_000);
        assertThat(closed.bytesFromTarget()).isEqualTo("got 100000 bytes".length());
        assertThat(events).anySatisfy(e -> assertThat(e).isEqualTo(new RelayEvent.CircuitOpened(a.peerId(), b.peerId())));
        assertThat(service.circuits()).isEmpty();
    }
}
