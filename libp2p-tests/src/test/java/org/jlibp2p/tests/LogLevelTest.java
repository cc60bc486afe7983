package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Limits;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.examples.ConsoleLoggerFinder;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an operator sees: a remote's protocol violation is a WARNING naming it; a refusal by a limit
 * is one INFO line naming the limit. (The tool's logger is on this class path, so the library logs
 * through it here.)
 */
@Timeout(60)
class LogLevelTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private Host host;

    @BeforeEach
    void capture() throws IOException {
        ConsoleLoggerFinder.configure(false, new PrintStream(captured, true, StandardCharsets.UTF_8));
        host = Host.builder().limits(Limits.defaults().withConnections(1, 8, 8)).listen("/ip4/127.0.0.1/tcp/0").build();
    }

    @AfterEach
    void restore() {
        host.close();
        ConsoleLoggerFinder.configure(false, System.err);
    }

    private String log() throws InterruptedException {
        Thread.sleep(300);
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aYamuxViolationIsAWarningThatNamesIt() throws Exception {
        RawConnection raw = new TcpTransport().dial(host.listenAddrs().get(0), Duration.ofSeconds(5));
        MultistreamSelect.dialerSelect(raw, List.of(NoiseSecureChannel.PROTOCOL_ID), Duration.ofSeconds(5));
        try (SecureConnection c = new NoiseSecureChannel(PrivateKey.generate(KeyType.ED25519))
                .secureOutbound(raw, host.peerId(), List.of(YamuxMuxer.PROTOCOL_ID))) {
            c.out().write(Multibase.fromHex("000700010000000100000000")); // frame type 7
            c.out().flush();
            c.in().readAllBytes();
        }
        assertThat(log()).contains("[WARNING] yamux: ").contains("protocol violation by the remote: unknown yamux frame type 7");
    }

    @Test
    void aConnectionLimitRefusalIsOneInfoLine() throws Exception {
        try (Host first = Host.builder().build(); Host second = Host.builder().build()) {
            first.connect(host.fullAddrs().get(0));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (host.connections().isEmpty()) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(10);
            }
            try {
                Connection c = second.connect(host.fullAddrs().get(0));
                while (!c.isClosed() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            } catch (IOException expected) {
                // the upgrade may fail instead
            }
        }
        String log = log();
        assertThat(log).contains("[INFO] host: ").contains("the limit of 1 inbound connections is reached");
        assertThat(log.lines().filter(l -> l.contains("limit of 1 inbound")).count()).isEqualTo(1);
    }

    /**
     * An accept that keeps failing (out of file descriptors) used to spin: 7 s of CPU and 777,398
     * warning lines in 5 s. It backs off, 5 ms doubling to 1 s, and logs at each doubling of the count.
     */
    @Test
    void aFailingAcceptBacksOffAndLogsRarely() throws Exception {
        java.util.concurrent.atomic.AtomicLong accepts = new java.util.concurrent.atomic.AtomicLong();
        org.jlibp2p.core.Multiaddr where = org.jlibp2p.core.Multiaddr.parse("/ip4/127.0.0.9/tcp/9");
        org.jlibp2p.core.spi.Transport failing = new org.jlibp2p.core.spi.Transport() {
            @Override
            public boolean handles(org.jlibp2p.core.Multiaddr address) {
                return address.equals(where);
            }

            @Override
            public RawConnection dial(org.jlibp2p.core.Multiaddr address, Duration timeout) throws IOException {
                throw new IOException("not for dialing");
            }

            @Override
            public org.jlibp2p.core.spi.Listener listen(org.jlibp2p.core.Multiaddr address) {
                return new org.jlibp2p.core.spi.Listener() {
                    @Override
                    public org.jlibp2p.core.Multiaddr localAddress() {
                        return where;
                    }

                    @Override
                    public RawConnection accept() throws IOException {
                        accepts.incrementAndGet();
                        throw new IOException("Too many open files");
                    }

                    @Override
                    public void close() {}
                };
            }
        };
        try (Host h = Host.builder().transport(failing).listen(where.toString()).build()) {
            Thread.sleep(1500);
        }
        // 5 + 10 + ... + 640 ms = 1.3 s: about 9 attempts in 1.5 s; a spinning loop makes millions
        assertThat(accepts.get()).isBetween(5L, 20L);
        long lines = log().lines().filter(l -> l.contains("Too many open files")).count();
        assertThat(lines).isBetween(3L, 6L);
        assertThat(log()).contains("[WARNING] host: accept on /ip4/127.0.0.9/tcp/9 failed (1 in a row), retrying in 5 ms: Too many open files");
    }

    /** A handler's own failure (not the network's) is a WARNING naming the protocol and the peer. */
    @Test
    void aFailingHandlerIsAWarningNamingProtocolAndPeer() throws Exception {
        host.setStreamHandler("/buggy/1.0.0", s -> {
            throw new IllegalStateException("a bug in the handler");
        });
        try (Host client = Host.builder().build()) {
            try {
                client.newStream(host.fullAddrs().get(0), "/buggy/1.0.0").in().read();
            } catch (IOException expected) {
                // reset
            }
            String log = log();
            assertThat(log).contains("[WARNING] host: /buggy/1.0.0 handler failed for " + client.peerId())
                    .contains("a bug in the handler");
        }
    }
}
