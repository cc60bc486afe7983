package org.jlibp2p.yamux;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.yamux.YamuxFrame.Data;
import org.jlibp2p.yamux.YamuxFrame.Flags;
import org.jlibp2p.yamux.YamuxFrame.GoAway;
import org.jlibp2p.yamux.YamuxFrame.Ping;
import org.jlibp2p.yamux.YamuxFrame.WindowUpdate;

/**
 * One Yamux session over one connection (yamux/README.md, "Message Flow"): the reader that takes
 * frames off the connection and hands each to its stream, and the session's life from start to end.
 *
 * <p>Its parts, one job each: {@link FrameWriter} puts frames on the connection; {@link StreamTable}
 * knows the streams, their ids and counts, and the accept queue; {@link KeepAlive} is the timer that
 * pings, watches for stuck writes and ends close timeouts; {@link YamuxStream} is one stream's
 * windows and half-closes; {@link YamuxFrame} is the frames, as records.
 *
 * <p>Threads. One reader virtual thread per session reads frames and dispatches them; it never waits
 * for an application or for a writer: data goes into per-stream buffers that the flow-control window
 * bounds, new inbound streams into a bounded accept queue (when it is full, the stream is reset), and
 * what it answers (pongs, RSTs, credit for data nobody will read) is handed to the writer in a batch
 * ({@link FrameWriter#sendInBatch}), flushed when the reader has read all that arrived. It waits
 * only when thousands of its answers are still unwritten (backpressure on a remote that sends faster
 * than the connection takes the answers, {@link FrameWriter#MAX_HANDED_OVER}), and, when the session
 * ends, briefly, to send Go Away. It wakes a stream's waiting reader for several full data frames at
 * once when they arrive together (see {@link YamuxStream#onData}): a wake-up is a hand-off between
 * threads, dearer than a frame's copy. One timer virtual thread runs
 * {@link KeepAlive}. Application threads write their own frames through the {@link FrameWriter},
 * whose flusher thread writes the frames of threads that must not wait.
 *
 * <p>Failures. A protocol violation by the remote sends Go Away (protocol error), closes the
 * connection and resets every stream with a {@link YamuxProtocolException}; a failing connection does
 * the same without the Go Away. Either way every blocked caller wakes.
 */
final class YamuxSession implements MuxedSession {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.yamux");
    private static final AtomicLong SESSION_IDS = new AtomicLong();
    /**
     * The most frames the reader reads before it has its answers flushed, should the input never
     * pause: a pong waits behind at most this many frames. Above the burst a ping flood can fill
     * ({@link FrameWriter#PING_BACKLOG}), so a burst is answered in one batch.
     */
    private static final int MAX_FRAMES_PER_BATCH = 256;
    /** The most frames a stream's reader is left waiting behind, data already buffered for it. */
    private static final int MAX_FRAMES_BEFORE_WAKE = 4;

    final YamuxConfig config;
    final FrameWriter writer;
    final StreamTable streams;
    final KeepAlive keepAlive;
    private final Duplex connection;
    private final InputStream in;
    private final String name;
    /** The stream whose reader the reader thread has yet to wake; the reader thread's alone. */
    private YamuxStream owed;
    private int framesSinceOwed;

    private final Thread reader;
    private final Thread timer;
    /** Frame tracing, decided once per session so that it costs nothing per frame when off. */
    private final boolean trace = LOG.isLoggable(Level.TRACE);

    YamuxSession(Duplex connection, Role role, YamuxConfig config) {
        this.connection = connection;
        this.config = config;
        this.name = "yamux-" + SESSION_IDS.incrementAndGet() + "-" + (role == Role.INITIATOR ? "client" : "server");
        // No extra buffering: a header and a payload are one read each, and the security layer below
        // already reads whole frames.
        this.in = connection.in();
        this.writer = new FrameWriter(this, connection.out(), config);
        this.streams = new StreamTable(this, role, config);
        this.keepAlive = new KeepAlive(this, writer, streams, config);
        this.reader = Thread.ofVirtual().name(name + "-reader").unstarted(this::readLoop);
        this.timer = Thread.ofVirtual().name(name + "-timer").unstarted(keepAlive);
    }

    void start() {
        reader.start();
        timer.start();
        writer.start();
    }

    // ---- opening and accepting streams -------------------------------------------------------

    @Override
    public MuxedStream openStream() throws IOException {
        long deadline = System.nanoTime() + config.writeTimeout().toNanos();
        // Wait for the ACK backlog first, holding nothing: the reader takes the ACKs meanwhile.
        streams.reserveOutbound(deadline);
        try {
            writer.lock();
        } catch (IOException e) {
            streams.cancelReservation();
            throw e;
        }
        // Ids are taken and their SYNs written under the write lock, so they reach the wire in order.
        try {
            YamuxStream stream = streams.openReserved();
            // "To open a stream, an initial data or window update frame is sent with a new StreamID. The
            // SYN flag should be set"; a window larger than the spec's 256 KiB rides on it. It leaves
            // with the stream's first data or FIN, or before the opener waits to read (announce).
            writer.announce(stream, new WindowUpdate(stream.id, Flags.of(Flags.SYN), config.initialWindow() - YamuxConfig.SPEC_INITIAL_WINDOW));
            return stream;
        } finally {
            writer.unlock();
        }
    }

    @Override
    public MuxedStream acceptStream(Duration timeout) throws IOException {
        YamuxStream stream = streams.accept(timeout);
        if (stream == null) {
            return null;
        }
        // "The receiver must then reply with ... the ACK flag to accept the stream"; we send it when the
        // application takes the stream, so a remote that opens faster than we accept sees its ACK
        // backlog grow and slows down.
        stream.acknowledge();
        return stream;
    }

    void ensureOpen() throws IOException {
        streams.ensureOpen();
    }

    // ---- the reader --------------------------------------------------------------------------

    private void readLoop() {
        IOException failure = null;
        byte[] header = new byte[YamuxFrame.HEADER_LENGTH];
        int framesSinceBatchOpened = 0;
        try {
            while (true) {
                boolean batchOpen = writer.batchOpen();
                if (owed != null || batchOpen) {
                    // Whether reading the next frame's header could wait for the network (asked once).
                    boolean paused = in.available() < YamuxFrame.HEADER_LENGTH;
                    // A reader left waiting with data for it (YamuxStream.onData) is woken when the
                    // input pauses, or after MAX_FRAMES_BEFORE_WAKE frames (and in onStreamFrame, before
                    // a payload that has not all arrived).
                    if (owed != null && (++framesSinceOwed >= MAX_FRAMES_BEFORE_WAKE || paused)) {
                        wakeOwed();
                    }
                    // What the reader answers (pongs, RSTs, window updates) is flushed in one batch when
                    // the input pauses, or at the latest after MAX_FRAMES_PER_BATCH frames, should the
                    // input never pause.
                    if (batchOpen && (++framesSinceBatchOpened >= MAX_FRAMES_PER_BATCH || paused)) {
                        writer.flushBatch();
                        framesSinceBatchOpened = 0;
                    }
                }
                YamuxFrame frame = YamuxFrame.read(in, header);
                if (frame == null) {
                    failure = isClosed() ? null : new EOFException("yamux: connection closed by the remote");
                    return;
                }
                if (trace) {
                    LOG.log(Level.TRACE, "yamux <- " + frame);
                }
                switch (frame) {
                    case Data d -> onStreamFrame(d.streamId(), d.flags(), d.length(), true);
                    case WindowUpdate w -> onStreamFrame(w.streamId(), w.flags(), w.delta(), false);
                    case Ping p -> onPing(p);
                    case GoAway g -> onGoAway(g);
                }
            }
        } catch (RemoteGoAwayException e) {
            LOG.log(Level.DEBUG, () -> name + ": " + e.getMessage());
            failure = e;
        } catch (YamuxProtocolException e) {
            LOG.log(Level.WARNING, () -> name + ": protocol violation by the remote: " + e.getMessage());
            writer.writeGoAwayQuietly(e.code());
            failure = e;
        } catch (IOException e) {
            if (!isClosed()) {
                LOG.log(Level.DEBUG, () -> name + ": connection failed: " + e);
                failure = e;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, name + ": internal error in the reader", e);
            writer.writeGoAwayQuietly(GoAwayCode.INTERNAL_ERROR);
            failure = new IOException("yamux internal error", e);
        } finally {
            terminate(failure); // wakes every stream's reader, the one still owed too
        }
    }

    private void wakeOwed() {
        owed.wakeReader();
        owed = null;
        framesSinceOwed = 0;
    }

    /**
     * Data and Window Update: flags first (SYN, ACK), then the payload or delta, then FIN and RST.
     *
     * @param length the payload's length (Data) or the window delta (Window Update)
     */
    private void onStreamFrame(int id, Flags flags, long length, boolean data) throws IOException {
        if (owed != null && data && length > 0 && in.available() < length) {
            wakeOwed(); // reading this payload may wait for the network: the owed reader waits for nothing
        }
        YamuxStream stream = streams.get(id);
        boolean admitted = false;
        if (flags.syn()) {
            // A SYN for a stream that is open is a reuse; a SYN with our parity is not the remote's to send.
            // A SYN below the highest id seen is allowed: go-yamux allocates ids under a lock but sends the
            // SYN after releasing it, so concurrent opens can reach the wire out of order.
            if (stream != null || !streams.isRemoteId(id)) {
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "SYN for stream " + Integer.toUnsignedString(id)
                        + (stream != null ? ", which is open already" : ", an id of our side"));
            }
            if (streams.goAwayReceived()) {
                // Go Away ends the sender's part in the session: it opens nothing after it.
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "SYN for stream " + Integer.toUnsignedString(id) + " after the remote's Go Away");
            }
            stream = streams.admitInbound(id);
            if (stream == null) {
                writer.sendInBatch(new WindowUpdate(id, Flags.of(Flags.RST), 0));
                discard(length, data);
                return;
            }
            admitted = true;
        } else if (stream == null && streams.resetByRemote(id)) {
            throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "frame on stream " + Integer.toUnsignedString(id)
                    + " after the remote reset it");
        } else if (stream == null) {
            // A frame for a stream we no longer track: it was reset or closed here and the remote had
            // frames in flight (go-yamux drops these too). A stream id never opened is a violation.
            if (streams.neverOpened(id)) {
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "frame for stream " + Integer.toUnsignedString(id) + " that was never opened");
            }
            discard(length, data);
            return;
        }
        if (flags.ack()) {
            stream.onAck();
        }
        if (data) {
            if (stream.onData(length, in)) {
                if (owed != null && owed != stream) {
                    wakeOwed();
                }
                owed = stream;
            }
        } else {
            stream.onWindowUpdate(length);
        }
        if (flags.fin()) {
            stream.onRemoteFin();
        }
        if (flags.rst()) {
            stream.onRemoteReset();
            streams.rememberRemoteReset(id);
        }
        if (admitted) {
            streams.queueForAccept(stream); // with its first payload, if any, buffered
        }
    }

    /** Skips the payload of a data frame nobody will read. */
    private void discard(long length, boolean data) throws IOException {
        if (data && length > 0) {
            if (length > config.maxWindow()) {
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "data frame of " + length + " bytes exceeds any window");
            }
            in.skipNBytes(length);
        }
    }

    private void onPing(Ping ping) {
        if (!ping.ack()) {
            // "The StreamID and Length value are echoed back in the response" (hashicorp spec.md).
            writer.answerPing(ping.opaque());
        } else {
            keepAlive.onPong(ping.opaque());
        }
    }

    private void onGoAway(GoAway goAway) throws IOException {
        streams.onGoAway();
        if (goAway.code() != GoAwayCode.NORMAL) {
            throw new RemoteGoAwayException(goAway.code());
        }
        LOG.log(Level.DEBUG, () -> name + ": the remote sent Go Away (normal); existing streams continue");
    }

    /** The remote ended the session with an error code: nothing to send back. */
    private static final class RemoteGoAwayException extends YamuxProtocolException {
        private static final long serialVersionUID = 1L;

        RemoteGoAwayException(GoAwayCode code) {
            super(code, "the remote sent Go Away: " + code);
        }
    }

    // ---- closing -----------------------------------------------------------------------------

    @Override
    public void close() {
        if (!isClosed()) {
            writer.writeGoAwayQuietly(GoAwayCode.NORMAL);
        }
        terminate(null);
    }

    /**
     * Ends the session because something failed: a write, the keep-alive, the watchdog, a limit.
     * One log line says why.
     *
     * @param cause what failed
     */
    void fail(IOException cause) {
        if (!isClosed()) {
            LOG.log(Level.DEBUG, () -> name + ": ending the session: " + cause.getMessage());
        }
        terminate(cause);
    }

    /** Ends the session once: closes the connection, resets every stream, wakes every waiter. */
    private void terminate(IOException cause) {
        List<YamuxStream> open = streams.close(cause);
        if (open == null) {
            return;
        }
        try {
            connection.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> name + ": closing the connection failed: " + e);
        }
        for (YamuxStream s : open) {
            s.onSessionClosed(cause);
        }
        writer.close();
        timer.interrupt();
        if (Thread.currentThread() != reader) {
            reader.interrupt();
        }
    }

    /**
     * Waits for the session's threads to end (for tests and orderly shutdown).
     *
     * @param timeout how long to wait
     * @return true if all ended
     * @throws InterruptedException if interrupted
     */
    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return reader.join(timeout) && timer.join(timeout) && writer.awaitTermination(timeout);
    }

    @Override
    public boolean isClosed() {
        return streams.isClosed();
    }

    @Override
    public IOException closeCause() {
        return streams.closeCause();
    }

    @Override
    public int streamCount() {
        return streams.size();
    }

    @Override
    public long bufferedBytes() {
        return streams.bufferedBytes();
    }

    @Override
    public String protocolId() {
        return YamuxMuxer.PROTOCOL_ID;
    }

    @Override
    public String toString() {
        return name;
    }
}
