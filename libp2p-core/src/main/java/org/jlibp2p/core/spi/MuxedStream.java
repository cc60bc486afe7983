package org.jlibp2p.core.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.jlibp2p.core.Duplex;

/**
 * One logical stream of a multiplexed connection, shaped like a {@link java.net.Socket}.
 *
 * <p>What each way of ending a stream promises:
 * <ul>
 *   <li>{@link #closeWrite()} (also {@code out().close()}): we will write nothing more. The remote
 *       reads what we wrote and then end-of-stream (-1). We can still read what the remote writes.
 *       A half-close, like {@link java.net.Socket#shutdownOutput()}. Idempotent.</li>
 *   <li>{@link #close()}: {@code closeWrite()}, and we will read nothing more: data not yet read is
 *       dropped and whatever the remote still sends is discarded (its flow-control credit is
 *       returned, so the remote is not left blocked). The remote's reads are not affected. Use it
 *       when a protocol exchange is complete. Idempotent.</li>
 *   <li>{@link #reset()}: abortive. Both directions end at once on both sides: blocked and later
 *       reads and writes, ours and the remote's, fail with
 *       {@link org.jlibp2p.core.StreamResetException}; data in flight is lost. Use it on errors.
 *       Never blocks; idempotent.</li>
 * </ul>
 * A stream is forgotten by its session once both sides have closed their write direction, or once
 * it is reset.
 *
 * <p>Reads honour {@link #setReadTimeout(Duration)} ({@link java.net.SocketTimeoutException}).
 * Writes block while the remote's flow-control window is exhausted, up to the session's write
 * timeout; that blocking is the backpressure.
 */
public interface MuxedStream extends Duplex {
    /** {@return the data the remote writes; -1 after its closeWrite} */
    @Override
    InputStream in();

    /** {@return where to write; closing it is {@link #closeWrite()}} */
    @Override
    OutputStream out();

    /**
     * Half-closes: no more writes from us.
     *
     * @throws IOException if the stream was reset or the session is gone
     */
    void closeWrite() throws IOException;

    /** Aborts the stream in both directions on both sides. Never blocks. */
    void reset();

    /**
     * Closes our writing and our reading (see the class comment).
     *
     * @throws IOException if telling the remote fails
     */
    @Override
    void close() throws IOException;

    /** {@return the stream's id within its session} */
    long id();
}
