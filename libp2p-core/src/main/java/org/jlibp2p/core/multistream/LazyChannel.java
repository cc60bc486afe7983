package org.jlibp2p.core.multistream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.ProtocolNotSupportedException;
import org.jlibp2p.core.ReadDeadline;
import org.jlibp2p.core.StreamResetException;

/**
 * A channel whose protocol was proposed lazily, without waiting for the listener's answer
 * ({@link MultistreamSelect#dialerSelectLazy(Duplex, String, Duration)}; rust-libp2p's
 * {@code V1Lazy}, js-libp2p's optimistic select, go-multistream's lazy client):
 *
 * <pre>
 *   dialer                                            listener
 *   /multistream/1.0.0, /ipfs/ping/1.0.0, 32 bytes ──▶     (one write)
 *                   ◀── /multistream/1.0.0, /ipfs/ping/1.0.0, 32 bytes
 * </pre>
 *
 * The header and the proposal wait in this channel until the caller first writes or flushes, and
 * leave in front of those bytes in one write. The first read consumes and checks the listener's
 * answer, and so does {@link #awaitAnswer()}; the answer is read once, and a refusal ({@code na}) or
 * failure is thrown to every read after it (each time as a new exception of its kind, caused by the
 * first). Safe for one reading thread and one writing thread, and one more thread awaiting the
 * answer (a closer): a reader does not wait for a writer that is sending the proposal in front of a
 * large first write.
 */
public final class LazyChannel extends ForwardingDuplex {
    private final Duplex channel;
    private final String protocol;
    private final Duration timeout;
    private final ReentrantLock answerLock = new ReentrantLock();
    private final InputStream in;
    private final OutputStream out;
    /** The header and proposal, until they leave in front of the caller's first bytes; guarded by {@link #proposalLock}. */
    private volatile byte[] proposal;
    private final ReentrantLock proposalLock = new ReentrantLock();
    private volatile boolean answered;
    /** Why the answer was refused or could not be read; thrown again to every later wait. */
    private IOException failure;
    /** The read timeout the caller set, put back once the answer is in. */
    private volatile Duration callerTimeout = Duration.ZERO;

    /**
     * @param timeout  bounds the wait for the answer; null leaves it to the caller's read timeout
     * @param proposal the header and proposal still to write, or null if they were written
     */
    LazyChannel(Duplex channel, String protocol, Duration timeout, byte[] proposal) {
        super(channel);
        this.channel = channel;
        this.protocol = protocol;
        this.timeout = timeout;
        this.proposal = proposal;
        this.in = new InputStream() {
            @Override
            public int read() throws IOException {
                awaitAnswer();
                return channel.in().read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                awaitAnswer();
                return channel.in().read(b, off, len);
            }

            @Override
            public long transferTo(OutputStream out) throws IOException {
                Objects.requireNonNull(out, "out");
                awaitAnswer();
                return channel.in().transferTo(out); // the channel's own, where it has one
            }

            @Override
            public int available() throws IOException {
                return answered ? channel.in().available() : 0;
            }

            @Override
            public void close() throws IOException {
                channel.in().close();
            }
        };
        this.out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (proposal == null || !sendProposal(b, off, len)) {
                    channel.out().write(b, off, len);
                }
            }

            @Override
            public void flush() throws IOException {
                sendProposal(null, 0, 0);
                channel.out().flush();
            }

            @Override
            public void close() throws IOException {
                flush();
                channel.out().close();
            }
        };
    }

    /**
     * Writes the proposal if it has not left yet, with {@code b[off, off+len)} behind it in the same
     * write, and flushes: a reader that found this thread sending the proposal did not flush
     * ({@link #flushProposal}). {@return false if the proposal had left already, and nothing was
     * written}
     */
    private boolean sendProposal(byte[] b, int off, int len) throws IOException {
        if (proposal == null) {
            return false;
        }
        proposalLock.lock();
        try {
            byte[] first = proposal;
            if (first == null) {
                return false;
            }
            // Taken before the write: a write that fails part way may have sent the proposal, and
            // it must never go out twice, in the middle of the stream's data.
            proposal = null;
            byte[] all = Arrays.copyOf(first, first.length + len);
            if (len > 0) {
                System.arraycopy(b, off, all, first.length, len);
            }
            channel.out().write(all);
            channel.out().flush();
            return true;
        } finally {
            proposalLock.unlock();
        }
    }

    /**
     * The failure again, for a later wait: a new exception of the same kind (of the kinds a
     * negotiation throws; another becomes an {@link IOException}) with the first as its cause.
     * Throwing the first again would break try-with-resources, where a stream's close throws after a
     * read in the block failed: the JDK refuses to add an exception to itself as suppressed, and the
     * caller would get an IllegalArgumentException instead of the refusal.
     */
    private static IOException again(IOException first) {
        IOException again = switch (first) {
            case ProtocolNotSupportedException refused -> new ProtocolNotSupportedException(refused.proposed());
            case SocketTimeoutException timeout -> new SocketTimeoutException(timeout.getMessage());
            case InterruptedIOException interrupted -> new InterruptedIOException(interrupted.getMessage());
            case StreamResetException reset -> new StreamResetException(reset.getMessage());
            case MalformedMessageException malformed -> new MalformedMessageException(malformed.getMessage());
            case EOFException eof -> new EOFException(eof.getMessage());
            default -> new IOException(first.getMessage());
        };
        again.initCause(first);
        return again;
    }

    /**
     * Before the answer is read: sends the proposal if no thread has, and flushes. A writing thread
     * that holds the proposal's lock is sending it already, in front of its first bytes, and is not
     * waited for: a first write larger than the stream's window waits for the remote to read, an
     * echo waits for this reader, and waiting here for that write would stop all three.
     */
    private void flushProposal() throws IOException {
        if (proposal != null) {
            if (!proposalLock.tryLock()) {
                return; // the writer is sending it, and flushes after
            }
            try {
                byte[] first = proposal;
                if (first != null) {
                    proposal = null; // never twice, as in sendProposal
                    channel.out().write(first);
                }
            } finally {
                proposalLock.unlock();
            }
        }
        channel.out().flush();
    }

    /** {@return the protocol proposed} */
    public String protocol() {
        return protocol;
    }

    /** {@return true once the listener has agreed} */
    public boolean answered() {
        return answered;
    }

    /**
     * Flushes the proposal if it still waits, then reads the listener's answer unless it has been
     * read already; returns when the listener has agreed.
     *
     * @throws ProtocolNotSupportedException if the listener answered {@code na}
     * @throws SocketTimeoutException        if the answer did not come within the deadline
     * @throws IOException                   if the channel failed or the answer is malformed
     */
    public void awaitAnswer() throws IOException {
        if (answered) {
            return;
        }
        answerLock.lock();
        try {
            if (answered) {
                return;
            }
            if (failure != null) {
                throw again(failure);
            }
            try {
                readAnswer();
                answered = true;
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        } finally {
            answerLock.unlock();
        }
    }

    private void readAnswer() throws IOException {
        if (timeout == null) {
            MultistreamSelect.expectHeader(MultistreamSelect.readMessage(channel.in()));
            check(MultistreamSelect.readMessage(channel.in()));
            return;
        }
        flushProposal();
        ReadDeadline deadline = new ReadDeadline(channel, timeout, "multistream negotiation");
        try {
            MultistreamSelect.expectHeader(MultistreamSelect.readMessage(channel.in(), deadline));
            check(MultistreamSelect.readMessage(channel.in(), deadline));
        } finally {
            restoreCallerTimeout();
        }
    }

    /** Puts back the caller's read timeout; quiet when the channel has closed, so that a failure already thrown is the one reported. */
    private void restoreCallerTimeout() {
        try {
            channel.setReadTimeout(callerTimeout);
        } catch (IOException closed) {
            // nothing to restore on a closed channel
        }
    }

    private void check(String answer) throws IOException {
        if (answer.equals(MultistreamSelect.NA)) {
            throw new ProtocolNotSupportedException(List.of(protocol));
        }
        if (!answer.equals(protocol)) {
            throw new MalformedMessageException("multistream: proposed '" + protocol + "', listener answered '" + answer + "'");
        }
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
    public void setReadTimeout(Duration timeout) throws IOException {
        callerTimeout = timeout;
        channel.setReadTimeout(timeout);
    }
}
