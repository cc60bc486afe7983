package org.jlibp2p.tests.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
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
 * upgraded per second with 1, 2 and 4 concurrent dialers, and streams opened and closed per second
 * on one connection. Not a test: run it with {@code scripts/bench-rates.sh}.
 */
public final class StackBenchmark {
    private static final Duration T = Duration.ofSeconds(10);

    private StackBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args optional: seconds per measurement (default 5)
     * @throws Exception if a step fails
     */
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        PrivateKey serverKey = PrivateKey.generate(KeyType.ED25519);
        PrivateKey clientKey = PrivateKey.generate(KeyType.ED25519);
        TcpTransport tcp = new TcpTransport();
        YamuxMuxer yamux = new YamuxMuxer();
        NoiseSecureChannel serverNoise = new NoiseSecureChannel(serverKey);
        NoiseSecureChannel clientNoise = new NoiseSecureChannel(clientKey);
        try (Listener listener = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
             ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
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
                            executor.submit(() -> {
                                stream.in().read();
                                stream.close();
                                return null;
                            });
                        }
                    });
                }
            });
            System.out.printf("%-44s %10s%n", "TCP + Noise + Yamux, loopback, one JVM", "per second");
            for (int dialers : new int[] {1, 2, 4}) {
                upgrades(tcp, clientNoise, yamux, listener.localAddress(), dialers, seconds / 3); // warm-up
                System.out.printf("%-44s %10.0f%n", "connections upgraded, " + dialers + " concurrent dialer(s)",
                        upgrades(tcp, clientNoise, yamux, listener.localAddress(), dialers, seconds));
            }
            try (MuxedSession session = connect(tcp, clientNoise, yamux, listener.localAddress())) {
                streams(session, seconds / 3);
                System.out.printf("%-44s %10.0f%n", "streams opened + closed on one connection", streams(session, seconds));
            }
            System.out.printf("(JDK %s, %d cores)%n", Runtime.version(), Runtime.getRuntime().availableProcessors());
            listener.close();
            executor.shutdownNow();
        }
    }

    private static MuxedSession connect(TcpTransport tcp, NoiseSecureChannel noise, YamuxMuxer yamux, Multiaddr addr) throws Exception {
        RawConnection raw = tcp.dial(addr, T);
        MultistreamSelect.dialerSelect(raw, List.of(NoiseSecureChannel.PROTOCOL_ID), T);
        SecureConnection s = noise.secureOutbound(raw, null, List.of(YamuxMuxer.PROTOCOL_ID));
        return yamux.newSession(s, Role.INITIATOR);
    }

    private static double upgrades(TcpTransport tcp, NoiseSecureChannel noise, YamuxMuxer yamux, Multiaddr addr, int dialers, double seconds) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicInteger count = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < dialers; i++) {
                all.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        connect(tcp, noise, yamux, addr).close();
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

    private static double streams(MuxedSession session, double seconds) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        int n = 0;
        while (System.nanoTime() < end) {
            MuxedStream s = session.openStream();
            s.closeWrite();
            if (s.in().read() != -1) {
                throw new IllegalStateException("unexpected data");
            }
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }
}
