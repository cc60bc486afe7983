package org.jlibp2p.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Ping;
import org.jlibp2p.core.host.ProtocolStream;

/** {@code ping <addr>}: round trips on one stream, or with {@code --repeat} fresh connections timed one after another. */
final class PingCommand extends ClientCommand {
    @Override
    public String name() {
        return "ping";
    }

    @Override
    public String arguments() {
        return "<addr>";
    }

    @Override
    public String summary() {
        return "ping a peer; with --repeat, time fresh connections";
    }

    @Override
    public String description() {
        return """
                Ping a peer N times on one stream (/ipfs/ping/1.0.0) and print the round trips, then their
                minimum, average and maximum as ping(8) does. With --repeat, make K fresh connections one
                after another, each a dial, a handshake and a first ping, and report their median, min and max.""";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--count", "N", "1", "round trips on one stream"),
                Option.value("--repeat", "K", "0", "time K fresh connections instead (not with --count)"));
    }

    @Override
    void validate(Context ctx) {
        ctx.cli.intOption("--count", 1, 1_000_000);
        ctx.cli.intOption("--repeat", 0, 1_000_000);
        if (ctx.cli.has("--count") && ctx.cli.has("--repeat")) {
            throw new Cli.UsageException("--count and --repeat do not combine: --repeat pings once on each of its K connections");
        }
    }

    @Override
    Result call(Context ctx, Host host, Multiaddr addr) throws Exception {
        int count = ctx.cli.intOption("--count", 1, 1_000_000);
        int repeat = ctx.cli.intOption("--repeat", 0, 1_000_000);
        if (repeat > 0) {
            List<Double> perConnection = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                long start = System.nanoTime();
                Connection c = ctx.connect(host, addr);
                // The first ping leaves with the stream's proposal: one round trip for both, as a
                // go-libp2p client pings a peer it knows (lazy multistream-select).
                try (ProtocolStream s = c.newStreamLazy(Ping.PROTOCOL_ID)) {
                    Ping.ping(s, 1);
                }
                perConnection.add((System.nanoTime() - start) / 1e6);
                c.close();
            }
            return new Connections(perConnection);
        }
        try (ProtocolStream s = ctx.connect(host, addr).newStream(Ping.PROTOCOL_ID)) {
            return new RoundTrips(Ping.ping(s, count).stream().map(d -> d.toNanos() / 1e6).toList());
        }
    }

    /** Round trips on one stream, in milliseconds. */
    record RoundTrips(List<Double> rttsMs) implements Result {
        @Override
        public boolean ok() {
            return true;
        }

        // Plain loops, not a DoubleStream: the one-shot ping's summary is the only user of those
        // classes, which the ahead-of-time cache (trained by `ping --repeat`) would not hold.
        double min() {
            double min = rttsMs.isEmpty() ? 0 : Double.MAX_VALUE;
            for (double x : rttsMs) {
                min = Math.min(min, x);
            }
            return min;
        }

        double avg() {
            double sum = 0;
            for (double x : rttsMs) {
                sum += x;
            }
            return rttsMs.isEmpty() ? 0 : sum / rttsMs.size();
        }

        double max() {
            double max = 0;
            for (double x : rttsMs) {
                max = Math.max(max, x);
            }
            return max;
        }

        @Override
        public Map<String, Object> json() {
            return Json.object("action", "ping", "ok", true, "rttMs", rttsMs.get(0), "count", rttsMs.size(), "rttsMs", rttsMs,
                    "minMs", min(), "avgMs", avg(), "maxMs", max());
        }

        @Override
        public String human() {
            StringJoiner each = new StringJoiner(", ", "ping [", "]");
            for (double x : rttsMs) {
                each.add(Fixed.of(x, 2) + " ms");
            }
            return rttsMs.size() == 1 ? each.toString()
                    : each + System.lineSeparator() + rttsMs.size() + " round trips, rtt min/avg/max = " + Fixed.of(min(), 3) + "/"
                            + Fixed.of(avg(), 3) + "/" + Fixed.of(max(), 3) + " ms";
        }
    }

    /** Fresh connections, each a dial, a handshake and a first ping, in milliseconds. */
    record Connections(List<Double> connectionsMs) implements Result {
        @Override
        public boolean ok() {
            return true;
        }

        double median() {
            List<Double> sorted = connectionsMs.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        @Override
        public Map<String, Object> json() {
            List<Double> sorted = connectionsMs.stream().sorted().toList();
            return Json.object("action", "ping", "ok", true, "repeat", connectionsMs.size(), "medianMs", median(), "minMs", sorted.get(0),
                    "maxMs", sorted.get(sorted.size() - 1), "connectionsMs", connectionsMs);
        }

        @Override
        public String human() {
            List<Double> sorted = connectionsMs.stream().sorted().toList();
            return sorted.size() + " connections: median " + Fixed.of(median(), 2) + " ms, min " + Fixed.of(sorted.get(0), 2) + " ms, max "
                    + Fixed.of(sorted.get(sorted.size() - 1), 2) + " ms (dial + handshake + first ping)";
        }
    }
}
