package org.jlibp2p.core.multistream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.MessageTooLargeException;
import org.jlibp2p.core.ProtocolNotSupportedException;
import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.core.codec.Varint;
import org.jlibp2p.core.memory.Pipes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MultistreamSelectTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void shutdown() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void messagesHaveTheExactBytesOfTheSpec() throws Exception {
        // connections/README.md: "na" is sent as 0x036e610a
        assertThat(Multibase.hex(MultistreamSelect.encode("na"))).isEqualTo("036e610a");
        assertThat(Multibase.hex(MultistreamSelect.encode("/multistream/1.0.0")))
                .isEqualTo("13" + Multibase.hex("/multistream/1.0.0\n".getBytes()));
        assertThat(MultistreamSelect.readMessage(new ByteArrayInputStream(Multibase.fromHex("036e610a")))).isEqualTo("na");
    }

    /** Messages are UTF-8 (connections/README.md): a name beyond ASCII reads as itself, bytes that are not UTF-8 are malformed. */
    @Test
    void messagesAreReadAsUtf8() throws Exception {
        String name = "/\u00fcber/\u6587/1.0.0"; // 2- and 3-byte sequences
        byte[] text = (name + "\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(text.length);
        wire.writeBytes(text);
        assertThat(MultistreamSelect.readMessage(new ByteArrayInputStream(wire.toByteArray()))).isEqualTo(name);
        // 0xC3 starts a 2-byte sequence that '(' does not continue
        assertThatThrownBy(() -> MultistreamSelect.readMessage(new ByteArrayInputStream(Multibase.fromHex("03c3280a"))))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("UTF-8");
        assertThat(MultistreamSelect.readMessage(new ByteArrayInputStream(Multibase.fromHex("036e610a")))).isEqualTo("na");
    }

    @Test
    void dialerAndListenerAgreeOverPipes() throws Exception {
        Pipes.Pair p = Pipes.pair();
        Future<String> listener = executor.submit(() ->
                MultistreamSelect.listenerSelect(p.b(), Set.of("/yamux/1.0.0", "/mplex/6.7.0"), TIMEOUT));
        String dialer = MultistreamSelect.dialerSelect(p.a(), List.of("/yamux/1.0.0"), TIMEOUT);
        assertThat(dialer).isEqualTo("/yamux/1.0.0");
        assertThat(listener.get(5, TimeUnit.SECONDS)).isEqualTo("/yamux/1.0.0");
        // the channel now carries the agreed protocol
        p.a().out().write(42);
        assertThat(p.b().in().read()).isEqualTo(42);
    }

    @Test
    void dialerFallsBackAfterNaAndTheWireShowsEveryStep() throws Exception {
        Pipes.Pair p = Pipes.pair();
        Recorder dialerSide = new Recorder(p.a());
        Future<String> listener = executor.submit(() ->
                MultistreamSelect.listenerSelect(p.b(), Set.of("/tls/1.0.0"), TIMEOUT));
        assertThat(MultistreamSelect.dialerSelect(dialerSide, List.of("/noise", "/tls/1.0.0"), TIMEOUT)).isEqualTo("/tls/1.0.0");
        assertThat(listener.get(5, TimeUnit.SECONDS)).isEqualTo("/tls/1.0.0");
        assertThat(dialerSide.sent()).isEqualTo(hex("/multistream/1.0.0", "/noise", "/tls/1.0.0"));
        assertThat(dialerSide.received()).isEqualTo(hex("/multistream/1.0.0", "na", "/tls/1.0.0"));
    }

    @Test
    void everyProposalRefusedIsProtocolNotSupported() throws Exception {
        Pipes.Pair p = Pipes.pair();
        Future<String> listener = executor.submit(() -> MultistreamSelect.listenerSelect(p.b(), Set.of("/other"), TIMEOUT));
        assertThatThrownBy(() -> MultistreamSelect.dialerSelect(p.a(), List.of("/a", "/b"), TIMEOUT))
                .isInstanceOf(ProtocolNotSupportedException.class)
                .satisfies(e -> assertThat(((ProtocolNotSupportedException) e).proposed()).containsExactly("/a", "/b"));
        p.a().close();
        assertThatThrownBy(() -> listener.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void lsListsTheListenersProtocols() throws Exception {
        Pipes.Pair p = Pipes.pair();
        executor.submit(() -> MultistreamSelect.listenerSelect(p.b(), List.of("/echo/1.0.0", "/ipfs/ping/1.0.0"), TIMEOUT));
        assertThat(MultistreamSelect.listProtocols(p.a(), TIMEOUT)).containsExactly("/echo/1.0.0", "/ipfs/ping/1.0.0");
    }

    @Test
    void lazyDialerWritesDataBeforeTheAnswer() throws Exception {
        Pipes.Pair p = Pipes.pair();
        Recorder dialerSide = new Recorder(p.a());
        Duplex lazy = MultistreamSelect.dialerSelectLazy(dialerSide, "/echo/1.0.0");
        lazy.out().write("hello".getBytes());
        lazy.out().flush();
        // header, proposal and data all left before the listener said a word
        assertThat(dialerSide.sent()).isEqualTo(hex("/multistream/1.0.0", "/echo/1.0.0") + Multibase.hex("hello".getBytes()));

        executor.submit(() -> {
            MultistreamSelect.listenerSelect(p.b(), Set.of("/echo/1.0.0"), TIMEOUT);
            p.b().out().write(p.b().in().readNBytes(5));
            return null;
        });
        assertThat(lazy.in().readNBytes(5)).isEqualTo("hello".getBytes());
    }

    @Test
    void lazyDialerSeesNaOnItsFirstRead() throws Exception {
        Pipes.Pair p = Pipes.pair();
        Duplex lazy = MultistreamSelect.dialerSelectLazy(p.a(), "/unknown/1.0.0");
        executor.submit(() -> MultistreamSelect.listenerSelect(p.b(), Set.of("/echo/1.0.0"), TIMEOUT));
        assertThatThrownBy(() -> lazy.in().read()).isInstanceOf(ProtocolNotSupportedException.class);
    }

    @Test
    void aSilentRemoteFailsAtTheDeadline() {
        Pipes.Pair p = Pipes.pair();
        long start = System.nanoTime();
        assertThatThrownBy(() -> MultistreamSelect.dialerSelect(p.a(), List.of("/a"), Duration.ofMillis(100)))
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aDribblingRemoteCannotStretchTheDeadline() throws Exception {
        Pipes.Pair p = Pipes.pair();
        // The remote sends a valid header one byte every 30 ms: each read is quick, the whole is not.
        byte[] header = MultistreamSelect.encode(MultistreamSelect.PROTOCOL_ID);
        CompletableFuture.runAsync(() -> {
            try {
                for (byte b : header) {
                    p.b().out().write(b);
                    Thread.sleep(30);
                }
            } catch (Exception ignored) {
                // the dialer gave up and closed
            }
        }, executor);
        assertThatThrownBy(() -> MultistreamSelect.dialerSelect(p.a(), List.of("/a"), Duration.ofMillis(200)))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("deadline");
        p.a().close();
    }

    @Test
    void anOverlongMessageIsRefusedOnItsLength() throws Exception {
        Pipes.Pair p = Pipes.pair();
        p.b().out().write(Varint.encode(MultistreamSelect.MAX_MESSAGE_LENGTH + 1));
        assertThatThrownBy(() -> MultistreamSelect.dialerSelect(p.a(), List.of("/a"), TIMEOUT))
                .isInstanceOf(MessageTooLargeException.class);
    }

    @Test
    void aMessageWithoutItsNewlineIsMalformed() throws Exception {
        Pipes.Pair p = Pipes.pair();
        p.b().out().write(Multibase.fromHex("026e61"));
        assertThatThrownBy(() -> MultistreamSelect.dialerSelect(p.a(), List.of("/a"), TIMEOUT))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("newline");
    }

    @Test
    void aWrongHeaderIsMalformed() throws Exception {
        Pipes.Pair p = Pipes.pair();
        p.b().out().write(MultistreamSelect.encode("/multistream/2.0.0"));
        assertThatThrownBy(() -> MultistreamSelect.dialerSelect(p.a(), List.of("/a"), TIMEOUT))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("expected header");
    }

    @Test
    void anEmptyMessageIsMalformed() throws Exception {
        Pipes.Pair p = Pipes.pair();
        p.a().out().write(MultistreamSelect.encode(MultistreamSelect.PROTOCOL_ID));
        p.a().out().write(0);
        assertThatThrownBy(() -> MultistreamSelect.listenerSelect(p.b(), Set.of("/a"), TIMEOUT))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void aListenerGivesUpOnEndlessProposals() throws Exception {
        Pipes.Pair p = Pipes.pair(1 << 20);
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        flood.writeBytes(MultistreamSelect.encode(MultistreamSelect.PROTOCOL_ID));
        for (int i = 0; i <= MultistreamSelect.MAX_PROPOSALS; i++) {
            flood.writeBytes(MultistreamSelect.encode("/nope/" + i));
        }
        p.a().out().write(flood.toByteArray());
        assertThatThrownBy(() -> MultistreamSelect.listenerSelect(p.b(), Set.of("/a"), TIMEOUT))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("proposals");
    }

    @Test
    void anUnexpectedAnswerIsMalformed() throws Exception {
        Pipes.Pair p = Pipes.pair();
        p.b().out().write(MultistreamSelect.encode(MultistreamSelect.PROTOCOL_ID));
        p.b().out().write(MultistreamSelect.encode("/b"));
        assertThatThrownBy(() -> MultistreamSelect.dialerSelect(p.a(), List.of("/a"), TIMEOUT))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("answered '/b'");
    }

    /**
     * A dialer's header and proposal usually arrive together; then the listener's header and its
     * answer leave in one write (one frame for the layer below). When nothing has arrived yet, the
     * header goes first, on its own, as before: a dialer that waits for it is never stuck.
     */
    @Test
    void listenerAnswersInOneWriteWhenTheProposalIsAlreadyHere() throws IOException {
        byte[] dialer = Multibase.fromHex(hex("/multistream/1.0.0", "/echo/1.0.0"));
        Writes together = new Writes(new ByteArrayInputStream(dialer));
        assertThat(MultistreamSelect.listenerSelect(together, Set.of("/echo/1.0.0"), TIMEOUT)).isEqualTo("/echo/1.0.0");
        assertThat(together.writes).containsExactly(hex("/multistream/1.0.0", "/echo/1.0.0"));

        Writes apart = new Writes(new ByteArrayInputStream(dialer) {
            @Override
            public synchronized int available() {
                return 0; // nothing seems to have arrived yet
            }
        });
        assertThat(MultistreamSelect.listenerSelect(apart, Set.of("/echo/1.0.0"), TIMEOUT)).isEqualTo("/echo/1.0.0");
        assertThat(apart.writes).containsExactly(hex("/multistream/1.0.0"), hex("/echo/1.0.0"));
    }

    /** A duplex that reads given bytes and records each write as hex. */
    private static final class Writes implements Duplex {
        final List<String> writes = new java.util.ArrayList<>();
        private final java.io.InputStream in;

        Writes(java.io.InputStream in) {
            this.in = in;
        }

        @Override
        public java.io.InputStream in() {
            return in;
        }

        @Override
        public java.io.OutputStream out() {
            return new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    writes.add(java.util.HexFormat.of().formatHex(new byte[] {(byte) b}));
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    writes.add(java.util.HexFormat.of().formatHex(b, off, off + len));
                }
            };
        }

        @Override
        public void setReadTimeout(Duration timeout) {}

        @Override
        public void close() {}
    }

    private static String hex(String... messages) {
        StringBuilder sb = new StringBuilder();
        for (String m : messages) {
            sb.append(Multibase.hex(MultistreamSelect.encode(m)));
        }
        return sb.toString();
    }

    /** A channel that remembers every byte written to and read from it. */
    private static final class Recorder implements Duplex {
        private final Duplex inner;
        private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        Recorder(Duplex inner) {
            this.inner = inner;
        }

        String sent() {
            return Multibase.hex(sent.toByteArray());
        }

        String received() {
            return Multibase.hex(received.toByteArray());
        }

        @Override
        public java.io.InputStream in() {
            return new java.io.InputStream() {
                @Override
                public int read() throws IOException {
                    int b = inner.in().read();
                    if (b >= 0) {
                        received.write(b);
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = inner.in().read(b, off, len);
                    if (n > 0) {
                        received.write(b, off, n);
                    }
                    return n;
                }
            };
        }

        @Override
        public java.io.OutputStream out() {
            return new java.io.OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    inner.out().write(b);
                    sent.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    inner.out().write(b, off, len);
                    sent.write(b, off, len);
                }
            };
        }

        @Override
        public void setReadTimeout(Duration timeout) throws IOException {
            inner.setReadTimeout(timeout);
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }
}
