package org.jlibp2p.yamux;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jlibp2p.yamux.YamuxFrame.Ping;

/**
 * The session's timer (yamux/README.md, "Type Field": Ping is "used to measure RTT. It can also be
 * used to heart-beat and do keep-alives"). One virtual thread per session that
 *
 * <ul>
 *   <li>pings at once when the session starts, to measure the round-trip time that window auto-tuning
 *       needs ({@link #rttNanos()}), then every keep-alive interval;</li>
 *   <li>ends the session when a ping stays unanswered for the write timeout;</li>
 *   <li>ends the session when a write stays stuck for the write timeout (the watchdog): closing the
 *       connection wakes the writer;</li>
 *   <li>being the session's one clock, also resets the streams whose close timeout has passed
 *       ({@link StreamTable#expiredCloses(long)}),</li>
 *   <li>and wakes the streams' readers whose read timeout has passed ({@link #watchRead}).</li>
 * </ul>
 *
 * It ticks at half the shortest of the intervals, so each deadline is noticed within half of it, and
 * wakes between ticks at the earliest read deadline. It never writes and never waits for the write
 * lock: its pings are handed to the {@link FrameWriter}, so the watchdog runs on however long a write
 * is stuck.
 *
 * <p>Why read deadlines are here rather than in each reader's own timed wait: on a virtual thread,
 * every timed wait sets a timer in the JDK's scheduler and cancels it when the wait ends early, and
 * each of the two wakes the scheduler's timer thread. A stream whose reader waits for one answer
 * with a timeout (multistream-select, a handler's idle timeout) paid that twice per wait: with 64
 * streams opened and closed at once, half the process's futex calls were that thread's. Here a
 * reader registers its deadline with a volatile write, and the timer is woken only when a deadline
 * comes earlier than the one it sleeps until.
 */
final class KeepAlive implements Runnable {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.yamux");
    private final YamuxSession session;
    private final FrameWriter writer;
    private final StreamTable streams;
    private final YamuxConfig config;

    private final AtomicInteger pingIds = new AtomicInteger();
    private volatile int outstandingPing = -1;
    private volatile long pingSentNanos;
    private volatile long rttNanos;
    /**
     * When the timer wakes next ({@link System#nanoTime()}); a reader whose deadline comes earlier
     * lowers it and wakes the timer. Far in the future while the timer looks for the earliest
     * deadline: a reader registering meanwhile lowers it, and the timer, finding it changed when it
     * publishes its own wake-up time, looks again instead of sleeping. (An unpark alone would not do:
     * the timer takes locks while it looks, and a wait for one of them can use up the unpark.)
     */
    private final AtomicLong nextWakeNanos = new AtomicLong();
    private volatile Thread thread;
    /** Far enough ahead to be later than any deadline, near enough not to wrap around. */
    private static final long FAR = Long.MAX_VALUE / 4;

    // the timer thread's own
    private final long writeTimeout;
    private final long keepAlive;
    private long lastPing;
    private boolean firstPing = true; // the first ping, sent at once, measures the RTT for window auto-tuning

    KeepAlive(YamuxSession session, FrameWriter writer, StreamTable streams, YamuxConfig config) {
        this.session = session;
        this.writer = writer;
        this.streams = streams;
        this.config = config;
        this.writeTimeout = config.writeTimeout().toNanos();
        this.keepAlive = config.keepAliveInterval().toNanos();
    }

    @Override
    public void run() {
        long closeTimeout = config.streamCloseTimeout().toNanos();
        long tick = writeTimeout;
        if (keepAlive > 0) {
            tick = Math.min(tick, keepAlive);
        }
        if (closeTimeout > 0) {
            tick = Math.min(tick, closeTimeout);
        }
        tick /= 2;
        thread = Thread.currentThread();
        long nextTick = System.nanoTime();
        try {
            while (!session.isClosed()) {
                long now = System.nanoTime();
                long looking = now + FAR;
                nextWakeNanos.set(looking); // from here until it sleeps, every reader that registers lowers it
                long earliestRead = streams.wakeReadersPastDeadline(now);
                if (now - nextTick >= 0) {
                    if (!tick(now)) {
                        return;
                    }
                    nextTick = now + tick;
                }
                long wake = earliestRead != 0 && earliestRead - nextTick < 0 ? earliestRead : nextTick;
                if (!nextWakeNanos.compareAndSet(looking, wake)) {
                    continue; // a reader registered while the timer looked: look again
                }
                long left = wake - System.nanoTime();
                if (left > 0) {
                    LockSupport.parkNanos(this, left);
                }
                if (Thread.interrupted()) {
                    return; // closing the session interrupts the timer
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, session + ": internal error in the timer", e);
            session.fail(new IOException("yamux internal error in the timer", e));
        }
    }

    /**
     * One tick: the watchdog, the keep-alive ping and the close timeouts.
     *
     * @param now {@link System#nanoTime()}
     * @return false if it ended the session
     */
    private boolean tick(long now) {
        long started = writer.writeStartedNanos();
        if (started != 0 && now - started > writeTimeout) {
            session.fail(new SocketTimeoutException("yamux: a write was stuck for more than " + config.writeTimeout().toMillis() + " ms (writeTimeout)"));
            return false;
        }
        if (outstandingPing != -1 && now - pingSentNanos > writeTimeout) {
            session.fail(new SocketTimeoutException("yamux: keep-alive ping unanswered for " + config.writeTimeout().toMillis() + " ms (writeTimeout)"));
            return false;
        }
        if (outstandingPing == -1 && (firstPing || (keepAlive > 0 && now - lastPing >= keepAlive))) {
            sendPing();
            lastPing = now;
            firstPing = false;
        }
        for (YamuxStream s : streams.expiredCloses(now)) {
            s.closeTimedOut();
        }
        return true;
    }

    /**
     * A stream's reader is about to wait until {@code deadline} at the latest: wakes the timer if it
     * sleeps until later, so that it wakes the reader then ({@link StreamTable#wakeReadersPastDeadline}).
     *
     * @param deadline {@link System#nanoTime()} at which the reader times out
     */
    void watchRead(long deadline) {
        long next = nextWakeNanos.get();
        while (deadline - next < 0) {
            if (nextWakeNanos.compareAndSet(next, deadline)) {
                LockSupport.unpark(thread);
                return;
            }
            next = nextWakeNanos.get();
        }
    }

    /**
     * Hands the ping to the writer: the timer never waits for the write lock, so a write that is
     * stuck holding it cannot stop the watchdog above. The ping counts as sent from now; if it cannot
     * leave, it goes unanswered, and that ends the session too.
     */
    private void sendPing() {
        int id = pingIds.incrementAndGet() & 0x7FFFFFFF;
        pingSentNanos = System.nanoTime();
        outstandingPing = id;
        writer.send(new Ping(false, id));
    }

    /**
     * The remote answered a ping.
     *
     * @param opaque the value it echoed
     */
    void onPong(int opaque) {
        if (opaque == outstandingPing) {
            rttNanos = Math.max(1, System.nanoTime() - pingSentNanos);
            outstandingPing = -1;
        }
    }

    /** {@return the last measured round-trip time, or 0 before the first answer} */
    long rttNanos() {
        return rttNanos;
    }
}
