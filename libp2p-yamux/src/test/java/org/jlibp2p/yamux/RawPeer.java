package org.jlibp2p.yamux;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.codec.Multibase;

/** The remote side of a session, played by hand: writes raw frames, reads and decodes what comes back. */
final class RawPeer {
    /** A frame as it arrived. */
    record Frame(int version, int type, int flags, int streamId, long length, byte[] payload) {
        boolean isPing() {
            return type == YamuxFrame.TYPE_PING;
        }
    }

    private final Duplex wire;

    RawPeer(Duplex wire) {
        this.wire = wire;
    }

    void send(YamuxFrame frame) throws IOException {
        sendRaw(frame.encode());
    }

    void sendRaw(byte[] bytes) throws IOException {
        wire.out().write(bytes);
        wire.out().flush();
    }

    void sendHex(String hex) throws IOException {
        sendRaw(Multibase.fromHex(hex.replace(" ", "")));
    }

    /** The next frame, or null at end of stream. */
    Frame next() throws IOException {
        byte[] h = wire.in().readNBytes(12);
        if (h.length == 0) {
            return null;
        }
        if (h.length < 12) {
            throw new EOFException("partial header");
        }
        ByteBuffer b = ByteBuffer.wrap(h);
        int version = b.get() & 0xFF;
        int type = b.get() & 0xFF;
        int flags = b.getShort() & 0xFFFF;
        int id = b.getInt();
        long length = b.getInt() & 0xFFFFFFFFL;
        byte[] payload = type == YamuxFrame.TYPE_DATA ? wire.in().readNBytes((int) length) : new byte[0];
        return new Frame(version, type, flags, id, length, payload);
    }

    /** The next frame that is not a ping request (which is answered). */
    Frame nextAnsweringPings() throws IOException {
        while (true) {
            Frame f = next();
            if (f == null || !(f.isPing() && (f.flags() & YamuxFrame.Flags.SYN) != 0)) {
                return f;
            }
            try {
                send(new YamuxFrame.Ping(true, (int) f.length()));
            } catch (IOException e) {
                // the session may already have closed its end; the frames it sent are still readable
            }
        }
    }
}
