package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.memory.Pipes;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.yamux.YamuxFrame.Flags;
import org.jlibp2p.yamux.YamuxFrame.Ping;
import org.jlibp2p.yamux.YamuxFrame.WindowUpdate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A write that stays stuck past the write timeout ends the session, whatever else the timer has to do
 * meanwhile: the connection is closed, so the stuck writer wakes.
 */
@Timeout(30)
class YamuxWatchdogTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private YamuxSession session;

    @AfterEach
    void stop() throws InterruptedException {
        if (session != null) {
            session.close();
            assertThat(session.awaitTermination(WAIT)).as("the session's threads ended").isTrue();
        }
        executor.shutdownNow();
    }

    /**
     * The remote grants a large window, answers pings until the first data frame arrives, then reads
     * nothing more: the writer blocks inside that frame. Keep-alive pings fall due meanwhile (every
     * 50 ms); none may silence the watchdog.
     */
    @Test
    void aWriteStuckWhileKeepAlivePingsFallDueEndsTheSession() throws Exception {
        Pipes.Pair pair = Pipes.pair(16 * 1024); // less than one data frame
        session = new YamuxSession(pair.a(), Role.INITIATOR, YamuxConfig.defaults().withTimers(Duration.ofMillis(50), Duration.ofSeconds(1)));
        session.start();
        RawPeer remote = new RawPeer(pair.b());
        MuxedStream s = session.openStream();
        answerTheFirstPingAndTakeTheSyn(remote);
        remote.send(new WindowUpdate(1, Flags.of(Flags.ACK), 16 * 1024 * 1024));

        Future<?> write = executor.submit(() -> {
            s.out().write(new byte[4 * 1024 * 1024]);
            return null;
        });
        YamuxFrame f;
        while (!((f = YamuxFrame.read(pair.b().in())) instanceof YamuxFrame.Data)) {
            if (f instanceof Ping p && !p.ack()) {
                remote.send(new Ping(true, p.opaque()));
            }
        }
        assertThatThrownBy(() -> write.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the stuck write fails")
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
        assertThat(session.awaitTermination(WAIT)).isTrue();
        assertThat(session.closeCause()).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("stuck");
    }

    /**
     * Go Away is written like any frame: stuck for the write timeout, the connection is closed and
     * close() returns. The remote stops reading just as we close (the test double stalls the Go Away).
     */
    @Test
    void aGoAwayStuckOnCloseEndsTheSession() throws Exception {
        Pipes.Pair pair = Pipes.pair(64 * 1024);
        StallingDuplex connection = new StallingDuplex(pair.a());
        session = new YamuxSession(connection, Role.INITIATOR, YamuxConfig.defaults().withTimers(Duration.ZERO, Duration.ofSeconds(1)));
        session.start();
        RawPeer remote = new RawPeer(pair.b());
        session.openStream();
        answerTheFirstPingAndTakeTheSyn(remote);

        connection.stallGoAway();
        Future<?> close = executor.submit(() -> {
            session.close();
            return null;
        });
        close.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(session.awaitTermination(WAIT)).isTrue();
        assertThat(session.closeCause()).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("stuck");
    }

    /** Reads until the SYN of stream 1 has arrived and the first ping (the RTT probe) is answered. */
    private static void answerTheFirstPingAndTakeTheSyn(RawPeer remote) throws IOException {
        boolean answered = false;
        boolean syn = false;
        while (!answered || !syn) {
            RawPeer.Frame f = remote.next();
            if (f.isPingRequest()) {
                remote.send(new Ping(true, ((Ping) f.frame()).opaque()));
                answered = true;
            } else {
                assertThat(f.frame()).isEqualTo(new WindowUpdate(1, Flags.of(Flags.SYN), 0));
                syn = true;
            }
        }
    }

    /**
     * A connection whose write of a Go Away frame, once armed, blocks until the connection is closed:
     * a peer that stopped reading just then.
     */
    private static final class StallingDuplex extends ForwardingDuplex {
        private final Duplex inner;
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile boolean armed;
        private final OutputStream out;

        StallingDuplex(Duplex inner) {
            super(inner);
            this.inner = inner;
            this.out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (armed && len == YamuxFrame.HEADER_LENGTH && b[off + 1] == YamuxFrame.TYPE_GO_AWAY) {
                        waitForClose();
                    }
                    inner.out().write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    inner.out().flush();
                }
            };
        }

        void stallGoAway() {
            armed = true;
        }

        private void waitForClose() throws IOException {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted in a stalled write");
            }
            throw new IOException("connection closed");
        }

        @Override
        public OutputStream out() {
            return out;
        }

        @Override
        public void close() throws IOException {
            closed.countDown();
            super.close();
        }
    }
}
