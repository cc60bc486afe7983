package org.jlibp2p.yamux;

import java.time.Duration;

/**
 * Settings of a Yamux session. Every limit of the session is here, with its source.
 *
 * @param initialWindow       receive window each stream starts with; the spec fixes 256 KiB as what both
 *                            sides assume, and a larger value is announced in the SYN/ACK window update
 * @param maxWindow           the largest a stream's receive window grows to by auto-tuning (go-yamux and
 *                            js-libp2p-yamux: 16 MiB); equal to {@code initialWindow} turns tuning off
 * @param maxFrameData        the largest data frame we send; what we accept is bounded by the stream's
 *                            receive window instead. The default, 65507 bytes, makes a frame and its
 *                            12-byte header fill exactly one Noise transport message (65519 bytes of
 *                            plaintext), so each frame is one encryption and one write (go and js use 64 KiB)
 * @param acceptBacklog       inbound streams waiting for {@code acceptStream}; more are reset (the spec's
 *                            "MUST be bounded"; go-yamux: 256)
 * @param ackBacklog          our streams the remote has not acknowledged yet; {@code openStream} waits
 *                            beyond it (the spec: "SHOULD at most allow an ACK backlog of 256 streams")
 * @param maxInboundStreams   concurrent streams the remote may open (js-libp2p-yamux: 1000)
 * @param maxOutboundStreams  concurrent streams we may open (js-libp2p-yamux: 1000)
 * @param keepAliveInterval   how often to ping an idle session; {@link Duration#ZERO} disables (go: 30 s)
 * @param writeTimeout        how long a write may wait for window or for the connection, and how long
 *                            a ping may go unanswered, before the stream or session fails (go: 10 s)
 * @param streamCloseTimeout  how long a stream the application closed waits for the remote's FIN
 *                            before we reset it, so that a remote that never closes cannot hold streams
 *                            (and the stream limits) forever; {@link Duration#ZERO} waits forever
 *                            (hashicorp/yamux {@code StreamCloseTimeout}: 5 minutes; libp2p's go-yamux
 *                            forgets a stream as soon as the application closes it)
 * @param sessionWindowBudget the memory budget across a session's streams: the receive window granted
 *                            above the initial window, summed over all streams, never passes it, so
 *                            auto-tuning cannot let one connection buffer 16 MiB on each of hundreds
 *                            of streams; a stream that would pass it keeps its window (go-libp2p's
 *                            resource manager gives each connection a memory limit the same way)
 */
public record YamuxConfig(
        int initialWindow,
        int maxWindow,
        int maxFrameData,
        int acceptBacklog,
        int ackBacklog,
        int maxInboundStreams,
        int maxOutboundStreams,
        Duration keepAliveInterval,
        Duration writeTimeout,
        Duration streamCloseTimeout,
        long sessionWindowBudget) {

    /** The window both sides assume for every new stream (yamux/README.md, "Flow Control"). */
    public static final int SPEC_INITIAL_WINDOW = 256 * 1024;

    /** The default {@link #streamCloseTimeout()}: 5 minutes, as hashicorp/yamux. */
    public static final Duration DEFAULT_STREAM_CLOSE_TIMEOUT = Duration.ofMinutes(5);
    /** The default {@link #sessionWindowBudget()}: 64 MiB of window growth per connection. */
    public static final long DEFAULT_SESSION_WINDOW_BUDGET = 64L * 1024 * 1024;

    /**
     * The settings of earlier versions, with the default {@link #streamCloseTimeout()}.
     *
     * @param initialWindow      see the class comment
     * @param maxWindow          see the class comment
     * @param maxFrameData       see the class comment
     * @param acceptBacklog      see the class comment
     * @param ackBacklog         see the class comment
     * @param maxInboundStreams  see the class comment
     * @param maxOutboundStreams see the class comment
     * @param keepAliveInterval  see the class comment
     * @param writeTimeout       see the class comment
     */
    public YamuxConfig(int initialWindow, int maxWindow, int maxFrameData, int acceptBacklog, int ackBacklog, int maxInboundStreams,
                       int maxOutboundStreams, Duration keepAliveInterval, Duration writeTimeout) {
        this(initialWindow, maxWindow, maxFrameData, acceptBacklog, ackBacklog, maxInboundStreams, maxOutboundStreams, keepAliveInterval,
                writeTimeout, DEFAULT_STREAM_CLOSE_TIMEOUT, DEFAULT_SESSION_WINDOW_BUDGET);
    }

    /**
     * Checks the settings.
     *
     * @param initialWindow      see the class comment
     * @param maxWindow          see the class comment
     * @param maxFrameData       see the class comment
     * @param acceptBacklog      see the class comment
     * @param ackBacklog         see the class comment
     * @param maxInboundStreams  see the class comment
     * @param maxOutboundStreams see the class comment
     * @param keepAliveInterval  see the class comment
     * @param writeTimeout       see the class comment
     * @param streamCloseTimeout see the class comment
     * @param sessionWindowBudget see the class comment
     */
    public YamuxConfig {
        if (initialWindow < SPEC_INITIAL_WINDOW) {
            throw new IllegalArgumentException("initialWindow below the spec's 256 KiB");
        }
        if (maxWindow < initialWindow) {
            throw new IllegalArgumentException("maxWindow below initialWindow");
        }
        if (maxFrameData < 1 || acceptBacklog < 1 || ackBacklog < 1 || maxInboundStreams < 1 || maxOutboundStreams < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (sessionWindowBudget < 0) {
            throw new IllegalArgumentException("sessionWindowBudget must be >= 0");
        }
        if (keepAliveInterval.isNegative() || writeTimeout.isNegative() || writeTimeout.isZero() || streamCloseTimeout.isNegative()) {
            throw new IllegalArgumentException("keepAliveInterval and streamCloseTimeout must be >= 0, writeTimeout > 0");
        }
    }

    /** The default largest data frame: with its header, one full Noise transport message. */
    public static final int DEFAULT_MAX_FRAME_DATA = 65519 - YamuxFrame.HEADER_LENGTH;

    /**
     * {@return the defaults: 256 KiB growing to 16 MiB, 65507-byte frames, backlogs of 256, 1000 streams
     * each way, 30 s keep-alive, 10 s write timeout, 5 min stream close timeout}
     */
    public static YamuxConfig defaults() {
        return new YamuxConfig(SPEC_INITIAL_WINDOW, 16 * 1024 * 1024, DEFAULT_MAX_FRAME_DATA, 256, 256, 1000, 1000,
                Duration.ofSeconds(30), Duration.ofSeconds(10), DEFAULT_STREAM_CLOSE_TIMEOUT, DEFAULT_SESSION_WINDOW_BUDGET);
    }

    /**
     * A copy with another largest data frame to send. Larger frames move one bulk stream faster and
     * delay other streams' frames on the same connection longer, since a frame leaves whole: between
     * two {@code jlibp2p} processes on loopback, frames of four Noise messages ({@code 4 * 65519 - 12}
     * bytes) moved 4 GiB 10-15 % faster than the default's one (BENCHMARKS.md), and a frame behind
     * one waits for 256 KiB to leave instead of 64 KiB. go-yamux and js-libp2p-yamux send at most
     * 64 KiB and rust-yamux 16 KiB per frame; all three take frames up to the receive window (rust:
     * up to 1 MiB), and so does a session here, whatever this setting.
     *
     * @param bytes the largest data frame's payload; at least 1
     * @return the new settings
     */
    public YamuxConfig withMaxFrameData(int bytes) {
        return new YamuxConfig(initialWindow, maxWindow, bytes, acceptBacklog, ackBacklog, maxInboundStreams, maxOutboundStreams, keepAliveInterval, writeTimeout, streamCloseTimeout, sessionWindowBudget);
    }

    /**
     * A copy with a fixed window: no auto-tuning.
     *
     * @param window the window of every stream
     * @return the new settings
     */
    public YamuxConfig withFixedWindow(int window) {
        return new YamuxConfig(window, window, maxFrameData, acceptBacklog, ackBacklog, maxInboundStreams, maxOutboundStreams, keepAliveInterval, writeTimeout, streamCloseTimeout, sessionWindowBudget);
    }

    /**
     * A copy with other stream limits.
     *
     * @param inbound  concurrent streams the remote may open
     * @param outbound concurrent streams we may open
     * @return the new settings
     */
    public YamuxConfig withMaxStreams(int inbound, int outbound) {
        return new YamuxConfig(initialWindow, maxWindow, maxFrameData, acceptBacklog, ackBacklog, inbound, outbound, keepAliveInterval, writeTimeout, streamCloseTimeout, sessionWindowBudget);
    }

    /**
     * A copy with other timers.
     *
     * @param keepAlive    keep-alive interval, zero to disable
     * @param writeTimeout write and ping timeout
     * @return the new settings
     */
    public YamuxConfig withTimers(Duration keepAlive, Duration writeTimeout) {
        return new YamuxConfig(initialWindow, maxWindow, maxFrameData, acceptBacklog, ackBacklog, maxInboundStreams, maxOutboundStreams, keepAlive, writeTimeout, streamCloseTimeout, sessionWindowBudget);
    }

    /**
     * A copy with another stream close timeout.
     *
     * @param timeout how long a stream we closed waits for the remote's FIN before it is reset; zero waits forever
     * @return the new settings
     */
    public YamuxConfig withStreamCloseTimeout(Duration timeout) {
        return new YamuxConfig(initialWindow, maxWindow, maxFrameData, acceptBacklog, ackBacklog, maxInboundStreams, maxOutboundStreams, keepAliveInterval, writeTimeout, timeout, sessionWindowBudget);
    }

    /**
     * A copy with another memory budget across a session's streams.
     *
     * @param bytes the receive window, above the initial window, all streams of a session may be granted together
     * @return the new settings
     */
    public YamuxConfig withSessionWindowBudget(long bytes) {
        return new YamuxConfig(initialWindow, maxWindow, maxFrameData, acceptBacklog, ackBacklog, maxInboundStreams, maxOutboundStreams,
                keepAliveInterval, writeTimeout, streamCloseTimeout, bytes);
    }

    /**
     * A copy with another ACK backlog.
     *
     * @param backlog our streams the remote may leave unacknowledged before {@code openStream} waits
     * @return the new settings
     */
    public YamuxConfig withAckBacklog(int backlog) {
        return new YamuxConfig(initialWindow, maxWindow, maxFrameData, acceptBacklog, backlog, maxInboundStreams, maxOutboundStreams, keepAliveInterval, writeTimeout, streamCloseTimeout, sessionWindowBudget);
    }

    /**
     * A copy with another accept backlog.
     *
     * @param backlog inbound streams waiting to be accepted
     * @return the new settings
     */
    public YamuxConfig withAcceptBacklog(int backlog) {
        return new YamuxConfig(initialWindow, maxWindow, maxFrameData, backlog, ackBacklog, maxInboundStreams, maxOutboundStreams, keepAliveInterval, writeTimeout, streamCloseTimeout, sessionWindowBudget);
    }
}
