package org.jlibp2p.yamux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.Role;

/**
 * The streams of one session: which exist, which ids are next, and how many there are of each kind
 * (yamux/README.md, "Opening a stream", "StreamID Field", "Implementation considerations: ACK
 * backlog").
 *
 * <p>It holds every count a limit applies to: our streams the remote has not acknowledged yet (the ACK
 * backlog, which {@link #reserveOutbound} waits on), inbound streams waiting for {@code acceptStream} (the
 * accept queue, beyond which {@link #admitInbound} refuses), and open streams in each direction. It
 * also remembers the last streams the remote reset, so that a frame after its own RST is recognised
 * as a violation, and the streams the application closed that wait for the remote's FIN, each until
 * its close timeout ({@link YamuxConfig#streamCloseTimeout()}). Once {@linkplain #close closed} it
 * admits and opens nothing and wakes every waiter.
 */
final class StreamTable {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.yamux");
    /** How many streams reset by the remote are remembered; older ids count as "recently closed". */
    private static final int RESET_MEMORY = 1024;

    private final YamuxSession session;
    private final YamuxConfig config;
    private final Role role;

    private final Map<Integer, YamuxStream> streams = new ConcurrentHashMap<>();
    /**
     * The last streams the remote reset itself: after its RST it may send nothing more on them. Only
     * the reader thread touches it.
     */
    private final LinkedHashSet<Integer> resetByRemote = new LinkedHashSet<>();

    /** Guards the accept queue, the ACK backlog, the counts and the closed/Go Away state. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acceptable = lock.newCondition();
    private final Condition ackBacklogFreed = lock.newCondition();
    private final ArrayDeque<YamuxStream> acceptQueue = new ArrayDeque<>();
    /**
     * Streams the application closed, waiting for the remote's FIN, oldest first: with one timeout
     * for all, that is also the order of their deadlines.
     */
    private final LinkedHashSet<YamuxStream> closing = new LinkedHashSet<>();
    /** Written under the lock; read without it by the reader thread. */
    private volatile long nextStreamId;
    private long highestRemoteId;
    private int inboundCount;
    private int outboundCount;
    private int unackedOutbound;
    private volatile boolean goAwayReceived;
    private volatile boolean closed;
    private volatile IOException closeCause;

    StreamTable(YamuxSession session, Role role, YamuxConfig config) {
        this.session = session;
        this.role = role;
        this.config = config;
        // "The client side should use odd ID's, and the server even."
        this.nextStreamId = role == Role.INITIATOR ? 1 : 2;
    }

    YamuxStream get(int id) {
        return streams.get(id);
    }

    int size() {
        return streams.size();
    }

    // ---- our streams -------------------------------------------------------------------------

    /**
     * Makes room for one more stream of ours: waits, up to the deadline, until the ACK backlog has
     * room, then counts the stream against it and against the outbound limit. The caller does not
     * hold the write lock while it waits: the reader must stay free to take the ACKs that make room,
     * and to answer pings meanwhile. Follow with {@link #openReserved()} or {@link #cancelReservation()}.
     * Before it waits it has the SYNs written so far flushed: the remote can acknowledge only the
     * streams it has heard of ({@link FrameWriter#announce}); those written while it waits leave
     * with their first frames or the flusher's delayed flush.
     *
     * @param deadline {@link System#nanoTime()} by which the backlog must have room
     * @throws IOException if a limit refuses the stream, the wait times out or the session is closed
     */
    void reserveOutbound(long deadline) throws IOException {
        lock.lock();
        try {
            // "SHOULD at most allow an ACK backlog of 256 streams": wait for the remote to catch up.
            while (unackedOutbound >= config.ackBacklog() && !closed && !goAwayReceived) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw refusal(new SocketTimeoutException("yamux: " + unackedOutbound + " streams still unacknowledged after "
                            + config.writeTimeout().toMillis() + " ms (ackBacklog " + config.ackBacklog() + ", writeTimeout)"));
                }
                session.writer.flushBeforeWaiting();
                ackBacklogFreed.awaitNanos(left);
            }
            ensureOpen();
            if (goAwayReceived) {
                throw new IOException("yamux: the remote sent Go Away; no new streams");
            }
            if (outboundCount >= config.maxOutboundStreams()) {
                throw refusal(new IOException("yamux: " + outboundCount + " outbound streams open, the limit is "
                        + config.maxOutboundStreams() + " (maxOutboundStreams)"));
            }
            outboundCount++;
            unackedOutbound++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while opening a stream");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next id for a stream reserved with {@link #reserveOutbound(long)} and registers the
     * stream. The caller holds the write lock and writes the SYN next, so ids reach the wire in order
     * (a receiver may insist on that; go-yamux's does not).
     *
     * @return the new stream
     * @throws IOException if the ids are exhausted (the reservation is then cancelled)
     */
    YamuxStream openReserved() throws IOException {
        int id;
        lock.lock();
        try {
            if (nextStreamId > 0xFFFFFFFFL) {
                cancelReservationLocked();
                throw refusal(new IOException("yamux: stream ids exhausted (2^32)"));
            }
            id = (int) nextStreamId;
            nextStreamId += 2;
        } finally {
            lock.unlock();
        }
        YamuxStream stream = new YamuxStream(session, id, true);
        streams.put(id, stream);
        return stream;
    }

    /** Logs a refused open, one line naming the limit, and returns the exception to throw. */
    private <E extends IOException> E refusal(E e) {
        LOG.log(Level.DEBUG, () -> session + ": not opening a stream: " + e.getMessage());
        return e;
    }

    /** Gives back what {@link #reserveOutbound(long)} counted, for an open that failed before its SYN. */
    void cancelReservation() {
        lock.lock();
        try {
            cancelReservationLocked();
        } finally {
            lock.unlock();
        }
    }

    private void cancelReservationLocked() {
        outboundCount--;
        unackedOutbound--;
        ackBacklogFreed.signal();
    }

    /** The remote acknowledged one of our streams: the ACK backlog has room for one more. */
    void onAcknowledged(YamuxStream stream) {
        if (!stream.outbound) {
            return;
        }
        lock.lock();
        try {
            unackedOutbound--;
            ackBacklogFreed.signal();
        } finally {
            lock.unlock();
        }
    }

    // ---- the remote's streams ----------------------------------------------------------------

    /** {@return whether the remote opens streams with this id's parity} */
    boolean isRemoteId(int id) {
        boolean odd = (id & 1) == 1;
        return role == Role.INITIATOR ? !odd : odd;
    }

    /** {@return whether no stream ever had this id: a frame for it is a violation} */
    boolean neverOpened(int id) {
        if (id == 0) {
            return true;
        }
        return isRemoteId(id) ? Integer.toUnsignedLong(id) > highestRemoteId : Integer.toUnsignedLong(id) >= nextStreamId;
    }

    boolean goAwayReceived() {
        return goAwayReceived;
    }

    /**
     * Registers a stream the remote opened, unless a limit refuses it (the caller then resets it).
     * Called by the reader thread for each SYN, which then queues the stream for {@code acceptStream}
     * with {@link #queueForAccept} once it has taken in the whole frame: the acceptor finds a first
     * payload already buffered, and answers it with the ACK in one flush ({@link FrameWriter#announce}).
     *
     * @param id the remote's stream id
     * @return the stream, or null if refused (logged with the limit)
     */
    YamuxStream admitInbound(int id) {
        String refusal = null;
        YamuxStream stream = null;
        lock.lock();
        try {
            highestRemoteId = Math.max(highestRemoteId, Integer.toUnsignedLong(id));
            if (closed) {
                refusal = "session closing";
            } else if (inboundCount >= config.maxInboundStreams()) {
                refusal = inboundCount + " inbound streams open, the limit is " + config.maxInboundStreams() + " (maxInboundStreams)";
            } else if (acceptQueue.size() >= config.acceptBacklog()) {
                refusal = "accept backlog of " + config.acceptBacklog() + " is full (acceptBacklog)";
            } else {
                inboundCount++;
                stream = new YamuxStream(session, id, false);
                streams.put(id, stream);
            }
        } finally {
            lock.unlock();
        }
        if (refusal != null) {
            String why = refusal;
            LOG.log(Level.DEBUG, () -> session + ": refusing stream " + Integer.toUnsignedString(id) + ": " + why);
        }
        return stream;
    }

    /**
     * Queues a stream that {@link #admitInbound} registered for {@code acceptStream}, unless it ended
     * meanwhile (a SYN with RST) or the session did. Reader thread only, so the accept backlog that
     * admitInbound checked still has room.
     *
     * @param stream the stream
     */
    void queueForAccept(YamuxStream stream) {
        lock.lock();
        try {
            if (!closed && streams.get(stream.id) == stream) {
                acceptQueue.add(stream);
                acceptable.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a stream the remote opened.
     *
     * @param timeout how long to wait; {@link Duration#ZERO} waits until one arrives or the session ends
     * @return the stream, or null if none arrived in time
     * @throws IOException if the session is closed or the wait is interrupted
     */
    YamuxStream accept(Duration timeout) throws IOException {
        lock.lock();
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
            return acceptQueue.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting a stream");
        } finally {
            lock.unlock();
        }
    }

    /** The remote reset a stream: remember it (reader thread only). */
    void rememberRemoteReset(int id) {
        resetByRemote.add(id);
        if (resetByRemote.size() > RESET_MEMORY) {
            resetByRemote.remove(resetByRemote.iterator().next());
        }
    }

    /** {@return whether the remote reset this stream not long ago (reader thread only)} */
    boolean resetByRemote(int id) {
        return resetByRemote.contains(id);
    }

    /** The remote sent Go Away: it opens nothing more, and we open nothing more. */
    void onGoAway() {
        lock.lock();
        try {
            goAwayReceived = true;
            ackBacklogFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- both ----------------------------------------------------------------------------------

    /** Window granted above the initial windows, summed over the streams (the session's memory budget). */
    private final java.util.concurrent.atomic.AtomicLong windowGrowth = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean budgetReached;

    /**
     * Takes window growth from the session's budget ({@link YamuxConfig#sessionWindowBudget()}).
     *
     * @return false, taking nothing, if the budget cannot cover it
     */
    boolean reserveWindow(long bytes) {
        long budget = config.sessionWindowBudget();
        while (true) {
            long used = windowGrowth.get();
            if (used + bytes > budget) {
                if (!budgetReached) {
                    budgetReached = true;
                    LOG.log(System.Logger.Level.DEBUG, () -> "yamux: a stream's window stays as it is: the session window budget of "
                            + budget + " bytes (sessionWindowBudget) is reached");
                }
                return false;
            }
            if (windowGrowth.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    /** {@return the window growth, above the initial windows, all streams hold now} */
    long windowGrowth() {
        return windowGrowth.get();
    }

    /** A stream ended (both sides closed, or reset): it no longer counts against any limit. */
    void forget(YamuxStream stream) {
        if (streams.remove(stream.id, stream)) {
            windowGrowth.addAndGet(-stream.windowGrowth());
            lock.lock();
            try {
                closing.remove(stream);
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
                lock.unlock();
            }
        }
    }

    // ---- the close timeout ---------------------------------------------------------------------

    /**
     * The application closed a stream whose remote has not sent its FIN yet: start its close timeout.
     *
     * @param stream the stream
     */
    void closedLocally(YamuxStream stream) {
        Duration timeout = config.streamCloseTimeout();
        if (timeout.isZero()) {
            return;
        }
        lock.lock();
        try {
            // Checked under the lock, which forget() takes after removing the stream: a FIN that
            // arrives meanwhile leaves nothing behind.
            if (streams.get(stream.id) == stream) {
                stream.closeDeadlineNanos = System.nanoTime() + timeout.toNanos();
                closing.add(stream);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the streams whose close timeout has passed; the caller resets them.
     *
     * @param now {@link System#nanoTime()}
     * @return the streams, oldest first
     */
    List<YamuxStream> expiredCloses(long now) {
        List<YamuxStream> expired = List.of();
        lock.lock();
        try {
            for (var it = closing.iterator(); it.hasNext(); ) {
                YamuxStream s = it.next();
                if (s.closeDeadlineNanos - now > 0) {
                    break;
                }
                if (expired.isEmpty()) {
                    expired = new ArrayList<>();
                }
                expired.add(s);
                it.remove();
            }
        } finally {
            lock.unlock();
        }
        return expired;
    }

    /**
     * Wakes every stream's reader whose read deadline has passed (the session's timer calls it).
     *
     * @param now {@link System#nanoTime()}
     * @return the earliest deadline of a reader still waiting, 0 if none waits with one
     */
    long wakeReadersPastDeadline(long now) {
        long earliest = 0;
        for (YamuxStream s : streams.values()) {
            long deadline = s.wakeReaderPastDeadline(now);
            if (deadline != 0 && (earliest == 0 || deadline - earliest < 0)) {
                earliest = deadline;
            }
        }
        return earliest;
    }

    /**
     * Closes the table once: nothing is opened or admitted any more, and every waiter wakes.
     *
     * @param cause why the session ended, or null for a normal close
     * @return the streams that were open, or null if the table was closed already
     */
    List<YamuxStream> close(IOException cause) {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            closeCause = cause;
            closed = true;
            acceptable.signalAll();
            ackBacklogFreed.signalAll();
        } finally {
            lock.unlock();
        }
        List<YamuxStream> open = new ArrayList<>(streams.values());
        streams.clear();
        return open;
    }

    /** {@return the bytes received and not yet read, over the open streams} */
    long bufferedBytes() {
        long total = 0;
        for (YamuxStream s : streams.values()) {
            total += s.bufferedBytes();
        }
        return total;
    }

    boolean isClosed() {
        return closed;
    }

    IOException closeCause() {
        return closeCause;
    }

    /** Throws if the session has ended, with why it ended. */
    void ensureOpen() throws IOException {
        if (closed) {
            IOException cause = closeCause;
            throw cause != null ? new IOException("yamux session closed: " + cause.getMessage(), cause) : new IOException("yamux session closed");
        }
    }
}
