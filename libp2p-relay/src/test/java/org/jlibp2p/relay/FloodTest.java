package org.jlibp2p.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jlibp2p.relay.RelayNet.addr;
import static org.jlibp2p.relay.RelayNet.awaitTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A relay under a flood of RESERVE and CONNECT requests (and garbage, and silence) from many peers at
 * once stays within its bounds, refuses with the right statuses, and serves honest peers afterwards.
 */
@Timeout(120)
class FloodTest {
    private static final int MAX_RESERVATIONS = 8;
    private static final int MAX_CIRCUITS = 4;
    private static final Duration FLOOD = Duration.ofSeconds(3);

    private final RelayNet net = new RelayNet();

    @AfterEach
    void close() throws InterruptedException {
        net.close();
    }

    @Test
    void aFloodOfReserveAndConnectKeepsTheRelayWithinItsBounds() throws Exception {
        RelayService service = new RelayService(RelayConfig.defaults().withReservations(Duration.ofHours(1), MAX_RESERVATIONS, MAX_RESERVATIONS)
                .withCircuits(MAX_CIRCUITS, 2).withHandshakeTimeout(Duration.ofSeconds(2)).withBufferSize(4096));
        Map<Status, AtomicLong> refusals = new ConcurrentHashMap<>();
        service.addListener(e -> {
            if (e instanceof RelayEvent.Refused x) {
                refusals.computeIfAbsent(x.status(), s -> new AtomicLong()).incrementAndGet();
            }
        });
        Host r = net.relay(service);
        List<RelayClient> clients = new ArrayList<>();
        List<Host> targets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RelayClient client = new RelayClient(addr(r));
            targets.add(net.reachableThrough(client));
            clients.add(client);
        }
        for (RelayClient c : clients) {
            c.awaitReservation(Duration.ofSeconds(20));
        }
        List<Host> flooders = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            flooders.add(net.dialer());
        }

        AtomicInteger maxReservations = new AtomicInteger();
        AtomicInteger maxCircuits = new AtomicInteger();
        AtomicLong requests = new AtomicLong();
        long end = System.nanoTime() + FLOOD.toNanos();
        List<Thread> threads = new ArrayList<>();
        // Circuits are counted through the service. Each has at most two copying threads; dumping all
        // threads to count them while thousands of virtual threads come and go crashed the JVM
        // (JDK 25.0.3: SIGSEGV in stackChunkOopDesc::sender under HotSpotDiagnosticMXBean.dumpThreads),
        // so thread dumps are taken only when the threads are quiet (ThreadLeakCheck after close).
        threads.add(Thread.ofVirtual().start(() -> {
            while (System.nanoTime() < end) {
                maxReservations.accumulateAndGet(service.reservations().size(), Math::max);
                maxCircuits.accumulateAndGet(service.circuits().size(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }));
        for (Host f : flooders) {
            for (int t = 0; t < 3; t++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    while (System.nanoTime() < end) {
                        requests.incrementAndGet();
                        try {
                            flood(f, r, targets);
                        } catch (IOException | RuntimeException e) {
                            // refused, reset, timed out: what a flood gets
                        }
                    }
                }));
            }
        }
        for (Thread t : threads) {
            t.join();
        }

        assertThat(requests.get()).as("requests sent").isGreaterThan(100);
        assertThat(maxReservations.get()).isLessThanOrEqualTo(MAX_RESERVATIONS);
        assertThat(maxCircuits.get()).isLessThanOrEqualTo(MAX_CIRCUITS);
        assertThat(refusals).containsKeys(Status.RESERVATION_REFUSED, Status.RESOURCE_LIMIT_EXCEEDED, Status.MALFORMED_MESSAGE);

        flooders.forEach(Host::close);
        awaitTrue("the flood's circuits end", () -> service.circuits().isEmpty());
        awaitTrue("the flood's reservations are dropped with its connections", () -> service.reservations().size() <= targets.size());
        for (RelayClient c : clients) {
            Host honest = net.dialer(); // one each: a peer may hold 2 circuits here
            Connection relayed = honest.connect(c.awaitReservation(Duration.ofSeconds(20)).circuitAddrs().get(0));
            assertThat(honest.ping(relayed.remotePeer(), 1)).hasSize(1);
        }
    }

    /** One request of the flood: a reservation, a circuit held a moment, garbage, or a silent stream. */
    private static void flood(Host f, Host r, List<Host> targets) throws IOException {
        Connection toRelay = f.connect(addr(r));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        switch (random.nextInt(5)) {
            case 0, 1 -> RelayClient.reserve(toRelay, addr(r), f.peerId(), Duration.ofSeconds(2));
            case 2 -> {
                try (ProtocolStream hop = toRelay.newStream(CircuitRelay.HOP)) {
                    HopMessage.connect(targets.get(random.nextInt(targets.size())).peerId()).write(hop.out());
                    HopMessage answer = HopMessage.read(hop.in());
                    if (answer.status().orElse(null) == Status.OK) {
                        hop.out().write(new byte[1000]); // a circuit, held a moment, sending nonsense
                        sleep(random.nextInt(50));
                    }
                }
            }
            case 3 -> {
                try (ProtocolStream hop = toRelay.newStream(CircuitRelay.HOP)) {
                    byte[] garbage = new byte[random.nextInt(1, 64)];
                    random.nextBytes(garbage);
                    LengthPrefixed.write(hop.out(), garbage);
                    HopMessage.read(hop.in());
                }
            }
            default -> {
                ProtocolStream silent = toRelay.newStream(CircuitRelay.HOP);
                sleep(random.nextInt(100));
                silent.reset();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
