package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.memory.Pipes;
import org.jlibp2p.core.spi.MuxedStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Frames left unflushed for a waiting writer (FrameWriter.flushUnlessOthersWait) over a connection
 * that buffers until flush, as Noise does: they must still reach the remote in every case.
 */
@Timeout(60)
class YamuxCoalescingTest {
    /**
     * Openers wait for the ACK backlog (4 here) before they take the write lock, and the remote can
     * acknowledge only SYNs it has received: a SYN left in the buffer for a waiting writer must still
     * be flushed, by that writer or by the flusher. Were it not, the openers would stall until the
     * write timeout (30 s here).
     */
    @Test
    void openersWaitingOnTheAckBacklogSendTheBufferedSynsFirst() throws Exception {
        Pipes.Pair pair = Pipes.pair(1 << 20);
        YamuxConfig config = YamuxConfig.defaults().withTimers(Duration.ofSeconds(30), Duration.ofSeconds(30)).withAckBacklog(4);
        YamuxSession client = new YamuxSession(buffered(pair.a()), Role.INITIATOR, config);
        YamuxSession server = new YamuxSession(buffered(pair.b()), Role.RESPONDER, config);
        client.start();
        server.start();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            executor.submit(() -> {
                while (true) {
                    MuxedStream s = server.acceptStream(Duration.ZERO);
                    executor.submit(() -> {
                        s.in().transferTo(s.out());
                        s.close();
                        return null;
                    });
                }
            });
            long start = System.nanoTime();
            List<Future<?>> openers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                openers.add(executor.submit(() -> {
                    for (int j = 0; j < 20; j++) {
                        MuxedStream s = client.openStream();
                        s.out().write(7);
                        s.closeWrite();
                        assertThat(s.in().read()).isEqualTo(7);
                        assertThat(s.in().read()).isEqualTo(-1);
                    }
                    return null;
                }));
            }
            for (Future<?> f : openers) {
                f.get(20, TimeUnit.SECONDS);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            executor.shutdownNow();
        } finally {
            client.close();
            server.close();
        }
        assertThat(client.awaitTermination(Duration.ofSeconds(5))).isTrue();
        assertThat(server.awaitTermination(Duration.ofSeconds(5))).isTrue();
    }

    /**
     * Pings that arrive together are answered together: the reader hands its pongs to the writer and
     * has them flushed once, when it has read all that arrived (go-yamux answers each from its send
     * loop; before, ours flushed one write per pong).
     */
    @Test
    void aBurstOfPingsIsAnsweredWithOneFlush() throws Exception {
        Pipes.Pair pair = Pipes.pair(1 << 20);
        CountingFlushes connection = new CountingFlushes(pair.a());
        YamuxSession session = new YamuxSession(connection, Role.INITIATOR, YamuxConfig.defaults().withTimers(Duration.ZERO, Duration.ofSeconds(10)));
        session.start();
        try {
            RawPeer remote = new RawPeer(pair.b());
            RawPeer.Frame first = remote.next(); // the RTT probe
            remote.send(new YamuxFrame.Ping(true, ((YamuxFrame.Ping) first.frame()).opaque()));
            int before = connection.flushes();

            java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 30; i++) {
                burst.write(new YamuxFrame.Ping(false, 1000 + i).encode());
            }
            remote.sendRaw(burst.toByteArray()); // one write: all 30 are waiting when the reader looks
            for (int i = 0; i < 30; i++) {
                assertThat(remote.next().frame()).isEqualTo(new YamuxFrame.Ping(true, 1000 + i));
            }
            assertThat(connection.flushes() - before).as("flushes for 30 pongs").isEqualTo(1);
        } finally {
            session.close();
        }
        assertThat(session.awaitTermination(Duration.ofSeconds(5))).isTrue();
    }

    /** A duplex that counts the flushes that carried bytes; writes wait in a buffer until flush. */
    private static final class CountingFlushes extends ForwardingDuplex {
        private final Duplex inner;
        private final java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();
        private final OutputStream out;

        CountingFlushes(Duplex inner) {
            super(inner);
            this.inner = inner;
            this.out = new java.io.ByteArrayOutputStream() {
                @Override
                public synchronized void flush() throws IOException {
                    if (size() > 0) {
                        flushes.incrementAndGet();
                        inner.out().write(toByteArray());
                        reset();
                    }
                }
            };
        }

        int flushes() {
            return flushes.get();
        }

        @Override
        public OutputStream out() {
            return out;
        }
    }

    /** A duplex whose writes wait in a buffer until flush, like a Noise connection's. */
    private static Duplex buffered(Duplex d) {
        OutputStream out = new BufferedOutputStream(d.out(), 64 * 1024);
        return new ForwardingDuplex(d) {
            @Override
            public OutputStream out() {
                return out;
            }
        };
    }
}
