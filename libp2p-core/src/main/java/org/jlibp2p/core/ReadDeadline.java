package org.jlibp2p.core;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * One deadline for a whole exchange over a {@link Duplex}, however many reads it takes: before each
 * read, the channel's read timeout is set to what is left, so a peer that dribbles one byte at a time
 * cannot stretch the exchange past its deadline. Multistream-select negotiations, the Noise handshake
 * and identify use it.
 *
 * <pre>{@code
 * ReadDeadline deadline = new ReadDeadline(stream, Duration.ofSeconds(10), "identify");
 * try {
 *     byte[] message = LengthPrefixed.read(deadline.guard(stream.in()), 8192);
 * } finally {
 *     deadline.clear();
 * }
 * }</pre>
 */
public final class ReadDeadline {
    private final Duplex channel;
    private final long deadlineNanos;
    private final Duration timeout;
    private final String what;

    /**
     * Starts the clock.
     *
     * @param channel the channel whose reads are bounded
     * @param timeout how long the whole exchange may take; must be positive
     * @param what    names the exchange in the exception, such as {@code "multistream negotiation"}
     */
    public ReadDeadline(Duplex channel, Duration timeout, String what) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(what + " needs a positive timeout");
        }
        this.channel = channel;
        this.timeout = timeout;
        this.what = what;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /**
     * Sets the channel's read timeout to what is left of the deadline; call it before each read.
     *
     * @throws SocketTimeoutException if the deadline has passed
     * @throws IOException            if the channel is closed
     */
    public void arm() throws IOException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw exceeded();
        }
        channel.setReadTimeout(Duration.ofNanos(Math.max(remaining, 1_000_000)));
    }

    /**
     * Wraps an input stream of the channel so that every read, however small, waits at most until
     * the deadline, and a timeout names the exchange and its deadline.
     *
     * @param in the channel's input stream (or one layered on it)
     * @return the guarded stream
     */
    public InputStream guard(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                arm();
                try {
                    return super.read();
                } catch (SocketTimeoutException e) {
                    throw exceeded();
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                arm();
                try {
                    return super.read(b, off, len);
                } catch (SocketTimeoutException e) {
                    throw exceeded();
                }
            }

            @Override
            public void close() {
                // the exchange ends; the channel stays open for its owner
            }
        };
    }

    /** {@return a timeout exception that names the exchange and its deadline} */
    public SocketTimeoutException exceeded() {
        return new SocketTimeoutException(what + " exceeded its deadline of " + timeout.toMillis() + " ms");
    }

    /** Removes the read timeout again, once the exchange is over; quiet if the channel is closed. */
    public void clear() {
        try {
            channel.setReadTimeout(Duration.ZERO);
        } catch (IOException ignored) {
            // the channel is closed; nothing to clear
        }
    }
}
