package org.jlibp2p.examples;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.relay.RelayConfig;
import org.jlibp2p.relay.RelayEvent;
import org.jlibp2p.relay.RelayService;

/** {@code relay}: a circuit relay v2 node, printing its reservations and circuits until interrupted. */
final class RelayCommand implements Command {
    @Override
    public String name() {
        return "relay";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "run a circuit relay, until Ctrl-C";
    }

    @Override
    public String description() {
        return """
                Run a circuit relay v2 node (/libp2p/circuit/relay/0.2.0/hop): a peer that nobody can dial
                (listen --relay ADDR) reserves a slot here and others reach it at ADDR/p2p-circuit/p2p/<its id>.
                Prints its addresses, then one line per reservation, refusal and circuit (who relays to whom, and
                the bytes each way when it ends), until interrupted. Circuits are limited to 2 minutes and
                128 KiB each way, as go-libp2p's relays limit them; --limit-seconds and --limit-bytes change
                that (0 lifts the limit).""";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--host", "H", "0.0.0.0", "the address or host name to listen on"),
                Option.value("--port", "P", "0", "the TCP port; 0 picks a free one"),
                Option.value("--limit-seconds", "S", "120", "how long a relayed connection may last; 0 for no limit"),
                Option.value("--limit-bytes", "N", "128KiB", "the most bytes relayed each way per connection (KiB, MiB suffixes); 0 for no limit"));
    }

    @Override
    public int maxArguments() {
        return 0;
    }

    @Override
    public int run(Context ctx) throws InterruptedException {
        String listen = ctx.listenAddress();
        RelayConfig defaults = RelayConfig.defaults();
        int seconds = ctx.cli.intOption("--limit-seconds", (int) defaults.limitDuration().toSeconds(), 0, Integer.MAX_VALUE);
        long bytes = ctx.cli.sizeOption("--limit-bytes", defaults.limitData());
        RelayService relay = new RelayService(defaults.withLimit(Duration.ofSeconds(seconds), bytes));
        relay.addListener(event -> report(ctx, event));
        try (Host host = ctx.host(ctx.identity(), listen, Map.of(), b -> b.service(relay))) {
            List<String> addrs = Context.dialable(host);
            ctx.emit(Json.object("event", "listening", "peerId", host.peerId().toString(), "addrs", addrs, "relay", true),
                    "peer id " + host.peerId() + "\nrelaying on\n  " + String.join("\n  ", addrs)
                            + "\nbehind a NAT, run: " + Context.launcher() + " listen --relay " + Context.localFirst(host.fullAddrs()));
            try {
                new CountDownLatch(1).await(); // until interrupted
                return 0;
            } finally {
                ctx.stopping();
            }
        } catch (InterruptedException e) {
            return 0;
        } catch (IOException e) {
            return ctx.fail("relay", e);
        }
    }

    private static void report(Context ctx, RelayEvent event) {
        switch (event) {
            case RelayEvent.Reserved r -> ctx.emit(Json.object("event", "reservation", "peerId", r.peer().toString(),
                            "remoteAddr", r.address().toString(), "expire", r.expire().toString(), "renewal", r.renewal()),
                    (r.renewal() ? "renewed " : "reserved ") + "a slot for " + r.peer() + " at " + r.address() + " until " + r.expire());
            case RelayEvent.Refused r -> ctx.emit(Json.object("event", "refused", "peerId", r.peer().toString(),
                            "request", r.request().map(Enum::name).orElse(null), "target", r.target().map(Object::toString).orElse(null),
                            "status", r.status().name(), "reason", r.reason()),
                    "refused " + r.request().map(Enum::name).orElse("a request") + " from " + r.peer()
                            + r.target().map(t -> " to " + t).orElse("") + ": " + r.status() + " (" + r.reason() + ")");
            case RelayEvent.CircuitOpened c -> ctx.emit(Json.object("event", "circuit", "source", c.source().toString(),
                            "target", c.target().toString()),
                    "circuit " + c.source() + " -> " + c.target());
            case RelayEvent.CircuitClosed c -> ctx.emit(Json.object("event", "circuit-closed", "source", c.source().toString(),
                            "target", c.target().toString(), "bytesFromSource", c.bytesFromSource(), "bytesFromTarget", c.bytesFromTarget(),
                            "seconds", c.lasted().toMillis() / 1000.0, "reason", c.reason()),
                    "circuit " + c.source() + " -> " + c.target() + " closed after " + c.lasted().toMillis() / 1000.0 + " s, "
                            + c.bytesFromSource() + " bytes from the source, " + c.bytesFromTarget() + " from the target: " + c.reason());
        }
    }
}
