package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.memory.Pipes;
import org.jlibp2p.core.spi.MuxedStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The frames of one stream reach the wire in the order their calls decided them: nothing after its
 * FIN ("the sender will send no further data", yamux/README.md, "Closing a stream"), which a
 * receiver such as ours treats as a protocol error that ends the whole session.
 */
@Timeout(60)
class YamuxStreamOrderTest {
    private final ExecutorService acceptor = Executors.newVirtualThreadPerTaskExecutor();
    private YamuxSession client;
    private YamuxSession server;

    @BeforeEach
    void start() {
        Pipes.Pair pair = Pipes.pair(1 << 20);
        YamuxConfig config = YamuxConfig.defaults().withTimers(Duration.ofSeconds(30), Duration.ofSeconds(10));
        client = new YamuxSession(pair.a(), Role.INITIATOR, config);
        server = new YamuxSession(pair.b(), Role.RESPONDER, config);
        client.start();
        server.start();
        acceptor.submit(() -> {
            while (true) {
                MuxedStream s = server.acceptStream(Duration.ZERO);
                acceptor.submit(() -> {
                    s.in().transferTo(OutputStream.nullOutputStream());
                    s.close();
                    return null;
                });
            }
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        client.close();
        server.close();
        acceptor.shutdownNow();
        assertThat(client.awaitTermination(Duration.ofSeconds(5))).isTrue();
        assertThat(server.awaitTermination(Duration.ofSeconds(5))).isTrue();
    }

    /** Nothing follows the FIN. */
    @Test
    void noDataFollowsTheFinWhenWriteAndCloseWriteRace() throws Exception {
        race(MuxedStream::closeWrite);
        assertThat(server.closeCause()).as("the receiver saw no frame after a FIN").isNull();
        assertThat(server.isClosed()).isFalse();
    }

    /** The same with {@code reset()}: nothing follows the RST either. */
    @Test
    void noDataFollowsTheRstWhenWriteAndResetRace() throws Exception {
        race(MuxedStream::reset);
        assertThat(server.closeCause()).as("the receiver saw no frame after a RST").isNull();
        assertThat(server.isClosed()).isFalse();
    }

    /** What the other thread does to the stream while one writes. */
    private interface Ending {
        void end(MuxedStream s) throws IOException;
    }

    /**
     * On each of 400 streams one thread writes single bytes while another ends the stream at a random
     * moment; the streams are opened while the earlier ones are busy. Platform threads, twice as many
     * as streams: the system preempts them anywhere, also between a write's check that the stream is
     * open and its frame reaching the wire.
     */
    private void race(Ending ending) throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 400 && !client.isClosed(); i++) {
            MuxedStream s;
            try {
                s = client.openStream();
            } catch (IOException e) {
                break; // the session ended: the assertion below says why
            }
            threads.add(Thread.ofPlatform().name("writer-" + i).start(() -> {
                try {
                    while (true) {
                        s.out().write(7);
                    }
                } catch (IOException e) {
                    // closed for writing, or reset: the other thread won
                }
            }));
            threads.add(Thread.ofPlatform().name("closer-" + i).start(() -> {
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(1, 20));
                    ending.end(s);
                } catch (IOException | InterruptedException e) {
                    // the session ended: the assertion below says why
                }
            }));
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(30));
        }
    }
}
