package org.jlibp2p.core.spi;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * One multiplexed connection: a source of outbound streams and of inbound ones.
 *
 * <p>{@link #close()} is a graceful end: the remote is told (Yamux: GoAway), the connection is
 * closed, and every stream still open is reset. It is idempotent and wakes every blocked caller.
 */
public interface MuxedSession extends Closeable {
    /**
     * Opens a stream to the remote. It can be written to at once. The remote may hear of the stream
     * only with its first frame: a muxer may send the open along with the first data, as Yamux does
     * (it also sends it before a read of the stream waits, and within 10 ms otherwise; the same goes
     * for its acknowledgement of a stream the application accepts).
     *
     * @return the stream
     * @throws IOException if the session is closed, the remote has said it accepts no more streams,
     *                     or a stream limit is reached
     */
    MuxedStream openStream() throws IOException;

    /**
     * Waits for the remote to open a stream.
     *
     * @param timeout how long to wait; {@link Duration#ZERO} waits until the session closes
     * @return the stream, or null if the timeout passed first
     * @throws IOException if the session is closed
     */
    MuxedStream acceptStream(Duration timeout) throws IOException;

    /** {@return true once the session has ended, by either side or by a failure} */
    boolean isClosed();

    /**
     * Why the session ended.
     *
     * @return the failure, or null if it is open or was closed cleanly
     */
    IOException closeCause();

    /** {@return the streams currently open on this session} */
    int streamCount();

    /**
     * {@return the bytes received and not yet read by the application, over all streams} For an
     * operator's view of where memory goes; a muxer that does not count them returns 0.
     */
    default long bufferedBytes() {
        return 0;
    }

    /** {@return the stream muxer protocol id} */
    String protocolId();

    /**
     * Waits until the threads the session runs have ended, after {@link #close()}.
     *
     * @param timeout how long to wait
     * @return true if they ended in time
     * @throws InterruptedException if interrupted
     */
    default boolean awaitTermination(Duration timeout) throws InterruptedException {
        return true;
    }

    /**
     * Ends the session (see the class comment).
     */
    @Override
    void close();
}
