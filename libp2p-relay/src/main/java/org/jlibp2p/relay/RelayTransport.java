package org.jlibp2p.relay;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.ReadDeadline;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.ServiceContext;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.Transport;

/**
 * The relayed transport of circuit relay v2 (relay/circuit-v2.md): a connection through a relay is
 * made like any other, and the host upgrades it with its usual security and muxer.
 *
 * <pre>{@code
 * Host host = Host.builder()
 *         .transport(RelayTransport::new)   // dials /p2p-circuit addresses, serves the stop protocol
 *         .listen("/p2p-circuit")           // accepts relayed connections (with a RelayClient's reservations)
 *         .build();
 * }</pre>
 *
 * <ul>
 *   <li><b>Dialing</b> {@code <relay address>/p2p-circuit/p2p/<target>} ("Connection Initiation"):
 *       the transport uses the host's connection to the relay (connecting first if needed; never one
 *       that is itself relayed), opens a hop stream, sends CONNECT and reads the relay's STATUS. On OK
 *       the hop stream is the raw connection the host upgrades; a refusal is a
 *       {@link RelayRefusedException} with the relay's {@link Status}.</li>
 *   <li><b>Accepting</b> ("Stop Protocol"): the transport serves {@value CircuitRelay#STOP}. A relay's
 *       CONNECT names the initiator; the transport wraps the stop stream in a raw connection, hands it
 *       to its listener (the host listens on {@code /p2p-circuit}; see the module README for the
 *       hand-over), and answers OK. The host's accept loop then upgrades it as an inbound connection.
 *       Without a listener the answer is {@link Status#CONNECTION_FAILED}.</li>
 *   <li><b>Limits</b>: a relayed connection is {@linkplain RawConnection#isLimited() limited} when
 *       the relay announced a {@link Limit} (relays do by default), so only protocols allowed on
 *       limited connections run on it; {@link CircuitRelay#isRelayed(Connection)} tells a relayed
 *       connection in any case.</li>
 *   <li><b>Who is at the far end</b>: the dialing host's upgrade checks that the target answers, as
 *       for every dial. On the accepting side the relay named the initiator, and the raw connection's
 *       remote address says so ({@code <relay>/p2p-circuit/p2p/<initiator>}): the host's upgrade
 *       refuses a handshake that proves another peer, before the connection is opened.</li>
 * </ul>
 *
 * <p>The host hands transports the address with its target, so {@code host.connect(circuitAddress)}
 * opens a relayed connection, and {@code host.connect(target)} does when the peerstore knows a
 * circuit address of the target.
 */
public final class RelayTransport implements Transport {
    /** Stop requests handled at once (each is quick: read, hand over, answer). */
    static final int MAX_STOP_STREAMS = 64;
    /** Stop requests handled at once from one relay. */
    static final int MAX_STOP_STREAMS_PER_RELAY = 16;
    /** How long a stop request waits for room in a full listener before it is refused (go-libp2p's AcceptTimeout). */
    static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.relay");

    private final ServiceContext ctx;
    private final AtomicBoolean warnedNotListening = new AtomicBoolean();
    private volatile CircuitListener listener;

    /**
     * Makes the transport for a host and serves the stop protocol there. Pass the constructor to the
     * host's builder: {@code Host.builder().transport(RelayTransport::new)}.
     *
     * @param context the host's context for the transport
     */
    public RelayTransport(ServiceContext context) {
        this.ctx = Objects.requireNonNull(context, "context");
        context.setStreamHandler(CircuitRelay.STOP, this::handleStop, MAX_STOP_STREAMS, MAX_STOP_STREAMS_PER_RELAY);
    }

    /**
     * Connects to the peer an address names, through a relay if it is a {@code /p2p-circuit} address:
     * the same as {@link Host#connect(Multiaddr)}, which hands the relay transport the address with
     * its target. An open connection to the peer is reused.
     *
     * @param host    a host with a {@code RelayTransport}
     * @param address {@code <relay address>/p2p-circuit/p2p/<target>}, or any other full address
     * @return the connection
     * @throws RelayRefusedException if the relay refused the circuit
     * @throws IOException           if no connection can be made
     */
    public static Connection connect(Host host, Multiaddr address) throws IOException {
        return host.connect(address);
    }

    /**
     * As {@link #connect(Host, Multiaddr)}, for a service: the same as {@link ServiceContext#connect(Multiaddr)}.
     *
     * @param context the service's context, of a host with a {@code RelayTransport}
     * @param address {@code <relay address>/p2p-circuit/p2p/<target>}, or any other full address
     * @return the connection
     * @throws IOException if no connection can be made
     */
    public static Connection connect(ServiceContext context, Multiaddr address) throws IOException {
        return context.connect(address);
    }

    /**
     * Handles {@code <relay address>/p2p/<relay id>/p2p-circuit}, with or without {@code /p2p/<target>}
     * after it, for dialing; and {@code /p2p-circuit} alone, for listening. Never an address through
     * two relays.
     */
    @Override
    public boolean handles(Multiaddr address) {
        if (address.equals(CircuitListener.ADDRESS)) {
            return true;
        }
        if (!CircuitRelay.isCircuitAddress(address)) {
            return false;
        }
        try {
            CircuitRelay.parse(address);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws RelayRefusedException if the relay refused the circuit (no reservation, a limit, ...)
     * @throws IOException           if the relay cannot be reached, the address does not name the
     *                               target, or the relay's answer is malformed or late
     */
    @Override
    public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
        CircuitRelay.Parsed parsed;
        try {
            parsed = CircuitRelay.parse(address);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        PeerId target = parsed.target().orElseThrow(() -> new IOException("a relayed dial needs its target: " + address + "/p2p/<target>"));
        if (target.equals(ctx.peerId()) || target.equals(parsed.relay())) {
            throw new IOException("not relaying to " + (target.equals(ctx.peerId()) ? "ourselves" : "the relay itself") + ": " + address);
        }
        Connection relay = connectRelay(parsed);
        ProtocolStream hop = relay.newStream(CircuitRelay.HOP);
        try {
            HopMessage connect = HopMessage.connect(target);
            connect.write(hop.out());
            Narration.sent(parsed.relay(), connect);
            ReadDeadline deadline = new ReadDeadline(hop, timeout, "relay's answer to CONNECT");
            HopMessage answer = HopMessage.read(deadline.guard(hop.in()));
            Narration.received(parsed.relay(), answer);
            deadline.clear();
            if (answer.type() != HopMessage.Type.STATUS) {
                throw new MalformedMessageException("relay " + parsed.relay() + " answered CONNECT with " + answer.type());
            }
            Status status = answer.status().orElseThrow(() -> new MalformedMessageException("relay " + parsed.relay() + " answered without a status"));
            if (status != Status.OK) {
                throw new RelayRefusedException(parsed.relay(), status, "CONNECT to " + target);
            }
            LOG.log(Level.DEBUG, () -> "relayed connection to " + target + " through " + parsed.relay() + answer.limit().map(l -> ", limited to "
                    + l.duration().toSeconds() + " s and " + l.data() + " bytes").orElse(", unlimited"));
            Narration.step(() -> "the circuit to " + target + " through " + parsed.relay() + " is open; the upgrade (multistream, security, muxer) now runs inside it, end to end");
            return new RelayedConnection(hop, CircuitRelay.circuitAddress(parsed.relayAddress(), ctx.peerId()),
                    CircuitRelay.circuitAddress(parsed.relayAddress(), target), answer.limit());
        } catch (IOException | RuntimeException e) {
            hop.reset();
            throw e;
        }
    }

    /** A direct connection to the relay: an open one, or a new one. */
    private Connection connectRelay(CircuitRelay.Parsed parsed) throws IOException {
        Optional<Connection> open = ctx.connections(parsed.relay()).stream().filter(c -> !c.isClosed() && !c.isLimited()).findFirst();
        if (open.isPresent()) {
            return open.get();
        }
        boolean addressless = parsed.relayAddress().components().size() == 1;
        Connection c = addressless ? ctx.connect(parsed.relay()) : ctx.connect(parsed.relayAddress());
        if (c.isLimited() || CircuitRelay.isRelayed(c)) {
            throw new IOException("the connection to relay " + parsed.relay() + " is itself relayed; a relay is never reached through another");
        }
        return c;
    }

    /**
     * Listens on {@code /p2p-circuit}: from then on, circuits that relays open to this host are
     * accepted and upgraded. One listener at a time.
     *
     * @throws BindException if the transport listens already
     * @throws IOException   if the address is not {@code /p2p-circuit}
     */
    @Override
    public synchronized Listener listen(Multiaddr address) throws IOException {
        if (!address.equals(CircuitListener.ADDRESS)) {
            throw new IOException("the relay transport listens on /p2p-circuit only (reserve slots on relays with a RelayClient): " + address);
        }
        CircuitListener current = listener;
        if (current != null && !current.isClosed()) {
            throw new BindException("already listening on /p2p-circuit");
        }
        CircuitListener[] made = new CircuitListener[1];
        made[0] = new CircuitListener(() -> {
            synchronized (this) {
                if (listener == made[0]) {
                    listener = null;
                }
            }
        });
        listener = made[0];
        return made[0];
    }

    // ---- stop --------------------------------------------------------------------------------

    private void handleStop(ProtocolStream s) throws IOException {
        Connection toRelay = s.connection();
        PeerId relay = toRelay.remotePeer();
        StopMessage request;
        ReadDeadline deadline = new ReadDeadline(s, ctx.limits().streamNegotiationTimeout(), "stop request");
        try {
            request = StopMessage.read(deadline.guard(s.in()));
            Narration.received(relay, request);
        } catch (MalformedMessageException e) {
            answer(s, relay, Status.MALFORMED_MESSAGE, "a malformed stop request: " + e.getMessage());
            return;
        } finally {
            deadline.clear();
        }
        if (request.type() != StopMessage.Type.CONNECT) {
            answer(s, relay, Status.UNEXPECTED_MESSAGE, "a " + request.type() + " message as a stop request");
            return;
        }
        if (request.peer().isEmpty()) {
            answer(s, relay, Status.MALFORMED_MESSAGE, "a stop request without a peer");
            return;
        }
        PeerId source = request.peer().get().id();
        if (CircuitRelay.isRelayed(toRelay)) {
            answer(s, relay, Status.PERMISSION_DENIED, "a stop request over a relayed connection");
            return;
        }
        if (source.equals(ctx.peerId())) {
            answer(s, relay, Status.PERMISSION_DENIED, "a circuit from ourselves");
            return;
        }
        CircuitListener accepting = listener;
        if (accepting == null) {
            if (warnedNotListening.compareAndSet(false, true)) {
                LOG.log(Level.INFO, "refusing a relayed connection from " + source + " through " + relay
                        + ": the host does not listen on /p2p-circuit (logged once)");
            }
            answer(s, relay, Status.CONNECTION_FAILED, "not listening on /p2p-circuit");
            return;
        }
        Multiaddr viaRelay = toRelay.remoteAddress().withPeerId(relay);
        RelayedConnection raw = new RelayedConnection(s, CircuitRelay.circuitAddress(viaRelay, ctx.peerId()),
                CircuitRelay.circuitAddress(viaRelay, source), request.limit());
        s.setReadTimeout(Duration.ZERO); // the upgrade sets its own deadlines
        if (!accepting.reserve(ACCEPT_TIMEOUT)) {
            answer(s, relay, Status.CONNECTION_FAILED, "the host is not accepting relayed connections fast enough");
            return;
        }
        try {
            StopMessage ok = StopMessage.status(Status.OK);
            ok.write(s.out());
            Narration.sent(relay, ok);
        } catch (IOException | RuntimeException e) {
            accepting.cancel();
            throw e;
        }
        s.keepOpen(); // the stream is the relayed connection now: it outlives this handler
        accepting.deliver(raw); // only now may the host's upgrade write
        LOG.log(Level.DEBUG, () -> "accepted a relayed connection from " + source + " through " + relay);
        Narration.step(() -> "accepted the circuit from " + source + " through " + relay + "; the upgrade (multistream, security, muxer) now runs inside it, end to end");
    }

    private static void answer(ProtocolStream s, PeerId relay, Status status, String why) {
        LOG.log(Level.DEBUG, () -> "answering a stop request from relay " + relay + " with " + status + ": " + why);
        try {
            StopMessage refusal = StopMessage.status(status);
            refusal.write(s.out());
            Narration.sent(relay, refusal);
            s.closeWrite();
        } catch (IOException e) {
            // the relay went away
        }
    }

    @Override
    public String toString() {
        return "relay transport of " + ctx.peerId();
    }
}
