package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.memory.Pipes;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.MuxedStream;
import org.junit.jupiter.api.Test;

/** The example of this module's README, kept compiling and working. */
class DropInExampleTest {
    @Test
    void theReadmeExampleWorks() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream System_out = new PrintStream(printed, true);
        // --- README begins
        Pipes.Pair link = Pipes.pair();                       // or a socket, or a TLS connection...
        YamuxMuxer yamux = new YamuxMuxer();
        try (MuxedSession client = yamux.newSession(link.a(), Role.INITIATOR);
             MuxedSession server = yamux.newSession(link.b(), Role.RESPONDER)) {
            MuxedStream out = client.openStream();
            out.out().write("hello".getBytes());
            out.closeWrite();
            MuxedStream in = server.acceptStream(Duration.ofSeconds(5));
            System_out.println(new String(in.in().readAllBytes()));   // hello
        }
        // --- README ends
        assertThat(printed.toString().strip()).isEqualTo("hello");
    }
}
