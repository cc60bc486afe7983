package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.StreamResetException;
import org.jlibp2p.core.spi.MuxedStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream's {@code in().transferTo(out)}, which hands each received payload to {@code out} from the
 * buffer it arrived in: the same bytes, order, end and failures as reading it.
 */
@Timeout(60)
class YamuxTransferToTest {
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private SessionPair sessions;

    @BeforeEach
    void start() {
        sessions = SessionPair.start(256 * 1024, YamuxConfig.defaults().withTimers(Duration.ofSeconds(30), Duration.ofSeconds(30)));
    }

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        sessions.closeAndAwait();
    }

    /** 8 MiB in writes of many sizes, the first 1 000 bytes read: the rest is transferred whole. */
    @Test
    void transfersEveryByteAfterThoseReadInOrderUpToTheFin() throws Exception {
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(7).nextBytes(data);
        MuxedStream out = sessions.client().openStream();
        Future<?> writer = executor.submit(() -> {
            Random sizes = new Random(8);
            for (int off = 0; off < data.length; ) {
                int n = Math.min(data.length - off, 1 + sizes.nextInt(300_000));
                out.out().write(data, off, n);
                off += n;
            }
            out.closeWrite();
            return null;
        });
        MuxedStream in = sessions.server().acceptStream(Duration.ofSeconds(5));
        byte[] head = in.in().readNBytes(1000); // leaves the first payload partly read
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        int[] largest = {0};
        long moved = in.in().transferTo(new OutputStream() {
            @Override
            public void write(int b) {
                sink.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                assertThat(len).isPositive();
                largest[0] = Math.max(largest[0], len);
                sink.write(b, off, len);
            }
        });
        writer.get(10, TimeUnit.SECONDS);
        assertThat(moved).isEqualTo(data.length - 1000L);
        assertThat(head).isEqualTo(Arrays.copyOf(data, 1000));
        assertThat(Arrays.equals(sink.toByteArray(), Arrays.copyOfRange(data, 1000, data.length))).isTrue();
        assertThat(in.in().read()).as("at the end of the stream").isEqualTo(-1);
        assertThat(in.in().transferTo(OutputStream.nullOutputStream())).isZero();
        // whole payloads, where InputStream's own transferTo copies through 16 KiB
        assertThat(largest[0]).isEqualTo(sessions.server().config.maxFrameData()).isGreaterThan(16 * 1024);
    }

    @Test
    void aResetByTheRemoteEndsTheTransferWithItsFailure() throws Exception {
        MuxedStream out = sessions.client().openStream();
        out.out().write(new byte[100]);
        MuxedStream in = sessions.server().acceptStream(Duration.ofSeconds(5));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Future<Long> transfer = executor.submit(() -> in.in().transferTo(sink));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sink.size() < 100) {
            assertThat(System.nanoTime() - end).as("the first bytes transferred").isNegative();
            Thread.sleep(5);
        }
        out.reset();
        assertThatThrownBy(() -> transfer.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamResetException.class);
    }

    @Test
    void theReadTimeoutBoundsEachWait() throws Exception {
        MuxedStream out = sessions.client().openStream();
        out.out().write(new byte[10]);
        MuxedStream in = sessions.server().acceptStream(Duration.ofSeconds(5));
        in.setReadTimeout(Duration.ofMillis(300));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        long start = System.nanoTime();
        assertThatThrownBy(() -> in.in().transferTo(sink)).isInstanceOf(SocketTimeoutException.class);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(took).isBetween(250L, 5_000L);
        assertThat(sink.size()).as("what came before the wait").isEqualTo(10);
    }

    /** An {@code out} that fails ends the transfer with its failure; the stream stays readable. */
    @Test
    void aFailingOutputEndsTheTransfer() throws Exception {
        MuxedStream out = sessions.client().openStream();
        out.out().write(new byte[10]);
        MuxedStream in = sessions.server().acceptStream(Duration.ofSeconds(5));
        assertThatThrownBy(() -> in.in().transferTo(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("full");
            }
        })).hasMessage("full");
        out.out().write(new byte[5]);
        out.closeWrite();
        assertThat(in.in().readAllBytes()).hasSize(5);
    }
}
