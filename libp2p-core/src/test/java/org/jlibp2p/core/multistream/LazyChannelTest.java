package org.jlibp2p.core.multistream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.ForwardingDuplex;
import org.jlibp2p.core.ProtocolNotSupportedException;
import org.jlibp2p.core.memory.Pipes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lazy dialer with a deadline: {@link MultistreamSelect#dialerSelectLazy(Duplex, String, Duration)}. */
class LazyChannelTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void shutdown() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theProposalLeavesInFrontOfTheFirstBytesInOneWrite() throws Exception {
        Pipes.Pair p = Pipes.pair();
        Writes writes = new Writes(p.a());
        LazyChannel lazy = MultistreamSelect.dialerSelectLazy(writes, "/ipfs/ping/1.0.0", TIMEOUT);
        assertThat(writes.calls).as("nothing leaves before the caller's first bytes").isEmpty();

        lazy.out().write("ping".getBytes(StandardCharsets.US_ASCII));
        lazy.out().flush();
        byte[] expected = concat(MultistreamSelect.encode("/multistream/1.0.0"), MultistreamSelect.encode("/ipfs/ping/1.0.0"),
                "ping".getBytes(StandardCharsets.US_ASCII));
        assertThat(writes.calls).hasSize(1);
        assertThat(writes.calls.get(0)).isEqualTo(expected);

        lazy.out().write("more".getBytes(StandardCharsets.US_ASCII));
        assertThat(writes.calls).hasSize(2);
        assertThat(writes.calls.get(1)).isEqualTo("more".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theFirstReadTakesTheAnswerThenTheData() throws Exception {
        Pipes.Pair p = Pipes.pair();
        Future<String> listener = executor.submit(() -> {
            String agreed = MultistreamSelect.listenerSelect(p.b(), Set.of("/echo/1.0.0"), TIMEOUT);
            p.b().out().write(p.b().in().readNBytes(5));
            p.b().out().flush();
            return agreed;
        });
        LazyChannel lazy = MultistreamSelect.dialerSelectLazy(p.a(), "/echo/1.0.0", TIMEOUT);
        lazy.out().write("hello".getBytes(StandardCharsets.US_ASCII));
        lazy.out().flush();
        assertThat(lazy.answered()).isFalse();
        assertThat(lazy.in().readNBytes(5)).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(lazy.answered()).isTrue();
        assertThat(listener.get(5, TimeUnit.SECONDS)).isEqualTo("/echo/1.0.0");
    }

    @Test
    void awaitingTheAnswerSendsAProposalNothingWasWrittenBehind() throws Exception {
        Pipes.Pair p = Pipes.pair();
        Future<String> listener = executor.submit(() -> MultistreamSelect.listenerSelect(p.b(), Set.of("/echo/1.0.0"), TIMEOUT));
        LazyChannel lazy = MultistreamSelect.dialerSelectLazy(p.a(), "/echo/1.0.0", TIMEOUT);
        lazy.awaitAnswer(); // would wait for ever if the proposal stayed here
        assertThat(lazy.answered()).isTrue();
        assertThat(listener.get(5, TimeUnit.SECONDS)).isEqualTo("/echo/1.0.0");
    }

    @Test
    void aRefusalFailsTheFirstReadAndEveryLaterOne() throws Exception {
        Pipes.Pair p = Pipes.pair();
        executor.submit(() -> MultistreamSelect.listenerSelect(p.b(), Set.of("/echo/1.0.0"), TIMEOUT));
        LazyChannel lazy = MultistreamSelect.dialerSelectLazy(p.a(), "/unknown/1.0.0", TIMEOUT);
        lazy.out().flush();
        assertThatThrownBy(() -> lazy.in().read()).isInstanceOf(ProtocolNotSupportedException.class)
                .hasMessageContaining("/unknown/1.0.0");
        assertThatThrownBy(() -> lazy.in().read(new byte[4])).isInstanceOf(ProtocolNotSupportedException.class);
        assertThatThrownBy(lazy::awaitAnswer).isInstanceOf(ProtocolNotSupportedException.class);
        assertThat(lazy.answered()).isFalse();
    }

    @Test
    void aSilentListenerFailsTheReadAtTheDeadlineNotTheCallersTimeout() throws Exception {
        Pipes.Pair p = Pipes.pair();
        LazyChannel lazy = MultistreamSelect.dialerSelectLazy(p.a(), "/echo/1.0.0", Duration.ofMillis(200));
        lazy.setReadTimeout(Duration.ofMinutes(1));
        long start = System.nanoTime();
        assertThatThrownBy(() -> lazy.in().read()).isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("multistream negotiation");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(5));
    }

    @Test
    void theCallersReadTimeoutAppliesAgainOnceTheAnswerIsIn() throws Exception {
        Pipes.Pair p = Pipes.pair();
        executor.submit(() -> MultistreamSelect.listenerSelect(p.b(), Set.of("/echo/1.0.0"), TIMEOUT)); // answers, then sends nothing
        LazyChannel lazy = MultistreamSelect.dialerSelectLazy(p.a(), "/echo/1.0.0", TIMEOUT);
        lazy.setReadTimeout(Duration.ofMillis(300));
        lazy.out().flush();
        long start = System.nanoTime();
        assertThatThrownBy(() -> lazy.in().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(lazy.answered()).as("the answer came; the data did not").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofMillis(4_000));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** Keeps each write call's bytes. */
    private static final class Writes extends ForwardingDuplex {
        final List<byte[]> calls = new ArrayList<>();

        Writes(Duplex inner) {
            super(inner);
        }

        @Override
        public OutputStream out() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    calls.add(java.util.Arrays.copyOfRange(b, off, off + len));
                    delegate().out().write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    delegate().out().flush();
                }
            };
        }

        @Override
        public InputStream in() {
            return delegate().in();
        }
    }
}
