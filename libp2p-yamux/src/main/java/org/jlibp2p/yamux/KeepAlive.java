package org.jlibp2p.yamux;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
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
 *       ({@link StreamTable#expiredCloses(long)}).</li>
 * </ul>
 *
 * It ticks at half the shortest of the intervals, so each deadline is noticed within half of it.
 * It never writes and never waits for the write lock: its pings are handed to the {@link FrameWriter},
 * so the watchdog runs on however long a write is stuck.
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

    KeepAlive(YamuxSession session, FrameWriter writer, StreamTable streams, YamuxConfig config) {
        this.session = session;
        this.writer = writer;
        this.streams = streams;
        this.config = config;
    }

    @Override
    public void run() {
        long writeTimeout = config.writeTimeout().toNanos();
        long keepAlive = config.keepAliveInterval().toNanos();
        long closeTimeout = config.streamCloseTimeout().toNanos();
        long tick = writeTimeout;
        if (keepAlive > 0) {
            tick = Math.min(tick, keepAlive);
        }
        if (closeTimeout > 0) {
            tick = Math.min(tick, closeTimeout);
        }
        tick /= 2;
        long lastPing = 0;
        boolean first = true; // the first ping, sent at once, measures the RTT for window auto-tuning
        try {
            while (!session.isClosed()) {
                long now = System.nanoTime();
                long started = writer.writeStartedNanos();
                if (started != 0 && now - started > writeTimeout) {
                    session.fail(new SocketTimeoutException("yamux: a write was stuck for more than " + config.writeTimeout().toMillis() + " ms (writeTimeout)"));
                    return;
                }
                if (outstandingPing != -1 && now - pingSentNanos > writeTimeout) {
                    session.fail(new SocketTimeoutException("yamux: keep-alive ping unanswered for " + config.writeTimeout().toMillis() + " ms (writeTimeout)"));
                    return;
                }
                if (outstandingPing == -1 && (first || (keepAlive > 0 && now - lastPing >= keepAlive))) {
                    sendPing();
                    lastPing = now;
                    first = false;
                }
                for (YamuxStream s : streams.expiredCloses(now)) {
                    s.closeTimedOut();
                }
                Thread.sleep(Duration.ofNanos(tick));
            }
        } catch (InterruptedException e) {
            // closing the session interrupts the timer
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, session + ": internal error in the timer", e);
            session.fail(new IOException("yamux internal error in the timer", e));
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
