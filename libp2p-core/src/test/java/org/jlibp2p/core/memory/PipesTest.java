package org.jlibp2p.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PipesTest {

    @Test
    void bytesCrossInBothDirections() throws Exception {
        Pipes.Pair p = Pipes.pair();
        p.a().out().write("ping".getBytes());
        p.b().out().write("pong".getBytes());
        assertThat(p.b().in().readNBytes(4)).isEqualTo("ping".getBytes());
        assertThat(p.a().in().readNBytes(4)).isEqualTo("pong".getBytes());
    }

    @Test
    void writerBlocksWhileTheBufferIsFullAndResumesAsTheReaderReads() throws Exception {
        Pipes.Pair p = Pipes.pair(16);
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                p.a().out().write(data);
                p.a().out().close();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(50);
        assertThat(writer).isNotDone(); // 1000 bytes cannot fit in 16
        assertThat(p.b().in().available()).isEqualTo(16);
        assertThat(p.b().in().readAllBytes()).isEqualTo(data);
        writer.get(5, TimeUnit.SECONDS);
    }

    @Test
    void halfCloseGivesEofButKeepsTheOtherDirection() throws Exception {
        Pipes.Pair p = Pipes.pair();
        p.a().out().write(1);
        p.a().out().close();
        assertThat(p.b().in().read()).isEqualTo(1);
        assertThat(p.b().in().read()).isEqualTo(-1);
        p.b().out().write(2);
        assertThat(p.a().in().read()).isEqualTo(2);
        assertThatThrownBy(() -> p.a().out().write(3)).isInstanceOf(IOException.class);
    }

    @Test
    void readTimeoutExpiresAndTheStreamStaysUsable() throws Exception {
        Pipes.Pair p = Pipes.pair();
        p.b().setReadTimeout(Duration.ofMillis(50));
        long start = System.nanoTime();
        assertThatThrownBy(() -> p.b().in().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(45));
        p.a().out().write(7);
        assertThat(p.b().in().read()).isEqualTo(7);
    }

    @Test
    void closeWakesABlockedReaderAndABlockedWriter() throws Exception {
        Pipes.Pair p = Pipes.pair(4);
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return p.a().in().read();
            } catch (IOException e) {
                return -2;
            }
        });
        CompletableFuture<Boolean> writer = CompletableFuture.supplyAsync(() -> {
            try {
                p.a().out().write(new byte[100]);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        Thread.sleep(50);
        p.b().close();
        assertThat(reader.get(5, TimeUnit.SECONDS)).isEqualTo(-1); // the remote's output ended: EOF
        assertThat(writer.get(5, TimeUnit.SECONDS)).isFalse();     // the remote stopped reading
        p.a().close();
        assertThatThrownBy(() -> p.a().in().read()).isInstanceOf(IOException.class);
    }
}
