package org.jlibp2p.examples;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;

/** {@code perf <addr>}: throughput with /perf/1.0.0 (libp2p/specs perf/perf.md). */
final class PerfCommand extends ClientCommand {
    static final Duration PERF_TIMEOUT = Duration.ofSeconds(600);

    @Override
    public String name() {
        return "perf";
    }

    @Override
    public String arguments() {
        return "<addr>";
    }

    @Override
    public String summary() {
        return "measure throughput with /perf/1.0.0";
    }

    @Override
    public String description() {
        return "Measure throughput with /perf/1.0.0 (perf/perf.md). Sizes take KiB, MiB, GiB suffixes.";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--upload", "N", "0", "bytes to send"),
                Option.value("--download", "N", "0", "bytes to ask back"));
    }

    @Override
    Duration defaultTimeout(Cli cli) {
        return PERF_TIMEOUT;
    }

    @Override
    void validate(Context ctx) {
        ctx.cli.sizeOption("--upload", 0);
        ctx.cli.sizeOption("--download", 0);
    }

    @Override
    Result call(Context ctx, Host host, Multiaddr addr) throws Exception {
        long upload = ctx.cli.sizeOption("--upload", 0);
        long download = ctx.cli.sizeOption("--download", 0);
        try (ProtocolStream s = ctx.connect(host, addr).newStream(Perf.PROTOCOL_ID)) {
            return new Measured(download, Perf.run(s, upload, download));
        }
    }

    /** A run: what moved, and how long it took. */
    record Measured(long expectedDownload, Perf.Result run) implements Result {
        @Override
        public boolean ok() {
            return run.downloaded() == expectedDownload;
        }

        private static double mbps(long bytes, double seconds) {
            return seconds <= 0 ? 0 : bytes / seconds / 1e6;
        }

        @Override
        public Map<String, Object> json() {
            return Json.object("action", "perf", "ok", ok(), "uploadBytes", run.uploaded(), "downloadBytes", run.downloaded(),
                    "seconds", run.seconds(), "uploadMBps", mbps(run.uploaded(), run.uploadSeconds()),
                    "downloadMBps", mbps(run.downloaded(), run.downloadSeconds()));
        }

        @Override
        public String human() {
            return ok() ? String.format("perf: up %d bytes at %.1f MB/s, down %d bytes at %.1f MB/s, %.3f s",
                    run.uploaded(), mbps(run.uploaded(), run.uploadSeconds()), run.downloaded(), mbps(run.downloaded(), run.downloadSeconds()),
                    run.seconds()) : "perf failed";
        }
    }
}
