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
import org.jlibp2p.testing.EchoStreams;
import org.jlibp2p.yamux.YamuxFrame.Data;
import org.jlibp2p.yamux.YamuxFrame.Flags;
import org.jlibp2p.yamux.YamuxFrame.Ping;
import org.jlibp2p.yamux.YamuxFrame.WindowUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Frames left unflushed for a waiting writer (FrameWriter.flushUnlessOthersWait), and a stream's SYN
 * and ACK left for its first frame (FrameWriter.announce), over a connection that buffers until flush,
 * as Noise does: they must still reach the remote in every case.
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
        YamuxConfig config = YamuxConfig.defaults().withTimers(Duration.ofSeconds(30), Duration.ofSeconds(30)).withAckBacklog(4);
        betweenTwoSessions(config, DELAYED_FLUSH, DELAYED_FLUSH, (client, server) -> {
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                EchoStreams.serve(server, executor);
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
            }
        });
    }

    /**
     * Pings that arrive together are answered together: the reader hands its pongs to the writer and
     * has them flushed once, when it has read all that arrived (go-yamux answers each from its send
     * loop; before, ours flushed one write per pong).
     */
    @Test
    void aBurstOfPingsIsAnsweredWithOneFlush() throws Exception {
        againstARawPeer(Role.INITIATOR, Duration.ofSeconds(10), DELAYED_FLUSH, (session, remote, connection) -> {
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
        });
    }

    /**
     * Opening a stream costs no message of its own: the SYN leaves in the same flush as the stream's
     * first data, the opener's protocol proposal in the usual case.
     */
    @Test
    void aNewStreamsSynLeavesWithItsFirstData() throws Exception {
        againstARawPeer(Role.INITIATOR, Duration.ofSeconds(10), NO_DELAYED_FLUSH, (session, remote, connection) -> {
            int before = connection.flushes();
            MuxedStream s = session.openStream();
            s.out().write(PROPOSAL);

            assertOneFlushCarried(remote, connection, before, Flags.SYN);
        });
    }

    /** Accepting a stream costs no message of its own either: the ACK leaves with the first answer. */
    @Test
    void anAcceptedStreamsAckLeavesWithItsFirstAnswer() throws Exception {
        againstARawPeer(Role.RESPONDER, Duration.ofSeconds(10), NO_DELAYED_FLUSH, (session, remote, connection) -> {
            int before = connection.flushes();
            remote.sendData(1, Flags.of(Flags.SYN), PROPOSAL);
            MuxedStream s = session.acceptStream(Duration.ofSeconds(5));
            assertThat(s.in().readNBytes(PROPOSAL.length)).isEqualTo(PROPOSAL);
            s.out().write(PROPOSAL); // multistream's answer echoes the proposal

            assertOneFlushCarried(remote, connection, before, Flags.ACK);
        });
    }

    /**
     * An opener that reads before it writes (the remote speaks first) has its SYN flushed before its
     * read waits; an acceptor that does the same has its ACK flushed. Were either left in the buffer,
     * the remote would never hear of the stream, or the opener never of its acceptance: the flusher's
     * own delay for announcements is a minute here, the keep-alive interval 30 s, both beyond the waits
     * below.
     */
    @Test
    void streamsWhoseFirstMoveIsAReadAreStillOpenedAndAcknowledged() throws Exception {
        YamuxConfig config = YamuxConfig.defaults().withTimers(Duration.ofSeconds(30), Duration.ofSeconds(30));
        betweenTwoSessions(config, NO_DELAYED_FLUSH, NO_DELAYED_FLUSH, (client, server) -> {
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                awaitRtt(client, server); // the RTT probes and their answers are flushed: nothing else will be
                YamuxStream opened = (YamuxStream) client.openStream();
                Future<Integer> openerRead = executor.submit(() -> opened.in().read());

                MuxedStream accepted = server.acceptStream(Duration.ofSeconds(5));
                assertThat(accepted).as("the stream the remote heard of").isNotNull();
                Future<Integer> acceptorRead = executor.submit(() -> accepted.in().read());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!opened.acked() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(opened.acked()).as("the ACK reached the opener while the acceptor waits to read").isTrue();
                assertThat(acceptorRead).isNotDone();

                accepted.out().write(1);
                opened.out().write(2);
                assertThat(openerRead.get(5, TimeUnit.SECONDS)).isEqualTo(1);
                assertThat(acceptorRead.get(5, TimeUnit.SECONDS)).isEqualTo(2);
            }
        });
    }

    /**
     * An application that accepts streams and leaves them untouched: their ACKs wait for the streams'
     * first frames, then the flusher sends them ({@code ANNOUNCE_DELAY_NANOS}, 10 ms), and an opener
     * waiting for the ACK backlog (4 here) has its SYNs flushed first (its own flusher's delay is a
     * minute here). Were either not so, the fifth open would wait for the 30 s write timeout and fail.
     */
    @Test
    void openersWaitingOnTheAckBacklogGetTheAcksOfStreamsTheRemoteLeftUntouched() throws Exception {
        YamuxConfig config = YamuxConfig.defaults().withTimers(Duration.ofSeconds(30), Duration.ofSeconds(30)).withAckBacklog(4);
        betweenTwoSessions(config, NO_DELAYED_FLUSH, DELAYED_FLUSH, (client, server) -> {
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                executor.submit(() -> {
                    while (true) {
                        server.acceptStream(Duration.ZERO); // and left untouched
                    }
                });
                try {
                    awaitRtt(client, server);
                    long start = System.nanoTime();
                    for (int i = 0; i < 12; i++) {
                        client.openStream();
                    }
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
                } finally {
                    close(client, server);
                    executor.shutdownNow();
                }
            }
        });
    }

    /**
     * A stream opened and accepted, then left untouched on both sides, is still opened and
     * acknowledged: the flusher sends the SYN, then the ACK, once they have waited 10 ms for a first
     * frame. Were it not, the remote would never hear of the stream (nothing else is sent: the
     * keep-alive interval is 30 s).
     */
    @Test
    void aStreamNobodyUsesIsStillAnnouncedAfterTheDelay() throws Exception {
        YamuxConfig config = YamuxConfig.defaults().withTimers(Duration.ofSeconds(30), Duration.ofSeconds(30));
        betweenTwoSessions(config, DELAYED_FLUSH, DELAYED_FLUSH, (client, server) -> {
            awaitRtt(client, server);
            YamuxStream opened = (YamuxStream) client.openStream();
            assertThat(server.acceptStream(Duration.ofSeconds(5))).as("the stream the remote heard of").isNotNull();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!opened.acked() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(opened.acked()).isTrue();
        });
    }

    /**
     * A writer that finds another waiting for the lock leaves its frame for that one to flush. When
     * the one waiting writes only an announcement (a SYN), it flushes what it was left all the same:
     * here stream 1's FIN, which must reach the remote although the flusher's own delay for
     * announcements is a minute.
     */
    @Test
    void anOpenerLeftAnotherStreamsFrameFlushesIt() throws Exception {
        againstARawPeer(Role.INITIATOR, Duration.ofSeconds(30), NO_DELAYED_FLUSH, (session, remote, connection) -> {
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                MuxedStream first = session.openStream();
                first.out().write(1);
                assertThat(remote.next().flags().syn()).isTrue();
                assertThat(remote.next().payload()).containsExactly(1);

                session.writer.lock();
                Thread opener;
                Future<MuxedStream> second;
                try {
                    java.util.concurrent.ArrayBlockingQueue<Thread> started = new java.util.concurrent.ArrayBlockingQueue<>(1);
                    second = executor.submit(() -> {
                        started.add(Thread.currentThread());
                        return session.openStream();
                    });
                    opener = started.poll(5, TimeUnit.SECONDS);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (!session.writer.waitsForLock(opener) && System.nanoTime() < deadline) {
                        Thread.sleep(1); // until it waits for the write lock we hold
                    }
                    assertThat(session.writer.waitsForLock(opener)).as("the opener waits for the write lock").isTrue();
                    first.closeWrite(); // left unflushed: the opener waits for the lock
                } finally {
                    session.writer.unlock();
                }
                second.get(5, TimeUnit.SECONDS);

                Future<RawPeer.Frame> fin = executor.submit(remote::next);
                assertThat(fin.get(5, TimeUnit.SECONDS).frame()).isEqualTo(new WindowUpdate(1, Flags.of(Flags.FIN), 0));
                assertThat(executor.submit(remote::next).get(5, TimeUnit.SECONDS).frame()).isEqualTo(new WindowUpdate(3, Flags.of(Flags.SYN), 0));
            }
        });
    }

    /**
     * A stream the remote opens with data is handed to the acceptor only once its first payload is
     * buffered, so that the acceptor's answer and its ACK leave together: while the payload is still
     * on its way, the stream is not acceptable yet.
     */
    @Test
    void aStreamIsAcceptableOnceItsFirstPayloadIsBuffered() throws Exception {
        againstARawPeer(Role.RESPONDER, Duration.ofSeconds(10), DELAYED_FLUSH, (session, remote, connection) -> {
            remote.sendRaw(new Data(1, Flags.of(Flags.SYN), PROPOSAL.length).encode()); // the header alone
            assertThat(session.acceptStream(Duration.ofMillis(300))).as("accepted before its payload arrived").isNull();
            remote.sendRaw(PROPOSAL);
            MuxedStream s = session.acceptStream(Duration.ofSeconds(5));
            assertThat(s.in().available()).isEqualTo(PROPOSAL.length);
        });
    }

    /** The flusher's delay for announcements as shipped: what sends a SYN or ACK nobody else does. */
    private static final Duration DELAYED_FLUSH = Duration.ofNanos(FrameWriter.ANNOUNCE_DELAY_NANOS);
    /** A delay beyond any test: only the other ways out (flushes, waits) can send an announcement. */
    private static final Duration NO_DELAYED_FLUSH = Duration.ofMinutes(1);

    /** Starts a session whose flusher sends announcements after {@code announceDelay}. */
    private static YamuxSession started(Duplex wire, Role role, YamuxConfig config, Duration announceDelay) {
        YamuxSession session = new YamuxSession(wire, role, config);
        session.writer.announceDelayNanos = announceDelay.toNanos(); // before start: the flusher reads it
        session.start();
        return session;
    }

    /** A test's body against one session and a raw remote that has answered its RTT probe. */
    private interface AgainstARawPeer {
        void run(YamuxSession session, RawPeer remote, CountingFlushes connection) throws Exception;
    }

    /**
     * Runs {@code body} against one session (no keep-alive pings after the first, the given write
     * timeout and flusher delay) whose writes wait in a buffer until flush, and a raw remote that has
     * answered its RTT probe; then closes the session and checks that its threads ended.
     */
    private static void againstARawPeer(Role role, Duration writeTimeout, Duration announceDelay, AgainstARawPeer body) throws Exception {
        Pipes.Pair pair = Pipes.pair(1 << 20);
        CountingFlushes connection = new CountingFlushes(pair.a());
        YamuxSession session = started(connection, role, YamuxConfig.defaults().withTimers(Duration.ZERO, writeTimeout), announceDelay);
        try {
            body.run(session, RawPeer.answeringTheProbe(pair.b()), connection);
        } finally {
            close(session);
        }
        assertEnded(session);
    }

    /** A test's body between two sessions. */
    private interface BetweenTwoSessions {
        void run(YamuxSession client, YamuxSession server) throws Exception;
    }

    /**
     * Runs {@code body} between a client and a server session whose writes wait in a buffer until
     * flush, as over Noise, each with its flusher delay; then closes both and checks that their
     * threads ended.
     */
    private static void betweenTwoSessions(YamuxConfig config, Duration clientDelay, Duration serverDelay, BetweenTwoSessions body)
            throws Exception {
        Pipes.Pair pair = Pipes.pair(1 << 20);
        YamuxSession client = started(buffered(pair.a()), Role.INITIATOR, config, clientDelay);
        YamuxSession server = started(buffered(pair.b()), Role.RESPONDER, config, serverDelay);
        try {
            body.run(client, server);
        } finally {
            close(client, server);
        }
        assertEnded(client, server);
    }

    private static void close(YamuxSession... sessions) {
        for (YamuxSession s : sessions) {
            s.close();
        }
    }

    /** Checks that the closed sessions' threads ended. */
    private static void assertEnded(YamuxSession... sessions) throws InterruptedException {
        for (YamuxSession s : sessions) {
            assertThat(s.awaitTermination(Duration.ofSeconds(5))).isTrue();
        }
    }

    private static final byte[] PROPOSAL = "\u0013/multistream/1.0.0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /**
     * Checks that stream 1's announcement ({@code flag}: SYN or ACK) and then its first data, the
     * proposal, reached the remote in one flush since {@code flushesBefore}.
     */
    private static void assertOneFlushCarried(RawPeer remote, CountingFlushes connection, int flushesBefore, int flag) throws IOException {
        assertThat(remote.next().frame()).isEqualTo(new WindowUpdate(1, Flags.of(flag), 0));
        RawPeer.Frame data = remote.next();
        assertThat(data.frame()).isEqualTo(new Data(1, Flags.NONE, PROPOSAL.length));
        assertThat(data.payload()).isEqualTo(PROPOSAL);
        assertThat(connection.flushes() - flushesBefore).as("flushes for the announcement and the first data").isEqualTo(1);
    }

    /** Waits until both sessions have measured their RTT: their first pings and pongs are flushed. */
    private static void awaitRtt(YamuxSession a, YamuxSession b) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((a.keepAlive.rttNanos() == 0 || b.keepAlive.rttNanos() == 0) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(a.keepAlive.rttNanos()).isPositive();
        assertThat(b.keepAlive.rttNanos()).isPositive();
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
