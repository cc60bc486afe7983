package org.jlibp2p.tests.bench;

import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.StreamResetException;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.yamux.YamuxMuxer;

/**
 * Rates of the whole stack over loopback TCP + Noise + Yamux, both ends in one JVM: connections
 * upgraded per second with 1, 2 and 4 concurrent dialers, streams opened and closed per second on
 * one connection with 1, 16 and 64 concurrent openers (on the muxer, then through two hosts, with
 * multistream-select on every stream), and one stream's throughput each way. Not a test: run it with
 * {@code scripts/bench-rates.sh}.
 */
public final class StackBenchmark {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int CHUNK = 256 * 1024;

    private StackBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args optional: seconds per measurement (default 5), then {@code streams} to measure
     *     only the stream rates, {@code hosts} only the streams through hosts, or {@code throughput}
     *     only one stream's throughput (for a profiler)
     * @throws Exception if a step fails
     */
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        String only = args.length > 1 ? args[1] : "";
        boolean connections = only.isEmpty();
        boolean muxerStreams = only.isEmpty() || only.equals("streams");
        boolean hostStreams = muxerStreams || only.equals("hosts");
        boolean throughput = only.isEmpty() || only.equals("throughput");
        PrivateKey serverKey = PrivateKey.generate(KeyType.ED25519);
        PrivateKey clientKey = PrivateKey.generate(KeyType.ED25519);
        TcpTransport tcp = new TcpTransport();
        YamuxMuxer yamux = new YamuxMuxer();
        NoiseSecureChannel serverNoise = new NoiseSecureChannel(serverKey);
        NoiseSecureChannel clientNoise = new NoiseSecureChannel(clientKey);
        Listener listener = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            // The server side: accept, upgrade, and for each stream read to the end and close.
            executor.submit(() -> {
                while (true) {
                    RawConnection raw = listener.accept();
                    executor.submit(() -> {
                        MultistreamSelect.listenerSelect(raw, List.of(NoiseSecureChannel.PROTOCOL_ID), T);
                        SecureConnection s = serverNoise.secureInbound(raw, List.of(YamuxMuxer.PROTOCOL_ID));
                        MuxedSession session = yamux.newSession(s, Role.RESPONDER);
                        while (true) {
                            MuxedStream stream = session.acceptStream(Duration.ZERO);
                            executor.submit(() -> serve(stream));
                        }
                    });
                }
            });
            System.out.printf("%-50s %10s%n", "TCP + Noise + Yamux, loopback, one JVM", "per second");
            for (int dialers : connections ? new int[] {1, 2, 4} : new int[0]) {
                upgrades(tcp, clientNoise, yamux, listener.localAddress(), dialers, seconds / 3); // warm-up
                System.out.printf("%-50s %10.0f%n", "connections upgraded, " + dialers + " concurrent dialer(s)",
                        upgrades(tcp, clientNoise, yamux, listener.localAddress(), dialers, seconds));
            }
            try (MuxedSession session = connect(tcp, clientNoise, yamux, listener.localAddress())) {
                for (int openers : muxerStreams ? new int[] {1, 16, 64} : new int[0]) {
                    streams(session, openers, seconds / 3); // warm-up
                    System.out.printf("%-50s %10.0f%n", "streams opened + closed, " + openers + " concurrent opener(s)",
                            streams(session, openers, seconds));
                }
                if (hostStreams) {
                    hostStreams(seconds / 3); // warm-up
                    System.out.printf("%-50s %10.0f%n", "streams through hosts (multistream each), 64 openers", hostStreams(seconds));
                }
                if (throughput) {
                    for (boolean upload : new boolean[] {true, false}) {
                        throughput(session, upload, seconds / 3); // warm-up
                        System.out.printf("%-50s %10.0f%n", "one stream, " + (upload ? "upload" : "download") + " MB/s",
                                throughput(session, upload, seconds));
                    }
                }
            }
            System.out.printf("(JDK %s, %d cores)%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
        } finally {
            // On every path, a failed step's too: the accept loop and the serving loops end only
            // when their listener and sessions go, so waiting for the executor first never returns.
            listener.close();
            executor.shutdownNow();
        }
    }

    /**
     * The server side of a stream: its first byte says what the client measures. None (the client
     * closed at once): close. {@code 'U'}: read to the end, then close. {@code 'D'}: write until the
     * client resets the stream.
     */
    private static Void serve(MuxedStream stream) throws Exception {
        switch (stream.in().read()) {
            case 'U' -> stream.in().transferTo(OutputStream.nullOutputStream());
            case 'D' -> {
                byte[] chunk = new byte[CHUNK];
                try {
                    while (true) {
                        stream.out().write(chunk);
                    }
                } catch (StreamResetException e) {
                    return null; // the client has measured enough
                }
            }
            default -> { }
        }
        stream.close();
        return null;
    }

    /**
     * Streams opened and closed per second through two hosts, as an application opens them: each
     * {@code newStream} negotiates {@code /echo/1.0.0} with multistream-select, then the opener closes
     * its side and waits for the handler to close.
     */
    private static double hostStreams(double seconds) throws Exception {
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").handler("/echo/1.0.0", s -> s.in().transferTo(s.out())).build();
             Host client = Host.builder().build()) {
            Connection c = client.connect(server.fullAddrs().get(0));
            return perSecond(64, seconds, () -> {
                try (ProtocolStream s = c.newStream("/echo/1.0.0")) {
                    s.closeWrite();
                    if (s.in().read() != -1) {
                        throw new IllegalStateException("unexpected data");
                    }
                }
            });
        }
    }

    /** One stream's throughput in MB/s, upload (client to server) or download, for {@code seconds}. */
    private static double throughput(MuxedSession session, boolean upload, double seconds) throws Exception {
        MuxedStream s = session.openStream();
        s.out().write(upload ? 'U' : 'D');
        s.out().flush();
        byte[] chunk = new byte[CHUNK];
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long bytes = 0;
        if (upload) {
            while (System.nanoTime() < end) {
                s.out().write(chunk);
                bytes += chunk.length;
            }
            s.closeWrite();
            if (s.in().read() != -1) { // the server's close: everything sent has been read
                throw new IllegalStateException("unexpected data");
            }
        } else {
            while (System.nanoTime() < end) {
                int n = s.in().read(chunk);
                if (n < 0) {
                    throw new IllegalStateException("the server stopped sending");
                }
                bytes += n;
            }
            s.reset();
        }
        return bytes / ((System.nanoTime() - start) / 1e9) / 1e6;
    }

    private static MuxedSession connect(TcpTransport tcp, NoiseSecureChannel noise, YamuxMuxer yamux, Multiaddr addr) throws Exception {
        RawConnection raw = tcp.dial(addr, T);
        MultistreamSelect.dialerSelect(raw, List.of(NoiseSecureChannel.PROTOCOL_ID), T);
        SecureConnection s = noise.secureOutbound(raw, null, List.of(YamuxMuxer.PROTOCOL_ID));
        return yamux.newSession(s, Role.INITIATOR);
    }

    private static double upgrades(TcpTransport tcp, NoiseSecureChannel noise, YamuxMuxer yamux, Multiaddr addr, int dialers, double seconds) throws Exception {
        return perSecond(dialers, seconds, () -> connect(tcp, noise, yamux, addr).close());
    }

    /**
     * Streams opened and closed per second on one connection by {@code openers} concurrent threads,
     * each opening a stream, closing its side and waiting for the server's close, again and again.
     */
    private static double streams(MuxedSession session, int openers, double seconds) throws Exception {
        return perSecond(openers, seconds, () -> {
            MuxedStream s = session.openStream();
            s.closeWrite();
            if (s.in().read() != -1) {
                throw new IllegalStateException("unexpected data");
            }
        });
    }

    /** One step of a rate measurement. */
    private interface Step {
        void run() throws Exception;
    }

    /** How many steps per second {@code workers} concurrent loops complete in {@code seconds}. */
    private static double perSecond(int workers, double seconds, Step step) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicInteger count = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                all.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        step.run();
                        count.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        return count.get() / ((System.nanoTime() - start) / 1e9);
    }
}
