package org.jlibp2p.examples;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.relay.RelayClient;
import org.jlibp2p.relay.RelayReservation;
import org.jlibp2p.relay.ReservationListener;

/**
 * The {@code --relay ADDR} option of {@code listen} and {@code chat}: a {@link RelayClient} that
 * reserves a slot on the relay and renews it until the host closes, and the host listening on
 * {@code /p2p-circuit} so that circuits through the relay come in. Reservations are printed once the
 * command has printed where it listens.
 */
final class Relaying implements ReservationListener {
    /** The option, as commands list it. */
    static final Option OPTION = Option.value("--relay", "ADDR", "none", "also be reachable through the circuit relay at ADDR (see relay)");

    private final Context ctx;
    private final RelayClient client;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Runnable> pending = new ArrayList<>();
    private boolean ready;

    private Relaying(Context ctx, RelayClient client) {
        this.ctx = ctx;
        this.client = client;
    }

    /** {@return the relaying of {@code --relay}, its events held back until {@link #start}; null without the option} */
    static Relaying of(Context ctx) {
        String relay = ctx.cli.option("--relay", null);
        if (relay == null) {
            return null;
        }
        Multiaddr addr = Context.parseTarget(relay);
        RelayClient client;
        try {
            client = new RelayClient(addr);
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException("--relay: " + e.getMessage());
        }
        Relaying r = new Relaying(ctx, client);
        client.addListener(r);
        return r;
    }

    /** Adds the relay client to a host, and the {@code /p2p-circuit} listener; nothing if {@code r} is null. */
    static void configure(Host.Builder b, Relaying r) {
        if (r != null) {
            b.service(r.client).listen("/p2p-circuit");
        }
    }

    /** Starts printing the reservations (those made already first); nothing if {@code r} is null. */
    static void start(Relaying r) {
        if (r == null) {
            return;
        }
        r.lock.lock();
        try {
            r.ready = true;
            r.pending.forEach(Runnable::run);
            r.pending.clear();
        } finally {
            r.lock.unlock();
        }
    }

    private void later(Runnable print) {
        lock.lock();
        try {
            if (ready) {
                print.run();
            } else {
                pending.add(print);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void reserved(RelayReservation r, boolean renewal) {
        List<String> addrs = r.circuitAddrs().stream().map(Multiaddr::toString).toList();
        later(() -> ctx.emit(Json.object("event", "reserved", "relay", r.relayAddress().toString(), "addrs", addrs,
                        "expire", r.expire().toString(), "renewal", renewal, "limited", r.limit().isPresent()),
                (renewal ? "renewed the slot on " : "reserved a slot on ") + r.relayAddress() + " until " + r.expire()
                        + (renewal ? "" : "; others reach this node through the relay at\n  " + String.join("\n  ", addrs))));
    }

    @Override
    public void failed(Multiaddr relay, IOException cause, Duration retryIn) {
        later(() -> ctx.emit(Json.object("event", "reservation-failed", "relay", relay.toString(), "error", String.valueOf(cause.getMessage()),
                        "retryInSeconds", retryIn.toMillis() / 1000.0),
                "no slot on " + relay + ": " + cause.getMessage() + "; trying again in " + retryIn.toMillis() / 1000.0 + " s"));
    }
}
