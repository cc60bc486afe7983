package org.jlibp2p.relay;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.ReadDeadline;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.HostService;
import org.jlibp2p.core.host.LimitLog;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.ServiceContext;
import org.jlibp2p.core.record.Envelope;

/**
 * The relay: serves the hop protocol of circuit relay v2 (relay/circuit-v2.md, "Hop Protocol") on a
 * host, so that peers can reserve slots and others can reach them through it.
 *
 * <pre>{@code
 * try (Host relay = Host.builder().listen("/ip4/0.0.0.0/tcp/4001").service(new RelayService()).build()) {
 *     ...
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>RESERVE</b> ("Reservation"): the peer gets a slot for {@link RelayConfig#reservationTtl()},
 *       the relay's public addresses to build its {@code /p2p-circuit} addresses from, a signed
 *       {@link ReservationVoucher} and the {@link Limit} of its relayed connections. A RESERVE from a
 *       peer that holds a slot renews it. A slot ends when it expires or when the peer's last
 *       connection to the relay closes ("If the peer disconnects, the reservation is no longer
 *       valid"); while it lasts, the connection it was made on is protected from the idle timeout
 *       and from trimming.</li>
 *   <li><b>CONNECT</b> ("Connection Initiation"): if the target holds a slot, the relay opens a stop
 *       stream on its existing connection to the target ({@value CircuitRelay#STOP}, "Stop
 *       Protocol"; a relay never dials the target), and when the target accepts, answers OK and
 *       copies bytes between the two streams until both sides close or a limit ends the circuit.</li>
 *   <li><b>Refusals</b>, each with its status: {@link Status#RESERVATION_REFUSED} (too many
 *       reservations, in all or from one IP address), {@link Status#RESOURCE_LIMIT_EXCEEDED} (too
 *       many circuits, in all or from or to one peer), {@link Status#PERMISSION_DENIED} (the
 *       {@link RelayConfig.Acl}, a request over a relayed connection: a relay never relays through
 *       another relay; or a peer asking to reach itself or the relay), {@link Status#NO_RESERVATION},
 *       {@link Status#CONNECTION_FAILED} (the stop stream failed or the target refused),
 *       {@link Status#MALFORMED_MESSAGE} and {@link Status#UNEXPECTED_MESSAGE}. Each is logged naming
 *       the limit or rule, once and then at each doubling of its count.</li>
 * </ul>
 *
 * <p>Bounds: at most {@value #MAX_HOP_STREAMS} hop requests are handled at once
 * ({@value #MAX_HOP_STREAMS_PER_PEER} from one peer; more are reset by the host), each must arrive
 * within {@link RelayConfig#handshakeTimeout()}; reservations and circuits are capped by the
 * {@link RelayConfig}; each circuit runs on two virtual threads with a copy buffer each.
 */
public final class RelayService implements HostService {
    /** Hop requests handled at once across the relay. */
    public static final int MAX_HOP_STREAMS = 256;
    /** Hop requests handled at once for one peer. */
    public static final int MAX_HOP_STREAMS_PER_PEER = 16;
    /** The most relay addresses put into a reservation. */
    static final int MAX_RESERVATION_ADDRS = 16;

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.relay");

    /**
     * A reservation the relay holds.
     *
     * @param peer    the peer that holds it
     * @param address the peer's address, as the relay sees it
     * @param expire  when it ends unless renewed
     */
    public record ReservationInfo(PeerId peer, Multiaddr address, Instant expire) {}

    /**
     * A circuit being relayed.
     *
     * @param source          the initiator
     * @param target          the peer it reached
     * @param openedAt        when it opened
     * @param bytesFromSource bytes relayed so far from the source
     * @param bytesFromTarget bytes relayed so far from the target
     */
    public record CircuitInfo(PeerId source, PeerId target, Instant openedAt, long bytesFromSource, long bytesFromTarget) {}

    private final RelayConfig config;
    private final ReservationTable reservations;
    private final LimitLog refusals = new LimitLog(LOG);
    private final Set<Circuit> circuits = ConcurrentHashMap.newKeySet();
    private final Map<PeerId, Integer> circuitsPerPeer = new HashMap<>();
    /** The connection that holds each reservation, protected from idle closing and trimming while it does. */
    private final Map<PeerId, Connection> holding = new ConcurrentHashMap<>();
    private final List<Consumer<? super RelayEvent>> listeners = new CopyOnWriteArrayList<>();
    private int circuitCount;
    private volatile ServiceContext ctx;
    private volatile boolean closed;

    /** A relay with go-libp2p's defaults ({@link RelayConfig#defaults()}). */
    public RelayService() {
        this(RelayConfig.defaults());
    }

    /**
     * A relay.
     *
     * @param config what it grants and holds at most
     */
    public RelayService(RelayConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.reservations = new ReservationTable(config.maxReservations(), config.maxReservationsPerIp());
    }

    @Override
    public String name() {
        return "relay";
    }

    @Override
    public void start(ServiceContext context) {
        this.ctx = context;
        context.setStreamHandler(CircuitRelay.HOP, this::handleHop, MAX_HOP_STREAMS, MAX_HOP_STREAMS_PER_PEER);
        // Served on relayed connections too, so that a request arriving through another relay gets
        // its PERMISSION_DENIED rather than a bare reset (js-libp2p answers so as well).
        context.allowOnLimitedConnections(CircuitRelay.HOP);
        context.subscribe(HostEvent.ConnectionClosed.class, e -> disconnected(e.connection().remotePeer()));
        Duration ttl = config.reservationTtl();
        Duration gc = ttl.dividedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : ttl.dividedBy(2);
        context.schedule("relay-expiry", gc, gc, () -> {
            reservations.expire(Instant.now());
            releaseLapsed();
        });
        LOG.log(Level.DEBUG, () -> "relay started: " + config);
    }

    /** {@return the configuration} */
    public RelayConfig config() {
        return config;
    }

    /** {@return the reservations held now} */
    public List<ReservationInfo> reservations() {
        return reservations.entries(Instant.now()).stream().map(e -> new ReservationInfo(e.peer(), e.address(), e.expire())).toList();
    }

    /** {@return the circuits being relayed now} */
    public List<CircuitInfo> circuits() {
        return circuits.stream().filter(c -> !c.isEnded())
                .map(c -> new CircuitInfo(c.source, c.target, c.openedAt, c.bytesFromSource(), c.bytesFromTarget())).toList();
    }

    /**
     * Tells a listener each {@link RelayEvent}. It is called on the relay's threads as things happen,
     * so it must return quickly; an exception it throws is logged and ignored.
     *
     * @param listener the listener
     */
    public void addListener(Consumer<? super RelayEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Stops telling a listener.
     *
     * @param listener a listener added before
     */
    public void removeListener(Consumer<? super RelayEvent> listener) {
        listeners.remove(listener);
    }

    /** Ends every circuit and drops every reservation; the host removes the handler. */
    @Override
    public void close() {
        closed = true;
        new ArrayList<>(circuits).forEach(c -> c.end("the relay is closing", true));
        reservations.clear();
        releaseLapsed();
    }

    // ---- hop ---------------------------------------------------------------------------------

    private void handleHop(ProtocolStream s) throws IOException {
        PeerId peer = s.connection().remotePeer();
        HopMessage request;
        ReadDeadline deadline = new ReadDeadline(s, config.handshakeTimeout(), "hop request");
        try {
            request = HopMessage.read(deadline.guard(s.in()));
            Narration.received(peer, request);
        } catch (MalformedMessageException e) {
            refuse(s, Optional.empty(), peer, Optional.empty(), Status.MALFORMED_MESSAGE, "malformed request",
                    "a malformed hop request (" + e.getMessage() + ")");
            return;
        } finally {
            deadline.clear();
        }
        switch (request.type()) {
            case RESERVE -> reserve(s);
            case CONNECT -> connect(s, request);
            case STATUS -> refuse(s, Optional.of(request.type()), peer, Optional.empty(), Status.UNEXPECTED_MESSAGE, "unexpected message",
                    "a STATUS message sent as a request");
        }
    }

    private void reserve(ProtocolStream s) throws IOException {
        Connection c = s.connection();
        PeerId peer = c.remotePeer();
        Optional<HopMessage.Type> type = Optional.of(HopMessage.Type.RESERVE);
        if (closed) {
            refuse(s, type, peer, Optional.empty(), Status.PERMISSION_DENIED, "closing", "the relay is closing");
            return;
        }
        if (c.isLimited() || CircuitRelay.isRelayed(c)) {
            refuse(s, type, peer, Optional.empty(), Status.PERMISSION_DENIED, "relayed request",
                    "a reservation over a relayed connection (a relay never relays through another relay)");
            return;
        }
        if (!config.acl().allowReserve(peer, c.remoteAddress())) {
            refuse(s, type, peer, Optional.empty(), Status.PERMISSION_DENIED, "acl", "the relay's access control refuses it");
            return;
        }
        Instant now = Instant.now();
        Instant expire = now.plus(config.reservationTtl());
        String ip = ipOf(c.remoteAddress());
        ReservationTable.Outcome outcome = reservations.reserve(peer, ip, c.remoteAddress(), expire, now);
        switch (outcome) {
            case FULL -> {
                refuse(s, type, peer, Optional.empty(), Status.RESERVATION_REFUSED, "reservations",
                        "the limit of " + config.maxReservations() + " reservations is reached");
                return;
            }
            case IP_FULL -> {
                refuse(s, type, peer, Optional.empty(), Status.RESERVATION_REFUSED, "reservations per IP",
                        "the limit of " + config.maxReservationsPerIp() + " reservations from " + ip + " is reached");
                return;
            }
            default -> { }
        }
        long expireSeconds = expire.getEpochSecond();
        boolean renewal = outcome == ReservationTable.Outcome.RENEWED;
        LOG.log(Level.DEBUG, () -> (renewal ? "renewing the reservation of " : "reserving a slot for ") + peer + " until " + expire);
        publish(new RelayEvent.Reserved(peer, c.remoteAddress(), expire, renewal)); // before the peer hears of it
        try {
            Envelope voucher = new ReservationVoucher(ctx.peerId(), peer, expireSeconds).seal(ctx);
            HopMessage.Reservation reservation = new HopMessage.Reservation(expireSeconds, reservationAddrs(), Optional.of(voucher));
            HopMessage answer = HopMessage.reserved(reservation, config.limit());
            answer.write(s.out());
            s.out().flush();
            Narration.sent(peer, answer);
        } catch (IOException | RuntimeException e) {
            reservations.retract(peer, expire); // it never reached the peer
            releaseLapsed();
            LOG.log(Level.DEBUG, () -> "retracted the reservation of " + peer + ": the answer could not be sent: " + e);
            throw e;
        }
        hold(peer, c);
        // The answer is out: the slot is granted. A peer that closes the stream as soon as it has
        // read the answer may make this close fail; that takes nothing back.
        try {
            s.closeWrite();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "the reservation stream of " + peer + " ended before our close: " + e.getMessage());
        }
    }

    /** The relay's listen addresses for reservations: no circuits, as the config filters, each ending in /p2p/<relay>. */
    private List<Multiaddr> reservationAddrs() {
        Set<Multiaddr> out = new LinkedHashSet<>();
        for (Multiaddr a : ctx.listenAddrs()) {
            if (!a.has(MultiaddrProtocol.P2P_CIRCUIT) && config.reservationAddrs().test(a) && out.size() < MAX_RESERVATION_ADDRS) {
                out.add(a.withPeerId(ctx.peerId()));
            }
        }
        return List.copyOf(out);
    }

    private void connect(ProtocolStream s, HopMessage request) throws IOException {
        Connection c = s.connection();
        PeerId source = c.remotePeer();
        Optional<HopMessage.Type> type = Optional.of(HopMessage.Type.CONNECT);
        if (closed) {
            refuse(s, type, source, Optional.empty(), Status.PERMISSION_DENIED, "closing", "the relay is closing");
            return;
        }
        if (c.isLimited() || CircuitRelay.isRelayed(c)) {
            refuse(s, type, source, Optional.empty(), Status.PERMISSION_DENIED, "relayed request",
                    "a connect request over a relayed connection (a relay never relays through another relay)");
            return;
        }
        if (request.peer().isEmpty()) {
            refuse(s, type, source, Optional.empty(), Status.MALFORMED_MESSAGE, "malformed request", "a connect request without a peer");
            return;
        }
        PeerId target = request.peer().get().id();
        Optional<PeerId> named = Optional.of(target);
        if (target.equals(source) || target.equals(ctx.peerId())) {
            refuse(s, type, source, named, Status.PERMISSION_DENIED, "self", target.equals(source)
                    ? "a peer asked to be relayed to itself" : "a peer asked to be relayed to the relay");
            return;
        }
        if (!config.acl().allowConnect(source, c.remoteAddress(), target)) {
            refuse(s, type, source, named, Status.PERMISSION_DENIED, "acl", "the relay's access control refuses a circuit to " + target);
            return;
        }
        if (!reservations.holds(target, Instant.now())) {
            refuse(s, type, source, named, Status.NO_RESERVATION, "no reservation", target + " holds no reservation");
            return;
        }
        Connection toTarget = ctx.connections(target).stream().filter(x -> !x.isClosed() && !x.isLimited()).findFirst().orElse(null);
        if (toTarget == null) {
            reservations.remove(target);
            refuse(s, type, source, named, Status.NO_RESERVATION, "no reservation", target + " is no longer connected");
            return;
        }
        String full = admitCircuit(source, target);
        if (full != null) {
            refuse(s, type, source, named, Status.RESOURCE_LIMIT_EXCEEDED, full.substring(0, full.indexOf(':')), full.substring(full.indexOf(':') + 2));
            return;
        }
        boolean started = false;
        ProtocolStream stop = null;
        try {
            StopMessage answer;
            try {
                stop = toTarget.newStream(CircuitRelay.STOP);
                StopMessage connect = StopMessage.connect(source, config.limit());
                connect.write(stop.out());
                Narration.sent(target, connect);
                ReadDeadline deadline = new ReadDeadline(stop, config.handshakeTimeout(), "stop answer");
                answer = StopMessage.read(deadline.guard(stop.in()));
                Narration.received(target, answer);
                deadline.clear();
            } catch (IOException e) {
                refuse(s, type, source, named, Status.CONNECTION_FAILED, "stop failed", "the stop stream to " + target + " failed: " + e.getMessage());
                return;
            }
            if (answer.type() != StopMessage.Type.STATUS || answer.status().orElse(null) != Status.OK) {
                refuse(s, type, source, named, Status.CONNECTION_FAILED, "stop refused", target + " answered the stop request with "
                        + answer.type() + " " + answer.status().map(Status::name).orElse("(no status)"));
                return;
            }
            HopMessage ok = HopMessage.status(Status.OK, config.limit());
            ok.write(s.out());
            Narration.sent(source, ok);
            Narration.step(() -> "relaying " + source + " <-> " + target + ": copying bytes both ways until an end closes or the limit (" + config.limit().map(Limit::toString).orElse("none") + ")");
            s.keepOpen();
            Circuit circuit = new Circuit(source, target, s, stop, config, this::circuitEnded);
            circuits.add(circuit);
            started = true;
            publish(new RelayEvent.CircuitOpened(source, target));
            LOG.log(Level.DEBUG, () -> "relaying " + source + " -> " + target);
            circuit.start(ctx);
            if (closed) {
                circuit.end("the relay is closing", true);
            }
        } finally {
            if (!started) {
                releaseCircuit(source, target);
                if (stop != null) {
                    stop.reset();
                }
            }
        }
    }

    /** Takes a circuit slot for both peers, or names the limit that is reached ("key: message"). */
    private synchronized String admitCircuit(PeerId source, PeerId target) {
        if (circuitCount >= config.maxCircuits()) {
            return "circuits: the limit of " + config.maxCircuits() + " circuits is reached";
        }
        int perPeer = config.maxCircuitsPerPeer();
        if (circuitsPerPeer.getOrDefault(source, 0) >= perPeer) {
            return "circuits per peer: the limit of " + perPeer + " circuits from " + source + " is reached";
        }
        if (circuitsPerPeer.getOrDefault(target, 0) >= perPeer) {
            return "circuits per peer: the limit of " + perPeer + " circuits to " + target + " is reached";
        }
        circuitCount++;
        circuitsPerPeer.merge(source, 1, Integer::sum);
        circuitsPerPeer.merge(target, 1, Integer::sum);
        return null;
    }

    private synchronized void releaseCircuit(PeerId source, PeerId target) {
        circuitCount--;
        circuitsPerPeer.computeIfPresent(source, (p, n) -> n <= 1 ? null : n - 1);
        circuitsPerPeer.computeIfPresent(target, (p, n) -> n <= 1 ? null : n - 1);
    }

    private void circuitEnded(Circuit c) {
        if (circuits.remove(c)) {
            releaseCircuit(c.source, c.target);
            publish(new RelayEvent.CircuitClosed(c.source, c.target, c.bytesFromSource(), c.bytesFromTarget(),
                    Duration.between(c.openedAt, Instant.now()), c.reason()));
        }
    }

    /** Answers a refusal, logs it under its limit or rule, and tells the listeners. */
    private void refuse(ProtocolStream s, Optional<HopMessage.Type> request, PeerId peer, Optional<PeerId> target, Status status, String limit,
            String reason) {
        refusals.refused(limit, () -> "relay: refused " + request.map(Enum::name).orElse("a request") + " from " + peer
                + target.map(t -> " to " + t).orElse("") + " with " + status + ": " + reason);
        publish(new RelayEvent.Refused(request, peer, target, status, reason)); // before the peer hears of it
        try {
            HopMessage refusal = HopMessage.refusal(status);
            refusal.write(s.out());
            Narration.sent(peer, refusal);
            s.closeWrite();
        } catch (IOException e) {
            // the peer went away; nothing to tell
        }
    }

    private void disconnected(PeerId peer) {
        boolean connected = ctx.connections(peer).stream().anyMatch(c -> !c.isClosed() && !c.isLimited());
        if (!connected && reservations.remove(peer)) {
            LOG.log(Level.DEBUG, () -> "dropped the reservation of " + peer + ": it disconnected");
        }
        releaseLapsed();
    }

    /** Protects the connection that holds a peer's reservation (the slot lasts as long as it), instead of the one before. */
    private void hold(PeerId peer, Connection c) {
        ctx.protect(c);
        Connection before = holding.put(peer, c);
        if (before != null && before != c) {
            ctx.unprotect(before);
        }
        if (!reservations.holds(peer, Instant.now())) {
            releaseLapsed(); // dropped meanwhile
        }
    }

    /** Unprotects the connections of reservations that ended, and closed ones. */
    private void releaseLapsed() {
        Instant now = Instant.now();
        holding.forEach((peer, c) -> {
            if (c.isClosed() || !reservations.holds(peer, now)) {
                if (holding.remove(peer, c)) {
                    ctx.unprotect(c);
                }
            }
        });
    }

    private void publish(RelayEvent event) {
        for (Consumer<? super RelayEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a relay event listener failed on " + event, e);
            }
        }
    }

    /** The IP address of a peer's address, for the per-IP cap; an address without one counts as itself. */
    static String ipOf(Multiaddr address) {
        for (Multiaddr.Component c : address.components()) {
            if (c.protocol() == MultiaddrProtocol.IP4 || c.protocol() == MultiaddrProtocol.IP6) {
                try {
                    return InetAddress.getByAddress(c.value()).getHostAddress();
                } catch (UnknownHostException e) {
                    break;
                }
            }
        }
        return address.toString();
    }

    long refusals(String limit) {
        return refusals.count(limit);
    }
}
