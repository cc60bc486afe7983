package org.jlibp2p.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;

/** {@code echo <addr>}: random bytes on concurrent /echo/1.0.0 streams of one connection, checked on return. */
final class EchoCommand extends ClientCommand {
    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String arguments() {
        return "<addr>";
    }

    @Override
    public String summary() {
        return "send bytes on concurrent streams and check they come back";
    }

    @Override
    public String description() {
        return "Send N random bytes on each of K concurrent streams of one connection (/echo/1.0.0) and check they come back.";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--bytes", "N", "1024", "bytes per stream (KiB, MiB suffixes; under 2 GiB)"),
                Option.value("--streams", "K", "1", "concurrent streams"));
    }

    @Override
    void validate(Context ctx) {
        if (ctx.cli.sizeOption("--bytes", 1024) > Integer.MAX_VALUE - 16) {
            throw new Cli.UsageException("--bytes must be under 2 GiB");
        }
        ctx.cli.intOption("--streams", 1, 10_000);
    }

    @Override
    Result call(Context ctx, Host host, Multiaddr addr) throws Exception {
        int bytes = (int) ctx.cli.sizeOption("--bytes", 1024);
        int streams = ctx.cli.intOption("--streams", 1, 10_000);
        Connection c = ctx.connect(host, addr);
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                int seed = i;
                results.add(pool.submit(() -> {
                    byte[] data = new byte[bytes];
                    new Random(seed).nextBytes(data);
                    try (ProtocolStream s = c.newStream(Echo.PROTOCOL_ID)) {
                        Future<byte[]> back = pool.submit(() -> s.in().readAllBytes());
                        s.out().write(data);
                        s.closeWrite();
                        return Arrays.equals(back.get(), data);
                    }
                }));
            }
            int intact = 0;
            for (Future<Boolean> r : results) {
                intact += r.get() ? 1 : 0;
            }
            return new Echoed(bytes, streams, intact, (System.nanoTime() - start) / 1e9);
        }
    }

    /** How many of the streams came back intact. */
    record Echoed(long bytes, int streams, int intact, double seconds) implements Result {
        @Override
        public boolean ok() {
            return intact == streams;
        }

        @Override
        public Map<String, Object> json() {
            Map<String, Object> j = Json.object("action", "echo", "ok", ok(), "bytes", bytes, "streams", streams, "seconds", seconds);
            if (!ok()) {
                j.put("error", (streams - intact) + " of " + streams + " streams came back different");
                j.put("errorType", "EchoMismatch");
            }
            return j;
        }

        @Override
        public String human() {
            return ok() ? String.format(Locale.ROOT, "echo ok: %d streams x %d bytes in %.3f s", streams, bytes, seconds)
                    : "echo failed: " + json().get("error");
        }
    }
}
