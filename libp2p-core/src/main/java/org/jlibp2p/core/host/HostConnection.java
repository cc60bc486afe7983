package org.jlibp2p.core.host;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multistream.LazyChannel;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.MuxedStream;

/**
 * One upgraded connection of a host. Its stream loop runs on one virtual thread: it accepts inbound
 * streams and gives each its own virtual thread, which negotiates the protocol and runs the handler.
 */
final class HostConnection implements Connection {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.host");

    private final Host host;
    private final Upgrader.Upgraded upgraded;
    private final Role direction;
    private final Instant openedAt = Instant.now();
    private final Set<HostStream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inbound = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * What the host's events said of this connection: {@link #UNANNOUNCED}, {@link #OPENED} announced,
     * or {@link #ENDED_FIRST}: it ended before its opened event went out, and its closed event waits
     * for that one.
     */
    private final AtomicInteger announced = new AtomicInteger(UNANNOUNCED);
    private static final int UNANNOUNCED = 0;
    private static final int OPENED = 1;
    private static final int ENDED_FIRST = 2;
    private final boolean limited;
    private final String remoteIp;
    private volatile long lastActive = System.nanoTime();
    /** Its flight recorder event, begun now and committed at the close; null without a recorder. */
    private final FlightEvents.Connection flight = FlightEvents.recorderStarted() ? new FlightEvents.Connection() : null;
    private final java.util.concurrent.atomic.AtomicInteger streamsOpened = new java.util.concurrent.atomic.AtomicInteger();
    /** Names this connection's threads in thread dumps; made once, since base58 costs a BigInteger division per digit. */
    final String threadTag;

    HostConnection(Host host, Upgrader.Upgraded upgraded, Role direction) {
        this.host = host;
        this.upgraded = upgraded;
        this.direction = direction;
        this.limited = upgraded.limited();
        if (flight != null) {
            flight.begin();
        }
        this.remoteIp = PendingHandshakes.addressOf(upgraded.secure().remoteAddress());
        String peer = remotePeer().toBase58();
        this.threadTag = peer.substring(peer.length() - 6); // the end: every Ed25519 id starts "12D3KooW"
    }

    /** The stream loop: until the session ends. */
    void acceptStreams() {
        try {
            while (true) {
                MuxedStream stream = upgraded.session().acceptStream(Duration.ZERO);
                if (inbound.incrementAndGet() > host.limits().maxStreamsPerConnection()) {
                    inbound.decrementAndGet();
                    host.limitLog.refused("streams per connection", () -> "resetting a stream from " + remotePeer() + ": the limit of "
                            + host.limits().maxStreamsPerConnection() + " inbound streams per connection is reached");
                    stream.reset();
                    continue;
                }
                try {
                    host.run("stream-" + threadTag, () -> serve(stream));
                } catch (RejectedExecutionException e) {
                    stream.reset(); // the host is closing
                    inbound.decrementAndGet();
                    return;
                }
            }
        } catch (IOException e) {
            // the session ended
        } finally {
            close();
        }
    }

    /**
     * Negotiates an inbound stream's protocol and runs its handler; closes the stream when the
     * handler returns (unless the handler kept it, {@link ProtocolStream#keepOpen()}) and resets it
     * when the handler throws anything, an {@link Error} included.
     */
    private void serve(MuxedStream stream) {
        boolean counted = true; // in `inbound`, until the handler returns or the stream is refused
        try {
            String protocol;
            try {
                protocol = MultistreamSelect.listenerSelect(stream, host.handlers::has, host.handlers::protocols, host.limits().streamNegotiationTimeout());
            } catch (IOException e) {
                LOG.log(Level.DEBUG, () -> "stream negotiation with " + remotePeer() + " failed: " + e.getMessage());
                stream.reset();
                return;
            }
            Handlers.Registration registration = host.handlers.get(protocol);
            if (registration == null) {
                LOG.log(Level.DEBUG, () -> "handler for " + protocol + " was removed");
                stream.reset();
                return;
            }
            if (limited && !host.handlers.allowedOnLimited(protocol)) {
                LOG.log(Level.DEBUG, () -> "resetting a " + protocol + " stream from " + remotePeer() + ": not allowed on a limited connection");
                stream.reset();
                return;
            }
            if (!host.handlers.tryAcquire(remotePeer(), protocol, registration)) {
                host.limitLog.refused("streams per peer per protocol", () -> "resetting a " + protocol + " stream from " + remotePeer()
                        + ": the limit of " + registration.perPeer() + " concurrent streams of that protocol per peer is reached");
                stream.reset();
                return;
            }
            if (!registration.slots().tryAcquire()) {
                host.handlers.release(remotePeer(), protocol);
                host.limitLog.refused("streams per protocol", () -> "resetting a " + protocol + " stream from " + remotePeer()
                        + ": the limit of " + registration.limit() + " concurrent streams of that protocol is reached");
                stream.reset();
                return;
            }
            HostStream hostStream = track(new HostStream(stream, protocol, this, Role.RESPONDER));
            if (LOG.isLoggable(Level.TRACE)) {
                LOG.log(Level.TRACE, "inbound stream " + stream.id() + " from " + remotePeer() + " speaks " + protocol);
            }
            try {
                try {
                    hostStream.setReadTimeout(host.limits().inboundStreamIdleTimeout()); // a handler that waits longer sets its own
                    registration.handler().handle(hostStream);
                } finally {
                    // The stream counts against the limits while its handler runs. Released before
                    // our close goes out, so a remote that waits for that close before opening its
                    // next stream never finds its own finished stream still counted.
                    registration.slots().release();
                    host.handlers.release(remotePeer(), protocol);
                    inbound.decrementAndGet();
                    counted = false;
                }
                if (!hostStream.kept()) {
                    hostStream.close();
                }
            } catch (Exception | Error e) {
                // A stream or network failure is the remote's doing and common: DEBUG. Anything
                // else is the handler's own failure, which its operator must see: WARNING.
                LOG.log(e instanceof IOException ? Level.DEBUG : Level.WARNING,
                        () -> protocol + " handler failed for " + remotePeer() + ": " + e);
                hostStream.reset();
                if (e instanceof VirtualMachineError vm) {
                    throw vm;
                }
            }
        } finally {
            if (counted) {
                inbound.decrementAndGet();
            }
        }
    }

    void forget(HostStream stream) {
        streams.remove(stream);
        lastActive = System.nanoTime();
    }

    /** Services that need this connection kept: while any does, it is neither closed for idleness nor trimmed. */
    private final Set<Object> protectors = ConcurrentHashMap.newKeySet();

    void protect(Object by) {
        protectors.add(by);
    }

    void unprotect(Object by) {
        protectors.remove(by);
    }

    boolean isProtected() {
        return !protectors.isEmpty();
    }

    /** {@return true if no stream is open on it, in either direction} */
    boolean isIdle() {
        return streams.isEmpty() && inbound.get() == 0 && upgraded.session().streamCount() == 0;
    }

    /** {@return nanoseconds (System.nanoTime) since it became idle, or 0 if it is in use} */
    long idleNanos() {
        return isIdle() && !isProtected() ? System.nanoTime() - lastActive : 0;
    }

    long bufferedBytes() {
        return upgraded.session().bufferedBytes();
    }

    /** {@return the remote IP address, as the per-address limits count it} */
    String remoteIp() {
        return remoteIp;
    }

    @Override
    public ProtocolStream newStream(String... protocols) throws IOException {
        if (protocols.length == 0) {
            throw new IllegalArgumentException("name at least one protocol");
        }
        for (String p : protocols) {
            checkAllowed(p);
        }
        return openOutbound(stream -> {
            String agreed = MultistreamSelect.dialerSelect(stream, List.of(protocols), host.limits().streamNegotiationTimeout());
            if (LOG.isLoggable(Level.TRACE)) {
                LOG.log(Level.TRACE, "outbound stream " + stream.id() + " to " + remotePeer() + " speaks " + agreed);
            }
            return new HostStream(stream, agreed, this, Role.INITIATOR);
        });
    }

    @Override
    public ProtocolStream newStreamLazy(String protocol) throws IOException {
        checkAllowed(protocol);
        return openOutbound(stream -> {
            LazyChannel lazy = MultistreamSelect.dialerSelectLazy(stream, protocol, host.limits().streamNegotiationTimeout());
            if (LOG.isLoggable(Level.TRACE)) {
                LOG.log(Level.TRACE, "outbound stream " + stream.id() + " to " + remotePeer() + " proposes " + protocol + " lazily");
            }
            return new HostStream(stream, lazy, protocol, this, Role.INITIATOR);
        });
    }

    /** How an outbound stream's protocol is agreed, on the muxer's new stream. */
    private interface Negotiation {
        HostStream negotiate(MuxedStream stream) throws IOException;
    }

    /** Opens a muxed stream, negotiates its protocol and counts it; a stream whose negotiation fails is reset. */
    private HostStream openOutbound(Negotiation negotiation) throws IOException {
        MuxedStream stream = upgraded.session().openStream();
        try {
            return track(negotiation.negotiate(stream));
        } catch (IOException | RuntimeException e) {
            stream.reset();
            throw e;
        }
    }

    /** Counts a stream whose protocol is agreed (or proposed) and adds it to this connection's streams. */
    private HostStream track(HostStream stream) {
        streamsOpened.incrementAndGet();
        streams.add(stream);
        return stream;
    }

    /** Throws unless {@code protocol} may open a stream on this connection (on a limited one, only those allowed there). */
    private void checkAllowed(String protocol) throws LimitedConnectionException {
        if (limited && !host.handlers.allowedOnLimited(protocol)) {
            throw new LimitedConnectionException(protocol + " may not run on the limited connection to " + remotePeer()
                    + " (allow it with Host.allowOnLimitedConnections)");
        }
    }

    @Override
    public PeerId remotePeer() {
        return upgraded.secure().remotePeer();
    }

    @Override
    public PublicKey remotePublicKey() {
        return upgraded.secure().remotePublicKey();
    }

    @Override
    public Role direction() {
        return direction;
    }

    @Override
    public Multiaddr localAddress() {
        return upgraded.secure().localAddress();
    }

    @Override
    public Multiaddr remoteAddress() {
        return upgraded.secure().remoteAddress();
    }

    @Override
    public String securityProtocol() {
        return upgraded.secure().securityProtocol();
    }

    @Override
    public String muxerProtocol() {
        return upgraded.muxer();
    }

    @Override
    public boolean muxerFromSecurityHandshake() {
        return upgraded.muxerFromHandshake();
    }

    @Override
    public Instant openedAt() {
        return openedAt;
    }

    @Override
    public List<ProtocolStream> streams() {
        return List.copyOf(streams);
    }

    @Override
    public boolean isLimited() {
        return limited;
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /** Commits the connection's flight recorder event, if a recorder had started when it opened. */
    private void recordEnd() {
        if (flight == null) {
            return;
        }
        flight.end();
        if (flight.shouldCommit()) {
            flight.peer = remotePeer().toString();
            flight.direction = direction.name();
            flight.localAddress = String.valueOf(localAddress());
            flight.remoteAddress = String.valueOf(remoteAddress());
            flight.security = securityProtocol();
            flight.muxer = muxerProtocol();
            flight.limited = limited;
            flight.streams = streamsOpened.get();
            flight.commit();
        }
    }

    /**
     * Announces the connection, once it is registered and its streams are served; then its end too,
     * if it ended meanwhile ({@link #announceClosed}).
     */
    void announceOpened(EventBus events) {
        events.publish(new HostEvent.ConnectionOpened(this));
        if (!announced.compareAndSet(UNANNOUNCED, OPENED)) {
            events.publish(new HostEvent.ConnectionClosed(this));
        }
    }

    /**
     * Announces the connection's end, unless its opened event has not gone out yet: a connection can
     * end as soon as its stream loop runs, before the host announces it. Then
     * {@link #announceOpened} announces the end after it, so a subscriber never hears of the end of a
     * connection first; one whose opened event never goes out (the host closed before) ends unheard.
     */
    void announceClosed(EventBus events) {
        if (!announced.compareAndSet(UNANNOUNCED, ENDED_FIRST)) {
            events.publish(new HostEvent.ConnectionClosed(this));
        }
    }

    /** Closes the session and every stream; the host hears of it once (and announces it if it was registered). */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            recordEnd();
            upgraded.session().close();
            streams.clear();
            host.connectionClosed(this);
        }
    }

    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return upgraded.session().awaitTermination(timeout);
    }

    @Override
    public String toString() {
        return (direction == Role.INITIATOR ? "outbound" : "inbound") + " connection to " + remotePeer() + " at " + remoteAddress()
                + " (" + securityProtocol() + ", " + muxerProtocol() + ", " + streams.size() + " streams)";
    }
}
