package org.jlibp2p.yamux;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jlibp2p.core.Duplex;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.memory.Pipes;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.testing.SocketDuplex;

/**
 * Yamux alone, without encryption: one stream's throughput over in-memory pipes and loopback TCP, with
 * the window fixed at 256 KiB and auto-tuned, and streams opened and closed per second on one session.
 * Not a test: run it with {@code scripts/bench-yamux.sh}.
 */
public final class YamuxBenchmark {
    private YamuxBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args optional: MiB per throughput run (default 2048), then streams to open and close
     *     (default 100000; a fifth more run first as a warm-up)
     * @throws Exception if a run fails
     */
    public static void main(String[] args) throws Exception {
        long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 2048) << 20;
        int streamCount = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        YamuxConfig tuned = YamuxConfig.defaults();
        YamuxConfig fixed = tuned.withFixedWindow(YamuxConfig.SPEC_INITIAL_WINDOW);
        System.out.printf("%-34s %12s%n", "yamux, one stream", "MB/s");
        for (String link : new String[] {"pipe", "tcp"}) {
            for (YamuxConfig config : new YamuxConfig[] {fixed, tuned}) {
                String name = link + ", window " + (config == fixed ? "fixed 256 KiB" : "auto-tuned");
                throughput(link, config, bytes / 4); // warm-up
                double best = 0;
                for (int i = 0; i < 3; i++) {
                    best = Math.max(best, throughput(link, config, bytes));
                }
                System.out.printf("%-34s %12.0f%n", name, best);
            }
        }
        openClose(Math.max(1, streamCount / 5)); // warm-up
        System.out.printf("%-34s %12.0f%n", "streams opened+closed/s (pipe)", openClose(streamCount));
        System.out.printf("(JDK %s, %d cores; best of 3 runs of %d MiB)%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), bytes >> 20);
    }

    private static Duplex[] link(String kind) throws IOException {
        if (kind.equals("pipe")) {
            Pipes.Pair p = Pipes.pair(1 << 20);
            return new Duplex[] {p.a(), p.b()};
        }
        SocketDuplex.Pair p = SocketDuplex.pair();
        return new Duplex[] {p.a(), p.b()};
    }

    private static double throughput(String kind, YamuxConfig config, long bytes) throws Exception {
        Duplex[] link = link(kind);
        YamuxMuxer muxer = new YamuxMuxer(config);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
             MuxedSession client = muxer.newSession(link[0], Role.INITIATOR);
             MuxedSession server = muxer.newSession(link[1], Role.RESPONDER)) {
            Thread.sleep(20); // let the first ping measure the RTT
            Future<Long> sink = executor.submit(() -> {
                MuxedStream s = server.acceptStream(Duration.ofSeconds(10));
                byte[] buf = new byte[256 * 1024];
                long total = 0;
                for (int n; (n = s.in().read(buf)) >= 0; ) {
                    total += n;
                }
                return total;
            });
            byte[] chunk = new byte[256 * 1024];
            long start = System.nanoTime();
            MuxedStream s = client.openStream();
            for (long sent = 0; sent < bytes; sent += chunk.length) {
                s.out().write(chunk);
            }
            s.closeWrite();
            long received = sink.get();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (received != bytes) {
                throw new IllegalStateException("received " + received + " of " + bytes);
            }
            return bytes / seconds / 1e6;
        }
    }

    private static double openClose(int count) throws Exception {
        Pipes.Pair p = Pipes.pair(1 << 20);
        YamuxMuxer muxer = new YamuxMuxer();
        // The executor is declared first so that it closes last, after the sessions end its accept loop.
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
             MuxedSession client = muxer.newSession(p.a(), Role.INITIATOR);
             MuxedSession server = muxer.newSession(p.b(), Role.RESPONDER)) {
            executor.submit(() -> {
                while (true) {
                    MuxedStream s = server.acceptStream(Duration.ZERO);
                    s.in().read();
                    s.close();
                }
            });
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                MuxedStream s = client.openStream();
                s.closeWrite();
                if (s.in().read() != -1) {
                    throw new IllegalStateException("unexpected data");
                }
            }
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }
}
