package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.core.plaintext.PlaintextSecureChannel;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hosts over the in-memory transport: the whole stack above the transport, with no sockets. */
@Timeout(120)
class MemoryTransportHostTest {
    private static final String ECHO = "/echo/1.0.0";
    private final MemoryNetwork net = new MemoryNetwork();
    private final List<Host> hosts = new ArrayList<>();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private Host host(String security) throws IOException {
        Host.Builder b = Host.builder()
                .transport(net.transport())
                .muxer(new YamuxMuxer())
                .listen("/memory/0")
                .handler(ECHO, s -> {
                    s.in().transferTo(s.out());
                    s.closeWrite();
                });
        b = security.equals("noise") ? b.security(NoiseSecureChannel::new) : b.security(PlaintextSecureChannel::new);
        Host h = b.build();
        hosts.add(h);
        return h;
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        hosts.forEach(Host::close);
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(10), "jlibp2p-", "yamux-")).as("threads left after close").isEmpty();
        assertThat(net.listenerCount()).as("every listener closed with its host").isZero();
    }

    private static PeerId peerOf(Host h) {
        return h.fullAddrs().get(0).peerId().orElseThrow();
    }

    /** Sends data to the echo handler while reading the echo, so that neither side's window stalls the other. */
    private byte[] echo(Host from, PeerId to, byte[] data) throws Exception {
        try (ProtocolStream s = from.newStream(to, ECHO)) {
            Future<byte[]> back = executor.submit(() -> s.in().readAllBytes());
            s.out().write(data);
            s.closeWrite();
            return back.get(30, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plaintext", "noise"})
    void twoHostsPingAndEchoOverMemory(String security) throws Exception {
        Host a = host(security);
        Host b = host(security);
        Multiaddr bAddr = b.fullAddrs().get(0);
        assertThat(bAddr.toString()).matches("/memory/[0-9]+/p2p/.+");

        Connection c = a.connect(bAddr);
        assertThat(c.remotePeer()).isEqualTo(peerOf(b));
        assertThat(c.remoteAddress()).isEqualTo(bAddr.withoutPeerId());
        assertThat(c.localAddress().toString()).startsWith("/memory/");
        assertThat(c.securityProtocol()).isEqualTo(security.equals("noise") ? "/noise" : "/plaintext/2.0.0");
        assertThat(c.muxerProtocol()).isEqualTo("/yamux/1.0.0");

        assertThat(a.ping(peerOf(b), 3)).hasSize(3);
        assertThat(b.ping(peerOf(a), 3)).as("the other way, over the same connection").hasSize(3);

        byte[] data = new byte[1024 * 1024];
        new Random(1).nextBytes(data);
        assertThat(echo(a, peerOf(b), data)).isEqualTo(data);
        assertThat(echo(b, peerOf(a), "hello".getBytes())).isEqualTo("hello".getBytes());
    }

    /** The README's lines: security and muxer are the defaults found on the class path (Noise, Yamux). */
    @Test
    void theReadmeLinesWork() throws Exception {
        Host a = Host.builder().transport(net.transport()).listen("/memory/0").build();
        hosts.add(a);
        Host b = Host.builder().transport(net.transport()).build();
        hosts.add(b);
        assertThat(a.fullAddrs().get(0).toString()).startsWith("/memory/1/p2p/12D3KooW");
        Connection c = b.connect(a.fullAddrs().get(0));
        assertThat(c.securityProtocol()).isEqualTo("/noise");
        assertThat(b.ping(c.remotePeer(), 1)).hasSize(1);
    }

    /**
     * Fifty hosts, each dialing three others and pinging and echoing over every connection: a network
     * that would take 50 ports and a few hundred sockets with TCP.
     */
    @Test
    void fiftyHostsInOneNetworkEachReachAFewOthers() throws Exception {
        int count = 50;
        int[] offsets = {1, 7, 20};
        for (int i = 0; i < count; i++) {
            host("noise");
        }
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Host from = hosts.get(i);
            for (int offset : offsets) {
                Host to = hosts.get((i + offset) % count);
                results.add(executor.submit(() -> {
                    Connection c = from.connect(to.fullAddrs().get(0));
                    assertThat(c.remotePeer()).isEqualTo(peerOf(to));
                    assertThat(from.ping(peerOf(to), 2)).hasSize(2);
                    byte[] message = ("from " + from.fullAddrs().get(0) + " to " + to.fullAddrs().get(0)).getBytes();
                    assertThat(echo(from, peerOf(to), message)).isEqualTo(message);
                    return 1;
                }));
            }
        }
        int done = 0;
        for (Future<Integer> r : results) {
            done += r.get(60, TimeUnit.SECONDS);
        }
        assertThat(done).isEqualTo(count * offsets.length);
        assertThat(net.listenerCount()).isEqualTo(count);
    }
}
