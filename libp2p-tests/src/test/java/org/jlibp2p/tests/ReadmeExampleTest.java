package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.HostService;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.ServiceContext;
import org.junit.jupiter.api.Test;

/** The "host in ten lines" and the "service in twenty lines" of the top README, kept compiling and working. */
class ReadmeExampleTest {
    private static final ByteArrayOutputStream HELLOS = new ByteArrayOutputStream();
    private static final PrintStream HELLO_OUT = new PrintStream(HELLOS, true);

    // --- README (service) begins
    static final class Hello implements HostService {
        static final String PROTOCOL = "/hello/1.0.0";

        @Override
        public void start(ServiceContext ctx) {
            ctx.setStreamHandler(PROTOCOL, s -> HELLO_OUT.println(
                    "hello from " + s.connection().remotePeer() + ": " + new String(s.in().readAllBytes())));
            ctx.subscribe(HostEvent.PeerIdentified.class, e -> {
                if (e.info().protocols().contains(PROTOCOL)) {
                    ctx.execute("hello", () -> {
                        try (ProtocolStream s = e.connection().newStream(PROTOCOL)) {
                            s.out().write(("I am " + ctx.peerId()).getBytes());
                            s.closeWrite();
                        } catch (IOException ex) {
                            // the peer went away: nothing to greet
                        }
                    });
                }
            });
        }
    }
    // --- README (service) ends

    @Test
    void theServiceExampleWorks() throws Exception {
        String aId;
        String bId;
        // --- README (service use) begins
        try (Host a = Host.builder().listen("/ip4/127.0.0.1/tcp/0").service(new Hello()).build();
             Host b = Host.builder().service(new Hello()).build()) {
            b.connect(a.fullAddrs().get(0));   // identify runs both ways, then each greets the other
            Thread.sleep(1000);                // two lines: "hello from 12D3KooW...: I am 12D3KooW..."
            // --- README (service use) ends
            aId = a.peerId().toString();
            bId = b.peerId().toString();
        }
        assertThat(HELLOS.toString().lines().toList()).containsExactlyInAnyOrder(
                "hello from " + aId + ": I am " + aId,
                "hello from " + bId + ": I am " + bId);
    }

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
