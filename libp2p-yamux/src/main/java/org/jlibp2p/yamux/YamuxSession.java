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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.yamux.YamuxFrame.Flags;
import org.jlibp2p.yamux.YamuxFrame.Header;

/**
 * One Yamux session over one connection (yamux/README.md, "Message Flow").
 *
 * <p>Threads. One reader virtual thread per session reads frames and dispatches them; it never waits
 * for an application: data goes into per-stream buffers that the flow-control window bounds, and new
 * inbound streams into a bounded accept queue (when it is full, the stream is reset). One timer
 * virtual thread sends keep-alive pings, measures the round-trip time that window auto-tuning needs,
 * and ends the session when a ping goes unanswered or a write stays stuck past the write timeout.
 * Application threads write frames themselves, one frame at a time under a fair lock, so a large
 * transfer on one stream cannot starve another stream's small write or a ping.
 *
 * <p>Failures. A protocol violation by the remote sends Go Away (protocol error), closes the
 * connection and resets every stream with a {@link YamuxProtocolException}; a failing connection does
 * the same without the Go Away. Either way every blocked caller wakes.
 */
final class YamuxSession implements MuxedSession {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.yamux");
    private static final AtomicLong SESSION_IDS = new AtomicLong();

    final YamuxConfig config;
    private final Duplex connection;
    private final Role role;
    private final InputStream in;
    private final OutputStream out;
    private final String name;

    private final Map<Integer, YamuxStream> streams = new ConcurrentHashMap<>();
    /**
     * The last streams the remote reset itself: after its RST it may send nothing more on them. Only
     * the reader thread touches it. Bounded; older ids fall back to "recently closed".
     */
    private final java.util.LinkedHashSet<Integer> resetByRemote = new java.util.LinkedHashSet<>();
    private static final int RESET_MEMORY = 1024;
    /** Guards the accept queue, the ACK backlog, stream counts and the closed/GoAway state. */
    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition acceptable = stateLock.newCondition();
    private final Condition ackBacklogFreed = stateLock.newCondition();
    private final ArrayDeque<YamuxStream> acceptQueue = new ArrayDeque<>();
    /** Written under stateLock; read without it by the reader thread. */
    private volatile long nextStreamId;
    private long highestRemoteId;
    private int inboundCount;
    private int outboundCount;
    private int unackedOutbound;
    private volatile boolean goAwayReceived;
    private volatile boolean closed;
    private volatile IOException closeCause;
    /** Set, under the write lock, when Go Away is written: it is the last frame we send. */
    private volatile boolean goAwaySent;

    /** One frame at a time on the wire; fair, so waiting writers take turns. */
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final byte[] header = new byte[YamuxFrame.HEADER_LENGTH];
    private volatile long writeStartedNanos;
    /** A frame was written but left unflushed for a waiting writer to flush (see flushUnlessOthersWait). */
    private volatile boolean unflushed;

    private final AtomicInteger pingIds = new AtomicInteger();
    private volatile int outstandingPing = -1;
    private volatile long pingSentNanos;
    private volatile long rttNanos;

    private final Thread reader;
    private final Thread timer;
    /** Frame tracing, decided once per session so that it costs nothing per frame when off. */
    private final boolean trace = LOG.isLoggable(Level.TRACE);

    YamuxSession(Duplex connection, Role role, YamuxConfig config) {
        this.connection = connection;
        this.role = role;
        this.config = config;
        // No extra buffering: a header and a payload are one read each, and the security layer below
        // already reads whole frames.
        this.in = connection.in();
        this.out = connection.out();
        // "The client side should use odd ID's, and the server even."
        this.nextStreamId = role == Role.INITIATOR ? 1 : 2;
        this.name = "yamux-" + SESSION_IDS.incrementAndGet() + "-" + (role == Role.INITIATOR ? "client" : "server");
        this.reader = Thread.ofVirtual().name(name + "-reader").unstarted(this::readLoop);
        this.timer = Thread.ofVirtual().name(name + "-timer").unstarted(this::timerLoop);
    }

    void start() {
        reader.start();
        timer.start();
    }

    // ---- opening and accepting streams -------------------------------------------------------

    @Override
    public MuxedStream openStream() throws IOException {
        int id;
        long deadline = System.nanoTime() + config.writeTimeout().toNanos();
        // Ids are allocated and their SYNs written under the write lock, so they reach the wire in order.
        try {
            if (!writeLock.tryLock(config.writeTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new SocketTimeoutException("yamux: could not write within " + config.writeTimeout().toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while opening a stream");
        }
        try {
            return openStreamHoldingWriteLock(deadline);
        } finally {
            writeLock.unlock();
        }
    }

    private MuxedStream openStreamHoldingWriteLock(long deadline) throws IOException {
        int id;
        stateLock.lock();
        try {
            // "SHOULD at most allow an ACK backlog of 256 streams": wait for the remote to catch up.
            while (unackedOutbound >= config.ackBacklog() && !closed && !goAwayReceived) {
                if (unflushed) {
                    // The remote can acknowledge only SYNs it has received: send what earlier writers
                    // left buffered for us (flushUnlessOthersWait) before waiting, and not under the
                    // state lock, which the reader needs to take the ACKs.
                    stateLock.unlock();
                    try {
                        flushPending();
                    } finally {
                        stateLock.lock();
                    }
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("yamux: " + unackedOutbound + " streams still unacknowledged after "
                            + config.writeTimeout().toMillis() + " ms");
                }
                ackBacklogFreed.awaitNanos(left);
            }
            ensureOpen();
            if (goAwayReceived) {
                throw new IOException("yamux: the remote sent Go Away; no new streams");
            }
            if (outboundCount >= config.maxOutboundStreams()) {
                throw new IOException("yamux: " + outboundCount + " outbound streams open, the limit is " + config.maxOutboundStreams());
            }
            if (nextStreamId > 0xFFFFFFFFL) {
                throw new IOException("yamux: stream ids exhausted");
            }
            id = (int) nextStreamId;
            nextStreamId += 2;
            outboundCount++;
            unackedOutbound++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while opening a stream");
        } finally {
            stateLock.unlock();
        }
        YamuxStream stream = new YamuxStream(this, id, true);
        streams.put(id, stream);
        // "To open a stream, an initial data or window update frame is sent with a new StreamID. The
        // SYN flag should be set"; a window larger than the spec's 256 KiB rides on it.
        writeWindowUpdate(id, Flags.SYN, config.initialWindow() - YamuxConfig.SPEC_INITIAL_WINDOW);
        return stream;
    }

    @Override
    public MuxedStream acceptStream(Duration timeout) throws IOException {
        YamuxStream stream;
        stateLock.lock();
        try {
            long left = timeout.toNanos();
            while (acceptQueue.isEmpty()) {
                ensureOpen();
                if (timeout.isZero()) {
                    acceptable.await();
                } else {
                    if (left <= 0) {
                        return null;
                    }
                    left = acceptable.awaitNanos(left);
                }
            }
            stream = acceptQueue.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting a stream");
        } finally {
            stateLock.unlock();
        }
        // "The receiver must then reply with ... the ACK flag to accept the stream"; we send it when the
        // application takes the stream, so a remote that opens faster than we accept sees its ACK
        // backlog grow and slows down.
        stream.acknowledge();
        return stream;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            IOException cause = closeCause;
            throw cause != null ? new IOException("yamux session closed: " + cause.getMessage(), cause) : new IOException("yamux session closed");
        }
    }

    // ---- the reader --------------------------------------------------------------------------

    private void readLoop() {
        IOException failure = null;
        try {
            while (true) {
                Header h = Header.read(in);
                if (h == null) {
                    failure = closed ? null : new EOFException("yamux: connection closed by the remote");
                    return;
                }
                if (trace) {
                    trace("<-", h.type(), h.flags().bits(), h.streamId(), h.length());
                }
                switch (h.type()) {
                    case YamuxFrame.TYPE_DATA, YamuxFrame.TYPE_WINDOW_UPDATE -> onStreamFrame(h);
                    case YamuxFrame.TYPE_PING -> onPing(h);
                    case YamuxFrame.TYPE_GO_AWAY -> onGoAway(h);
                    default -> throw new IllegalStateException("Header.read checks the type");
                }
            }
        } catch (RemoteGoAwayException e) {
            LOG.log(Level.DEBUG, () -> name + ": " + e.getMessage());
            failure = e;
        } catch (YamuxProtocolException e) {
            LOG.log(Level.WARNING, () -> name + ": protocol violation by the remote: " + e.getMessage());
            sendGoAwayQuietly(e.code());
            failure = e;
        } catch (IOException e) {
            if (!closed) {
                LOG.log(Level.DEBUG, () -> name + ": connection failed: " + e);
                failure = e;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, name + ": internal error in the reader", e);
            sendGoAwayQuietly(GoAwayCode.INTERNAL_ERROR);
            failure = new IOException("yamux internal error", e);
        } finally {
            terminate(failure);
        }
    }

    /** Data and Window Update: flags first (SYN, ACK), then the payload or delta, then FIN and RST. */
    private void onStreamFrame(Header h) throws IOException {
        int id = h.streamId();
        Flags flags = h.flags();
        boolean data = h.type() == YamuxFrame.TYPE_DATA;
        YamuxStream stream = streams.get(id);
        if (flags.syn()) {
            // A SYN for a stream that is open is a reuse; a SYN with our parity is not the remote's to send.
            // A SYN below the highest id seen is allowed: go-yamux allocates ids under a lock but sends the
            // SYN after releasing it, so concurrent opens can reach the wire out of order.
            if (stream != null || !isRemoteId(id)) {
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "SYN for stream " + Integer.toUnsignedString(id)
                        + (stream != null ? ", which is open already" : ", an id of our side"));
            }
            if (goAwayReceived) {
                // Go Away ends the sender's part in the session: it opens nothing after it.
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "SYN for stream " + Integer.toUnsignedString(id) + " after the remote's Go Away");
            }
            highestRemoteId = Math.max(highestRemoteId, Integer.toUnsignedLong(id));
            stream = admitInbound(id);
            if (stream == null) {
                discard(h, data);
                return;
            }
        } else if (stream == null && resetByRemote.contains(id)) {
            throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "frame on stream " + Integer.toUnsignedString(id)
                    + " after the remote reset it");
        } else if (stream == null) {
            // A frame for a stream we no longer track: it was reset or closed here and the remote had
            // frames in flight (go-yamux drops these too). A stream id never opened is a violation.
            boolean neverOpened = isRemoteId(id) ? Integer.toUnsignedLong(id) > highestRemoteId : Integer.toUnsignedLong(id) >= nextStreamId;
            if (neverOpened || id == 0) {
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "frame for stream " + Integer.toUnsignedString(id) + " that was never opened");
            }
            discard(h, data);
            return;
        }
        if (flags.ack()) {
            stream.onAck();
        }
        if (data) {
            stream.onData(h.length(), in);
        } else {
            stream.onWindowUpdate(h.length());
        }
        if (flags.fin()) {
            stream.onRemoteFin();
        }
        if (flags.rst()) {
            stream.onRemoteReset();
            resetByRemote.add(id);
            if (resetByRemote.size() > RESET_MEMORY) {
                resetByRemote.remove(resetByRemote.iterator().next());
            }
        }
    }

    private YamuxStream admitInbound(int id) throws IOException {
        String refusal = null;
        YamuxStream stream = null;
        stateLock.lock();
        try {
            if (closed) {
                refusal = "session closing";
            } else if (inboundCount >= config.maxInboundStreams()) {
                refusal = inboundCount + " inbound streams open, the limit is " + config.maxInboundStreams();
            } else if (acceptQueue.size() >= config.acceptBacklog()) {
                refusal = "accept backlog of " + config.acceptBacklog() + " is full";
            } else {
                inboundCount++;
                stream = new YamuxStream(this, id, false);
                streams.put(id, stream);
                acceptQueue.add(stream);
                acceptable.signal();
            }
        } finally {
            stateLock.unlock();
        }
        if (refusal != null) {
            String why = refusal;
            LOG.log(Level.DEBUG, () -> name + ": refusing stream " + Integer.toUnsignedString(id) + ": " + why);
            writeWindowUpdate(id, Flags.RST, 0);
        }
        return stream;
    }

    private void discard(Header h, boolean data) throws IOException {
        if (data && h.length() > 0) {
            if (h.length() > config.maxWindow()) {
                throw new YamuxProtocolException(GoAwayCode.PROTOCOL_ERROR, "data frame of " + h.length() + " bytes exceeds any window");
            }
            in.skipNBytes(h.length());
        }
    }

    private boolean isRemoteId(int id) {
        boolean odd = (id & 1) == 1;
        return role == Role.INITIATOR ? !odd : odd;
    }

    private void onPing(Header h) throws IOException {
        int opaque = (int) h.length();
        if (h.flags().syn()) {
            writeFrame(YamuxFrame.TYPE_PING, Flags.ACK, 0, h.length());
        } else if (h.flags().ack() && opaque == outstandingPing) {
            rttNanos = Math.max(1, System.nanoTime() - pingSentNanos);
            outstandingPing = -1;
        }
    }

    private void onGoAway(Header h) throws IOException {
        GoAwayCode code = GoAwayCode.of(h.length());
        stateLock.lock();
        try {
            goAwayReceived = true;
            ackBacklogFreed.signalAll();
        } finally {
            stateLock.unlock();
        }
        if (code != GoAwayCode.NORMAL) {
            throw new RemoteGoAwayException(code);
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

    // ---- stream bookkeeping, called by YamuxStream ---------------------------------------------

    void onAcknowledged(YamuxStream stream) {
        if (!stream.outbound) {
            return;
        }
        stateLock.lock();
        try {
            unackedOutbound--;
            ackBacklogFreed.signal();
        } finally {
            stateLock.unlock();
        }
    }

    void forget(YamuxStream stream) {
        if (streams.remove(stream.id, stream)) {
            stateLock.lock();
            try {
                if (stream.outbound) {
                    outboundCount--;
                    if (!stream.acked()) {
                        unackedOutbound--;
                        ackBacklogFreed.signal();
                    }
                } else {
                    inboundCount--;
                    acceptQueue.remove(stream);
                }
            } finally {
                stateLock.unlock();
            }
        }
    }

    long rttNanos() {
        return rttNanos;
    }

    // ---- writing -----------------------------------------------------------------------------

    void writeWindowUpdate(int streamId, int flags, long delta) throws IOException {
        writeFrame(YamuxFrame.TYPE_WINDOW_UPDATE, flags, streamId, delta);
    }

    void writeFrame(int type, int flags, int streamId, long length) throws IOException {
        writeData(type, flags, streamId, length, null, 0, 0);
    }

    /** Writes one frame (header, then payload for data) and flushes it. */
    void writeData(int type, int flags, int streamId, long length, byte[] payload, int off, int len) throws IOException {
        try {
            if (!writeLock.tryLock(config.writeTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new SocketTimeoutException("yamux: could not write within " + config.writeTimeout().toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to write");
        }
        try {
            ensureOpen();
            if (goAwaySent) {
                throw new IOException("yamux session closing: Go Away was sent");
            }
            writeStartedNanos = System.nanoTime() | 1;
            if (trace) {
                trace("->", type, flags, streamId, length);
            }
            YamuxFrame.writeHeader(header, type, flags, streamId, length);
            out.write(header);
            if (len > 0) {
                out.write(payload, off, len);
            }
            flushUnlessOthersWait();
        } catch (IOException e) {
            if (!closed) {
                terminate(e);
            }
            throw e;
        } finally {
            writeStartedNanos = 0;
            writeLock.unlock();
        }
    }

    /**
     * Flushes the frame just written, unless other writers wait for the lock: then it stays in the
     * buffer of the layer below and the last of them flushes. A burst of small frames from many
     * streams (SYNs, ACKs, FINs, window updates) so becomes one Noise message and one system call
     * instead of one each. Whoever holds the lock and is about to wait for the remote (an opener at
     * the ACK backlog) flushes first; should a waiting writer give up instead (its write timeout
     * passed), the timer flushes what was left behind.
     */
    private void flushUnlessOthersWait() throws IOException {
        if (writeLock.hasQueuedThreads()) {
            unflushed = true;
        } else {
            flushPending();
        }
    }

    /** Flushes the layer below; the caller holds the write lock. */
    private void flushPending() throws IOException {
        unflushed = false;
        out.flush();
    }

    /** The timer's safety net for {@link #flushUnlessOthersWait()}: flushes a frame nobody else will. */
    private void flushLeftBehind() throws IOException {
        if (unflushed && writeLock.tryLock()) {
            try {
                if (unflushed && !closed) {
                    flushPending();
                }
            } finally {
                writeLock.unlock();
            }
        }
    }

    private void trace(String direction, int type, int flags, int streamId, long length) {
        String frame = switch (type) {
            case YamuxFrame.TYPE_DATA -> "Data stream=" + Integer.toUnsignedString(streamId) + " flags=" + new Flags(flags) + " length=" + length;
            case YamuxFrame.TYPE_WINDOW_UPDATE -> "WindowUpdate stream=" + Integer.toUnsignedString(streamId) + " flags=" + new Flags(flags) + " delta=" + length;
            case YamuxFrame.TYPE_PING -> "Ping " + new Flags(flags) + " opaque=" + length;
            default -> "GoAway " + GoAwayCode.of(length);
        };
        LOG.log(Level.TRACE, "yamux " + direction + " " + frame);
    }

    /** RST for a stream, without ever blocking the caller: inline if the connection is free, else on a virtual thread. */
    void sendResetAsync(int streamId) {
        if (closed) {
            return;
        }
        if (writeLock.tryLock()) {
            try {
                writeWindowUpdate(streamId, Flags.RST, 0);
            } catch (IOException e) {
                // the session is ending; the stream is gone with it
            } finally {
                writeLock.unlock();
            }
            return;
        }
        Thread.ofVirtual().name(name + "-reset-" + Integer.toUnsignedString(streamId)).start(() -> {
            try {
                writeWindowUpdate(streamId, Flags.RST, 0);
            } catch (IOException e) {
                // as above
            }
        });
    }

    private void sendGoAwayQuietly(GoAwayCode code) {
        try {
            if (writeLock.tryLock(100, TimeUnit.MILLISECONDS)) {
                try {
                    if (goAwaySent) {
                        return;
                    }
                    goAwaySent = true;
                    if (trace) {
                        trace("->", YamuxFrame.TYPE_GO_AWAY, 0, 0, code.code());
                    }
                    YamuxFrame.writeHeader(header, YamuxFrame.TYPE_GO_AWAY, 0, 0, code.code());
                    out.write(header);
                    out.flush();
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the connection is going away anyway
        }
    }

    // ---- the timer ---------------------------------------------------------------------------

    private void timerLoop() {
        long writeTimeout = config.writeTimeout().toNanos();
        long keepAlive = config.keepAliveInterval().toNanos();
        long tick = keepAlive == 0 ? writeTimeout / 2 : Math.min(keepAlive, writeTimeout) / 2;
        long lastPing = 0;
        boolean first = true; // the first ping, sent at once, measures the RTT for window auto-tuning
        try {
            while (!closed) {
                long now = System.nanoTime();
                long started = writeStartedNanos;
                if (started != 0 && now - started > writeTimeout) {
                    terminate(new SocketTimeoutException("yamux: a write was stuck for more than " + config.writeTimeout().toMillis() + " ms"));
                    return;
                }
                if (outstandingPing != -1 && now - pingSentNanos > writeTimeout) {
                    terminate(new SocketTimeoutException("yamux: keep-alive ping unanswered for " + config.writeTimeout().toMillis() + " ms"));
                    return;
                }
                flushLeftBehind();
                if (outstandingPing == -1 && (first || (keepAlive > 0 && now - lastPing >= keepAlive))) {
                    sendPing();
                    lastPing = now;
                    first = false;
                }
                Thread.sleep(Duration.ofNanos(tick));
            }
        } catch (InterruptedException e) {
            // close() interrupts the timer
        } catch (IOException e) {
            // writing the ping failed; the write path has already ended the session
        }
    }

    private void sendPing() throws IOException {
        int id = pingIds.incrementAndGet() & 0x7FFFFFFF;
        pingSentNanos = System.nanoTime();
        outstandingPing = id;
        writeFrame(YamuxFrame.TYPE_PING, Flags.SYN, 0, id);
    }

    // ---- closing -----------------------------------------------------------------------------

    @Override
    public void close() {
        if (!closed) {
            sendGoAwayQuietly(GoAwayCode.NORMAL);
        }
        terminate(null);
    }

    /** Ends the session once: closes the connection, resets every stream, wakes every waiter. */
    private void terminate(IOException cause) {
        List<YamuxStream> open;
        stateLock.lock();
        try {
            if (closed) {
                return;
            }
            closeCause = cause;
            closed = true;
            acceptable.signalAll();
            ackBacklogFreed.signalAll();
            open = new ArrayList<>(streams.values());
        } finally {
            stateLock.unlock();
        }
        try {
            connection.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> name + ": closing the connection failed: " + e);
        }
        for (YamuxStream s : open) {
            s.onSessionClosed(cause);
        }
        streams.clear();
        timer.interrupt();
        if (Thread.currentThread() != reader) {
            reader.interrupt();
        }
    }

    /**
     * Waits for the session's threads to end (for tests and orderly shutdown).
     *
     * @param timeout how long to wait
     * @return true if both ended
     * @throws InterruptedException if interrupted
     */
    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return reader.join(timeout) && timer.join(timeout);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public IOException closeCause() {
        return closeCause;
    }

    @Override
    public int streamCount() {
        return streams.size();
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
