package org.jlibp2p.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;

/**
 * {@code perf}: throughput with /perf/1.0.0 (libp2p/specs perf/perf.md), with the command line and
 * the output of the perf tool of libp2p/test-plans (perf/README.md), so that the tool can run in
 * libp2p's performance benchmarks: {@code --run-server}, {@code --server-address},
 * {@code --upload-bytes}, {@code --download-bytes}, {@code --transport tcp}; with {@code --json},
 * a line {@code {"type":"intermediary","timeSeconds","uploadBytes","downloadBytes"}} each second (the
 * bytes moved in that interval) and a last line of {@code "type":"final"} whose time includes the
 * connection setup.
 */
final class PerfCommand extends ClientCommand {
    static final Duration PERF_TIMEOUT = Duration.ofSeconds(600);
    /** How often progress is reported, as the perf harness asks. */
    static final Duration REPORT_INTERVAL = Duration.ofSeconds(1);
    /**
     * The identity of a perf server given none: the Ed25519 key of the all-zero seed, which the
     * go-libp2p perf server of libp2p/test-plans has too, so a client needs only HOST:PORT.
     */
    static PrivateKey serverIdentity() {
        return ServerIdentity.KEY;
    }

    /**
     * Made on first use: deriving the key loads and runs the JDK's Ed25519 code, about 0.1 s of a
     * fresh process that most commands never need.
     */
    private static final class ServerIdentity {
        static final PrivateKey KEY = PrivateKey.ed25519FromSeed(new byte[32]);
    }

    static final String DEFAULT_SERVER_ADDRESS = "0.0.0.0:4001";

    private final Duration reportInterval;

    PerfCommand() {
        this(REPORT_INTERVAL);
    }

    PerfCommand(Duration reportInterval) {
        this.reportInterval = reportInterval;
    }

    @Override
    public String name() {
        return "perf";
    }

    @Override
    public String arguments() {
        return "[<addr>]";
    }

    @Override
    public String summary() {
        return "measure throughput with /perf/1.0.0, or serve it (--run-server)";
    }

    @Override
    public String description() {
        return """
                Measure throughput with /perf/1.0.0 (perf/perf.md): upload N bytes on one stream, then download M.
                Sizes take KiB, MiB, GiB suffixes; give at least one. The command line is the perf tool's of
                libp2p/test-plans: the peer is <addr> or --server-address HOST:PORT (then the server is assumed to
                have the harness's fixed identity, %s); --run-server serves
                /perf/1.0.0 at --server-address (default %s) with that identity unless --identity or --seed is given.
                With --json, a line {"type":"intermediary",...} each second and a last line {"type":"final",...}
                whose timeSeconds includes the connection setup; on a terminal, progress each second on stderr."""
                .formatted(PeerId.fromPublicKey(serverIdentity().publicKey()), DEFAULT_SERVER_ADDRESS);
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--upload-bytes", "N", "0", "bytes to send").alias("--upload"),
                Option.value("--download-bytes", "N", "0", "bytes to ask back").alias("--download"),
                Option.value("--server-address", "HOST:PORT", "none; with --run-server " + DEFAULT_SERVER_ADDRESS,
                        "the server, instead of <addr>; with --run-server, where to listen"),
                Option.flag("--run-server", "serve /perf/1.0.0 until interrupted"),
                Option.value("--transport", "tcp", "tcp", "the transport (only tcp)"));
    }

    @Override
    Duration defaultTimeout(Cli cli) {
        return PERF_TIMEOUT;
    }

    @Override
    public int run(Context ctx) {
        String transport = ctx.cli.option("--transport", "tcp");
        if (!transport.equals("tcp")) {
            throw new Cli.UsageException("--transport " + transport + ": this implementation speaks tcp only");
        }
        return ctx.cli.flag("--run-server") ? serve(ctx) : super.run(ctx);
    }

    @Override
    Multiaddr target(Context ctx) {
        String server = ctx.cli.option("--server-address", null);
        if (server == null) {
            return ctx.target();
        }
        if (!ctx.cli.positional.isEmpty()) {
            throw new Cli.UsageException("give the server as <addr> or as --server-address, not both");
        }
        if (server.startsWith("/")) {
            Multiaddr m;
            try {
                m = Multiaddr.parse(server);
            } catch (IllegalArgumentException e) {
                return Context.parseTarget(server); // says what is wrong
            }
            return m.peerId().isPresent() ? m : Multiaddr.parse(m + "/p2p/" + PeerId.fromPublicKey(serverIdentity().publicKey()));
        }
        return Multiaddr.parse(listenAddress(server) + "/p2p/" + PeerId.fromPublicKey(serverIdentity().publicKey()));
    }

    /** {@return the multiaddr of HOST:PORT (a host name is resolved), or a multiaddr given as one} */
    private static String listenAddress(String server) {
        if (server.startsWith("/")) {
            return server;
        }
        int colon = server.lastIndexOf(':');
        if (colon <= 0) {
            throw new Cli.UsageException("--server-address must be HOST:PORT or a multiaddr, not '" + server + "'");
        }
        String host = server.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new Cli.UsageException("--server-address: '" + server.substring(colon + 1) + "' is not a port");
        }
        return Context.listenAddress(host, port);
    }

    @Override
    void validate(Context ctx) {
        ctx.cli.sizeOption("--upload-bytes", 0);
        ctx.cli.sizeOption("--download-bytes", 0);
        if (!ctx.cli.has("--upload-bytes") && !ctx.cli.has("--download-bytes")) {
            throw new Cli.UsageException("say how much to move: --upload-bytes N and/or --download-bytes N (such as 64MiB)");
        }
    }

    @Override
    Result call(Context ctx, Host host, Multiaddr addr) throws Exception {
        long upload = ctx.cli.sizeOption("--upload-bytes", 0);
        long download = ctx.cli.sizeOption("--download-bytes", 0);
        Reporter reporter = new Reporter(ctx, reportInterval);
        long start = System.nanoTime();
        try (ProtocolStream s = ctx.connect(host, addr).newStream(Perf.PROTOCOL_ID)) {
            Perf.Result r = Perf.run(s, upload, download, reporter);
            reporter.finish();
            return new Measured(download, (System.nanoTime() - start) / 1e9, r);
        }
    }

    private int serve(Context ctx) {
        if (!ctx.cli.positional.isEmpty()) {
            throw new Cli.UsageException("--run-server dials nobody: give where to listen as --server-address HOST:PORT");
        }
        if (ctx.cli.has("--upload-bytes") || ctx.cli.has("--download-bytes")) {
            throw new Cli.UsageException("--upload-bytes and --download-bytes are the client's: the client says how much to move");
        }
        String listen = listenAddress(ctx.cli.option("--server-address", DEFAULT_SERVER_ADDRESS));
        PrivateKey key = Identity.configured(ctx.cli, ctx.env).orElseGet(PerfCommand::serverIdentity);
        try (Host host = ctx.host(key, listen, Map.of(Perf.PROTOCOL_ID, Perf.HANDLER))) {
            List<String> addrs = host.fullAddrs().stream().map(Multiaddr::toString).toList();
            ctx.emit(Json.object("event", "listening", "peerId", host.peerId().toString(), "addrs", addrs),
                    "perf server " + host.peerId() + "\nlistening on\n  " + String.join("\n  ", addrs));
            try {
                new CountDownLatch(1).await(); // until interrupted
            } finally {
                ctx.stopping();
            }
            return 0;
        } catch (InterruptedException e) {
            return 0;
        } catch (IOException e) {
            return ctx.fail("perf", e);
        }
    }

    /**
     * Reports progress every interval: with {@code --json} a line of {@code "type":"intermediary"}
     * with the bytes moved since the last one; on a terminal a line on stderr; otherwise nothing.
     * Called on the one thread that moves the bytes.
     */
    static final class Reporter implements Perf.Meter {
        private final Context ctx;
        private final long intervalNanos;
        private final PrintStream terminal;
        private final long start = System.nanoTime();
        private long last = start;
        private long up;
        private long down;
        private long totalUp;
        private long totalDown;
        private boolean drawn;

        Reporter(Context ctx, Duration interval) {
            this.ctx = ctx;
            this.intervalNanos = interval.toNanos();
            this.terminal = ctx.terminal();
        }

        @Override
        public void moved(long uploaded, long downloaded) {
            up += uploaded;
            down += downloaded;
            totalUp += uploaded;
            totalDown += downloaded;
            long now = System.nanoTime();
            if (now - last < intervalNanos) {
                return;
            }
            double seconds = (now - last) / 1e9;
            if (ctx.json) {
                ctx.emit(Json.object("action", "perf", "type", "intermediary", "timeSeconds", seconds, "uploadBytes", up, "downloadBytes", down), "");
            } else if (terminal != null) {
                terminal.printf(Locale.ROOT, "\rperf: %.0f s, up %d MB (%.1f MB/s), down %d MB (%.1f MB/s)  ", (now - start) / 1e9,
                        totalUp / 1_000_000, up / seconds / 1e6, totalDown / 1_000_000, down / seconds / 1e6);
                drawn = true;
            }
            last = now;
            up = 0;
            down = 0;
        }

        void finish() {
            if (drawn) {
                terminal.println();
            }
        }
    }

    /**
     * A run: what moved, and how long it took.
     *
     * @param expectedDownload what the client asked back
     * @param timeSeconds      from before the connection to the end of the download
     * @param run              the stream's own figures
     */
    record Measured(long expectedDownload, double timeSeconds, Perf.Result run) implements Result {
        @Override
        public boolean ok() {
            return run.downloaded() == expectedDownload;
        }

        private static double mbps(long bytes, double seconds) {
            return seconds <= 0 ? 0 : bytes / seconds / 1e6;
        }

        @Override
        public Map<String, Object> json() {
            Map<String, Object> j = Json.object("action", "perf", "ok", ok(), "type", "final", "timeSeconds", timeSeconds,
                    "uploadBytes", run.uploaded(), "downloadBytes", run.downloaded(), "seconds", run.seconds(),
                    "uploadMBps", mbps(run.uploaded(), run.uploadSeconds()), "downloadMBps", mbps(run.downloaded(), run.downloadSeconds()));
            if (!ok()) {
                j.put("error", "asked for " + expectedDownload + " bytes back, received " + run.downloaded());
                j.put("errorType", "ShortDownload");
            }
            return j;
        }

        @Override
        public String human() {
            return ok() ? String.format(Locale.ROOT, "perf: up %d bytes at %.1f MB/s, down %d bytes at %.1f MB/s, %.3f s (%.3f s with the connection setup)",
                    run.uploaded(), mbps(run.uploaded(), run.uploadSeconds()), run.downloaded(), mbps(run.downloaded(), run.downloadSeconds()),
                    run.seconds(), timeSeconds)
                    : "perf failed: " + json().get("error");
        }
    }
}
