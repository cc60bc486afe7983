package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Ping;
import org.jlibp2p.core.host.ResourceUsage;
import org.jlibp2p.core.multistream.MultistreamSelect;
import org.jlibp2p.core.spi.MuxedSession;
import org.jlibp2p.core.spi.MuxedStream;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.SecureConnection;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Everything at once against one listening host with default limits, over loopback, where the
 * attacker and the good peer share one address: 300 idle sockets, 128 sockets reopened as soon as
 * they are dropped, and one peer trying to hold 256 connections with 4 ping streams each (1,024).
 * A good peer must still connect and ping within 2 s each, 20 times in a row; afterwards the
 * listener's connections, heap and file descriptors go back to where they were.
 */
@Timeout(180)
class AttackTest {
    private static final Duration GOOD_PEER_BOUND = Duration.ofSeconds(2);
    private volatile boolean attacking = true;
    private final ConcurrentLinkedQueue<AutoCloseable> attackerResources = new ConcurrentLinkedQueue<>();
    private final List<Thread> attackers = new ArrayList<>();

    @Test
    void aGoodPeerIsServedWhileTheListenerIsUnderAttack() throws Exception {
        try (Host listener = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build()) {
            Multiaddr addr = listener.listenAddrs().get(0);
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", Integer.parseInt(addr.valueOf(MultiaddrProtocol.TCP).orElseThrow()));
            long heapBefore = usedHeapAfterGc();
            long fdsBefore = openFileDescriptors();
            int threadsBefore = ThreadLeakCheck.liveThreads("jlibp2p-", "yamux-").size();

            // 300 sockets that connect and never send a byte
            for (int i = 0; i < 300; i++) {
                Socket s = new Socket();
                s.connect(target, 5000);
                attackerResources.add(s);
            }
            // 128 sockets, each reopened as soon as the listener drops it
            AtomicInteger reopened = new AtomicInteger();
            for (int i = 0; i < 128; i++) {
                attackers.add(Thread.ofVirtual().start(() -> {
                    while (attacking) {
                        try (Socket s = new Socket()) {
                            s.connect(target, 5000);
                            s.setSoTimeout(30_000);
                            InputStream in = s.getInputStream();
                            while (attacking && in.read() >= 0) {
                                // the listener may send its multistream header; wait for the close
                            }
                            reopened.incrementAndGet();
                        } catch (IOException e) {
                            pause(50);
                        }
                    }
                }));
            }
            // one identity, trying to hold 256 connections with 4 ping streams each
            PrivateKey attackerKey = PrivateKey.generate(KeyType.ED25519);
            AtomicInteger heldStreams = new AtomicInteger();
            for (int i = 0; i < 256; i++) {
                attackers.add(Thread.ofVirtual().start(() -> {
                    while (attacking) {
                        try {
                            holdPingStreams(listener, attackerKey, heldStreams);
                        } catch (IOException | RuntimeException e) {
                            // refused or reset: try again a little later
                        }
                        pause(1000);
                    }
                }));
            }
            // let the attack build up past the first-bytes deadline (3 s), so that the silent
            // sockets are being dropped and reopened while the good peer comes
            pause(4000);

            List<Duration> connects = new ArrayList<>();
            List<Duration> pings = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                try (Host good = Host.builder().build()) {
                    long start = System.nanoTime();
                    Connection c = good.connect(listener.fullAddrs().get(0));
                    Duration connect = Duration.ofNanos(System.nanoTime() - start);
                    start = System.nanoTime();
                    assertThat(good.ping(c.remotePeer(), 1)).hasSize(1);
                    Duration ping = Duration.ofNanos(System.nanoTime() - start);
                    connects.add(connect);
                    pings.add(ping);
                    assertThat(connect).as("connection " + (i + 1) + " of 20 while under attack").isLessThan(GOOD_PEER_BOUND);
                    assertThat(ping).as("ping " + (i + 1) + " of 20 while under attack").isLessThan(GOOD_PEER_BOUND);
                }
                pause(150); // spread over a few seconds of the attack
            }
            ResourceUsage during = listener.resourceUsage();
            System.out.println("attack: good peer connect ms " + millis(connects) + ", ping ms " + millis(pings));
            System.out.println("attack: listener usage " + during + ", sockets reopened " + reopened.get());
            // the one attacking identity holds at most its per-peer share: 8 connections, 2 ping streams
            assertThat(listener.connections().stream().filter(c -> c.remotePeer().equals(org.jlibp2p.core.PeerId.fromPublicKey(attackerKey.publicKey())))
                    .count()).isLessThanOrEqualTo(listener.limits().maxConnectionsPerPeer());
            assertThat(during.streamsByProtocol().getOrDefault(Ping.PROTOCOL_ID, 0)).isLessThanOrEqualTo(Ping.MAX_STREAMS_PER_PEER + 1);
            assertThat(reopened.get()).as("silent sockets were dropped and came back during the attack").isPositive();

            attacking = false;
            for (AutoCloseable r : attackerResources) {
                r.close();
            }
            for (Thread t : attackers) {
                t.interrupt();
                assertThat(t.join(Duration.ofSeconds(30))).isTrue();
            }
            attackerResources.forEach(r -> {
                try {
                    r.close();
                } catch (Exception e) {
                    // closed
                }
            });
            // back to the baseline: no connection, no pending handshake, heap and descriptors as before
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!listener.connections().isEmpty() || listener.resourceUsage().pendingHandshakes() > 0) {
                assertThat(System.nanoTime()).as("the listener lets go of the attack: " + listener.resourceUsage()).isLessThan(deadline);
                pause(50);
            }
            while (openFileDescriptors() > fdsBefore + 16) {
                assertThat(System.nanoTime()).as("file descriptors back to " + fdsBefore + ", now " + openFileDescriptors()).isLessThan(deadline);
                pause(50);
            }
            attackerResources.clear(); // the attacker's own objects live in this JVM too
            pause(500); // let the last threads end before dumping threads (a dump during heavy churn crashed JDK 25.0.3)
            while (ThreadLeakCheck.liveThreads("jlibp2p-", "yamux-").size() > threadsBefore) {
                assertThat(System.nanoTime()).as("threads back to " + threadsBefore + ": " + ThreadLeakCheck.liveThreads("jlibp2p-", "yamux-"))
                        .isLessThan(deadline);
                pause(50);
            }
            long heapAfter = usedHeapAfterGc();
            System.out.println("attack: heap before " + heapBefore / 1024 + " KiB, after " + heapAfter / 1024 + " KiB; fds before " + fdsBefore
                    + ", after " + openFileDescriptors());
            assertThat(heapAfter - heapBefore).as("heap growth that stays after the attack").isLessThan(8L * 1024 * 1024);
        } finally {
            attacking = false;
            attackers.forEach(Thread::interrupt);
            for (AutoCloseable r : attackerResources) {
                try {
                    r.close();
                } catch (Exception e) {
                    // closed
                }
            }
        }
    }

    /** One connection of the attacking identity with 4 ping streams, held while the attack lasts. */
    private void holdPingStreams(Host listener, PrivateKey key, AtomicInteger held) throws IOException {
        RawConnection raw = new TcpTransport().dial(listener.listenAddrs().get(0), Duration.ofSeconds(5));
        attackerResources.add(raw);
        MultistreamSelect.dialerSelect(raw, List.of(NoiseSecureChannel.PROTOCOL_ID), Duration.ofSeconds(5));
        SecureConnection secure = new NoiseSecureChannel(key).secureOutbound(raw, listener.peerId(), List.of(YamuxMuxer.PROTOCOL_ID));
        MuxedSession session = new YamuxMuxer().newSession(secure, Role.INITIATOR);
        attackerResources.add(session::close);
        List<MuxedStream> streams = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            MuxedStream s = session.openStream();
            MultistreamSelect.dialerSelect(s, List.of(Ping.PROTOCOL_ID), Duration.ofSeconds(5));
            s.out().write(new byte[Ping.PAYLOAD_LENGTH]);
            s.out().flush();
            s.setReadTimeout(Duration.ofSeconds(5));
            if (s.in().readNBytes(Ping.PAYLOAD_LENGTH).length == Ping.PAYLOAD_LENGTH) {
                streams.add(s);
                held.incrementAndGet();
            }
        }
        // one ping every 50 s would keep them; the attack ends long before
        while (attacking && !session.isClosed()) {
            pause(100);
        }
        session.close();
    }

    private static String millis(List<Duration> ds) {
        return ds.stream().map(d -> String.valueOf(d.toMillis())).toList().toString();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            pause(100);
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    private static long openFileDescriptors() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return 0;
        }
        try (var list = Files.list(fds)) {
            return list.count();
        }
    }
}
