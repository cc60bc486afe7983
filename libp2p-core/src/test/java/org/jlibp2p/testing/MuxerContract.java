package org.jlibp2p.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.StreamResetException;
import org.jlibp2p.core.memory.Pipes;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.core.spi.StreamMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link StreamMuxer} keeps, as tests over in-memory pipes (the idea of go-libp2p's
 * p2p/muxer/testsuite and rust-libp2p's muxers/test-harness). A muxer module extends this class and
 * supplies its muxer; every promise of {@link MuxedStream}'s javadoc is checked here.
 */
@Timeout(60)
public abstract class MuxerContract {
    protected static final Duration WAIT = Duration.ofSeconds(10);
    protected final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    protected MuxedSession client;
    protected MuxedSession server;

    /** {@return the muxer under test} */
    protected abstract StreamMuxer muxer();

    @BeforeEach
    void startSessions() throws IOException {
        Pipes.Pair pair = Pipes.pair(256 * 1024);
        client = muxer().newSession(pair.a(), Role.INITIATOR);
        server = muxer().newSession(pair.b(), Role.RESPONDER);
    }

    @AfterEach
    void closeSessions() throws InterruptedException {
        client.close();
        server.close();
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("test tasks ended").isTrue();
    }

    @Test
    void streamsOpenAndCarryDataBothWays() throws Exception {
        MuxedStream a = client.openStream();
        a.out().write("from client".getBytes());
        MuxedStream b = server.acceptStream(WAIT);
        assertThat(b).isNotNull();
        assertThat(b.in().readNBytes(11)).isEqualTo("from client".getBytes());
        b.out().write("from server".getBytes());
        assertThat(a.in().readNBytes(11)).isEqualTo("from server".getBytes());

        MuxedStream c = server.openStream();   // the other direction
        c.out().write(1);
        MuxedStream d = client.acceptStream(WAIT);
        assertThat(d.in().read()).isEqualTo(1);
        assertThat(d.id()).isNotEqualTo(a.id());
    }

    @Test
    void closeWriteIsAHalfClose() throws Exception {
        MuxedStream a = client.openStream();
        a.out().write("request".getBytes());
        a.closeWrite();
        MuxedStream b = server.acceptStream(WAIT);
        assertThat(b.in().readAllBytes()).isEqualTo("request".getBytes()); // then -1
        b.out().write("response".getBytes());                             // b can still write
        b.closeWrite();
        assertThat(a.in().readAllBytes()).isEqualTo("response".getBytes());
        assertThatThrownBy(() -> a.out().write(1)).isInstanceOf(IOException.class);
        a.closeWrite(); // idempotent
    }

    @Test
    void resetEndsBothDirectionsOnBothSides() throws Exception {
        MuxedStream a = client.openStream();
        a.out().write(1);
        MuxedStream b = server.acceptStream(WAIT);
        assertThat(b.in().read()).isEqualTo(1);
        Future<?> blockedRead = executor.submit(() -> b.in().read());
        a.reset();
        assertThatThrownBy(() -> blockedRead.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StreamResetException.class);
        assertThatThrownBy(() -> a.in().read()).isInstanceOf(StreamResetException.class);
        assertThatThrownBy(() -> a.out().write(1)).isInstanceOf(StreamResetException.class);
        a.reset(); // idempotent
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) { // the remote learns of the reset asynchronously
            try {
                b.out().write(new byte[1024]);
            } catch (StreamResetException expected) {
                break;
            }
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void closeDropsUnreadDataButLetsTheRemoteFinish() throws Exception {
        MuxedStream a = client.openStream();
        MuxedStream b = server.acceptStream(Duration.ZERO.plus(WAIT));
        // b closes without reading; a can still write a lot (credit comes back), then reads b's FIN.
        b.close();
        byte[] big = new byte[2 * 1024 * 1024];
        a.out().write(big);
        assertThat(a.in().read()).isEqualTo(-1);
        a.closeWrite();
    }

    @Test
    void readTimeoutExpiresAndTheStreamStaysUsable() throws Exception {
        MuxedStream a = client.openStream();
        a.setReadTimeout(Duration.ofMillis(50));
        assertThatThrownBy(() -> a.in().read()).isInstanceOf(SocketTimeoutException.class);
        MuxedStream b = server.acceptStream(WAIT);
        b.out().write(9);
        assertThat(a.in().read()).isEqualTo(9);
    }

    @Test
    void manyConcurrentStreamsEchoTheirOwnData() throws Exception {
        executor.submit(() -> {
            while (true) {
                MuxedStream s = server.acceptStream(Duration.ZERO);
                executor.submit(() -> {
                    s.in().transferTo(s.out());
                    s.closeWrite();
                    return null;
                });
            }
        });
        List<Future<byte[][]>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int seed = i;
            results.add(executor.submit(() -> {
                byte[] data = new byte[10_000 + seed * 100];
                new Random(seed).nextBytes(data);
                MuxedStream s = client.openStream();
                Future<byte[]> back = executor.submit(() -> s.in().readAllBytes());
                s.out().write(data);
                s.closeWrite();
                return new byte[][] {data, back.get(30, TimeUnit.SECONDS)};
            }));
        }
        for (Future<byte[][]> r : results) {
            byte[][] pair = r.get(60, TimeUnit.SECONDS);
            assertThat(Arrays.equals(pair[0], pair[1])).isTrue();
        }
    }

    @Test
    void closingTheSessionWakesEveryone() throws Exception {
        MuxedStream a = client.openStream();
        Future<?> accept = executor.submit(() -> client.acceptStream(Duration.ZERO));
        Future<?> read = executor.submit(() -> a.in().read());
        Thread.sleep(50);
        client.close();
        assertThatThrownBy(() -> accept.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertThat(client.isClosed()).isTrue();
        assertThatThrownBy(() -> client.openStream()).isInstanceOf(IOException.class);
        // the remote notices too
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!server.isClosed()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void acceptTimesOutWithNull() throws Exception {
        assertThat(server.acceptStream(Duration.ofMillis(30))).isNull();
    }
}
