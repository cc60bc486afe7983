package org.jlibp2p.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.testing.ReadmeExample;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The example of this module's README, kept running; and the README kept showing it. */
@Timeout(60)
class ReadmeExampleTest {
    @Test
    void theReadmeExampleWorks() throws Exception {
        String echoed;
        boolean limited;
        // --- README begins
        MemoryNetwork net = new MemoryNetwork();  // hosts in one JVM; over TCP, leave out transport(net.transport())
        try (Host relay = Host.builder().transport(net.transport()).listen("/memory/0")
                     .service(new RelayService())
                     .build()) {
            RelayClient reservations = new RelayClient(relay.fullAddrs().get(0));
            try (Host b = Host.builder().transport(net.transport())            // B listens on nothing: behind a NAT
                         .transport(RelayTransport::new).service(reservations).listen("/p2p-circuit")
                         .handler("/echo/1.0.0", s -> s.in().transferTo(s.out()))
                         .allowOnLimitedConnections("/echo/1.0.0")
                         .build();
                 Host a = Host.builder().transport(net.transport())
                         .transport(RelayTransport::new)
                         .allowOnLimitedConnections("/echo/1.0.0")
                         .build()) {
                Multiaddr bViaRelay = reservations.awaitReservation(Duration.ofSeconds(10)).circuitAddrs().get(0);
                System.out.println(bViaRelay);     // /memory/1/p2p/12D3KooW...(relay)/p2p-circuit/p2p/12D3KooW...(B)
                Connection c = a.connect(bViaRelay);
                System.out.println(c.remotePeer().equals(b.peerId()));  // true: B's handshake proved it, end to end
                limited = c.isLimited();           // true: 2 minutes, 128 KiB each way
                try (ProtocolStream s = c.newStream("/echo/1.0.0")) {
                    s.out().write("hello through the relay".getBytes());
                    s.closeWrite();
                    echoed = new String(s.in().readAllBytes());
                }
            }
        }
        // --- README ends
        assertThat(echoed).isEqualTo("hello through the relay");
        assertThat(limited).isTrue();
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    @Test
    void theReadmeShowsThisExample() throws Exception {
        ReadmeExample.assertReadmeShows(ReadmeExampleTest.class);
    }
}
