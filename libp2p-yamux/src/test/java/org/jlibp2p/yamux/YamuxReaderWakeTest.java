package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.memory.Pipes;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.testing.Await;
import org.jlibp2p.yamux.YamuxFrame.Data;
import org.jlibp2p.yamux.YamuxFrame.Flags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the reader thread hands full data frames to a stream's waiting reader: one wake-up for the
 * frames that arrived together (YamuxSession's readLoop, YamuxStream.onData), never a reader left
 * waiting while its data sits in the buffer.
 */
@Timeout(30)
class YamuxReaderWakeTest {
    /** A window large enough that a few full frames never come near its quarter. */
    private static final YamuxConfig CONFIG = YamuxConfig.defaults().withFixedWindow(4 << 20).withTimers(Duration.ZERO, Duration.ofSeconds(10));
    private static final int FRAME = CONFIG.maxFrameData();

    @Test
    void fullFramesThatArriveTogetherWakeTheReaderOnce() throws Exception {
        againstARawPeer((session, remote, reader, executor) -> {
            ByteArrayOutputStream three = new ByteArrayOutputStream();
            for (int i = 0; i < 3; i++) {
                three.write(frame(1, FRAME, (byte) i));
            }
            Future<Integer> read = executor.submit(() -> reader.in().read(new byte[4 * FRAME]));
            awaitWaiting(reader);
            remote.sendRaw(three.toByteArray()); // one write: each frame finds the next one there already
            assertThat(read.get(5, TimeUnit.SECONDS)).as("bytes the woken reader found").isEqualTo(3 * FRAME);
        });
    }

    @Test
    void aFullFrameAloneWakesTheReaderAtOnce() throws Exception {
        againstARawPeer((session, remote, reader, executor) -> {
            byte[] buf = new byte[4 * FRAME];
            Future<Integer> read = executor.submit(() -> reader.in().read(buf));
            awaitWaiting(reader);
            long start = System.nanoTime();
            remote.sendRaw(frame(1, FRAME, (byte) 7)); // then nothing: the input pauses
            assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(FRAME);
            assertThat(buf[FRAME - 1]).isEqualTo((byte) 7);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("well before any timeout").isLessThan(Duration.ofSeconds(2));
        });
    }

    @Test
    void aReaderIsWokenWithinFourFramesWhenTheInputNeverPauses() throws Exception {
        // The layer below always says more has arrived, as under a flood of frames: only the bound on
        // frames can wake stream 1's reader.
        againstARawPeer(NEVER_PAUSES, (session, remote, reader, executor) -> {
            Future<Integer> read = executor.submit(() -> reader.in().read(new byte[FRAME]));
            awaitWaiting(reader);
            remote.sendRaw(frame(1, FRAME, (byte) 1));
            remote.sendRaw(frame(3, 1, (byte) 3, Flags.of(Flags.SYN)));
            remote.sendRaw(frame(3, 1, (byte) 3));
            YamuxStream other = (YamuxStream) session.acceptStream(Duration.ofSeconds(5));
            Await.until("stream 3's two frames read", Duration.ofSeconds(5), Duration.ofMillis(1), () -> other.bufferedBytes() >= 2);
            assertThat(other.bufferedBytes()).as("stream 3's frames read").isEqualTo(2);
            Thread.sleep(100);
            assertThat(read.isDone()).as("stream 1's reader woken after its frame and two more").isFalse();
            remote.sendRaw(frame(3, 1, (byte) 3)); // the fourth frame since stream 1's
            assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(FRAME);
        });
    }

    @Test
    void theReaderIsWokenBeforeAPayloadThatHasNotAllArrived() throws Exception {
        againstARawPeer((session, remote, reader, executor) -> {
            Future<Integer> read = executor.submit(() -> reader.in().read(new byte[4 * FRAME]));
            awaitWaiting(reader);
            // A full frame, then the next frame's header and half its payload: the rest is still on
            // its way, so the reader thread will wait for the network inside that frame.
            byte[] next = frame(1, FRAME, (byte) 2);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            wire.write(frame(1, FRAME, (byte) 1));
            wire.write(next, 0, YamuxFrame.HEADER_LENGTH + FRAME / 2);
            remote.sendRaw(wire.toByteArray());
            assertThat(read.get(5, TimeUnit.SECONDS)).as("the whole first frame, while the second is incomplete").isEqualTo(FRAME);
            remote.sendRaw(java.util.Arrays.copyOfRange(next, YamuxFrame.HEADER_LENGTH + FRAME / 2, next.length));
            assertThat(reader.in().readNBytes(FRAME)).containsOnly((byte) 2);
        });
    }

    @Test
    void anotherStreamsFullFrameWakesTheReaderLeftWaiting() throws Exception {
        againstARawPeer(NEVER_PAUSES, (session, remote, reader, executor) -> {
            remote.sendData(3, Flags.of(Flags.SYN), new byte[] {43});
            MuxedStream other = session.acceptStream(Duration.ofSeconds(5));
            assertThat(other.in().read()).isEqualTo(43);
            Future<Integer> read = executor.submit(() -> reader.in().read(new byte[FRAME]));
            Future<Integer> otherRead = executor.submit(() -> other.in().read(new byte[FRAME]));
            awaitWaiting(reader);
            awaitWaiting(other);
            remote.sendRaw(frame(1, FRAME, (byte) 1)); // left waiting: the input never pauses
            Thread.sleep(100);
            assertThat(read.isDone()).as("stream 1's reader, its frame alone").isFalse();
            remote.sendRaw(frame(3, FRAME, (byte) 3)); // stream 3's reader is left waiting in its place
            assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(FRAME);
            Thread.sleep(100);
            assertThat(otherRead.isDone()).as("stream 3's reader, its frame the last").isFalse();
            for (int i = 0; i < 4; i++) {
                remote.sendRaw(frame(5 + 2 * i, 1, (byte) 0, Flags.of(Flags.SYN))); // frames that wake it by count
            }
            assertThat(otherRead.get(5, TimeUnit.SECONDS)).isEqualTo(FRAME);
        });
    }

    // ---- helpers -----------------------------------------------------------------------------

    private interface Body {
        void run(YamuxSession session, RawPeer remote, MuxedStream reader, ExecutorService executor) throws Exception;
    }

    /**
     * Runs {@code body} against a session whose remote, played by hand, has opened stream 1 (its
     * first byte already read by the application); then closes the session and checks that its
     * threads ended.
     */
    private static void againstARawPeer(Body body) throws Exception {
        againstARawPeer(UnaryOperator.identity(), body);
    }

    private static void againstARawPeer(UnaryOperator<Duplex> below, Body body) throws Exception {
        Pipes.Pair pair = Pipes.pair(1 << 20);
        YamuxSession session = new YamuxSession(below.apply(pair.a()), Role.RESPONDER, CONFIG);
        session.start();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                RawPeer remote = RawPeer.answeringTheProbe(pair.b());
                remote.sendData(1, Flags.of(Flags.SYN), new byte[] {42});
                MuxedStream stream = session.acceptStream(Duration.ofSeconds(5));
                assertThat(stream.in().read()).isEqualTo(42);
                body.run(session, remote, stream, executor);
            } finally {
                session.close();
            }
        }
        assertThat(session.awaitTermination(Duration.ofSeconds(5))).isTrue();
    }

    /** A connection whose input always has more to read, as far as {@code available()} tells. */
    private static final UnaryOperator<Duplex> NEVER_PAUSES = wire -> new ForwardingDuplex(wire) {
        private final InputStream in = new FilterInputStream(wire.in()) {
            @Override
            public int available() {
                return Integer.MAX_VALUE;
            }
        };

        @Override
        public InputStream in() {
            return in;
        }
    };

    /** Waits until the stream's reader waits for data. */
    private static void awaitWaiting(MuxedStream stream) throws InterruptedException {
        Await.until("the reader waits", Duration.ofSeconds(5), Duration.ofMillis(1), ((YamuxStream) stream)::readerWaits);
    }

    private static byte[] frame(int streamId, int length, byte fill) {
        return frame(streamId, length, fill, Flags.NONE);
    }

    private static byte[] frame(int streamId, int length, byte fill, Flags flags) {
        byte[] header = new Data(streamId, flags, length).encode();
        byte[] bytes = java.util.Arrays.copyOf(header, header.length + length);
        java.util.Arrays.fill(bytes, header.length, bytes.length, fill);
        return bytes;
    }
}
