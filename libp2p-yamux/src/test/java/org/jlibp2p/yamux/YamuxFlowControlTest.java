package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.testing.EchoStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two real sessions over pipes: backpressure, and many streams at once. */
@Timeout(120)
class YamuxFlowControlTest {
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private SessionPair sessions;
    private YamuxSession client;
    private YamuxSession server;

    @BeforeEach
    void start() {
        sessions = SessionPair.start(256 * 1024, YamuxConfig.defaults().withTimers(Duration.ofSeconds(30), Duration.ofSeconds(30)));
        client = sessions.client();
        server = sessions.server();
    }

    @AfterEach
    void stop() throws InterruptedException {
        client.close();
        server.close();
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        sessions.closeAndAwait();
    }

    @Test
    void aSlowReaderBlocksTheWriterAndHoldsNoMoreThanTheWindow() throws Exception {
        MuxedStream out = client.openStream();
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(1).nextBytes(data);
        Future<?> writer = executor.submit(() -> {
            out.out().write(data);
            out.closeWrite();
            return null;
        });
        MuxedStream in = server.acceptStream(Duration.ofSeconds(5));
        Thread.sleep(300);
        assertThat(writer).as("the writer waits for window").isNotDone();
        assertThat(in.in().available()).as("buffered by the receiver").isLessThanOrEqualTo(YamuxConfig.SPEC_INITIAL_WINDOW);
        // now read slowly, in small pieces, and check the buffer never exceeds the current window
        byte[] got = new byte[data.length];
        int n = 0;
        while (n < got.length) {
            assertThat(in.in().available()).isLessThanOrEqualTo(client.config.maxWindow());
            int r = in.in().read(got, n, Math.min(32 * 1024, got.length - n));
            assertThat(r).isPositive();
            n += r;
        }
        assertThat(in.in().read()).isEqualTo(-1);
        writer.get(10, TimeUnit.SECONDS);
        assertThat(Arrays.equals(got, data)).isTrue();
    }

    @Test
    void thousandConcurrentStreamsEchoOnOneSession() throws Exception {
        EchoStreams.serve(server, executor);
        List<Future<Long>> results = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int seed = i;
            results.add(executor.submit(() -> {
                byte[] data = new byte[1000 + seed];
                new Random(seed).nextBytes(data);
                MuxedStream s = client.openStream();
                s.out().write(data);
                s.closeWrite();
                byte[] back = s.in().readAllBytes();
                s.close();
                assertThat(back).isEqualTo(data);
                return s.id();
            }));
        }
        Set<Long> ids = new HashSet<>();
        for (Future<Long> r : results) {
            ids.add(r.get(60, TimeUnit.SECONDS));
        }
        assertThat(ids).hasSize(1000).allMatch(id -> id % 2 == 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.streamCount() + server.streamCount() > 0) {
            assertThat(System.nanoTime()).as("every stream forgotten").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
