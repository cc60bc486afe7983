package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.junit.jupiter.api.Test;

/** The "host in ten lines" of the top README, kept compiling and working. */
class ReadmeExampleTest {
    @Test
    void theHostExampleWorks() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream System_out = new PrintStream(printed, true);
        // --- README begins
        try (Host server = Host.builder()
                     .listen("/ip4/127.0.0.1/tcp/0")
                     .handler("/echo/1.0.0", s -> s.in().transferTo(s.out()))
                     .build();
             Host client = Host.builder().build()) {
            ProtocolStream s = client.newStream(server.fullAddrs().get(0), "/echo/1.0.0");
            s.out().write("hello".getBytes());
            s.closeWrite();
            System_out.println(new String(s.in().readAllBytes()));   // hello
            System_out.println(client.ping(server.peerId(), 3));      // [PT0.0004S, ...]
        }
        // --- README ends
        assertThat(printed.toString().lines().toList()).hasSize(2).first().isEqualTo("hello");
    }
}
