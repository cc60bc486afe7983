package org.jlibp2p.yamux;

import java.io.IOException;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.yamux.YamuxFrame.Data;
import org.jlibp2p.yamux.YamuxFrame.Flags;
import org.jlibp2p.yamux.YamuxFrame.Ping;

/**
 * The remote side of a session, played by hand: writes raw frames, reads and decodes what comes back,
 * in the same {@link YamuxFrame} records the session uses ({@code YamuxWireTest.framesHaveTheSpecLayout}
 * pins their bytes).
 */
final class RawPeer {
    /**
     * A frame as it arrived.
     *
     * @param frame   the header
     * @param payload a Data frame's payload, else empty
     */
    record Frame(YamuxFrame frame, byte[] payload) {
        boolean isPing() {
            return frame instanceof Ping;
        }

        boolean isPingRequest() {
            return frame instanceof Ping p && !p.ack();
        }

        /** {@return the stream id of a Data or Window Update frame} */
        int streamId() {
            return switch (frame) {
                case Data d -> d.streamId();
                case YamuxFrame.WindowUpdate w -> w.streamId();
                default -> throw new AssertionError("no stream id on " + frame);
            };
        }

        /** {@return the flags of a Data or Window Update frame} */
        Flags flags() {
            return switch (frame) {
                case Data d -> d.flags();
                case YamuxFrame.WindowUpdate w -> w.flags();
                default -> throw new AssertionError("no stream flags on " + frame);
            };
        }
    }

    private final Duplex wire;

    RawPeer(Duplex wire) {
        this.wire = wire;
    }

    /** Plays the remote of a session that was just started: answers its first ping, the RTT probe. */
    static RawPeer answeringTheProbe(Duplex wire) throws IOException {
        RawPeer remote = new RawPeer(wire);
        Frame probe = remote.next();
        remote.send(new Ping(true, ((Ping) probe.frame()).opaque()));
        return remote;
    }

    /** {@return the connection it plays on} */
    Duplex wire() {
        return wire;
    }

    void send(YamuxFrame frame) throws IOException {
        sendRaw(frame.encode());
    }

    /** Sends a Data frame carrying {@code payload}. */
    void sendData(int streamId, Flags flags, byte[] payload) throws IOException {
        wire.out().write(new Data(streamId, flags, payload.length).encode());
        sendRaw(payload);
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
        YamuxFrame frame = YamuxFrame.read(wire.in());
        if (frame == null) {
            return null;
        }
        byte[] payload = frame instanceof Data d ? wire.in().readNBytes((int) d.length()) : new byte[0];
        return new Frame(frame, payload);
    }

    /** The next frame that is not a ping request (which is answered). */
    Frame nextAnsweringPings() throws IOException {
        while (true) {
            Frame f = next();
            if (f == null || !f.isPingRequest()) {
                return f;
            }
            try {
                send(new Ping(true, ((Ping) f.frame()).opaque()));
            } catch (IOException e) {
                // the session may already have closed its end; the frames it sent are still readable
            }
        }
    }
}
