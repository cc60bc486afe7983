package org.jlibp2p.yamux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.yamux.YamuxFrame.Data;
import org.jlibp2p.yamux.YamuxFrame.Flags;
import org.jlibp2p.yamux.YamuxFrame.GoAway;
import org.jlibp2p.yamux.YamuxFrame.WindowUpdate;

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
 * <p>Go Away is the last frame: once it is written, every later write fails. How long the current
 * write has been going on is visible to the session's watchdog ({@link #writeStartedNanos()}).
 */
final class FrameWriter {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.yamux");
    /** How long closing waits for the write lock to send Go Away before it closes without. */
    private static final long GO_AWAY_LOCK_WAIT_MILLIS = 100;

    private final YamuxSession session;
    private final OutputStream out;
    private final long writeTimeoutNanos;

    /** One frame at a time on the wire; fair, so waiting writers take turns. */
    private final ReentrantLock lock = new ReentrantLock(true);
    private final byte[] header = new byte[YamuxFrame.HEADER_LENGTH];
    private volatile long writeStartedNanos;
    /** A frame was written but left unflushed for a waiting writer to flush (see flushUnlessOthersWait). */
    private volatile boolean unflushed;
    /** Set, under the lock, when Go Away is written: it is the last frame we send. */
    private volatile boolean goAwaySent;
    /** Frame tracing, decided once per session so that it costs nothing per frame when off. */
    private final boolean trace = LOG.isLoggable(Level.TRACE);

    FrameWriter(YamuxSession session, OutputStream out, YamuxConfig config) {
        this.session = session;
        this.out = out;
        this.writeTimeoutNanos = config.writeTimeout().toNanos();
    }

    /**
     * Writes a frame without payload and flushes it (or leaves it for a waiting writer to flush).
     *
     * @param frame the frame
     * @throws IOException if the lock is not free within the write timeout, Go Away was sent, or the
     *     connection fails (which ends the session)
     */
    void write(YamuxFrame frame) throws IOException {
        write(frame, null, 0, 0);
    }

    /**
     * Writes a Data frame and its payload, as {@link #write(YamuxFrame)}.
     *
     * @param frame   the header, whose length is the payload's
     * @param payload holds the payload
     * @param off     where it starts
     * @throws IOException as {@link #write(YamuxFrame)}
     */
    void write(Data frame, byte[] payload, int off) throws IOException {
        write(frame, payload, off, (int) frame.length());
    }

    private void write(YamuxFrame frame, byte[] payload, int off, int len) throws IOException {
        lock(System.nanoTime() + writeTimeoutNanos);
        try {
            session.ensureOpen();
            if (goAwaySent) {
                throw new IOException("yamux session closing: Go Away was sent");
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
            flushUnlessOthersWait();
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
     * @param deadline {@link System#nanoTime()} by which the lock must be free
     * @throws IOException if it is not, or the wait is interrupted
     */
    void lock(long deadline) throws IOException {
        try {
            if (!lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new SocketTimeoutException("yamux: could not write within " + TimeUnit.NANOSECONDS.toMillis(writeTimeoutNanos) + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to write");
        }
    }

    /** Releases what {@link #lock(long)} took. */
    void unlock() {
        lock.unlock();
    }

    /**
     * Flushes the frame just written, unless other writers wait for the lock: then it stays in the
     * buffer of the layer below and the last of them flushes. Whoever holds the lock and is about to
     * wait for the remote (an opener at the ACK backlog) flushes first ({@link #flushIfPending()});
     * should a waiting writer give up instead (its write timeout passed), the timer flushes what was
     * left behind ({@link #flushLeftBehind()}).
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
        out.flush();
    }

    /**
     * Flushes what earlier writers left unflushed; the caller holds the lock.
     *
     * @return true if there was something to flush
     * @throws IOException if the connection fails
     */
    boolean flushIfPending() throws IOException {
        if (!unflushed) {
            return false;
        }
        flushPending();
        return true;
    }

    /** The timer's safety net for {@link #flushUnlessOthersWait()}: flushes a frame nobody else will. */
    void flushLeftBehind() throws IOException {
        if (unflushed && lock.tryLock()) {
            try {
                if (unflushed && !session.isClosed()) {
                    flushPending();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** RST for a stream, without ever blocking the caller: inline if the connection is free, else on a virtual thread. */
    void sendResetAsync(int streamId) {
        if (session.isClosed()) {
            return;
        }
        WindowUpdate rst = new WindowUpdate(streamId, Flags.of(Flags.RST), 0);
        if (lock.tryLock()) {
            try {
                write(rst);
            } catch (IOException e) {
                // the session is ending; the stream is gone with it
            } finally {
                lock.unlock();
            }
            return;
        }
        Thread.ofVirtual().name(session + "-reset-" + Integer.toUnsignedString(streamId)).start(() -> {
            try {
                write(rst);
            } catch (IOException e) {
                // as above
            }
        });
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
                    goAwaySent = true;
                    GoAway goAway = new GoAway(code);
                    if (trace) {
                        LOG.log(Level.TRACE, "yamux -> " + goAway);
                    }
                    goAway.encodeHeader(header);
                    out.write(header);
                    out.flush();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the connection is going away anyway
        }
    }

    /** {@return when the write in progress started ({@link System#nanoTime()}, odd), or 0 if none is} */
    long writeStartedNanos() {
        return writeStartedNanos;
    }
}
