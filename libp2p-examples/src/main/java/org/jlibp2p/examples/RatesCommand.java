package org.jlibp2p.examples;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Ping;
import org.jlibp2p.core.host.ProtocolStream;

/**
 * {@code rates <addr>}: connections per second from concurrent dialers, then streams opened and
 * closed per second on one connection from concurrent openers. Each dialer is a host of its own
 * (the first with the node's identity, the others with fresh keys), since a host keeps one
 * connection per peer.
 */
final class RatesCommand extends ClientCommand {
    @Override
    public String name() {
        return "rates";
    }

    @Override
    public String arguments() {
        return "<addr>";
    }

    @Override
    public String summary() {
        return "measure connections per second and streams per second";
    }

    @Override
    public String description() {
        return """
                Measure against one peer, S seconds each: connections per second made by N concurrent dialers,
                each a host of its own dialing, pinging once and hanging up in a loop; then /echo/1.0.0 streams
                opened and closed per second on one connection by K concurrent openers.""";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--seconds", "S", "3", "length of each measurement"),
                Option.value("--dialers", "N", "4", "concurrent dialers (1 to 64)"),
                Option.value("--openers", "K", "64", "concurrent stream openers (1 to 1024)"));
    }

    @Override
    Duration defaultTimeout(Cli cli) {
        return Context.DEFAULT_TIMEOUT.plusSeconds(2L * cli.intOption("--seconds", 1, 3600)); // two measurements
    }

    @Override
    void validate(Context ctx) {
        ctx.cli.intOption("--seconds", 1, 3600);
        ctx.cli.intOption("--dialers", 1, 64);
        ctx.cli.intOption("--openers", 1, 1024);
    }

    @Override
    Result call(Context ctx, Host host, Multiaddr addr) throws Exception {
        int seconds = ctx.cli.intOption("--seconds", 1, 3600);
        int dialers = ctx.cli.intOption("--dialers", 1, 64);
        int openers = ctx.cli.intOption("--openers", 1, 1024);
        List<Host> hosts = new ArrayList<>(List.of(host));
        try {
            for (int i = 1; i < dialers; i++) {
                hosts.add(ctx.host(PrivateKey.generate(ctx.keyType()), null, Map.of()));
            }
            double connectionsPerSecond = perSecond(hosts.size(), seconds, i -> {
                Connection c = ctx.connect(hosts.get(i), addr);
                try (ProtocolStream s = c.newStreamLazy(Ping.PROTOCOL_ID)) {
                    Ping.ping(s, 1);
                }
                c.close();
            });
            Connection c = ctx.connect(host, addr);
            double streamsPerSecond = perSecond(openers, seconds, i -> {
                try (ProtocolStream s = c.newStream(Echo.PROTOCOL_ID)) {
                    s.closeWrite();
                    if (s.in().read() != -1) {
                        throw new IOException("the echo stream sent data it was not given");
                    }
                }
            });
            return new Rates(seconds, dialers, connectionsPerSecond, openers, streamsPerSecond);
        } finally {
            for (Host h : hosts.subList(1, hosts.size())) {
                h.close();
            }
        }
    }

    /** One step of a rate measurement, run by worker {@code i} again and again. */
    private interface Step {
        void run(int i) throws Exception;
    }

    /** How many steps per second {@code workers} concurrent loops complete in {@code seconds}. */
    private static double perSecond(int workers, int seconds, Step step) throws Exception {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        AtomicLong done = new AtomicLong();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> loops = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int i = w;
                loops.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        step.run(i);
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                loop.get();
            }
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    /** The two rates and what produced them. */
    record Rates(int seconds, int dialers, double connectionsPerSecond, int openers, double streamsPerSecond) implements Result {
        @Override
        public boolean ok() {
            return true;
        }

        @Override
        public Map<String, Object> json() {
            return Json.object("action", "rates", "ok", true, "seconds", seconds, "dialers", dialers,
                    "connectionsPerSecond", connectionsPerSecond, "openers", openers, "streamsPerSecond", streamsPerSecond);
        }

        @Override
        public String human() {
            return String.format(Locale.ROOT, "%.0f connections/s (%d dialers), %.0f streams/s on one connection (%d openers)",
                    connectionsPerSecond, dialers, streamsPerSecond, openers);
        }
    }
}
