package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.memory.Pipes;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stream read timeouts, which the session's timer enforces (KeepAlive#watchRead): a reader waits
 * without a timer of its own and is woken at its deadline. The timer otherwise ticks every 5 s with
 * these settings (half the write timeout), so a timeout noticed only at a tick would come seconds
 * late: each test bounds how late it may come, and how early.
 */
@Timeout(30)
class YamuxReadDeadlineTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** Well under the timer's 5 s tick: a deadline noticed only at a tick fails the bound. */
    private static final Duration LATE = Duration.ofMillis(1500);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private SessionPair sessions;

    @BeforeEach
    void start() {
        sessions = SessionPair.start(Pipes.DEFAULT_CAPACITY, YamuxConfig.defaults().withTimers(Duration.ofSeconds(30), Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() throws InterruptedException {
        sessions.closeAndAwait();
        executor.shutdownNow();
    }

    @Test
    void aReadTimesOutAtItsDeadlineNeitherBeforeNorSecondsLater() throws Exception {
        MuxedStream stream = openedAndAccepted()[1];
        stream.setReadTimeout(Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThatThrownBy(() -> stream.in().read()).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("300 ms");
        assertThat(elapsedSince(start)).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(LATE);
    }

    @Test
    void anEarlierDeadlineWakesTheTimerThatSleepsUntilALaterOne() throws Exception {
        MuxedStream[] first = openedAndAccepted();
        MuxedStream[] second = openedAndAccepted();
        // 3 s: before the timer's next tick, so the timer now sleeps until this deadline.
        first[1].setReadTimeout(Duration.ofSeconds(3));
        Future<Integer> longRead = executor.submit(() -> first[1].in().read());
        Await.until("the first reader waits", WAIT, Duration.ofMillis(1), () -> ((YamuxStream) first[1]).readerWaits());
        second[1].setReadTimeout(Duration.ofMillis(200));
        long start = System.nanoTime();
        assertThatThrownBy(() -> second[1].in().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(elapsedSince(start)).as("woken at 200 ms, not at the 3 s the timer slept until")
                .isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(LATE);
        assertThat(longRead.isDone()).as("the reader with the later deadline still waits").isFalse();
        write(first[0], 42);
        assertThat(longRead.get(5, TimeUnit.SECONDS)).isEqualTo(42);
    }

    @Test
    void theTimerWakesEachReaderAtItsOwnDeadline() throws Exception {
        MuxedStream[] a = openedAndAccepted();
        MuxedStream[] b = openedAndAccepted();
        a[1].setReadTimeout(Duration.ofMillis(300));
        b[1].setReadTimeout(Duration.ofMillis(900));
        long start = System.nanoTime();
        Future<Duration> early = executor.submit(() -> timeOut(a[1], start));
        Future<Duration> late = executor.submit(() -> timeOut(b[1], start));
        assertThat(early.get(5, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofMillis(900));
        // Found by the timer's look for the next deadline after waking the first reader.
        assertThat(late.get(5, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofMillis(900).plus(LATE));
    }

    @Test
    void dataBeforeTheDeadlineEndsTheWaitAndTheNextReadHasADeadlineOfItsOwn() throws Exception {
        MuxedStream[] pair = openedAndAccepted();
        pair[1].setReadTimeout(Duration.ofMillis(600));
        Future<Integer> read = executor.submit(() -> pair[1].in().read());
        Await.until("the reader waits", WAIT, Duration.ofMillis(1), () -> ((YamuxStream) pair[1]).readerWaits());
        write(pair[0], 7);
        assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(7);
        long start = System.nanoTime();
        assertThatThrownBy(() -> pair[1].in().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(elapsedSince(start)).as("a full timeout from the second read").isGreaterThanOrEqualTo(Duration.ofMillis(600)).isLessThan(LATE);
    }

    /**
     * Two threads read one stream, the first with the earlier deadline: a later deadline registered
     * by the second must not postpone the first's.
     */
    @Test
    void twoReadersOfOneStreamTimeOutEachAtItsOwnDeadline() throws Exception {
        MuxedStream stream = openedAndAccepted()[1];
        stream.setReadTimeout(Duration.ofMillis(300));
        long start = System.nanoTime();
        Future<Duration> early = executor.submit(() -> timeOut(stream, start));
        Await.until("the first reader waits", WAIT, Duration.ofMillis(1), () -> ((YamuxStream) stream).readerWaits());
        stream.setReadTimeout(Duration.ofSeconds(2)); // for the next read only
        Future<Duration> late = executor.submit(() -> timeOut(stream, start));
        assertThat(early.get(5, TimeUnit.SECONDS)).as("the first reader, not held back to the second's deadline")
                .isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(1));
        assertThat(late.get(5, TimeUnit.SECONDS)).as("the second reader, at its own deadline")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(2).plus(LATE));
    }

    /** A stream opened by the client and taken by the server, the SYN flushed by a first byte. */
    private MuxedStream[] openedAndAccepted() throws Exception {
        MuxedStream opened = sessions.client().openStream();
        write(opened, 1);
        MuxedStream accepted = sessions.server().acceptStream(WAIT);
        assertThat(accepted).as("the server accepted the stream").isNotNull();
        assertThat(accepted.in().read()).isEqualTo(1);
        return new MuxedStream[] {opened, accepted};
    }

    private static void write(MuxedStream stream, int b) throws Exception {
        OutputStream out = stream.out();
        out.write(b);
        out.flush();
    }

    private static Duration timeOut(MuxedStream stream, long start) throws Exception {
        try {
            stream.in().read();
        } catch (SocketTimeoutException expected) {
            return elapsedSince(start);
        }
        throw new AssertionError("the read returned instead of timing out");
    }

    private static Duration elapsedSince(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
