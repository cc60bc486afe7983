package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Limits;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.yamux.YamuxConfig;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stack's JDK Flight Recorder events, read back from a recording: connections (opened, and with
 * their life when they close), each upgrade step, streams with their protocol, limit refusals and
 * Yamux window stalls. All are named org.jlibp2p.*.
 */
@Timeout(60)
class FlightRecorderTest {
    private static final List<String> EVENTS = List.of("org.jlibp2p.Connection", "org.jlibp2p.ConnectionOpened", "org.jlibp2p.UpgradeStep",
            "org.jlibp2p.Stream", "org.jlibp2p.LimitRefusal", "org.jlibp2p.YamuxWindowStall");

    @Test
    void theStackRecordsItsEvents() throws Exception {
        List<RecordedEvent> seen;
        // events of this test's two hosts only: hosts that earlier tests in this JVM closed may still end connections
        java.util.Set<String> ours = java.util.concurrent.ConcurrentHashMap.newKeySet();
        // A recording read back from its file once stopped, rather than streamed: the file holds every
        // event committed before the stop. A stream delivers them a flush at a time; under load, it
        // gave every event type but no Connection event naming our peers within 10 s.
        try (Recording recording = new Recording()) {
            for (String e : EVENTS) {
                recording.enable(e).withoutThreshold();
            }
            recording.start();
            // a listener whose handler reads slowly (a window stall for the writer) and that allows 1 ping stream
            try (Host server = Host.builder().transport(new TcpTransport()).security(NoiseSecureChannel::new)
                         .muxer(new YamuxMuxer(YamuxConfig.defaults().withFixedWindow(YamuxConfig.SPEC_INITIAL_WINDOW)))
                         .limits(Limits.defaults().withStreamsPerPeerPerProtocol(1))
                         .listen("/ip4/127.0.0.1/tcp/0")
                         .handler("/slow/1.0.0", s -> {
                             byte[] buf = new byte[64 * 1024];
                             while (s.in().read(buf) >= 0) {
                                 Thread.sleep(5);
                             }
                         })
                         .handler("/one/1.0.0", s -> {
                             s.out().write(1); // counted against the limit from here on
                             s.out().flush();
                             s.in().transferTo(java.io.OutputStream.nullOutputStream()); // until the client ends it
                         })
                         .build();
                 Host client = Host.builder().build()) {
                ours.add(server.peerId().toString());
                ours.add(client.peerId().toString());
                Connection c = client.connect(server.fullAddrs().get(0));
                try (ProtocolStream s = c.newStream("/slow/1.0.0")) {
                    s.out().write(new byte[1024 * 1024]); // four windows: the writer waits for credit
                    s.closeWrite();
                    s.in().readAllBytes();
                }
                try (ProtocolStream first = c.newStream("/one/1.0.0")) {
                    first.out().write(0);
                    first.out().flush();
                    // Each inbound stream is served on its own thread: only once the first is served
                    // is the second certain to be the one refused.
                    assertThat(first.in().read()).isEqualTo(1);
                    try (ProtocolStream second = c.newStream("/one/1.0.0")) {
                        second.out().write(0);
                        second.out().flush();
                        second.in().read(); // reset by the per-peer limit
                    } catch (java.io.IOException refused) {
                        // the refusal is what this provokes
                    }
                }
                c.close();
            } // the hosts have closed their connections, each committing its Connection event
            recording.stop();
            Path file = Files.createTempFile("flight", ".jfr");
            try {
                recording.dump(file);
                seen = RecordingFile.readAllEvents(file);
            } finally {
                Files.deleteIfExists(file);
            }
        }
        assertThat(seen.stream().map(e -> e.getEventType().getName()).distinct()).as("every event type recorded").containsAll(EVENTS);
        RecordedEvent connection = seen.stream().filter(e -> e.getEventType().getName().equals("org.jlibp2p.Connection"))
                .filter(e -> ours.contains(e.getString("peer"))).findFirst().orElseThrow(() -> new AssertionError("no Connection event of ours"));
        assertThat(connection.getString("security")).isEqualTo("/noise");
        assertThat(connection.getString("muxer")).isEqualTo("/yamux/1.0.0");
        assertThat(connection.getString("peer")).startsWith("12D3KooW");
        assertThat(connection.getDuration()).isPositive();
        assertThat(seen.stream().filter(e -> e.getEventType().getName().equals("org.jlibp2p.UpgradeStep")).map(e -> e.getString("step")))
                .contains("SECURITY_NEGOTIATION", "SECURITY_HANDSHAKE");
        assertThat(seen.stream().filter(e -> e.getEventType().getName().equals("org.jlibp2p.Stream")).map(e -> e.getString("protocol")))
                .contains("/slow/1.0.0", "/ipfs/id/1.0.0");
        assertThat(first(seen, "org.jlibp2p.LimitRefusal").getString("message")).contains("per peer");
        assertThat(first(seen, "org.jlibp2p.YamuxWindowStall").getDuration()).isPositive();
    }

    /**
     * Until the recorder starts, the stack makes no event: a fresh JVM that connects two hosts and
     * opens a stream loads neither an event class of ours nor the JDK's {@code jdk.jfr.Event}, whose
     * first use costs a fresh process about 0.15 s.
     */
    @Test
    void withoutARecorderNoEventClassIsLoaded() throws Exception {
        java.nio.file.Path output = java.nio.file.Files.createTempFile("without-recorder", ".log");
        Process child = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load:stdout", "-cp", System.getProperty("java.class.path"), WithoutRecorder.class.getName())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        String log;
        try {
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child JVM ends").isTrue();
            log = java.nio.file.Files.readString(output);
        } finally {
            child.destroyForcibly();
            java.nio.file.Files.deleteIfExists(output);
        }
        assertThat(child.exitValue()).as(log.lines().filter(l -> !l.contains("class,load")).toList().toString()).isZero();
        assertThat(log).contains("echoed").contains("org.jlibp2p.core.host.HostConnection ").contains("org.jlibp2p.core.host.HostStream ");
        assertThat(log.lines().filter(l -> l.contains("FlightEvents$") || l.contains("WindowStall") || l.contains(" jdk.jfr.Event ")).toList()).isEmpty();
    }

    /** The child process of {@link #withoutARecorderNoEventClassIsLoaded}: two hosts, a connection, a stream. */
    static final class WithoutRecorder {
        public static void main(String[] args) throws Exception {
            try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").handler("/echo/1.0.0", s -> s.in().transferTo(s.out())).build();
                 Host client = Host.builder().build()) {
                Connection c = client.connect(server.fullAddrs().get(0));
                try (ProtocolStream s = c.newStream("/echo/1.0.0")) {
                    s.out().write("hello".getBytes());
                    s.closeWrite();
                    if (!new String(s.in().readAllBytes()).equals("hello")) {
                        throw new AssertionError("no echo");
                    }
                }
                c.close();
            }
            System.out.println("echoed");
        }
    }

    private static RecordedEvent first(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).findFirst().orElseThrow();
    }
}
