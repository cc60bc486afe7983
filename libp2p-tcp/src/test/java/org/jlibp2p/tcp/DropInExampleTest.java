package org.jlibp2p.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.RawConnection;
import org.junit.jupiter.api.Test;

/** The example of this module's README, kept compiling and working. */
class DropInExampleTest {
    @Test
    void theReadmeExampleWorks() throws Exception {
        Future<byte[]> received;
        // --- README begins
        TcpTransport tcp = new TcpTransport();
        try (Listener listener = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
             RawConnection c = tcp.dial(listener.localAddress(), Duration.ofSeconds(5))) {
            c.out().write("hello".getBytes());
        // --- README ends
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                received = executor.submit(() -> {
                    try (RawConnection accepted = listener.accept()) {
                        return accepted.in().readNBytes(5);
                    }
                });
                assertThat(received.get()).isEqualTo("hello".getBytes());
            }
        }
    }
}
