package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jlibp2p.core.StreamResetException;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Limits;
import org.jlibp2p.core.host.Ping;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.testing.Await;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The host's per-peer, per-protocol and idle limits, each shown doing its job (over the in-memory transport). */
@Timeout(60)
class HostLimitsTest {
    private final MemoryNetwork net = new MemoryNetwork();
    private final List<Host> hosts = new ArrayList<>();

    private Host host(Limits limits, PrivateKey identity, boolean listen) throws IOException {
        Host.Builder b = Host.builder().transport(net.transport()).security(NoiseSecureChannel::new).muxer(new YamuxMuxer())
                .limits(limits)
                .handler("/hold/1.0.0", s -> {
                    s.setReadTimeout(Duration.ZERO);
                    s.in().read(); // until the remote ends it
                })
                .handler("/wait/1.0.0", s -> s.in().read()) // with the host's starting read timeout
                .handler("/stall/1.0.0", s -> Thread.sleep(Duration.ofSeconds(20))) // reads nothing
                .handler("/error/1.0.0", s -> {
                    throw new AssertionError("a handler's bug, as an Error");
                });
        if (identity != null) {
            b.identity(identity);
        }
        if (listen) {
            b.listen("/memory/0");
        }
        Host h = b.build();
        hosts.add(h);
        return h;
    }

    private Host host(Limits limits) throws IOException {
        return host(limits, null, true);
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        hosts.forEach(Host::close);
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    @Test
    void aConnectionWithNoStreamIsClosedAfterTheIdleTimeout() throws Exception {
        Limits limits = Limits.defaults().withIdleTimeouts(Duration.ofSeconds(3), Duration.ofMillis(300), Duration.ofMinutes(2));
        Host b = host(limits);
        Host a = host(Limits.defaults());
        Connection c = a.connect(b.fullAddrs().get(0));
        long start = System.nanoTime();
        awaitTrue(c::isClosed);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("closed by the idle sweep, not by chance").isLessThan(Duration.ofSeconds(5));
        // one that holds a stream stays
        Connection kept = a.connect(b.fullAddrs().get(0));
        try (ProtocolStream s = kept.newStream("/hold/1.0.0")) {
            Thread.sleep(1000);
            assertThat(kept.isClosed()).as("a connection in use is not idle").isFalse();
        }
    }

    /** A connection that sends nothing is closed at the first-bytes deadline, well before the upgrade's. */
    @Test
    void aSilentConnectionIsClosedAtTheFirstBytesDeadline() throws Exception {
        Host b = host(Limits.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5))
                .withIdleTimeouts(Duration.ofMillis(300), Duration.ZERO, Duration.ofMinutes(2)));
        try (org.jlibp2p.core.spi.RawConnection raw = net.transport().dial(b.listenAddrs().get(0), Duration.ofSeconds(5))) {
            long start = System.nanoTime();
            byte[] got = raw.in().readAllBytes(); // the host's multistream header, then the close
            Duration after = Duration.ofNanos(System.nanoTime() - start);
            assertThat(got.length).as("at most the host's header").isLessThan(64);
            assertThat(after).as("closed at the 300 ms first-bytes deadline, not the 5 s upgrade deadline")
                    .isBetween(Duration.ofMillis(240), Duration.ofMillis(2500));
        }
    }

    @Test
    void anInboundStreamStartsWithTheIdleReadTimeout() throws Exception {
        Host b = host(Limits.defaults().withIdleTimeouts(Duration.ofSeconds(3), Duration.ZERO, Duration.ofMillis(300)));
        Host a = host(Limits.defaults());
        try (ProtocolStream s = a.newStream(b.fullAddrs().get(0), "/wait/1.0.0")) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> s.in().read()).isInstanceOf(StreamResetException.class);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(waited).as("the handler gave up at its read timeout").isBetween(Duration.ofMillis(200), Duration.ofSeconds(5));
        }
    }

    /** An Error (an OutOfMemoryError, say) used to leave the stream open until the client's own timeout. */
    @Test
    void aHandlerThatThrowsAnErrorResetsItsStream() throws Exception {
        Host b = host(Limits.defaults());
        Host a = host(Limits.defaults());
        a.connect(b.fullAddrs().get(0));
        long start = System.nanoTime();
        // the reset may overtake the protocol's echo: it shows in newStream or in the first read
        assertThatThrownBy(() -> {
            try (ProtocolStream s = a.newStream(b.peerId(), "/error/1.0.0")) {
                s.setReadTimeout(Duration.ofSeconds(20));
                s.in().read();
            }
        }).isInstanceOf(StreamResetException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(a.ping(b.peerId(), 1)).as("the connection goes on").hasSize(1);
    }

    /** ping/ping.md: a listener SHOULD accept at most 2 ping streams per peer; others still get theirs. */
    @Test
    void aPeerGetsAtMostTwoPingStreams() throws Exception {
        Host b = host(Limits.defaults());
        Host a = host(Limits.defaults());
        Connection c = a.connect(b.fullAddrs().get(0));
        List<ProtocolStream> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ProtocolStream s = c.newStream(Ping.PROTOCOL_ID);
            assertThat(Ping.ping(s, 1)).hasSize(1);
            held.add(s);
        }
        // the third is reset; the reset may overtake the protocol's echo, so it shows in newStream or in the ping
        assertThatThrownBy(() -> Ping.ping(c.newStream(Ping.PROTOCOL_ID), 1)).isInstanceOf(IOException.class);
        Host other = host(Limits.defaults());
        assertThat(other.ping(other.connect(b.fullAddrs().get(0)).remotePeer(), 1)).as("another peer is served").hasSize(1);
        for (ProtocolStream s : held) {
            s.close();
        }
        // slots come back once b's handlers have seen the ends
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                assertThat(a.ping(b.peerId(), 1)).hasSize(1);
                break;
            } catch (StreamResetException e) {
                assertThat(System.nanoTime()).as("slots came back").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    /**
     * A client that waits for the server's close before opening its next stream never meets its own
     * finished stream still counted: the slot is given back before the close goes out. With a cap of
     * one stream, every iteration opens the next stream the moment the close of the last arrives.
     */
    @Test
    void aStreamNoLongerCountsOnceItsCloseArrives() throws Exception {
        Host b = Host.builder().transport(net.transport()).security(NoiseSecureChannel::new).muxer(new YamuxMuxer())
                .listen("/memory/0")
                .handler("/one/1.0.0", s -> s.in().transferTo(s.out()), 1)
                .build();
        hosts.add(b);
        Host a = host(Limits.defaults(), null, false);
        Connection c = a.connect(b.fullAddrs().get(0));
        for (int i = 0; i < 1000; i++) {
            try (ProtocolStream s = c.newStream("/one/1.0.0")) {
                s.out().write(i);
                s.closeWrite();
                assertThat(s.in().readAllBytes()).as("stream %d echoed, not reset", i).containsExactly((byte) i);
            }
        }
    }

    /** What is received and not yet read is counted where an operator can see it. */
    @Test
    void unreadBytesShowInTheResourceUsage() throws Exception {
        Host b = host(Limits.defaults());
        Host a = host(Limits.defaults());
        assertThat(b.resourceUsage().bufferedBytes()).isZero();
        try (ProtocolStream s = a.newStream(b.fullAddrs().get(0), "/stall/1.0.0")) { // its handler reads nothing
            s.out().write(new byte[100_000]);
            s.out().flush();
            awaitTrue(() -> b.resourceUsage().bufferedBytes() == 100_000);
            assertThat(b.resourceUsage().streamsByProtocol()).containsEntry("/stall/1.0.0", 1);
            s.reset();
        }
    }

    /** One identity, many connections in use: past the per-peer cap the new one is refused, others are served. */
    @Test
    void aPeerHoldsAtMostItsShareOfConnections() throws Exception {
        Host b = host(Limits.defaults().withConnectionsPerSource(512, 64, 2));
        PrivateKey greedy = PrivateKey.generate(KeyType.ED25519);
        List<ProtocolStream> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Host same = host(Limits.defaults(), greedy, false);
            held.add(same.newStream(b.fullAddrs().get(0), "/hold/1.0.0"));
        }
        awaitTrue(() -> b.connections().size() == 2);
        Host third = host(Limits.defaults(), greedy, false);
        CompletableFuture<Boolean> closed = new CompletableFuture<>();
        try {
            Connection c = third.connect(b.fullAddrs().get(0));
            awaitTrue(c::isClosed);
            closed.complete(true);
        } catch (IOException e) {
            closed.complete(true); // or the upgrade itself failed
        }
        assertThat(closed.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(b.connections()).hasSize(2);
        Host other = host(Limits.defaults());
        assertThat(other.ping(other.connect(b.fullAddrs().get(0)).remotePeer(), 1)).hasSize(1);
        for (ProtocolStream s : held) {
            s.close();
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        Await.until("the condition", Duration.ofSeconds(10), Duration.ofMillis(10), condition);
    }
}
