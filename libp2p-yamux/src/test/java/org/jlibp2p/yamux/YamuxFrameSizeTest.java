package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.memory.Pipes;
import org.jlibp2p.core.spi.MuxedStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link YamuxConfig#maxFrameData()}: what a session sends, and that a session takes larger frames whole. */
@Timeout(60)
class YamuxFrameSizeTest {
    /** Four Noise transport messages of plaintext, less the frame's header. */
    private static final int FOUR_MESSAGES = 4 * 65519 - YamuxFrame.HEADER_LENGTH;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSessionSendsDataFramesUpToItsMaxFrameData() throws Exception {
        assertThat(firstDataFrame(YamuxConfig.defaults())).isEqualTo(YamuxConfig.DEFAULT_MAX_FRAME_DATA);
        assertThat(firstDataFrame(YamuxConfig.defaults().withMaxFrameData(FOUR_MESSAGES))).isEqualTo(FOUR_MESSAGES);
    }

    /** The payload length of the first data frame a session sends for one write larger than any frame. */
    private int firstDataFrame(YamuxConfig config) throws Exception {
        Pipes.Pair pair = Pipes.pair(1024 * 1024);
        YamuxSession session = new YamuxSession(pair.a(), Role.INITIATOR, config);
        session.start();
        try {
            RawPeer remote = new RawPeer(pair.b());
            MuxedStream s = session.openStream();
            // within the spec's initial window of 256 KiB, which the raw peer never raises
            executor.submit(() -> {
                s.out().write(new byte[YamuxConfig.SPEC_INITIAL_WINDOW]);
                return null;
            });
            while (true) {
                RawPeer.Frame f = remote.nextAnsweringPings();
                assertThat(f).as("a data frame before the end").isNotNull();
                if (f.frame() instanceof YamuxFrame.Data && f.payload().length > 0) {
                    return f.payload().length;
                }
            }
        } finally {
            session.close();
            assertThat(session.awaitTermination(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void aSessionTakesFramesLargerThanItsOwnWhole() throws Exception {
        Pipes.Pair pair = Pipes.pair(256 * 1024);
        YamuxSession sender = new YamuxSession(pair.a(), Role.INITIATOR, YamuxConfig.defaults().withMaxFrameData(FOUR_MESSAGES));
        YamuxSession receiver = new YamuxSession(pair.b(), Role.RESPONDER, YamuxConfig.defaults());
        sender.start();
        receiver.start();
        try {
            byte[] data = new byte[4 * 1024 * 1024];
            new Random(4).nextBytes(data);
            MuxedStream out = sender.openStream();
            Future<?> writer = executor.submit(() -> {
                out.out().write(data);
                out.closeWrite();
                return null;
            });
            MuxedStream in = receiver.acceptStream(Duration.ofSeconds(5));
            assertThat(Arrays.equals(in.in().readAllBytes(), data)).isTrue();
            writer.get(10, TimeUnit.SECONDS);
        } finally {
            sender.close();
            receiver.close();
            assertThat(sender.awaitTermination(Duration.ofSeconds(5))).isTrue();
            assertThat(receiver.awaitTermination(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void aFrameMustCarryAtLeastOneByte() {
        assertThatThrownBy(() -> YamuxConfig.defaults().withMaxFrameData(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
