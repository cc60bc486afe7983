package org.jlibp2p.yamux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.yamux.YamuxFrame.Data;
import org.jlibp2p.yamux.YamuxFrame.GoAway;
import org.jlibp2p.yamux.YamuxFrame.Ping;

/**
 * Puts a session's frames on the connection, one whole frame at a time (yamux/README.md, "Framing":
 * frames of different streams may interleave, the bytes of one frame may not).
 *
 * <p>Application threads write their own frames under a fair lock, so a large transfer on one stream
 * cannot starve another stream's small write or a ping. A frame is flushed to the layer below unless
 * other writers wait for the lock: then it stays in the buffer of that layer and the last of them
 * flushes, so a burst of small frames from many streams (SYNs, ACKs, FINs, window updates) leaves as
 * one Noise message and one system call.
 *
 * <p>Threads that must never wait for the lock, or for a connection that does not drain, hand their
 * frames over instead ({@link #send(YamuxFrame)}): the timer its pings, {@code reset()} its RST, the
 * reader its pongs, RSTs and window updates. Whoever holds the lock writes the frames handed over
 * before it lets go, and the writer's own virtual thread, the flusher, takes the lock for them when
 * nobody else does. The reader's frames wait for its batch: it has them flushed once, when it has
 * read all the input that had arrived ({@link #flushBatch()}), so a burst of pings is answered with
 * one write, and past {@link #PING_BACKLOG} waiting answers a ping goes unanswered.
 *
 * <p>A stream's SYN and ACK are written without a flush of their own ({@link #announce}): they leave
 * with the stream's first data or FIN, which is how a stream usually starts (the opener proposes a
 * protocol, the acceptor answers), so opening and accepting a stream cost no message of their own.
 * Any other flush takes them along, a thread about to wait for the remote has them flushed first
 * ({@link #flushBeforeWaiting()}), since the remote may be waiting for them, and the flusher flushes
 * them within {@link #ANNOUNCE_DELAY_NANOS} should nothing else have.
 *
 * <p>Every write, Go Away included, is stamped with its start ({@link #writeStartedNanos()}), so the
 * session's watchdog sees a write that a peer which stopped reading keeps stuck, and ends the session.
 * Go Away is the last frame: once it is written, every later write fails.
 */
final class FrameWriter {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.yamux");
    /** How long closing waits for the write lock to send Go Away before it closes without. */
    private static final long GO_AWAY_LOCK_WAIT_MILLIS = 100;
    /**
     * How many of the reader's answers may wait to be written. They pile up when the remote sends what
     * needs an answer (a SYN we refuse needs a RST) faster than the connection takes the answers: the
     * reader then waits, up to the write timeout, until the flusher has written them, and reads no more
     * meanwhile; that is backpressure on the remote, not a wait for the write lock. go-yamux bounds its
     * send queue too (session.go, {@code sendCh}, 64 frames) and its reader blocks when it is full.
     * 4096 headers are 48 KiB.
     */
    static final int MAX_HANDED_OVER = 4096;
    /**
     * The most frames handed over at all: the other threads that hand frames over never wait, and hand
     * over few (one ping at a time, one RST per stream), so reaching this means the connection takes
     * nothing; the session ends.
     */
    static final int MAX_HANDED_OVER_IN_ALL = 2 * MAX_HANDED_OVER;
    /**
     * The most answers to pings waiting to be written; a ping beyond them goes unanswered (go-yamux:
     * mux.go {@code PingBacklog: 32}, and session.go handlePing drops the pong when {@code pongCh} is
     * full). A remote that pings faster than we write gets no more than this many pongs per batch.
     */
    static final int PING_BACKLOG = 32;
    /**
     * The longest a SYN or ACK waits for its stream's first frame before the flusher sends it alone
     * (see {@link #announce}): the flusher wakes this long after the first announcement since it
     * last flushed, at most once per delay however many streams open meanwhile, and flushes them
     * all. A stream's first frame usually follows within microseconds; an application that opens or
     * accepts a stream and leaves it untouched delays the remote by up to this.
     */
    static final long ANNOUNCE_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final YamuxSession session;
    private final OutputStream out;
    private final long writeTimeoutNanos;

    /** One frame at a time on the wire; fair, so waiting writers take turns. */
    private final ReentrantLock lock = new ReentrantLock(true);
    private final byte[] header = new byte[YamuxFrame.HEADER_LENGTH];
    private volatile long writeStartedNanos;
    /** A frame was written but left unflushed for a waiting writer to flush (see flushUnlessOthersWait). */
    private volatile boolean unflushed;
    /** A SYN or ACK was written and waits, unflushed, for its stream's first frame (see {@link #announce}). */
    private volatile boolean announced;
    /** How long an announcement waits for its stream's first frame; tests of the other ways out lengthen it before start. */
    long announceDelayNanos = ANNOUNCE_DELAY_NANOS;
    /** The flusher will flush what is announced within the delay from now; set under the queue lock. */
    private volatile boolean announceTimerSet;
    /** Set, under the lock, when Go Away is written: it is the last frame we send. */
    private volatile boolean goAwaySent;
    /** Frame tracing, decided once per session so that it costs nothing per frame when off. */
    private final boolean trace = LOG.isLoggable(Level.TRACE);

    /** Guards the frames handed over and the flusher's wake-up; never held while writing. */
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition flushRequested = queueLock.newCondition();
    private final Condition drained = queueLock.newCondition();
    private final ArrayDeque<YamuxFrame> queue = new ArrayDeque<>();
    /** The queue's length, readable without the queue lock. */
    private volatile int queued;
    /** Pongs among the queued frames. */
    private int queuedPongs;
    /** Frames were handed over for a batch (see {@link #sendInBatch}) and no flush was asked for since. */
    private volatile boolean batchOpen;
    private boolean flushWanted;
    private boolean closed;
    private final Thread flusher;

    FrameWriter(YamuxSession session, OutputStream out, YamuxConfig config) {
        this.session = session;
        this.out = out;
        this.writeTimeoutNanos = config.writeTimeout().toNanos();
        this.flusher = Thread.ofVirtual().name(session + "-flusher").unstarted(this::flushLoop);
    }

    void start() {
        flusher.start();
    }

    /**
     * Writes a frame without payload and flushes it (or leaves it for a waiting writer to flush).
     *
     * @param frame the frame
     * @throws IOException if the lock is not free within the write timeout, Go Away was sent, or the
     *     connection fails (which ends the session)
     */
    void write(YamuxFrame frame) throws IOException {
        write(null, frame, null, 0, 0);
    }

    /**
     * Writes a frame of a stream, as {@link #write(YamuxFrame)}, unless we reset the stream: nothing
     * may follow its RST, and this check is made under the lock, where the RST is written.
     *
     * @param stream the stream
     * @param frame  the frame
     * @return false if the stream was reset and the frame dropped
     * @throws IOException as {@link #write(YamuxFrame)}
     */
    boolean write(YamuxStream stream, YamuxFrame frame) throws IOException {
        return write(stream, frame, null, 0, 0);
    }

    /**
     * Writes a Data frame and its payload, as {@link #write(YamuxStream, YamuxFrame)}.
     *
     * @param stream  the stream
     * @param frame   the header, whose length is the payload's
     * @param payload holds the payload
     * @param off     where it starts
     * @return false if the stream was reset and the frame dropped
     * @throws IOException as {@link #write(YamuxFrame)}
     */
    boolean write(YamuxStream stream, Data frame, byte[] payload, int off) throws IOException {
        return write(stream, frame, payload, off, (int) frame.length());
    }

    /**
     * Writes a stream's SYN or ACK, as {@link #write(YamuxStream, YamuxFrame)}, but leaves it in the
     * buffer of the layer below: it leaves with the next frame that is flushed, usually the stream's
     * own first data or FIN ("Opening a stream": the SYN and the ACK "may be sent with a data or
     * window update message"). rust-yamux sends the SYN with the first frame of the stream too (its
     * lazy open, rust-yamux PR #73), and js-yamux the ACK; go-yamux sends both at once. Here a stream
     * whose opener or acceptor reads before it writes flushes them before its read waits
     * ({@link #flushBeforeWaiting()}), so the remote is never kept waiting for them by a reader, and
     * the flusher sends them within {@link #ANNOUNCE_DELAY_NANOS} should nobody use the stream.
     * Frames that an earlier writer left for this one to flush (see flushUnlessOthersWait), or that
     * it wrote for others, are flushed as usual.
     *
     * @param stream the stream
     * @param frame  its SYN or ACK
     * @return false if the stream was reset and the frame dropped
     * @throws IOException as {@link #write(YamuxFrame)}
     */
    boolean announce(YamuxStream stream, YamuxFrame frame) throws IOException {
        boolean written = write(stream, frame, null, 0, 0, false);
        if (!announceTimerSet) {
            queueLock.lock();
            try {
                if (!announceTimerSet && !closed) {
                    announceTimerSet = true;
                    flushRequested.signal();
                }
            } finally {
                queueLock.unlock();
            }
        }
        return written;
    }

    /**
     * Has the announcements waiting for their streams' first frames (see {@link #announce}) flushed
     * now, by the flusher; never waits. For a thread about to wait for the remote, which may be
     * waiting for one of them. A frame left for a waiting writer needs nothing: that writer flushes
     * it, or asks the flusher to if it gives up.
     */
    void flushBeforeWaiting() {
        if (announced) {
            requestFlush();
        }
    }

    private boolean write(YamuxStream stream, YamuxFrame frame, byte[] payload, int off, int len) throws IOException {
        return write(stream, frame, payload, off, len, true);
    }

    private boolean write(YamuxStream stream, YamuxFrame frame, byte[] payload, int off, int len, boolean flush) throws IOException {
        lock();
        try {
            session.ensureOpen();
            if (goAwaySent) {
                throw new IOException("yamux session closing: Go Away was sent");
            }
            if (stream != null && stream.resetSent()) {
                return false;
            }
            writeStartedNanos = System.nanoTime() | 1;
            if (trace) {
                LOG.log(Level.TRACE, "yamux -> " + frame);
            }
            frame.encodeHeader(header);
            out.write(header);
            if (len > 0) {
                out.write(payload, off, len);
            }
            boolean owed = unflushed; // an earlier writer left its frame for us
            boolean others = writeHandedOver();
            if (flush || owed || others) {
                flushUnlessOthersWait();
            } else {
                announced = true;
            }
            return true;
        } catch (IOException e) {
            if (!session.isClosed()) {
                session.fail(e);
            }
            throw e;
        } finally {
            writeStartedNanos = 0;
            lock.unlock();
        }
    }

    /**
     * Takes the write lock, for a caller that decides what to write under it (a stream id, whose SYN
     * must reach the wire in id order); writes then nest. Release it with {@link #unlock()}.
     *
     * <p>The wait has no timer of its own. Every holder writes under the watchdog's eye (each write is
     * stamped, {@link #writeStartedNanos()}), and the watchdog ends the session when a write stays
     * stuck for the write timeout: the connection closes, the stuck write fails, the holder lets go
     * and every waiter then finds the session closed. So the wait is bounded by the write timeout
     * as before, without what a timed wait costs on a virtual thread: a timer set in the JDK's
     * scheduler and cancelled again, each waking the scheduler's timer thread, for a wait that is
     * usually microseconds long (64 streams opened at once: a wait for every second stream).
     *
     * @throws IOException if the wait is interrupted
     */
    void lock() throws IOException {
        try {
            lock.lockInterruptibly(); // in turn: the lock is fair, and tryLock() would jump the queue
        } catch (InterruptedException e) {
            // A holder may have left its frame unflushed for us (flushUnlessOthersWait).
            requestFlush();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to write");
        }
    }

    /** {@return whether the thread waits for the write lock} For tests. */
    boolean waitsForLock(Thread thread) {
        return lock.hasQueuedThread(thread);
    }

    /** Releases what {@link #lock()} took. */
    void unlock() {
        lock.unlock();
    }

    /**
     * Flushes the frame just written, unless other writers wait for the lock: then it stays in the
     * buffer of the layer below and the last of them flushes (one that writes only an announcement
     * flushes it too, see {@link #announce}). Should a waiting writer give up instead (it was
     * interrupted), it asks the flusher to flush what was left behind. Nobody waits for the remote
     * while holding the lock (openers wait for the ACK backlog before they take it), so a frame the
     * remote must answer is never held back for long.
     */
    private void flushUnlessOthersWait() throws IOException {
        if (lock.hasQueuedThreads()) {
            unflushed = true;
        } else {
            flushPending();
        }
    }

    /** Flushes the layer below; the caller holds the lock. */
    private void flushPending() throws IOException {
        unflushed = false;
        announced = false;
        out.flush();
    }

    /**
     * Writes Go Away, the last frame, if the lock comes free soon; failures are ignored, since the
     * connection closes next anyway.
     *
     * @param code why the session ends
     */
    void writeGoAwayQuietly(GoAwayCode code) {
        try {
            if (lock.tryLock(GO_AWAY_LOCK_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                try {
                    if (goAwaySent) {
                        return;
                    }
                    writeHandedOver();
                    goAwaySent = true;
                    GoAway goAway = new GoAway(code);
                    if (trace) {
                        LOG.log(Level.TRACE, "yamux -> " + goAway);
                    }
                    // Watched like every write: a peer that stopped reading cannot hold close() up.
                    writeStartedNanos = System.nanoTime() | 1;
                    goAway.encodeHeader(header);
                    out.write(header);
                    out.flush();
                } finally {
                    writeStartedNanos = 0;
                    lock.unlock();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the connection is going away anyway
        }
    }

    // ---- frames handed over by threads that must not wait --------------------------------------

    /**
     * Hands a frame over to be written soon, by whoever holds the lock or else by the flusher; never
     * waits. After Go Away, or once the session has ended, the frame is dropped; beyond
     * {@link #MAX_HANDED_OVER_IN_ALL} the session ends.
     *
     * @param frame the frame
     */
    void send(YamuxFrame frame) {
        handOver(frame, true);
    }

    /**
     * Hands a frame over like {@link #send(YamuxFrame)}, but leaves it for the batch the reader flushes
     * with {@link #flushBatch()} once it has read what arrived (or for a writer to take along before).
     * Only the reader calls it: with {@link #MAX_HANDED_OVER} frames waiting, it waits for them to be
     * written, and if the connection takes none within the write timeout the session ends.
     *
     * @param frame the frame
     */
    void sendInBatch(YamuxFrame frame) {
        handOver(frame, false);
    }

    /**
     * Answers a ping in the reader's batch, unless {@link #PING_BACKLOG} answers already wait: then
     * the ping goes unanswered.
     *
     * @param opaque the value to echo
     */
    void answerPing(int opaque) {
        if (!handOver(new Ping(true, opaque), false)) {
            LOG.log(Level.DEBUG, () -> session + ": ping " + Integer.toUnsignedString(opaque) + " unanswered: "
                    + PING_BACKLOG + " answers wait to be written (PING_BACKLOG)");
        }
    }

    /**
     * Queues a frame; {@code flushNow} for threads that never wait, else for the reader's batch.
     *
     * @return false only for a pong beyond {@link #PING_BACKLOG}
     */
    private boolean handOver(YamuxFrame frame, boolean flushNow) {
        boolean pong = frame instanceof Ping p && p.ack();
        queueLock.lock();
        try {
            if (closed || goAwaySent) {
                return true;
            }
            if (pong && queuedPongs >= PING_BACKLOG) {
                return false;
            }
            if (!flushNow && queue.size() >= MAX_HANDED_OVER && !awaitDrained()) {
                queueLock.unlock();
                try {
                    session.fail(new SocketTimeoutException("yamux: " + MAX_HANDED_OVER + " frames waited "
                            + TimeUnit.NANOSECONDS.toMillis(writeTimeoutNanos) + " ms for a connection that took none (MAX_HANDED_OVER, writeTimeout)"));
                } finally {
                    queueLock.lock();
                }
                return true;
            }
            if (closed || goAwaySent) {
                return true;
            }
            if (queue.size() < MAX_HANDED_OVER_IN_ALL) {
                queue.add(frame);
                queued = queue.size();
                if (pong) {
                    queuedPongs++;
                }
                if (flushNow) {
                    flushWanted = true;
                    flushRequested.signal();
                } else {
                    batchOpen = true;
                }
                return true;
            }
        } finally {
            queueLock.unlock();
        }
        session.fail(new IOException("yamux: " + MAX_HANDED_OVER_IN_ALL + " frames wait for a connection that takes none (MAX_HANDED_OVER_IN_ALL)"));
        return true;
    }

    /**
     * Has the flusher write the queue and waits, up to the write timeout, until it is shorter than
     * {@link #MAX_HANDED_OVER}; the caller holds the queue lock.
     *
     * @return false if it did not drain in time
     */
    private boolean awaitDrained() {
        batchOpen = false;
        flushWanted = true;
        flushRequested.signal();
        long left = writeTimeoutNanos;
        try {
            while (queue.size() >= MAX_HANDED_OVER && !closed) {
                if (left <= 0) {
                    return false;
                }
                left = drained.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            // the session is ending (terminate interrupts the reader)
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /** {@return whether frames handed over for a batch wait for {@link #flushBatch()}} */
    boolean batchOpen() {
        return batchOpen;
    }

    /** Has the batch written and flushed, once, by the flusher (the reader is about to wait for input). */
    void flushBatch() {
        requestFlush();
    }

    /** Wakes the flusher to write what was handed over and flush what was left unflushed. */
    private void requestFlush() {
        queueLock.lock();
        try {
            batchOpen = false;
            flushWanted = true;
            flushRequested.signal();
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Writes the frames handed over, in order; the caller holds the lock.
     *
     * @return whether it wrote any
     */
    private boolean writeHandedOver() throws IOException {
        if (queued == 0) {
            return false;
        }
        YamuxFrame[] frames;
        queueLock.lock();
        try {
            frames = queue.toArray(YamuxFrame[]::new);
            queue.clear();
            queued = 0;
            queuedPongs = 0;
            drained.signalAll();
        } finally {
            queueLock.unlock();
        }
        for (YamuxFrame frame : frames) {
            if (session.isClosed() || goAwaySent) {
                return false;
            }
            writeStartedNanos = System.nanoTime() | 1;
            if (trace) {
                LOG.log(Level.TRACE, "yamux -> " + frame);
            }
            frame.encodeHeader(header);
            out.write(header);
        }
        return frames.length > 0;
    }

    /**
     * The flusher: whenever asked, takes the lock, writes what was handed over and flushes. A holder
     * writes the handed-over frames itself before it lets go, and one that is stuck is the watchdog's
     * to end, which interrupts the flusher.
     */
    private void flushLoop() {
        try {
            while (true) {
                queueLock.lock();
                try {
                    while (!flushWanted && !announceTimerSet) {
                        if (closed) {
                            return;
                        }
                        flushRequested.await();
                    }
                    if (!flushWanted) {
                        // Only announcements: their streams' first frames have the delay to take them along.
                        long left = announceDelayNanos;
                        while (!flushWanted && !closed && left > 0) {
                            left = flushRequested.awaitNanos(left);
                        }
                        if (closed) {
                            return;
                        }
                    }
                    flushWanted = false;
                    announceTimerSet = false;
                } finally {
                    queueLock.unlock();
                }
                lock.lockInterruptibly(); // no timer, as in lock(): the watchdog bounds the wait
                try {
                    if (session.isClosed()) {
                        return;
                    }
                    if (writeHandedOver() | unflushed | announced) {
                        writeStartedNanos = System.nanoTime() | 1;
                        flushUnlessOthersWait();
                    }
                } finally {
                    writeStartedNanos = 0;
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            // the session ended
        } catch (IOException e) {
            if (!session.isClosed()) {
                session.fail(e);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, session + ": internal error in the flusher", e);
            session.fail(new IOException("yamux internal error in the flusher", e));
        }
    }

    /** The session ended: the flusher stops, frames handed over later are dropped. */
    void close() {
        queueLock.lock();
        try {
            closed = true;
            queue.clear();
            queued = 0;
            queuedPongs = 0;
            flushRequested.signal();
            drained.signalAll();
        } finally {
            queueLock.unlock();
        }
        flusher.interrupt();
    }

    /**
     * Waits for the flusher to end.
     *
     * @param timeout how long to wait
     * @return true if it ended
     * @throws InterruptedException if interrupted
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return flusher.join(timeout);
    }

    /** {@return when the write in progress started ({@link System#nanoTime()}, odd), or 0 if none is} */
    long writeStartedNanos() {
        return writeStartedNanos;
    }
}
