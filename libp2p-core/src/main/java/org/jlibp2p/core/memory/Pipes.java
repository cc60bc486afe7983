package org.jlibp2p.core.memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.Duplex;

/**
 * In-memory duplex connections with bounded buffers, so that every layer can be tested, and taught,
 * without sockets.
 *
 * <pre>{@code
 * Pipes.Pair pair = Pipes.pair();
 * pair.a().out().write(bytes);       // appears on pair.b().in()
 * }</pre>
 *
 * Each direction is a ring buffer of fixed capacity: a writer blocks while it is full, which gives the
 * same backpressure a TCP socket gives. A pipe behaves like a socket in the ways the stack relies on:
 * half-close by closing {@code out()}, EOF (-1) for the reader after that, an {@link IOException} for
 * a writer whose reader has closed, read timeouts via {@link Duplex#setReadTimeout(Duration)}, and
 * every blocked thread woken when either side closes. A pair that {@link MemoryTransport#unplug()}
 * silenced behaves instead as a connection whose peer vanished: what is written is dropped, and
 * neither side's later close reaches the other (see {@code silence}).
 */
public final class Pipes {
    /** The default capacity of each direction, the size of a typical socket buffer. */
    public static final int DEFAULT_CAPACITY = 64 * 1024;

    private Pipes() {}

    /**
     * The two ends of an in-memory connection: what one writes, the other reads.
     *
     * @param a one end (by convention the dialer)
     * @param b the other end
     */
    public record Pair(Duplex a, Duplex b) {}

    /** {@return a connected pair with {@link #DEFAULT_CAPACITY} bytes of buffer per direction} */
    public static Pair pair() {
        return pair(DEFAULT_CAPACITY);
    }

    /**
     * A connected pair.
     *
     * @param capacity the bytes each direction buffers before its writer blocks
     * @return the pair
     */
    public static Pair pair(int capacity) {
        Pipe aToB = new Pipe(capacity);
        Pipe bToA = new Pipe(capacity);
        return new Pair(new End("a", bToA, aToB), new End("b", aToB, bToA));
    }

    /**
     * Cuts a pair off without telling either end, as a pulled network cable does: from now on what
     * either end writes is dropped (writes still succeed), nothing more arrives at either end (a read
     * takes what was already buffered, then waits for its timeout, or for ever without one), and
     * neither end sees a later close of the other. Each end still sees its own close. For
     * {@link MemoryTransport#unplug()}.
     *
     * @param pair a pair made by {@link #pair(int)}
     */
    static void silence(Pair pair) {
        ((End) pair.a()).outgoing.silence();
        ((End) pair.b()).outgoing.silence();
    }

    /** One direction: a bounded ring buffer between one writer side and one reader side. */
    private static final class Pipe {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition readable = lock.newCondition();
        private final Condition writable = lock.newCondition();
        private final byte[] ring;
        private int head;
        private int count;
        private boolean writerClosed;
        /** The reader will see end-of-stream once the buffer is empty: the writer closed while the pipe carried. */
        private boolean eof;
        private boolean readerClosed;
        /** The writer will be told the reader is gone: the reader closed while the pipe carried. */
        private boolean readerGone;
        /** Cut off: what is written from now on is dropped, and neither side learns of the other's close. */
        private boolean silent;

        Pipe(int capacity) {
            if (capacity <= 0) {
                throw new IllegalArgumentException("capacity must be positive");
            }
            ring = new byte[capacity];
        }

        int read(byte[] b, int off, int len, long timeoutNanos) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            lock.lock();
            try {
                long remaining = timeoutNanos;
                while (count == 0) {
                    if (readerClosed) {
                        throw new IOException("pipe closed");
                    }
                    if (eof) {
                        return -1;
                    }
                    if (timeoutNanos <= 0) {
                        readable.await();
                    } else {
                        if (remaining <= 0) {
                            throw new SocketTimeoutException("read timed out after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                        }
                        remaining = readable.awaitNanos(remaining);
                    }
                }
                if (readerClosed) {
                    throw new IOException("pipe closed");
                }
                int n = Math.min(len, count);
                int first = Math.min(n, ring.length - head);
                System.arraycopy(ring, head, b, off, first);
                System.arraycopy(ring, 0, b, off + first, n - first);
                head = (head + n) % ring.length;
                count -= n;
                writable.signalAll();
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading from pipe");
            } finally {
                lock.unlock();
            }
        }

        int available() {
            lock.lock();
            try {
                return count;
            } finally {
                lock.unlock();
            }
        }

        void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            lock.lock();
            try {
                while (len > 0) {
                    if (writerClosed) {
                        throw new IOException("pipe output closed");
                    }
                    if (readerGone) {
                        throw new IOException("pipe closed by the reader");
                    }
                    if (silent) {
                        return; // into the void, as a socket whose peer is gone writes until its buffer fills
                    }
                    if (count == ring.length) {
                        writable.await();
                        continue;
                    }
                    int tail = (head + count) % ring.length;
                    int n = Math.min(len, Math.min(ring.length - count, ring.length - tail));
                    System.arraycopy(b, off, ring, tail, n);
                    count += n;
                    off += n;
                    len -= n;
                    readable.signalAll();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing to pipe");
            } finally {
                lock.unlock();
            }
        }

        void closeWriter() {
            lock.lock();
            try {
                writerClosed = true;
                if (!silent) {
                    eof = true;
                }
                readable.signalAll();
                writable.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void silence() {
            lock.lock();
            try {
                silent = true; // what is buffered already arrived: the reader may still take it
                readable.signalAll();
                writable.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void closeReader() {
            lock.lock();
            try {
                readerClosed = true;
                if (!silent) {
                    readerGone = true;
                }
                count = 0;
                readable.signalAll();
                writable.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** One end of a pair: reads from one pipe, writes to the other. */
    private static final class End implements Duplex {
        private final String name;
        private final Pipe incoming;
        private final Pipe outgoing;
        private volatile long readTimeoutNanos;
        private final InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return incoming.read(b, off, len, readTimeoutNanos);
            }

            @Override
            public int available() {
                return incoming.available();
            }

            @Override
            public void close() {
                incoming.closeReader();
            }
        };
        private final OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                outgoing.write(b, off, len);
            }

            @Override
            public void close() {
                outgoing.closeWriter();
            }
        };

        End(String name, Pipe incoming, Pipe outgoing) {
            this.name = name;
            this.incoming = incoming;
            this.outgoing = outgoing;
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

        @Override
        public void close() {
            outgoing.closeWriter();
            incoming.closeReader();
        }

        @Override
        public String toString() {
            return "pipe-" + name;
        }
    }
}
