package org.jlibp2p.yamux;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import jdk.jfr.FlightRecorder;
import org.jlibp2p.core.StreamResetException;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.yamux.YamuxFrame.Data;
import org.jlibp2p.yamux.YamuxFrame.Flags;
import org.jlibp2p.yamux.YamuxFrame.WindowUpdate;

/**
 * One Yamux stream: its two half-closes, its reset, and its flow control (yamux/README.md, "Opening
 * a stream", "Closing a stream", "Flow Control").
 *
 * <p>Flow control is the backpressure. The receive side holds at most {@code recvWindow} bytes: what
 * is buffered unread plus the credit the remote still has. Credit goes back to the remote only as
 * the application reads, in a Window Update once half a window has been consumed. So a reader that
 * stops reading stops the writer, and the buffer never outgrows the window. The send side blocks,
 * up to the write timeout, while the remote's window is zero.
 *
 * <p>Order on the wire. Nothing follows the FIN ("the sender will send no further data") or the RST:
 * data frames and the FIN are decided and written under one per-stream send lock, and the writer
 * drops frames of a stream once its RST is on the way.
 *
 * <p>Window auto-tuning (as go-yamux and rust-yamux): when the application consumes a whole window
 * in less than four round trips, the window is what limits throughput, so it doubles, up to
 * {@link YamuxConfig#maxWindow()}.
 */
final class YamuxStream implements MuxedStream {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.yamux");
    private final YamuxSession session;
    final int id;
    final boolean outbound;

    /** Guards the state below; never held while waiting for the session. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    /**
     * Orders this stream's outgoing data and FIN: held across "may the stream still send?" and the
     * frame that answer allows (see {@link #writeFrame}).
     */
    private final ReentrantLock sendLock = new ReentrantLock();
    /** Set before our RST is handed to the writer, which then writes nothing more of this stream. */
    private volatile boolean resetSent;
    /** When the close timeout ends, once the application closed the stream; the stream table's. */
    long closeDeadlineNanos;

    // receive side: payloads in arrival order; consumed buffers of the usual frame size are kept for
    // the next frames (at most RECYCLED, as many as one wake-up of the reader may bring), so a busy
    // stream does not allocate per frame
    private static final int RECYCLED = 4;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private final ArrayDeque<Chunk> free = new ArrayDeque<>(RECYCLED);
    private int headOffset;
    private int buffered;
    private int recvWindow;
    private long recvCredit;
    private long epochStartNanos = System.nanoTime();
    private volatile long readTimeoutNanos;
    /**
     * When the session's timer must wake this stream's reader to time out ({@link System#nanoTime()}):
     * the earliest deadline of the threads waiting to read, 0 while none waits with one. Set under
     * the lock, read by the timer without it.
     */
    private volatile long readDeadlineNanos;

    // send side
    private long sendWindow = YamuxConfig.SPEC_INITIAL_WINDOW;

    // state
    private boolean acked;
    private boolean finSent;
    private boolean finReceived;
    private boolean readClosed;
    private IOException resetCause;

    private final InputStream in = new StreamInput();
    private final OutputStream out = new StreamOutput();

    YamuxStream(YamuxSession session, int id, boolean outbound) {
        this.session = session;
        this.id = id;
        this.outbound = outbound;
        this.recvWindow = session.config.initialWindow();
        this.recvCredit = recvWindow;
    }

    @Override
    public long id() {
        return Integer.toUnsignedLong(id);
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout");
        }
        readTimeoutNanos = timeout.toNanos();
    }

    /** {@return whether we reset this stream: the writer drops its later frames} */
    boolean resetSent() {
        return resetSent;
    }

    boolean acked() {
        lock.lock();
        try {
            return acked;
        } finally {
            lock.unlock();
        }
    }

    // ---- reading -----------------------------------------------------------------------------

    private int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int n = 0;
        long update;
        lock.lock();
        try {
            if (!awaitData()) {
                return -1;
            }
            while (n < len && !chunks.isEmpty()) {
                Chunk head = chunks.peek();
                int take = Math.min(len - n, head.length - headOffset);
                System.arraycopy(head.data, headOffset, b, off + n, take);
                n += take;
                headOffset += take;
                if (headOffset == head.length) {
                    chunks.poll();
                    headOffset = 0;
                    recycle(head);
                }
            }
            buffered -= n;
            update = creditToReturn();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading");
        } finally {
            lock.unlock();
        }
        sendCredit(update);
        return n;
    }

    /**
     * Writes everything this stream receives to {@code out}, until the remote's FIN: each payload as
     * it was received, from the buffer it was received into, without a buffer of the caller's (the
     * JDK's {@link InputStream#transferTo} allocates 16 KiB per call, and copies each payload once
     * more). An echo handler or a proxy is this loop. Each payload is one write to {@code out}, and
     * its window credit goes back before that write, so up to one payload more than the window is
     * held; a payload {@code out} fails to take is lost with the failure.
     */
    private long transferTo(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        long total = 0;
        while (true) {
            Chunk head;
            int from;
            long update;
            lock.lock();
            try {
                if (!awaitData()) {
                    return total;
                }
                head = chunks.poll();
                from = headOffset;
                headOffset = 0;
                buffered -= head.length - from;
                update = creditToReturn();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading");
            } finally {
                lock.unlock();
            }
            sendCredit(update);
            out.write(head.data, from, head.length - from);
            total += head.length - from;
            if (head.data.length == session.config.maxFrameData()) {
                lock.lock();
                try {
                    recycle(head);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Keeps a consumed full-size payload buffer for the next frames, up to {@value #RECYCLED}; the caller holds the lock. */
    private void recycle(Chunk consumed) {
        if (consumed.data.length == session.config.maxFrameData() && free.size() < RECYCLED) {
            free.add(consumed);
        }
    }

    /**
     * Waits, holding the lock, until bytes are buffered or the remote has finished.
     *
     * @return true when bytes are buffered, false at the end of the stream
     * @throws IOException if the stream was reset or closed for reading, or the read timeout passed
     */
    private boolean awaitData() throws IOException, InterruptedException {
        long timeout = readTimeoutNanos;
        long deadline = 0; // set when the read first waits; never 0 then, which means no deadline
        while (buffered == 0) {
            if (resetCause != null) {
                throw resetFailure();
            }
            if (readClosed) {
                throw new IOException("stream closed for reading");
            }
            if (finReceived) {
                return false;
            }
            // The remote may be waiting for this stream's SYN or ACK, still unflushed (announce).
            session.writer.flushBeforeWaiting();
            if (timeout == 0) {
                readable.await();
            } else {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = (now + timeout) | 1;
                } else if (deadline - now <= 0) {
                    throw new SocketTimeoutException("read timed out after " + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms");
                }
                // The session's timer wakes this reader at its deadline (KeepAlive#watchRead): a
                // timed wait would cost a timer of the JDK's scheduler per wait, set and cancelled.
                // Should several threads read this stream at once, the field holds the earliest of
                // their deadlines, and the reader it belongs to wakes the others when it stops
                // waiting, so that each registers its own again.
                long registered = readDeadlineNanos;
                if (registered == 0 || deadline - registered < 0) {
                    readDeadlineNanos = deadline;
                    session.keepAlive.watchRead(deadline);
                }
                try {
                    readable.await();
                } finally {
                    if (readDeadlineNanos == deadline) {
                        readDeadlineNanos = 0;
                        if (lock.hasWaiters(readable)) {
                            readable.signalAll();
                        }
                    }
                }
            }
        }
        return true;
    }

    /** {@return the bytes received and not yet read} */
    int bufferedBytes() {
        lock.lock();
        try {
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    /** {@return how much this stream's receive window has grown above its initial window} */
    long windowGrowth() {
        lock.lock();
        try {
            return recvWindow - session.config.initialWindow();
        } finally {
            lock.unlock();
        }
    }

    /**
     * How much credit to give back now (0 for none yet), with auto-tuning. Called under the lock after
     * the application consumed bytes. The remote may send {@code recvCredit} more; we can take
     * {@code recvWindow - buffered}; the difference is what the application has freed.
     */
    private long creditToReturn() {
        long freed = recvWindow - buffered - recvCredit;
        if (freed < recvWindow / 2 || finReceived || resetCause != null) {
            return 0;
        }
        long now = System.nanoTime();
        long rtt = session.keepAlive.rttNanos();
        int max = session.config.maxWindow();
        if (rtt > 0 && recvWindow < max && now - epochStartNanos < 4 * rtt) {
            int grown = (int) Math.min((long) recvWindow * 2, max);
            // the session's memory budget across its streams: no growth past it
            if (session.streams.reserveWindow(grown - recvWindow)) {
                freed += grown - recvWindow;
                recvWindow = grown;
            }
        }
        epochStartNanos = now;
        recvCredit += freed;
        return freed;
    }

    private void sendCredit(long delta) throws IOException {
        if (delta > 0) {
            session.writer.write(this, new WindowUpdate(id, Flags.NONE, delta));
        }
    }

    /**
     * The reader thread delivers a data frame's payload, still on the wire, after its header.
     *
     * @return true when the stream's reader waits and was left waiting: a full frame, the window far
     *     from spent; the reader thread wakes it ({@link #wakeReader}) when the input pauses or within
     *     a few frames
     */
    boolean onData(long length, InputStream wire) throws IOException {
        long discardCredit = 0;
        boolean postponed = false;
        lock.lock();
        try {
            if (finReceived) {
                if (length == 0) {
                    // A frame with no data after the FIN (jvm-libp2p 1.3.5 repeats its FIN this way on
                    // every window update it receives) harms no one, and the network tolerates it:
                    // go-yamux ignores a FIN once the read side is closed (stream.go processFlags,
                    // "if s.readState == halfOpen", lines 415-418 at 78c3484) and returns early for a
                    // zero length (readData, lines 473-476); rust-yamux's update_state keeps RecvClosed
                    // on a second RecvClosed (connection/stream.rs, "(RecvClosed, RecvClosed) => {}",
                    // at 9837f54). Data after the FIN stays a violation: the remote said it was done.
                    return false;
                }
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "data on stream " + id() + " after its FIN");
            }
            if (length > recvCredit) {
                // The sender ignored our window: it could make us buffer without bound.
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "data frame of " + length + " bytes on stream " + id()
                        + " exceeds its receive window of " + recvCredit);
            }
            recvCredit -= length;
        } finally {
            lock.unlock();
        }
        if (length == 0) {
            return false;
        }
        Chunk payload = null;
        lock.lock();
        try {
            if (length <= session.config.maxFrameData()) {
                payload = free.poll();
            }
        } finally {
            lock.unlock();
        }
        if (payload == null) {
            // Large frames get a full-size buffer that can be recycled; small ones exactly what they need.
            int max = session.config.maxFrameData();
            payload = new Chunk(new byte[length >= max / 2 && length <= max ? max : (int) length]);
        }
        // Read outside the lock: the application may read what is already buffered meanwhile.
        payload.length = (int) length;
        if (wire.readNBytes(payload.data, 0, payload.length) < length) {
            throw new EOFException("connection ended inside a data frame");
        }
        lock.lock();
        try {
            if (resetCause != null || readClosed) {
                // Nobody will read it. A closed reader still returns the credit, in half-window steps
                // like a reading one, so the remote can finish.
                if (resetCause == null && recvWindow - recvCredit >= recvWindow / 2) {
                    discardCredit = recvWindow - recvCredit;
                    recvCredit = recvWindow;
                }
            } else {
                chunks.add(payload);
                buffered += payload.length;
                // A full frame, the window far from spent: the reader thread may wake a waiting reader
                // after the next frames instead (YamuxSession's readLoop), one hand-off between threads
                // for several frames.
                postponed = payload.length >= session.config.maxFrameData() / 2 && buffered <= recvWindow / 4
                        && lock.hasWaiters(readable);
                if (!postponed) {
                    readable.signal();
                }
            }
        } finally {
            lock.unlock();
        }
        if (discardCredit > 0) {
            // handed over: the reader thread never waits for the write lock
            session.writer.sendInBatch(new WindowUpdate(id, Flags.NONE, discardCredit));
        }
        return postponed;
    }

    /** {@return whether a reader waits for data} For tests. */
    boolean readerWaits() {
        lock.lock();
        try {
            return lock.hasWaiters(readable);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Wakes the reader if it waits with a deadline that has passed at {@code now}; the session's timer
     * calls it ({@link StreamTable#wakeReadersPastDeadline}).
     *
     * @return the waiting reader's deadline when it has not passed, 0 when no reader waits with one
     *     or it was woken
     */
    long wakeReaderPastDeadline(long now) {
        long deadline = readDeadlineNanos;
        if (deadline == 0 || deadline - now > 0) {
            return deadline;
        }
        lock.lock();
        try {
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        return 0;
    }

    /** Wakes the reader that {@link #onData} let wait. */
    void wakeReader() {
        lock.lock();
        try {
            readable.signal();
        } finally {
            lock.unlock();
        }
    }

    void onWindowUpdate(long delta) throws IOException {
        lock.lock();
        try {
            sendWindow += delta;
            if (sendWindow > 0xFFFFFFFFL) {
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "window update overflows the 32-bit window of stream " + id());
            }
            if (delta > 0) {
                writable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    void onAck() {
        boolean first;
        lock.lock();
        try {
            first = !acked;
            acked = true;
        } finally {
            lock.unlock();
        }
        if (first) {
            session.streams.onAcknowledged(this);
        }
    }

    void onRemoteFin() {
        boolean done;
        lock.lock();
        try {
            finReceived = true;
            readable.signalAll();
            done = finSent;
        } finally {
            lock.unlock();
        }
        if (done) {
            session.streams.forget(this);
        }
    }

    void onRemoteReset() {
        markReset(new EndedElsewhere("stream " + id() + " was reset by the remote"));
        session.streams.forget(this);
    }

    void onSessionClosed(IOException cause) {
        EndedElsewhere ended = new EndedElsewhere("stream " + id() + " ended with its session"
                + (cause != null ? ": " + cause.getMessage() : ""));
        if (cause != null) {
            ended.initCause(cause);
        }
        markReset(ended);
    }

    /** Ends the stream with {@code cause}, unless it has one already (then {@code cause} may be null). */
    private void markReset(IOException cause) {
        lock.lock();
        try {
            if (resetCause == null) {
                resetCause = cause;
            }
            chunks.clear();
            buffered = 0;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Why a stream ended when a reset from the remote or the end of the session ended it, kept as the
     * cause of what its reader or writer is thrown ({@link #resetFailure}, with that thread's own stack
     * trace). It has no stack trace of its own: the thread that makes it is the session's reader or
     * whoever ends the session, the same stack for every stream, and an ending session makes one for
     * each stream still open (0.5 % of a short connection's CPU in a profile of {@code ping --repeat};
     * BENCHMARKS.md). What the session ended with, when it ended with an error, is chained under it. A
     * local {@link #reset()} keeps its stack trace, which says who reset the stream.
     */
    private static final class EndedElsewhere extends StreamResetException {
        private static final long serialVersionUID = 1L;

        EndedElsewhere(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private IOException resetFailure() {
        StreamResetException e = new StreamResetException(resetCause.getMessage());
        e.initCause(resetCause);
        return e;
    }

    /**
     * The inbound stream is taken by the application: acknowledge it, announcing a larger window if
     * configured. The ACK leaves with the stream's first frame, or when its reader first waits
     * ({@link FrameWriter#announce}).
     */
    void acknowledge() throws IOException {
        lock.lock();
        try {
            acked = true;
        } finally {
            lock.unlock();
        }
        session.writer.announce(this, new WindowUpdate(id, Flags.of(Flags.ACK), session.config.initialWindow() - YamuxConfig.SPEC_INITIAL_WINDOW));
    }

    // ---- writing -----------------------------------------------------------------------------

    private void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            int n = writeFrame(b, off, len);
            off += n;
            len -= n;
        }
    }

    /**
     * Writes one data frame of up to {@code len} bytes, as many as the remote's window and the frame
     * size allow, and returns how many. The check that the stream may still send and the frame it
     * allows are one step under {@link #sendLock}, the lock {@link #closeWrite()} decides its FIN
     * under, so no data can follow the FIN. Waiting for window happens outside that lock, so a
     * half-close does not wait for a writer the remote keeps waiting.
     */
    private int writeFrame(byte[] b, int off, int len) throws IOException {
        long timeout = session.config.writeTimeout().toNanos();
        long deadline = System.nanoTime() + timeout;
        while (true) {
            lockSend(deadline);
            try {
                int n;
                lock.lock();
                try {
                    checkWritable();
                    n = (int) Math.min(Math.min(len, sendWindow), session.config.maxFrameData());
                    sendWindow -= n;
                } finally {
                    lock.unlock();
                }
                if (n > 0) {
                    if (!session.writer.write(this, new Data(id, Flags.NONE, n), b, off)) {
                        throw resetFailure();
                    }
                    return n;
                }
            } finally {
                sendLock.unlock();
            }
            awaitWindow(deadline, timeout);
        }
    }

    /** Logs a write that a limit ended, one line, and returns the exception to throw. */
    private SocketTimeoutException limit(SocketTimeoutException e) {
        LOG.log(Level.DEBUG, () -> session + ": " + e.getMessage());
        return e;
    }

    /** Throws unless the stream may still send; the caller holds the state lock. */
    private void checkWritable() throws IOException {
        if (resetCause != null) {
            throw resetFailure();
        }
        if (finSent) {
            throw new IOException("stream " + id() + " is closed for writing");
        }
    }

    /** Waits until the remote's window opens, the stream closes for writing, or the deadline passes. */
    private void awaitWindow(long deadline, long timeout) throws IOException {
        WindowStall stall = null;
        lock.lock();
        try {
            // No event before the flight recorder has started: the first use of an event class costs
            // a fresh JVM about 0.15 s.
            if (sendWindow == 0 && resetCause == null && !finSent && FlightRecorder.isInitialized()) {
                stall = new WindowStall();
                stall.begin();
            }
            while (sendWindow == 0 && resetCause == null && !finSent) {
                session.writer.flushBeforeWaiting(); // the remote may be waiting for a SYN or ACK (announce)
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw limit(new SocketTimeoutException("stream " + id() + ": the remote's window stayed closed for "
                            + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms (writeTimeout)"));
                }
                writable.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        } finally {
            lock.unlock();
            if (stall != null) {
                stall.end();
                if (stall.shouldCommit()) {
                    stall.stream = id();
                    stall.session = session.toString();
                    stall.commit();
                }
            }
        }
    }

    /**
     * Takes {@link #sendLock}. It is held while waiting for the session's write lock, which is safe:
     * the reader never takes it, and no holder of the write lock waits for a stream's send lock.
     */
    private void lockSend(long deadline) throws IOException {
        try {
            if (!sendLock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw limit(new SocketTimeoutException("stream " + id() + ": another write on it took longer than "
                        + session.config.writeTimeout().toMillis() + " ms (writeTimeout)"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    @Override
    public void closeWrite() throws IOException {
        boolean done;
        lockSend(System.nanoTime() + session.config.writeTimeout().toNanos());
        try {
            lock.lock();
            try {
                if (finSent) {
                    return;
                }
                if (resetCause != null) {
                    throw resetFailure();
                }
                finSent = true;
                done = finReceived;
                writable.signalAll(); // a writer waiting for window fails now, not at its timeout
            } finally {
                lock.unlock();
            }
            // "To close a stream, either side sends a data or window update frame along with the FIN flag."
            if (!session.writer.write(this, new WindowUpdate(id, Flags.of(Flags.FIN), 0))) {
                throw resetFailure();
            }
        } finally {
            sendLock.unlock();
        }
        if (done) {
            session.streams.forget(this);
        }
    }

    @Override
    public void close() throws IOException {
        long credit;
        lock.lock();
        try {
            if (resetCause != null) {
                return;
            }
            readClosed = true;
            // Unread data is dropped; its credit goes back so the remote is not stuck mid-write.
            chunks.clear();
            buffered = 0;
            // Credit matters only while the remote may still write, and only once it runs low.
            credit = finReceived || recvWindow - recvCredit < recvWindow / 2 ? 0 : recvWindow - recvCredit;
            recvCredit += credit;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        sendCredit(credit);
        closeWrite();
        boolean waitingForFin;
        lock.lock();
        try {
            waitingForFin = !finReceived && resetCause == null;
        } finally {
            lock.unlock();
        }
        if (waitingForFin) {
            // Nothing more for the application to do here; the remote still owes its FIN.
            session.streams.closedLocally(this);
        }
    }

    /** The remote did not send its FIN within the close timeout after the application closed the stream. */
    void closeTimedOut() {
        LOG.log(Level.DEBUG, () -> session + ": stream " + id() + ": no FIN from the remote within "
                + session.config.streamCloseTimeout().toMillis() + " ms of our close (streamCloseTimeout); resetting it");
        reset();
    }

    @Override
    public void reset() {
        boolean alreadyEnded;
        boolean hasCause;
        lock.lock();
        try {
            hasCause = resetCause != null;
            alreadyEnded = hasCause || (finSent && finReceived);
        } finally {
            lock.unlock();
        }
        // A stream keeps the first cause it is given, so none is made for one that has it: a host
        // resets the stream of each handler that fails, also of those its session's end has ended.
        markReset(hasCause ? null : new StreamResetException("stream " + id() + " was reset locally"));
        session.streams.forget(this);
        if (!alreadyEnded) {
            // Handed over, so reset() never blocks. Set first: the writer drops any later frame of this
            // stream, also one a writer had already decided on (nothing may follow the RST).
            resetSent = true;
            session.writer.send(new WindowUpdate(id, Flags.of(Flags.RST), 0));
        }
    }

    @Override
    public String toString() {
        return "yamux stream " + id() + " of " + session;
    }

    /** A received payload: {@code length} bytes at the start of {@code data}. */
    private static final class Chunk {
        final byte[] data;
        int length;

        Chunk(byte[] data) {
            this.data = data;
        }
    }

    private final class StreamInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return YamuxStream.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return YamuxStream.this.read(b, off, len);
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            return YamuxStream.this.transferTo(out);
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return buffered;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            YamuxStream.this.close();
        }
    }

    private final class StreamOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            YamuxStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            YamuxStream.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            closeWrite();
        }
    }
}
