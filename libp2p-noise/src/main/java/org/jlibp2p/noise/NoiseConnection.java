package org.jlibp2p.noise;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureConnection;

/**
 * The encrypted connection after the handshake (noise/README.md, "Wire Format"): every frame is a
 * 2-byte big-endian length and a Noise transport message of at most 65535 bytes, that is at most
 * 65519 bytes of plaintext and a 16-byte tag.
 *
 * <p>Writing buffers plaintext until a frame is full or {@code flush()} is called, so many small
 * writes become one frame and one system call; a large write becomes full frames, each encrypted
 * straight from the caller's array into the frame buffer. Reading decrypts each frame in place in one
 * reused buffer; {@code available()} counts the next frame too once all of it has arrived, so a muxer
 * can tell whether more is on its way at once. Reads and writes may run on different threads;
 * concurrent writers are serialised.
 */
final class NoiseConnection implements SecureConnection {
    static final int MAX_FRAME = 65535;
    static final int MAX_PLAINTEXT = MAX_FRAME - CipherState.TAG_LENGTH;

    private final RawConnection raw;
    private final CipherState sendCipher;
    private final CipherState receiveCipher;
    private final PeerId localPeer;
    private final PeerId remotePeer;
    private final PublicKey remoteKey;
    private final Optional<String> muxer;
    private final InputStream rawIn;
    private final OutputStream rawOut;

    // reading: a decrypted frame, consumed from readPos to readLimit
    private final ReentrantLock readLock = new ReentrantLock();
    private final byte[] lengthBytes = new byte[2];
    /** How many bytes of the next frame's length {@link #lengthBytes} holds already. */
    private int carried;
    private byte[] readBuf;
    private int readPos;
    private int readLimit;

    // writing: the frame being built, plaintext from offset 2
    private final ReentrantLock writeLock = new ReentrantLock();
    private byte[] writeBuf;
    private int pending;

    private final InputStream in = new Input();
    private final OutputStream out = new Output();

    NoiseConnection(RawConnection raw, NoiseHandshake.Result result, PeerId localPeer) {
        this.raw = raw;
        this.sendCipher = result.send();
        this.receiveCipher = result.receive();
        this.localPeer = localPeer;
        this.remotePeer = result.remotePeer();
        this.remoteKey = result.remoteKey();
        this.muxer = result.muxer();
        this.rawIn = raw.in();
        this.rawOut = raw.out();
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
        raw.setReadTimeout(timeout);
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }

    @Override
    public PeerId localPeer() {
        return localPeer;
    }

    @Override
    public PeerId remotePeer() {
        return remotePeer;
    }

    @Override
    public PublicKey remotePublicKey() {
        return remoteKey;
    }

    @Override
    public String securityProtocol() {
        return NoiseSecureChannel.PROTOCOL_ID;
    }

    @Override
    public Optional<String> earlyMuxer() {
        return muxer;
    }

    @Override
    public Multiaddr localAddress() {
        return raw.localAddress();
    }

    @Override
    public Multiaddr remoteAddress() {
        return raw.remoteAddress();
    }

    @Override
    public String toString() {
        return "noise connection to " + remotePeer + " at " + raw.remoteAddress();
    }

    // ---- reading -----------------------------------------------------------------------------

    private int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        readLock.lock();
        try {
            while (readPos == readLimit) {
                if (!readFrame()) {
                    return -1;
                }
            }
            int n = Math.min(len, readLimit - readPos);
            System.arraycopy(readBuf, readPos, b, off, n);
            readPos += n;
            return n;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * The plaintext readable without waiting: what is left of the decrypted frame, else the whole next
     * frame's when it has arrived already (its length was read with the last frame, and the socket
     * holds all its bytes). A muxer asks this to learn whether more is on its way at once.
     */
    private int available() throws IOException {
        readLock.lock();
        try {
            int left = readLimit - readPos;
            if (left > 0 || carried < 2) {
                return left;
            }
            int length = (lengthBytes[0] & 0xFF) << 8 | (lengthBytes[1] & 0xFF);
            return length > CipherState.TAG_LENGTH && rawIn.available() >= length ? length - CipherState.TAG_LENGTH : 0;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Reads and decrypts one frame into the read buffer; false on a clean end of stream between
     * frames. The frame's body is read together with the next frame's length when that has arrived
     * too, so a busy connection costs one read per frame, not two; the read never waits for more than
     * this frame.
     */
    private boolean readFrame() throws IOException {
        while (carried < 2) {
            int n = rawIn.read(lengthBytes, carried, 2 - carried);
            if (n < 0) {
                if (carried == 0) {
                    return false;
                }
                throw new EOFException("noise: connection ended inside a frame length");
            }
            carried += n;
        }
        carried = 0;
        int length = (lengthBytes[0] & 0xFF) << 8 | (lengthBytes[1] & 0xFF);
        if (length < CipherState.TAG_LENGTH) {
            throw new NoiseException("noise: frame of " + length + " bytes cannot hold its 16-byte tag");
        }
        if (readBuf == null || readBuf.length < length + 2) {
            // Sized by what arrives: a connection that only exchanges pings and window updates keeps a
            // small buffer; one that carries data grows to a full frame once.
            readBuf = new byte[Math.max(length + 2, Math.min(MAX_FRAME + 2, readBuf == null ? 256 : readBuf.length * 2))];
        }
        int got = 0;
        while (got < length) {
            int n = rawIn.read(readBuf, got, length + 2 - got);
            if (n < 0) {
                throw new EOFException("noise: connection ended inside a frame (" + got + " of " + length + " bytes)");
            }
            got += n;
        }
        for (int i = length; i < got; i++) {
            lengthBytes[carried++] = readBuf[i];
        }
        readLimit = receiveCipher.decryptInPlace(null, readBuf, 0, length);
        readPos = 0;
        return true;
    }

    // ---- writing -----------------------------------------------------------------------------

    private void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        writeLock.lock();
        try {
            while (len > 0) {
                if (pending == 0 && len >= MAX_PLAINTEXT) {
                    // A whole frame straight from the caller's array: encrypt into the frame buffer.
                    ensureWriteCapacity(MAX_PLAINTEXT);
                    int ct = sendCipher.encrypt(null, b, off, MAX_PLAINTEXT, writeBuf, 2);
                    sendFrame(ct);
                    off += MAX_PLAINTEXT;
                    len -= MAX_PLAINTEXT;
                    continue;
                }
                int n = Math.min(len, MAX_PLAINTEXT - pending);
                ensureWriteCapacity(pending + n);
                System.arraycopy(b, off, writeBuf, 2 + pending, n);
                pending += n;
                off += n;
                len -= n;
                if (pending == MAX_PLAINTEXT) {
                    sealPending();
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Grows the frame buffer to hold {@code plaintext} bytes and their tag. Like the read buffer it
     * starts small, so an idle connection holds little memory, and reaches a full frame only for data.
     */
    private void ensureWriteCapacity(int plaintext) {
        int needed = 2 + plaintext + CipherState.TAG_LENGTH;
        if (writeBuf == null || writeBuf.length < needed) {
            int size = Math.max(needed, Math.min(2 + MAX_FRAME, writeBuf == null ? 256 : writeBuf.length * 2));
            writeBuf = writeBuf == null ? new byte[size] : java.util.Arrays.copyOf(writeBuf, size);
        }
    }

    private void flush() throws IOException {
        writeLock.lock();
        try {
            if (pending > 0) {
                sealPending();
            }
            rawOut.flush();
        } finally {
            writeLock.unlock();
        }
    }

    private void sealPending() throws IOException {
        int ct = sendCipher.encryptInPlace(null, writeBuf, 2, pending);
        pending = 0;
        sendFrame(ct);
    }

    private void sendFrame(int ciphertextLength) throws IOException {
        writeBuf[0] = (byte) (ciphertextLength >>> 8);
        writeBuf[1] = (byte) ciphertextLength;
        rawOut.write(writeBuf, 0, 2 + ciphertextLength);
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return NoiseConnection.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return NoiseConnection.this.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return NoiseConnection.this.available();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            NoiseConnection.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            NoiseConnection.this.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            NoiseConnection.this.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
            raw.out().close();
        }
    }
}
