package org.jlibp2p.relay;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.ReadDeadline;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.ServiceContext;

/**
 * One relayed connection at the relay (relay/circuit-v2.md, "Interaction": "bridge the two streams
 * into a relayed connection"): the initiator's hop stream and the target's stop stream, copied into
 * each other by two virtual threads through a buffer each.
 *
 * <ul>
 *   <li>An end that finishes writing is passed on as a half-close: the other side reads the end of
 *       the stream and may still answer.</li>
 *   <li>Each direction carries at most the data limit; when one reaches it, the circuit ends.</li>
 *   <li>The duration limit is one deadline for every read of both directions, and a direction that
 *       has finished waits for the other only until then; when it passes, the circuit ends.</li>
 *   <li>A circuit ends by resetting both streams: both ends are told at once (their relayed
 *       connections fail and close), however much data is in flight, and neither copy thread can
 *       stay blocked. Once both sides have half-closed, the streams are closed normally instead.</li>
 * </ul>
 */
final class Circuit {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.relay");

    final PeerId source;
    final PeerId target;
    final Instant openedAt = Instant.now();
    private final ProtocolStream hop;
    private final ProtocolStream stop;
    private final Duration limitDuration;
    private final long limitData;
    private final int bufferSize;
    private final long deadlineNanos;
    private final AtomicLong fromSource = new AtomicLong();
    private final AtomicLong fromTarget = new AtomicLong();
    private final AtomicInteger directionsDone = new AtomicInteger();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final CountDownLatch endedLatch = new CountDownLatch(1);
    private final Consumer<Circuit> onEnd;
    private volatile String reason = "open";

    Circuit(PeerId source, PeerId target, ProtocolStream hop, ProtocolStream stop, RelayConfig config, Consumer<Circuit> onEnd) {
        this.source = source;
        this.target = target;
        this.hop = hop;
        this.stop = stop;
        this.limitDuration = config.limitDuration();
        this.limitData = config.limitData();
        this.bufferSize = config.bufferSize();
        this.deadlineNanos = limitDuration.isZero() ? 0 : System.nanoTime() + limitDuration.toNanos();
        this.onEnd = onEnd;
    }

    /** Starts both copies on threads of the service. */
    void start(ServiceContext ctx) {
        String tag = source.toBase58();
        tag = tag.substring(tag.length() - 6);
        ctx.execute("circuit-" + tag + "-out", () -> pump(hop, stop, fromSource, "from " + source));
        ctx.execute("circuit-" + tag + "-in", () -> pump(stop, hop, fromTarget, "from " + target));
    }

    long bytesFromSource() {
        return fromSource.get();
    }

    long bytesFromTarget() {
        return fromTarget.get();
    }

    String reason() {
        return reason;
    }

    boolean isEnded() {
        return ended.get();
    }

    private void pump(ProtocolStream from, ProtocolStream to, AtomicLong counter, String direction) {
        byte[] buf = new byte[bufferSize];
        try {
            InputStream in;
            if (deadlineNanos == 0) {
                from.setReadTimeout(Duration.ZERO); // the host starts inbound streams with an idle timeout
                in = from.in();
            } else {
                in = new ReadDeadline(from, remaining(), "relayed connection").guard(from.in());
            }
            while (!ended.get()) {
                int want = buf.length;
                if (limitData > 0) {
                    long left = limitData - counter.get();
                    if (left <= 0) {
                        end("the data limit of " + limitData + " bytes " + direction + " was reached", true);
                        return;
                    }
                    want = (int) Math.min(want, left);
                }
                int n = in.read(buf, 0, want);
                if (n < 0) {
                    to.closeWrite();
                    directionDone();
                    return;
                }
                to.out().write(buf, 0, n);
                counter.addAndGet(n);
            }
        } catch (SocketTimeoutException e) {
            end("the time limit of " + limitDuration.toMillis() + " ms was reached", true);
        } catch (IOException | RuntimeException e) {
            end("the stream " + direction + " failed: " + e.getMessage(), true);
        }
    }

    /** One direction saw its end: the circuit closes when both have, or ends at the deadline. */
    private void directionDone() {
        if (directionsDone.incrementAndGet() == 2) {
            end("both sides closed", false);
            return;
        }
        if (deadlineNanos == 0) {
            return; // the other direction ends the circuit
        }
        try {
            if (!endedLatch.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                end("the time limit of " + limitDuration.toMillis() + " ms was reached", true);
            }
        } catch (InterruptedException e) {
            end("the relay is closing", true);
        }
    }

    private Duration remaining() {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
    }

    /**
     * Ends the circuit once: resets both streams (or, when both sides finished, closes them) and
     * tells the service.
     *
     * @param why      the reason, for the log and the event
     * @param abortive true to reset, false to close normally
     */
    void end(String why, boolean abortive) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        reason = why;
        if (abortive) {
            hop.reset();
            stop.reset();
        } else {
            closeQuietly(hop);
            closeQuietly(stop);
        }
        endedLatch.countDown();
        LOG.log(Level.DEBUG, () -> "circuit " + source + " -> " + target + " ended: " + why + " (" + fromSource.get() + " bytes from the source, "
                + fromTarget.get() + " from the target)");
        onEnd.accept(this);
    }

    private static void closeQuietly(ProtocolStream s) {
        try {
            s.close();
        } catch (IOException e) {
            s.reset();
        }
    }
}
