package org.jlibp2p.core.host;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The host's JDK Flight Recorder events: what an operator sees in {@code jfr print} or JDK Mission
 * Control after {@code java -XX:StartFlightRecording ...}. They cost nothing while no recording asks
 * for them, and are not even made before the recorder has started ({@link #recorderStarted()}).
 * Names start with {@code org.jlibp2p.}.
 */
final class FlightEvents {
    private FlightEvents() {}

    /**
     * {@return whether the flight recorder has started in this JVM} It starts with
     * {@code -XX:StartFlightRecording}, {@code jcmd <pid> JFR.start} or a {@code jdk.jfr.Recording}.
     * Until then no event object is made: the first use of an event class costs a fresh JVM about
     * 0.15 s (the JDK reads the events' annotations through reflection), which a short command-line
     * run would pay for events nobody records. Events that began before the recorder started are
     * not recorded.
     */
    static boolean recorderStarted() {
        return FlightRecorder.isInitialized();
    }

    /** A connection, from its registration to its close: the event's duration is the connection's life. */
    @Name("org.jlibp2p.Connection")
    @Label("libp2p Connection")
    @Category({"libp2p", "Host"})
    @Description("A connection to a peer, from the end of its upgrade to its close")
    @StackTrace(false)
    static final class Connection extends Event {
        @Label("Peer") String peer;
        @Label("Direction") String direction;
        @Label("Local Address") String localAddress;
        @Label("Remote Address") String remoteAddress;
        @Label("Security") String security;
        @Label("Muxer") String muxer;
        @Label("Limited") boolean limited;
        @Label("Streams") int streams;
    }

    /** A connection was established (the {@link Connection} event comes when it ends). */
    @Name("org.jlibp2p.ConnectionOpened")
    @Label("libp2p Connection Opened")
    @Category({"libp2p", "Host"})
    @StackTrace(false)
    static final class ConnectionOpened extends Event {
        @Label("Peer") String peer;
        @Label("Direction") String direction;
        @Label("Remote Address") String remoteAddress;
        @Label("Security") String security;
        @Label("Muxer") String muxer;
    }

    /** One step of a connection upgrade (security negotiation, security handshake, muxer negotiation). */
    @Name("org.jlibp2p.UpgradeStep")
    @Label("libp2p Upgrade Step")
    @Category({"libp2p", "Host"})
    @Description("A step of turning a raw connection into a secure, multiplexed one; its duration is the step's")
    @StackTrace(false)
    static final class UpgradeStep extends Event {
        @Label("Step") String step;
        @Label("Direction") String direction;
        @Label("Remote Address") String remoteAddress;
        @Label("Outcome") String outcome;
    }

    /** A stream with its agreed protocol, from negotiation to its end. */
    @Name("org.jlibp2p.Stream")
    @Label("libp2p Stream")
    @Category({"libp2p", "Host"})
    @StackTrace(false)
    static final class Stream extends Event {
        @Label("Protocol") String protocol;
        @Label("Peer") String peer;
        @Label("Direction") String direction;
    }

    /** A refusal by one of the host's limits. */
    @Name("org.jlibp2p.LimitRefusal")
    @Label("libp2p Limit Refusal")
    @Category({"libp2p", "Host"})
    @StackTrace(false)
    static final class LimitRefusal extends Event {
        @Label("Limit") String limit;
        @Label("Message") String message;
    }
}
