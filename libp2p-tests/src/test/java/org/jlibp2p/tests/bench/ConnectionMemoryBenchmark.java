package org.jlibp2p.tests.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.yamux.YamuxMuxer;

/**
 * Heap and RSS per idle connection: N connections over loopback TCP + Noise + Yamux between two
 * identities in one JVM (both ends counted), upgraded exactly as a host does it, then left idle.
 * Not a test: run it with {@code scripts/bench-memory.sh [N]}.
 */
public final class ConnectionMemoryBenchmark {
    private ConnectionMemoryBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args optional: the number of connections (default 2000)
     * @throws Exception if a step fails
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        PrivateKey serverKey = PrivateKey.generate(KeyType.ED25519);
        PrivateKey clientKey = PrivateKey.generate(KeyType.ED25519);
        TcpTransport tcp = new TcpTransport();
        YamuxMuxer yamux = new YamuxMuxer();
        List<MuxedSession> sessions = new ArrayList<>();
        long heapBefore = usedHeap();
        long rssBefore = rss();
        int made = 0;
        try (Listener listener = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
             ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            NoiseSecureChannel serverNoise = new NoiseSecureChannel(serverKey);
            NoiseSecureChannel clientNoise = new NoiseSecureChannel(clientKey);
            List<String> muxers = List.of(YamuxMuxer.PROTOCOL_ID);
            long start = System.nanoTime();
            try {
                var os = (com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                for (; made < n; made++) {
                    if (os.getOpenFileDescriptorCount() + 64 > os.getMaxFileDescriptorCount()) {
                        System.out.println("stopped at the file descriptor limit (" + os.getMaxFileDescriptorCount()
                                + "; each connection takes two here, one per end)");
                        break;
                    }
                    Future<MuxedSession> inbound = executor.submit(() -> {
                        RawConnection raw = listener.accept();
                        MultistreamSelect.listenerSelect(raw, List.of(NoiseSecureChannel.PROTOCOL_ID), Duration.ofSeconds(10));
                        SecureConnection s = serverNoise.secureInbound(raw, muxers);
                        return yamux.newSession(s, Role.RESPONDER);
                    });
                    RawConnection raw = tcp.dial(listener.localAddress(), Duration.ofSeconds(10));
                    MultistreamSelect.dialerSelect(raw, List.of(NoiseSecureChannel.PROTOCOL_ID), Duration.ofSeconds(10));
                    SecureConnection s = clientNoise.secureOutbound(raw, null, muxers);
                    sessions.add(yamux.newSession(s, Role.INITIATOR));
                    sessions.add(inbound.get());
                }
            } catch (Exception e) {
                System.out.println("stopped after " + made + " connections: " + e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(2000); // idle: first pings answered, buffers settled
            long heap = usedHeap() - heapBefore;
            long rss = rss() - rssBefore;
            System.out.printf("connections            %d (both ends in this JVM, %.0f upgrades/s)%n", made, made / seconds);
            System.out.printf("heap per connection    %.1f KiB (both ends; %.1f KiB per end)%n", heap / 1024.0 / made, heap / 2048.0 / made);
            System.out.printf("RSS per connection     %.1f KiB (both ends)%n", rss / 1024.0 / made);
            for (MuxedSession s : sessions) {
                s.close();
            }
        }
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
