package org.jlibp2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.jlibp2p.yamux.YamuxFrame.Flags.ACK;
import static org.jlibp2p.yamux.YamuxFrame.Flags.FIN;
import static org.jlibp2p.yamux.YamuxFrame.Flags.RST;
import static org.jlibp2p.yamux.YamuxFrame.Flags.SYN;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.StreamResetException;
import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.core.memory.Pipes;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.yamux.YamuxFrame.Data;
import org.jlibp2p.yamux.YamuxFrame.Flags;
import org.jlibp2p.yamux.YamuxFrame.GoAway;
import org.jlibp2p.yamux.YamuxFrame.Ping;
import org.jlibp2p.yamux.YamuxFrame.WindowUpdate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A session (as the client) against a remote played frame by frame: the exact bytes of the spec. */
@Timeout(30)
class YamuxWireTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private YamuxSession session;
    private RawPeer remote;

    private void start(YamuxConfig config) {
        start(config, 1 << 20);
    }

    private void start(YamuxConfig config, int pipeCapacity) {
        Pipes.Pair pair = Pipes.pair(pipeCapacity);
        session = new YamuxSession(pair.a(), Role.INITIATOR, config);
        session.start();
        remote = new RawPeer(pair.b());
    }

    private void start() {
        start(YamuxConfig.defaults());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (session != null) {
            session.close();
            assertThat(session.awaitTermination(WAIT)).as("reader and timer threads ended").isTrue();
        }
    }

    @Test
    void framesHaveTheSpecLayout() {
        assertThat(Multibase.hex(new WindowUpdate(1, Flags.of(SYN), 0).encode())).isEqualTo("000100010000000100000000");
        assertThat(Multibase.hex(new Data(2, Flags.of(ACK, FIN), 1).encode())).isEqualTo("000000060000000200000001"); // + 1 payload byte
        assertThat(Multibase.hex(new Ping(false, 42).encode())).isEqualTo("00020001000000000000002a");
        assertThat(Multibase.hex(new Ping(true, 42).encode())).isEqualTo("00020002000000000000002a");
        assertThat(Multibase.hex(new GoAway(GoAwayCode.PROTOCOL_ERROR).encode())).isEqualTo("000300000000000000000001");
        assertThat(Flags.of(SYN, FIN).toString()).isEqualTo("SYN|FIN");
    }

    /** The decoder the session reads with gives back the same records. */
    @ParameterizedTest
    @CsvSource({"000100010000000100000000", "000000060000000200000001", "00020001000000000000002a", "00020002000000000000002a",
        "000300000000000000000001", "0001000a00000003ffffffff"})
    void framesDecodeToWhatEncodesThem(String hex) throws IOException {
        YamuxFrame frame = YamuxFrame.read(new ByteArrayInputStream(Multibase.fromHex(hex)));
        assertThat(Multibase.hex(frame.encode())).isEqualTo(hex);
    }

    @Test
    void openSendsSynAndOddIds() throws Exception {
        start();
        MuxedStream a = session.openStream();
        MuxedStream b = session.openStream();
        assertThat(a.id()).isEqualTo(1);
        assertThat(b.id()).isEqualTo(3);
        assertThat(remote.nextAnsweringPings().frame()).isEqualTo(new WindowUpdate(1, Flags.of(SYN), 0));
        assertThat(remote.nextAnsweringPings().streamId()).isEqualTo(3);
        a.out().write("hi".getBytes());
        RawPeer.Frame data = remote.nextAnsweringPings();
        assertThat(data.frame()).isEqualTo(new Data(1, Flags.NONE, 2));
        assertThat(data.payload()).isEqualTo("hi".getBytes());
    }

    /** A SYN|FIN data frame opens, delivers and half-closes in one: every flag counts, none hides another. */
    @Test
    void synFinDataFrameIsHandledFully() throws Exception {
        start();
        remote.sendData(2, Flags.of(SYN, FIN), "hi".getBytes());
        MuxedStream s = session.acceptStream(WAIT);
        assertThat(s.id()).isEqualTo(2);
        assertThat(s.in().readAllBytes()).isEqualTo("hi".getBytes());
        assertThat(remote.nextAnsweringPings().frame()).isEqualTo(new WindowUpdate(2, Flags.of(ACK), 0));
        s.out().write(1); // our direction is still open
        assertThat(remote.nextAnsweringPings().payload()).containsExactly(1);
    }

    @Test
    void ackWithFinIsHandledFully() throws Exception {
        start();
        MuxedStream s = session.openStream();
        remote.nextAnsweringPings(); // SYN
        remote.send(new WindowUpdate(1, Flags.of(ACK, FIN), 0));
        assertThat(s.in().read()).isEqualTo(-1);
    }

    @Test
    void pingsAreAnswered() throws Exception {
        start();
        remote.send(new Ping(false, 4242));
        RawPeer.Frame f;
        do {
            f = remote.next();
        } while (!(f.frame() instanceof Ping p && p.ack()));
        assertThat(f.frame()).isEqualTo(new Ping(true, 4242));
    }

    /**
     * At most 32 answers to pings wait to be written; pings beyond are not answered (go-yamux:
     * PingBacklog 32, and handlePing drops the pong when its queue is full). 100 pings arrive at once.
     */
    @Test
    void pongsBeyondThePingBacklogAreDropped() throws Exception {
        start(YamuxConfig.defaults().withTimers(Duration.ZERO, Duration.ofSeconds(10)));
        RawPeer.Frame first = remote.next(); // the RTT probe
        remote.send(new Ping(true, ((Ping) first.frame()).opaque()));
        java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            burst.write(new Ping(false, 1000 + i).encode());
        }
        remote.sendRaw(burst.toByteArray());
        remote.wire().setReadTimeout(Duration.ofMillis(500));
        java.util.List<YamuxFrame> answers = new java.util.ArrayList<>();
        try {
            while (true) {
                answers.add(remote.next().frame());
            }
        } catch (java.net.SocketTimeoutException e) {
            // nothing more came
        }
        assertThat(answers).hasSize(32).allSatisfy(f -> assertThat(f).isInstanceOf(Ping.class));
        assertThat(answers.get(0)).isEqualTo(new Ping(true, 1000));
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void goAwayStopsNewStreamsButNotExistingOnes() throws Exception {
        start();
        MuxedStream s = session.openStream();
        remote.nextAnsweringPings();
        remote.send(new GoAway(GoAwayCode.NORMAL));
        remote.sendData(1, Flags.of(ACK), "still here".getBytes());
        assertThat(s.in().readNBytes(10)).isEqualTo("still here".getBytes());
        assertThatThrownBy(() -> session.openStream()).isInstanceOf(IOException.class).hasMessageContaining("Go Away");
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void remoteResetEndsTheStream() throws Exception {
        start();
        MuxedStream s = session.openStream();
        remote.nextAnsweringPings();
        remote.send(new WindowUpdate(1, Flags.of(RST), 0));
        assertThatThrownBy(() -> s.in().read()).isInstanceOf(StreamResetException.class);
        assertThat(session.streamCount()).isZero();
    }

    /**
     * What the reader of an ended stream is thrown has the reader's own stack trace, and its cause
     * says why the stream ended. A cause made by the session's reader (a reset from the remote) or by
     * the session's end has no stack trace: that thread's stack is the same for every stream, and
     * filling it in for each stream still open at the end was a cost of every connection. What the
     * session ended with is chained under it. A local reset keeps the stack of whoever reset the
     * stream, and a second reset leaves the first cause.
     */
    @Test
    void theReaderOfAnEndedStreamGetsItsOwnStackAndTheCauseOfTheEnd() throws Exception {
        start();
        MuxedStream resetByRemote = session.openStream();
        MuxedStream resetLocally = session.openStream();
        MuxedStream endedWithSession = session.openStream();
        remote.nextAnsweringPings();
        remote.send(new WindowUpdate(1, Flags.of(RST), 0));
        Throwable remoteEnd = catchThrowable(() -> resetByRemote.in().read());
        resetLocally.reset();
        Throwable localEnd = catchThrowable(() -> resetLocally.in().read());
        IOException linkFailure = new IOException("the link broke");
        session.fail(linkFailure);
        Throwable sessionEnd = catchThrowable(() -> endedWithSession.in().read());
        resetByRemote.reset();
        Throwable remoteEndAfterReset = catchThrowable(() -> resetByRemote.in().read());

        for (Throwable thrown : List.of(remoteEnd, localEnd, sessionEnd)) {
            assertThat(thrown).isInstanceOf(StreamResetException.class);
            assertThat(thrown.getStackTrace()).as("the reader's own stack").anyMatch(f -> f.getClassName().startsWith(getClass().getName()));
        }
        assertThat(remoteEnd.getCause()).hasMessageContaining("reset by the remote");
        assertThat(remoteEnd.getCause().getStackTrace()).as("made by the session's reader").isEmpty();
        assertThat(sessionEnd.getCause()).hasMessageContaining("ended with its session: the link broke");
        assertThat(sessionEnd.getCause().getStackTrace()).as("made by the session's end").isEmpty();
        assertThat(sessionEnd.getCause().getCause()).as("what the session ended with").isSameAs(linkFailure);
        assertThat(remoteEndAfterReset.getCause()).as("the first cause stays").isSameAs(remoteEnd.getCause());
        assertThat(localEnd.getCause()).hasMessageContaining("reset locally");
        assertThat(localEnd.getCause().getStackTrace()).as("who reset the stream")
                .anyMatch(f -> f.getClassName().equals(getClass().getName()) && f.getMethodName().equals("theReaderOfAnEndedStreamGetsItsOwnStackAndTheCauseOfTheEnd"));
    }

    /**
     * jvm-libp2p 1.3.5 half-closes with an empty FIN data frame and repeats it for every window update
     * it receives on that stream, also after our own FIN (the frame trace in the README's interop
     * section). A repeated FIN carries no data: the session stays up, the stream ends cleanly, and the
     * other streams go on. Data after the FIN stays a violation (protocolViolationsEndTheSessionWithGoAway).
     */
    @Test
    void aRepeatedFinEndsNothing() throws Exception {
        start();
        remote.send(new WindowUpdate(2, Flags.of(SYN), 0));
        remote.send(new WindowUpdate(4, Flags.of(SYN), 0));
        MuxedStream s = session.acceptStream(WAIT);
        MuxedStream other = session.acceptStream(WAIT);
        assertThat(remote.nextAnsweringPings().flags()).isEqualTo(Flags.of(ACK));
        assertThat(remote.nextAnsweringPings().flags()).isEqualTo(Flags.of(ACK));

        remote.sendData(2, Flags.of(FIN), new byte[0]); // WRITE (DATA, FIN, len=0): the remote half-closes
        remote.sendData(2, Flags.of(FIN), new byte[0]); // and repeats it while our side is still open
        assertThat(s.in().read()).isEqualTo(-1);
        s.closeWrite();
        RawPeer.Frame ourFin = remote.nextAnsweringPings(); // READ (WINDOW_UPDATE, FIN): we half-close too
        assertThat(ourFin.frame()).isEqualTo(new WindowUpdate(2, Flags.of(FIN), 0));
        long end = System.nanoTime() + WAIT.toNanos();
        while (session.streamCount() > 1 && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        assertThat(session.streamCount()).as("stream 2 is forgotten, both sides closed").isEqualTo(1);
        remote.sendData(2, Flags.of(FIN), new byte[0]); // WRITE (DATA, FIN, len=0) again: a stream we forgot
        remote.send(new WindowUpdate(2, Flags.of(FIN), 0));   // the same as a window update

        remote.sendData(4, Flags.NONE, "still".getBytes());
        assertThat(other.in().readNBytes(5)).isEqualTo("still".getBytes());
        other.out().write("here".getBytes());
        RawPeer.Frame reply = remote.nextAnsweringPings();
        assertThat(reply.streamId()).isEqualTo(4);
        assertThat(reply.payload()).isEqualTo("here".getBytes());
        assertThat(session.isClosed()).as("the session survived: " + session.closeCause()).isFalse();
    }

    /** A repeated FIN on a stream we opened, while we still write: our writes continue. */
    @Test
    void aRepeatedFinOnOurStreamLeavesItWritable() throws Exception {
        start();
        MuxedStream s = session.openStream();
        remote.nextAnsweringPings(); // SYN
        remote.sendData(1, Flags.of(ACK, FIN), new byte[0]);
        remote.sendData(1, Flags.of(FIN), new byte[0]);
        remote.send(new WindowUpdate(1, Flags.of(FIN), 0));
        assertThat(s.in().read()).isEqualTo(-1);
        s.out().write("late".getBytes());
        RawPeer.Frame data = remote.nextAnsweringPings();
        assertThat(data.payload()).isEqualTo("late".getBytes());
        assertThat(session.isClosed()).isFalse();
    }

    /** Each violation ends the session with Go Away (protocol error); the exception names it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown type        | 000700010000000200000000 | unknown yamux frame type 7",
        "bad version         | 010000010000000200000000 | unsupported yamux version 1",
        "data over window    | 000000010000000200040001 | exceeds its receive window",
        "window overflow     | 000100010000000200000000 00010000 00000002 ffffffff | overflows",
        "SYN reusing an id   | 000100010000000200000000 000100010000000200000000 | which is open already",
        "SYN with our parity | 000100010000000100000000 | an id of our side",
        "data after FIN      | 000100050000000200000000 000000000000000200000001 ff | after its FIN",
        "never opened        | 000000000000000400000001 ff | never opened",
        "ping off stream 0   | 000200010000000500000001 | frame type 2 on stream 5",
        "go away off stream 0| 000300000000000300000000 | frame type 3 on stream 3",
    })
    void protocolViolationsEndTheSessionWithGoAway(String name, String hex, String message) throws Exception {
        start();
        remote.sendHex(hex);
        RawPeer.Frame f;
        do {
            f = remote.nextAnsweringPings();
        } while (f != null && !(f.frame() instanceof GoAway));
        assertThat(f).as("a Go Away frame").isNotNull();
        assertThat(f.frame()).isEqualTo(new GoAway(GoAwayCode.PROTOCOL_ERROR));
        while (f != null) {
            f = remote.next(); // then the connection closes
        }
        assertThat(session.awaitTermination(WAIT)).isTrue();
        assertThat(session.isClosed()).isTrue();
        assertThat(session.closeCause()).isInstanceOf(YamuxProtocolException.class).hasMessageContaining(message);
        assertThat(((YamuxProtocolException) session.closeCause()).code()).isEqualTo(GoAwayCode.PROTOCOL_ERROR);
    }

    @Test
    void goAwayWithAnErrorCodeEndsTheSessionWithoutAnswer() throws Exception {
        start();
        remote.send(new GoAway(GoAwayCode.INTERNAL_ERROR));
        assertThat(session.awaitTermination(WAIT)).isTrue();
        assertThat(session.closeCause()).isInstanceOf(YamuxProtocolException.class).hasMessageContaining("INTERNAL_ERROR");
    }

    @Test
    void anUnansweredKeepAlivePingEndsTheSession() throws Exception {
        start(YamuxConfig.defaults().withTimers(Duration.ofMillis(100), Duration.ofMillis(200)));
        RawPeer.Frame ping = remote.next(); // never answered
        assertThat(ping.isPing()).isTrue();
        assertThat(session.awaitTermination(WAIT)).isTrue();
        assertThat(session.closeCause()).isInstanceOf(java.net.SocketTimeoutException.class).hasMessageContaining("unanswered");
    }

    @Test
    void answeredKeepAlivePingsKeepTheSessionOpen() throws Exception {
        start(YamuxConfig.defaults().withTimers(Duration.ofMillis(50), Duration.ofMillis(200)));
        long end = System.nanoTime() + Duration.ofMillis(600).toNanos();
        int pings = 0;
        while (System.nanoTime() < end) {
            RawPeer.Frame f = remote.next();
            if (f.isPing()) {
                pings++;
                remote.send(new Ping(true, ((Ping) f.frame()).opaque()));
            }
        }
        assertThat(pings).isGreaterThanOrEqualTo(3);
        assertThat(session.isClosed()).isFalse();
    }

    /**
     * An opener waiting for the remote to acknowledge earlier streams (the ACK backlog, 4 here) holds
     * nothing the reader needs: a ping that arrives before the ACK is answered, and the ACK releases
     * the opener long before its write timeout.
     */
    @Test
    void anOpenerWaitingAtTheAckBacklogLeavesTheReaderFree() throws Exception {
        start(YamuxConfig.defaults().withTimers(Duration.ZERO, Duration.ofSeconds(3)).withAckBacklog(4));
        for (int i = 0; i < 4; i++) {
            session.openStream();
            assertThat(remote.nextAnsweringPings().frame()).isEqualTo(new WindowUpdate(2 * i + 1, Flags.of(SYN), 0));
        }
        java.util.concurrent.CompletableFuture<MuxedStream> fifth = new java.util.concurrent.CompletableFuture<>();
        Thread opener = Thread.ofVirtual().start(() -> {
            try {
                fifth.complete(session.openStream());
            } catch (IOException e) {
                fifth.completeExceptionally(e);
            }
        });
        while (opener.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(1); // until it waits for the backlog
        }
        byte[] pingThenAck = new byte[24];
        System.arraycopy(new Ping(false, 77).encode(), 0, pingThenAck, 0, 12);
        System.arraycopy(new WindowUpdate(1, Flags.of(ACK), 0).encode(), 0, pingThenAck, 12, 12);
        remote.sendRaw(pingThenAck);

        assertThat(fifth.get(1, java.util.concurrent.TimeUnit.SECONDS).id()).as("opened well before the write timeout").isEqualTo(9);
        java.util.List<YamuxFrame> answers = java.util.List.of(remote.nextAnsweringPings().frame(), remote.nextAnsweringPings().frame());
        assertThat(answers).containsExactlyInAnyOrder(new Ping(true, 77), new WindowUpdate(9, Flags.of(SYN), 0));
    }

    /**
     * A stream we closed whose remote never sends its FIN is reset after the close timeout, and stops
     * counting against the stream limit (1 outbound stream here).
     */
    @Test
    void aStreamTheRemoteNeverClosesIsResetAfterTheCloseTimeout() throws Exception {
        start(YamuxConfig.defaults().withMaxStreams(10, 1).withStreamCloseTimeout(Duration.ofMillis(200)));
        MuxedStream s = session.openStream();
        assertThat(remote.nextAnsweringPings().frame()).isEqualTo(new WindowUpdate(1, Flags.of(SYN), 0));
        remote.send(new WindowUpdate(1, Flags.of(ACK), 0));
        s.close();
        assertThat(remote.nextAnsweringPings().frame()).isEqualTo(new WindowUpdate(1, Flags.of(FIN), 0));

        long end = System.nanoTime() + WAIT.toNanos();
        while (session.streamCount() > 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(session.streamCount()).as("the stream is forgotten").isZero();
        assertThat(remote.nextAnsweringPings().frame()).isEqualTo(new WindowUpdate(1, Flags.of(RST), 0));
        assertThat(session.openStream().id()).as("the limit has room again").isEqualTo(3);
    }

    /** A stream the remote closes in time is forgotten as usual, and never reset. */
    @Test
    void aStreamTheRemoteClosesInTimeIsNotReset() throws Exception {
        start(YamuxConfig.defaults().withStreamCloseTimeout(Duration.ofMillis(200)));
        MuxedStream s = session.openStream();
        remote.nextAnsweringPings(); // SYN
        s.close();
        assertThat(remote.nextAnsweringPings().frame()).isEqualTo(new WindowUpdate(1, Flags.of(FIN), 0));
        remote.send(new WindowUpdate(1, Flags.of(ACK, FIN), 0));
        Thread.sleep(400);
        session.openStream();
        assertThat(remote.nextAnsweringPings().frame()).as("no RST for stream 1").isEqualTo(new WindowUpdate(3, Flags.of(SYN), 0));
    }

    @Test
    void inboundStreamsBeyondTheBacklogAreReset() throws Exception {
        start(YamuxConfig.defaults().withAcceptBacklog(2));
        remote.send(new WindowUpdate(2, Flags.of(SYN), 0));
        remote.send(new WindowUpdate(4, Flags.of(SYN), 0));
        remote.send(new WindowUpdate(6, Flags.of(SYN), 0));
        assertThat(remote.nextAnsweringPings().frame()).isEqualTo(new WindowUpdate(6, Flags.of(RST), 0));
        assertThat(session.acceptStream(WAIT).id()).isEqualTo(2);
        assertThat(session.acceptStream(WAIT).id()).isEqualTo(4);
    }

    /**
     * 10,000 SYNs in one burst, far beyond the accept backlog, over a connection that takes our answers
     * slower than the reader refuses (4 KiB pipes): each refused stream still gets its RST, and the
     * session lives on. The reader waits for its answers to drain rather than pile them up.
     */
    @Test
    void aFloodOfRefusedStreamsIsAnsweredInFull() throws Exception {
        start(YamuxConfig.defaults().withAcceptBacklog(16).withTimers(Duration.ZERO, Duration.ofSeconds(10)), 4096);
        RawPeer.Frame first = remote.next(); // the RTT probe
        remote.send(new Ping(true, ((Ping) first.frame()).opaque()));
        java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            burst.write(new WindowUpdate(2 * i + 2, Flags.of(SYN), 0).encode());
        }
        Thread.ofVirtual().start(() -> {
            try {
                remote.sendRaw(burst.toByteArray());
            } catch (IOException e) {
                // the session ended: the assertions below say why
            }
        });
        for (int i = 16; i < 10_000; i++) {
            assertThat(remote.next().frame()).isEqualTo(new WindowUpdate(2 * i + 2, Flags.of(RST), 0));
        }
        assertThat(session.isClosed()).as("closed: " + session.closeCause()).isFalse();
    }

    @Test
    void inboundStreamsBeyondTheLimitAreReset() throws Exception {
        start(YamuxConfig.defaults().withMaxStreams(1, 10));
        remote.send(new WindowUpdate(2, Flags.of(SYN), 0));
        remote.send(new WindowUpdate(4, Flags.of(SYN), 0));
        assertThat(remote.nextAnsweringPings().frame()).isEqualTo(new WindowUpdate(4, Flags.of(RST), 0));
    }

    /**
     * Auto-tuning: with a round trip of ~50 ms (the remote answers our first ping late) and an
     * application that reads a window at once, the window update carries more than was consumed.
     */
    @Test
    void windowGrowsWhenTheApplicationKeepsUp() throws Exception {
        start();
        RawPeer.Frame ping = remote.next();
        assertThat(ping.isPing()).isTrue();
        Thread.sleep(50);
        remote.send(new Ping(true, ((Ping) ping.frame()).opaque()));
        Thread.sleep(20); // the RTT is recorded
        byte[] chunk = new byte[64 * 1024];
        remote.send(new WindowUpdate(2, Flags.of(SYN), 0));
        MuxedStream s = session.acceptStream(WAIT);
        remote.nextAnsweringPings(); // ACK
        for (int i = 0; i < 4; i++) {
            remote.sendData(2, Flags.NONE, chunk);
        }
        assertThat(s.in().readNBytes(4 * chunk.length)).hasSize(4 * chunk.length);
        RawPeer.Frame update = remote.nextAnsweringPings();
        assertThat(update.frame()).isInstanceOf(WindowUpdate.class);
        // consumed at least half a window (128 KiB), plus the growth from 256 KiB to 512 KiB
        assertThat(((WindowUpdate) update.frame()).delta()).isGreaterThanOrEqualTo(128 * 1024 + 256 * 1024);
    }

    /**
     * The memory budget across a session's streams: window growth that would pass it is refused, and
     * a stream that ends gives its growth back.
     */
    @Test
    void windowGrowthStopsAtTheSessionBudget() throws Exception {
        start(YamuxConfig.defaults().withSessionWindowBudget(256 * 1024));
        RawPeer.Frame ping = remote.next();
        Thread.sleep(50);
        remote.send(new Ping(true, ((Ping) ping.frame()).opaque()));
        Thread.sleep(20); // the RTT is recorded
        byte[] chunk = new byte[64 * 1024];
        long[] deltas = new long[2];
        int[] ids = {2, 4};
        for (int k = 0; k < 2; k++) {
            remote.send(new WindowUpdate(ids[k], Flags.of(SYN), 0));
            MuxedStream s = session.acceptStream(WAIT);
            remote.nextAnsweringPings(); // ACK
            for (int i = 0; i < 4; i++) {
                remote.sendData(ids[k], Flags.NONE, chunk);
            }
            assertThat(s.in().readNBytes(4 * chunk.length)).hasSize(4 * chunk.length);
            RawPeer.Frame update = remote.nextAnsweringPings();
            assertThat(update.frame()).isInstanceOf(WindowUpdate.class);
            deltas[k] = ((WindowUpdate) update.frame()).delta();
        }
        assertThat(deltas[0]).as("the first stream grows: 256 KiB to 512 KiB").isGreaterThanOrEqualTo(128 * 1024 + 256 * 1024);
        assertThat(deltas[1]).as("the second would pass the 256 KiB budget: only what was read comes back").isLessThanOrEqualTo(256 * 1024);
        assertThat(session.streams.windowGrowth()).isEqualTo(256 * 1024);
        remote.send(new WindowUpdate(2, Flags.of(RST), 0));
        long end = System.nanoTime() + WAIT.toNanos();
        while (session.streams.windowGrowth() != 0 && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(session.streams.windowGrowth()).as("the reset stream gave its growth back").isZero();
    }

    @Test
    void fixedWindowNeverGrows() throws Exception {
        start(YamuxConfig.defaults().withFixedWindow(YamuxConfig.SPEC_INITIAL_WINDOW));
        RawPeer.Frame ping = remote.next();
        Thread.sleep(50);
        remote.send(new Ping(true, ((Ping) ping.frame()).opaque()));
        Thread.sleep(20);
        remote.send(new WindowUpdate(2, Flags.of(SYN), 0));
        MuxedStream s = session.acceptStream(WAIT);
        remote.nextAnsweringPings();
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < 4; i++) {
            remote.sendData(2, Flags.NONE, chunk);
        }
        s.in().readNBytes(4 * chunk.length);
        assertThat(((WindowUpdate) remote.nextAnsweringPings().frame()).delta()).isLessThanOrEqualTo(256 * 1024);
    }
}
