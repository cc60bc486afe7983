package org.jlibp2p.relay;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.ReadDeadline;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.HostService;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.ServiceContext;
import org.jlibp2p.core.record.Envelope;

/**
 * The client side of reservations (relay/circuit-v2.md, "Hop Protocol", "Reservation"): reserves a
 * slot on each configured relay, keeps it by renewing before it expires, and tells the
 * {@code /p2p-circuit} addresses at which other peers reach this host through the relays.
 *
 * <pre>{@code
 * RelayClient relays = new RelayClient(Multiaddr.parse("/ip4/198.51.100.7/tcp/4001/p2p/12D3KooWRelay..."));
 * try (Host host = Host.builder()
 *         .transport(RelayTransport::new)
 *         .service(relays)
 *         .listen("/p2p-circuit")
 *         .build()) {
 *     relays.awaitReservation(Duration.ofSeconds(10));
 *     System.out.println(relays.circuitAddrs());   // [/ip4/198.51.100.7/tcp/4001/p2p/12D3KooWRelay.../p2p-circuit/p2p/12D3KooW...]
 * }
 * }</pre>
 *
 * <p>For each relay, one virtual thread: it connects (or uses the open direct connection), sends
 * RESERVE, checks the answer as go-libp2p does (a STATUS, OK, a reservation not yet expired, a
 * voucher, if any, that verifies, was signed by that relay and names this peer) and sleeps until the
 * renewal: halfway to the expiration but no later than two minutes before it. While it holds a
 * slot, the client protects the connection to the relay (neither closed as idle nor trimmed) and
 * advertises the slot's circuit addresses: identify and the signed peer record carry them, and they
 * are withdrawn when the slot lapses. A slot is lost when the connection to the relay closes ("the reservation remains
 * valid ... as long as there is an active connection"); the client then reserves again at once. A
 * failure is retried after 1 s, doubling to a minute.
 *
 * <p>The relay transport ({@link RelayTransport}) and a listen address {@code /p2p-circuit} make the
 * host accept the connections that come through the slots; the client does not need them to
 * reserve.
 */
public final class RelayClient implements HostService {
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofMinutes(1);
    /** go-libp2p's autorelay renews a reservation when it expires within two minutes. */
    static final Duration RENEW_SLACK = Duration.ofMinutes(2);
    static final Duration MIN_PAUSE = Duration.ofMillis(100);

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.relay");

    /** One relay and the slot held there. */
    private final class Slot {
        final Multiaddr address;
        final PeerId relay;
        final ReentrantLock lock = new ReentrantLock();
        final Condition wakeUp = lock.newCondition();
        boolean woken;
        volatile RelayReservation current;
        /** The connection that holds the slot, protected from idle closing and trimming; guarded by the slot. */
        Connection holding;

        Slot(Multiaddr address) {
            this.address = address;
            this.relay = address.peerId().orElseThrow(() -> new IllegalArgumentException("a relay address must end in /p2p/<relay id>: " + address));
        }

        /** Sleeps, or returns early when woken; false if interrupted (the service ends). */
        boolean sleep(Duration d) {
            lock.lock();
            try {
                long nanos = d.toNanos();
                while (!woken && !closed && nanos > 0) {
                    nanos = wakeUp.awaitNanos(nanos);
                }
                woken = false;
                return !closed;
            } catch (InterruptedException e) {
                return false;
            } finally {
                lock.unlock();
            }
        }

        void wake() {
            lock.lock();
            try {
                woken = true;
                wakeUp.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final List<ReservationListener> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock changedLock = new ReentrantLock();
    private final Condition changed = changedLock.newCondition();
    private volatile ServiceContext ctx;
    private volatile boolean closed;

    /**
     * A client for some relays.
     *
     * @param relays the relays' addresses, each ending in {@code /p2p/<relay id>}
     * @throws IllegalArgumentException if an address does not name its relay, or is relayed itself
     */
    public RelayClient(Multiaddr... relays) {
        this(List.of(relays));
    }

    /**
     * A client for some relays.
     *
     * @param relays the relays' addresses, each ending in {@code /p2p/<relay id>}
     * @throws IllegalArgumentException if an address does not name its relay, or is relayed itself
     */
    public RelayClient(List<Multiaddr> relays) {
        relays.forEach(this::addRelay);
    }

    @Override
    public String name() {
        return "relay-client";
    }

    @Override
    public void start(ServiceContext context) {
        this.ctx = context;
        context.subscribe(HostEvent.ConnectionClosed.class, e -> {
            if (closed) {
                return; // the host is closing
            }
            for (Slot slot : slots) {
                if (slot.relay.equals(e.connection().remotePeer()) && direct(slot.relay).isEmpty() && slot.current != null) {
                    lapsed(slot);
                    LOG.log(Level.INFO, () -> "lost the reservation on relay " + slot.relay + ": the connection closed; reserving again");
                    signalChanged();
                    slot.wake();
                }
            }
        });
        slots.forEach(this::run);
    }

    /**
     * Reserves on one more relay (also once the host runs).
     *
     * @param relay the relay's address, ending in {@code /p2p/<relay id>}
     * @throws IllegalArgumentException if the address does not name its relay, or is relayed itself
     */
    public void addRelay(Multiaddr relay) {
        if (CircuitRelay.isCircuitAddress(relay)) {
            throw new IllegalArgumentException("a relay is not reached through another relay: " + relay);
        }
        Slot slot = new Slot(relay);
        slots.add(slot);
        if (ctx != null) {
            run(slot);
        }
    }

    /** {@return the reservations held now, one per relay that granted one} */
    public List<RelayReservation> reservations() {
        Instant now = Instant.now();
        List<RelayReservation> out = new ArrayList<>();
        for (Slot s : slots) {
            RelayReservation r = s.current;
            if (r != null && r.isValidAt(now)) {
                out.add(r);
            }
        }
        return out;
    }

    /** {@return where other peers reach this host now: the circuit addresses of every reservation held} */
    public List<Multiaddr> circuitAddrs() {
        Set<Multiaddr> out = new LinkedHashSet<>();
        reservations().forEach(r -> out.addAll(r.circuitAddrs()));
        return List.copyOf(out);
    }

    /**
     * Waits until a reservation is held.
     *
     * @param timeout how long to wait
     * @return a reservation
     * @throws TimeoutException     if none is held in time
     * @throws InterruptedException if interrupted
     */
    public RelayReservation awaitReservation(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        changedLock.lock();
        try {
            while (true) {
                List<RelayReservation> held = reservations();
                if (!held.isEmpty()) {
                    return held.get(0);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no relay granted a reservation within " + timeout.toMillis() + " ms");
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(250)));
            }
        } finally {
            changedLock.unlock();
        }
    }

    /**
     * Tells a listener of reservations and failures from now on.
     *
     * @param listener the listener
     */
    public void addListener(ReservationListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Stops telling a listener.
     *
     * @param listener a listener added before
     */
    public void removeListener(ReservationListener listener) {
        listeners.remove(listener);
    }

    /** Stops reserving; the reservations lapse with the connections. */
    @Override
    public void close() {
        closed = true;
        slots.forEach(Slot::wake);
    }

    private void run(Slot slot) {
        String tag = slot.relay.toBase58();
        ctx.execute("reserve-" + tag.substring(tag.length() - 6), () -> loop(slot));
    }

    private void loop(Slot slot) {
        Duration backoff = Duration.ZERO;
        while (!closed) {
            Duration next;
            try {
                Connection c = direct(slot.relay).orElse(null);
                if (c == null) {
                    c = slot.address.components().size() == 1 ? ctx.connect(slot.relay) : ctx.connect(slot.address);
                }
                RelayReservation r = reserve(c, slot.address, ctx.peerId(), ctx.limits().streamNegotiationTimeout());
                RelayReservation before = slot.current;
                boolean renewal = before != null && before.isValidAt(Instant.now());
                held(slot, c, r);
                signalChanged();
                if (!renewal) {
                    LOG.log(Level.INFO, () -> "reserved a slot on relay " + slot.relay + " until " + r.expire() + "; reachable at " + r.circuitAddrs());
                }
                listeners.forEach(l -> tell(() -> l.reserved(r, renewal)));
                backoff = Duration.ZERO;
                next = renewIn(r);
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                RelayReservation held = slot.current;
                if (held != null && !held.isValidAt(Instant.now())) {
                    lapsed(slot);
                    signalChanged();
                }
                backoff = backoff.isZero() ? FIRST_RETRY : backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
                Duration retry = backoff;
                IOException cause = e instanceof IOException io ? io : new IOException(e);
                LOG.log(backoff.equals(FIRST_RETRY) ? Level.INFO : Level.DEBUG,
                        () -> "reserving on relay " + slot.address + " failed, retrying in " + retry.toMillis() + " ms: " + cause.getMessage());
                listeners.forEach(l -> tell(() -> l.failed(slot.address, cause, retry)));
                next = backoff;
            }
            if (!slot.sleep(next.compareTo(MIN_PAUSE) < 0 ? MIN_PAUSE : next)) {
                return;
            }
        }
    }

    /** When to renew: halfway, and no later than two minutes before the end. */
    private static Duration renewIn(RelayReservation r) {
        Duration remaining = Duration.between(Instant.now(), r.expire());
        Duration renew = remaining.minus(RENEW_SLACK);
        return renew.compareTo(remaining.dividedBy(2)) < 0 ? remaining.dividedBy(2) : renew;
    }

    /**
     * A reservation made or renewed over a connection: the connection is protected (the slot lasts as
     * long as it) and the circuit addresses are advertised, in identify and the signed peer record.
     */
    private void held(Slot slot, Connection c, RelayReservation r) {
        synchronized (slot) {
            RelayReservation before = slot.current;
            slot.current = r;
            ctx.protect(c);
            if (slot.holding != null && slot.holding != c) {
                ctx.unprotect(slot.holding);
            }
            slot.holding = c;
            List<Multiaddr> now = advertised(r);
            if (before != null) {
                List<Multiaddr> gone = advertised(before).stream().filter(a -> !now.contains(a)).toList();
                if (!gone.isEmpty()) {
                    ctx.removeAdvertisedAddrs(gone);
                }
            }
            ctx.addAdvertisedAddrs(now);
        }
    }

    /**
     * The circuit addresses as a host advertises its own: without the trailing {@code /p2p/<our id>},
     * so {@code <relay address>/p2p/<relay>/p2p-circuit}, as go-libp2p advertises them.
     */
    private static List<Multiaddr> advertised(RelayReservation r) {
        return r.circuitAddrs().stream().map(Multiaddr::withoutPeerId).distinct().toList();
    }

    /** A reservation lost or expired: its addresses are no longer advertised, its connection no longer protected. */
    private void lapsed(Slot slot) {
        synchronized (slot) {
            RelayReservation r = slot.current;
            slot.current = null;
            if (r != null) {
                ctx.removeAdvertisedAddrs(advertised(r));
            }
            if (slot.holding != null) {
                ctx.unprotect(slot.holding);
                slot.holding = null;
            }
        }
    }

    private Optional<Connection> direct(PeerId relay) {
        return ctx.connections(relay).stream().filter(c -> !c.isClosed() && !c.isLimited() && !CircuitRelay.isRelayed(c)).findFirst();
    }

    private void signalChanged() {
        changedLock.lock();
        try {
            changed.signalAll();
        } finally {
            changedLock.unlock();
        }
    }

    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a reservation listener failed", e);
        }
    }

    /**
     * Reserves a slot once, over an open connection to a relay, and checks the answer: a STATUS, OK,
     * with a reservation that has not expired, and a voucher (if any) that verifies, was signed by
     * the relay at the other end and names {@code self}.
     *
     * @param relay        a direct connection to the relay
     * @param relayAddress the address the relay was reached at, ending in {@code /p2p/<relay id>}
     *                     (the circuit addresses are built from it when the relay announces none)
     * @param self         this host's peer id
     * @param timeout      how long the relay may take to answer
     * @return the reservation
     * @throws RelayRefusedException     if the relay refused, with its status
     * @throws MalformedMessageException if the answer breaks the protocol or its voucher does not check
     * @throws IOException               if the connection is relayed or fails
     */
    public static RelayReservation reserve(Connection relay, Multiaddr relayAddress, PeerId self, Duration timeout) throws IOException {
        PeerId relayId = relay.remotePeer();
        if (relay.isLimited() || CircuitRelay.isRelayed(relay)) {
            throw new IOException("a reservation is made over a direct connection; the one to " + relayId + " is relayed");
        }
        ProtocolStream s = relay.newStream(CircuitRelay.HOP);
        HopMessage answer;
        try {
            HopMessage request = HopMessage.reserve();
            request.write(s.out());
            Narration.sent(relayId, request);
            ReadDeadline deadline = new ReadDeadline(s, timeout, "relay's answer to RESERVE");
            answer = HopMessage.read(deadline.guard(s.in()));
            Narration.received(relayId, answer);
            deadline.clear();
            s.close();
        } catch (IOException | RuntimeException e) {
            s.reset();
            throw e;
        }
        if (answer.type() != HopMessage.Type.STATUS) {
            throw new MalformedMessageException("relay " + relayId + " answered RESERVE with " + answer.type());
        }
        Status status = answer.status().orElseThrow(() -> new MalformedMessageException("relay " + relayId + " answered RESERVE without a status"));
        if (status != Status.OK) {
            throw new RelayRefusedException(relayId, status, "RESERVE");
        }
        HopMessage.Reservation reservation = answer.reservation()
                .orElseThrow(() -> new MalformedMessageException("relay " + relayId + " accepted RESERVE without a reservation"));
        Instant expire = reservation.expireAt();
        if (!expire.isAfter(Instant.now())) {
            throw new MalformedMessageException("relay " + relayId + " granted a reservation that expired at " + expire);
        }
        Optional<ReservationVoucher> voucher = Optional.empty();
        if (reservation.voucher().isPresent()) {
            Envelope envelope = reservation.voucher().get();
            ReservationVoucher v = ReservationVoucher.open(envelope);
            if (!v.relay().equals(relayId)) {
                throw new MalformedMessageException("the voucher from relay " + relayId + " is for relay " + v.relay());
            }
            if (!v.peer().equals(self)) {
                throw new MalformedMessageException("the voucher from relay " + relayId + " is for peer " + v.peer() + ", not us");
            }
            voucher = Optional.of(v);
        }
        List<Multiaddr> relayAddrs = new ArrayList<>();
        for (Multiaddr a : reservation.addrs()) {
            Multiaddr full = a.withPeerId(relayId);
            if (!CircuitRelay.isCircuitAddress(full) && full.peerId().map(relayId::equals).orElse(false)) {
                relayAddrs.add(full);
            }
        }
        Multiaddr reached = relayAddress.withPeerId(relayId);
        List<Multiaddr> circuitAddrs = (relayAddrs.isEmpty() ? List.of(reached) : relayAddrs).stream()
                .map(a -> CircuitRelay.circuitAddress(a, self)).distinct().toList();
        return new RelayReservation(relayId, reached, expire, relayAddrs, circuitAddrs, answer.limit(), voucher, reservation.voucher());
    }
}
