package org.jlibp2p.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A two-way byte stream, shaped like {@link java.net.Socket}: what every layer of the stack reads
 * from and writes to, whether it is a TCP connection, an encrypted connection, a multiplexed stream
 * or an in-memory pipe.
 *
 * <ul>
 *   <li>{@link #in()} returns -1 once the remote has finished writing.</li>
 *   <li>{@code out().close()} finishes our direction only (a half-close, like
 *       {@link java.net.Socket#shutdownOutput()}); the remote can still write to us.</li>
 *   <li>{@link #close()} ends both directions and releases the resources; it is idempotent.</li>
 *   <li>{@link #setReadTimeout(Duration)} bounds every later blocking read: a read that waits
 *       longer throws {@link java.net.SocketTimeoutException}, and the stream stays usable.</li>
 * </ul>
 */
public interface Duplex extends Closeable {
    /** {@return the stream of bytes from the remote} */
    InputStream in();

    /** {@return the stream of bytes to the remote} */
    OutputStream out();

    /**
     * Bounds each later blocking read.
     *
     * @param timeout the longest a read may wait; {@link Duration#ZERO} waits forever
     * @throws IOException if the stream is closed
     */
    void setReadTimeout(Duration timeout) throws IOException;

    /**
     * Closes both directions. Blocked readers and writers wake with an exception.
     *
     * @throws IOException if closing the underlying resource fails
     */
    @Override
    void close() throws IOException;
}
