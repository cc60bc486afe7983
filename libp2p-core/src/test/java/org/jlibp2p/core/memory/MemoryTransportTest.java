package org.jlibp2p.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MemoryTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final MemoryNetwork net = new MemoryNetwork();
    private final MemoryTransport transport = net.transport();
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("memtest-", 0).factory());

    @AfterEach
    void shutdown() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("test tasks ended").isTrue();
    }

    @Test
    void handlesMemoryAddressesOnly() {
        PeerId peer = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
        assertThat(transport.handles(Multiaddr.parse("/memory/7"))).isTrue();
        assertThat(transport.handles(Multiaddr.parse("/memory/7").withPeerId(peer))).isTrue();
        assertThat(transport.handles(Multiaddr.parse("/ip4/127.0.0.1/tcp/7"))).isFalse();
        assertThat(transport.handles(Multiaddr.parse("/memory/7/memory/8"))).isFalse();
        assertThatThrownBy(() -> transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dialAndAcceptCarryBytesBothWaysBetweenMemoryAddresses() throws Exception {
        try (Listener listener = transport.listen(Multiaddr.parse("/memory/0"))) {
            assertThat(listener.localAddress().toString()).matches("/memory/[1-9][0-9]*");
            // One thread can dial and then accept: the dial completes into the accept queue.
            RawConnection client = transport.dial(listener.localAddress(), TIMEOUT);
            RawConnection server = listener.accept();
            assertThat(client.remoteAddress()).isEqualTo(listener.localAddress());
            assertThat(server.localAddress()).isEqualTo(listener.localAddress());
            assertThat(server.remoteAddress()).isEqualTo(client.localAddress());
            assertThat(client.localAddress()).isNotEqualTo(listener.localAddress());
            assertThat(transport.handles(client.localAddress())).isTrue();

            client.out().write("ping".getBytes());
            assertThat(server.in().readNBytes(4)).isEqualTo("ping".getBytes());
            server.out().write("pong".getBytes());
            assertThat(client.in().readNBytes(4)).isEqualTo("pong".getBytes());
            client.close();
            server.close();
        }
    }

    @Test
    void aDialAddressMayNameThePeer() throws Exception {
        PeerId peer = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());
        try (Listener listener = transport.listen(Multiaddr.parse("/memory/0"));
             RawConnection c = transport.dial(listener.localAddress().withPeerId(peer), TIMEOUT)) {
            assertThat(listener.accept().localAddress()).isEqualTo(listener.localAddress());
            assertThat(c.remoteAddress()).isEqualTo(listener.localAddress());
        }
    }

    @Test
    void halfCloseDeliversEndOfStreamAndTheOtherDirectionGoesOn() throws Exception {
        try (Listener listener = transport.listen(Multiaddr.parse("/memory/0"));
             RawConnection client = transport.dial(listener.localAddress(), TIMEOUT);
             RawConnection server = listener.accept()) {
            client.out().write("request".getBytes());
            client.out().close();
            assertThat(server.in().readAllBytes()).isEqualTo("request".getBytes());
            server.out().write("response".getBytes());
            server.out().close();
            assertThat(client.in().readAllBytes()).isEqualTo("response".getBytes());
            assertThatThrownBy(() -> client.out().write(1)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void manyConcurrentDialsAreEachAcceptedAndEchoTheirOwnBytes() throws Exception {
        Listener listener = transport.listen(Multiaddr.parse("/memory/0"));
        executor.submit(() -> {
            while (true) {
                RawConnection c = listener.accept();
                executor.submit(() -> {
                    try (c) {
                        c.in().transferTo(c.out());
                        c.out().close();
                    }
                    return null;
                });
            }
        });
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int seed = i;
            results.add(executor.submit(() -> {
                byte[] data = new byte[1000 + seed * 500];
                new Random(seed).nextBytes(data);
                try (RawConnection c = transport.dial(listener.localAddress(), TIMEOUT)) {
                    Future<byte[]> back = executor.submit(() -> c.in().readAllBytes());
                    c.out().write(data);
                    c.out().close();
                    return Arrays.equals(back.get(30, TimeUnit.SECONDS), data);
                }
            }));
        }
        for (Future<Boolean> r : results) {
            assertThat(r.get(30, TimeUnit.SECONDS)).isTrue();
        }
        listener.close();
    }

    @Test
    void aDialToANumberNobodyListensOnIsRefusedAtOnce() throws Exception {
        assertThatThrownBy(() -> transport.dial(Multiaddr.parse("/memory/4242"), TIMEOUT))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("/memory/4242");
        Listener listener = transport.listen(Multiaddr.parse("/memory/0"));
        listener.close();
        assertThatThrownBy(() -> transport.dial(listener.localAddress(), TIMEOUT)).isInstanceOf(ConnectException.class);
    }

    @Test
    void networksAreSeparate() throws Exception {
        try (Listener listener = transport.listen(Multiaddr.parse("/memory/0"))) {
            MemoryTransport elsewhere = new MemoryNetwork().transport();
            assertThatThrownBy(() -> elsewhere.dial(listener.localAddress(), TIMEOUT)).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aDialDoesNotWaitForTheListenerToAccept() throws Exception {
        try (Listener listener = transport.listen(Multiaddr.parse("/memory/0"))) {
            long start = System.nanoTime();
            try (RawConnection c = transport.dial(listener.localAddress(), Duration.ofMillis(100))) {
                c.out().write(1); // buffered until the listener accepts
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
                assertThat(listener.accept().in().read()).isEqualTo(1);
            }
        }
    }

    @Test
    void aFullAcceptQueueRefusesFurtherDialsAtOnce() throws Exception {
        MemoryNetwork small = new MemoryNetwork(1024, 2);
        try (Listener listener = small.transport().listen(Multiaddr.parse("/memory/0"))) {
            RawConnection first = small.transport().dial(listener.localAddress(), TIMEOUT);
            small.transport().dial(listener.localAddress(), TIMEOUT);
            long start = System.nanoTime();
            assertThatThrownBy(() -> small.transport().dial(listener.localAddress(), TIMEOUT))
                    .isInstanceOf(ConnectException.class)
                    .hasMessageContaining("accept queue")
                    .hasMessageContaining("(2)");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
            // Accepting one makes room for one more.
            first.out().write(7);
            assertThat(listener.accept().in().read()).isEqualTo(7);
            small.transport().dial(listener.localAddress(), TIMEOUT);
        }
    }

    @Test
    void listeningOnANumberInUseFailsUntilItIsFreed() throws Exception {
        Listener a = transport.listen(Multiaddr.parse("/memory/77"));
        assertThat(a.localAddress()).isEqualTo(Multiaddr.parse("/memory/77"));
        assertThatThrownBy(() -> transport.listen(Multiaddr.parse("/memory/77")))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("/memory/77 is already in use");
        Listener b = transport.listen(Multiaddr.parse("/memory/0"));
        Listener c = transport.listen(Multiaddr.parse("/memory/0"));
        assertThat(Set.of(a.localAddress(), b.localAddress(), c.localAddress())).hasSize(3);
        assertThat(net.listenerCount()).isEqualTo(3);
        a.close();
        a.close(); // idempotent
        try (Listener again = transport.listen(Multiaddr.parse("/memory/77"))) {
            assertThat(again.localAddress()).isEqualTo(a.localAddress());
        }
        b.close();
        c.close();
        assertThat(net.listenerCount()).isZero();
    }

    @Test
    void aDialerHoldsItsNumberWhileItsConnectionIsOpen() throws Exception {
        try (Listener listener = transport.listen(Multiaddr.parse("/memory/0"))) {
            Set<Multiaddr> seen = new HashSet<>();
            List<RawConnection> open = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                RawConnection c = transport.dial(listener.localAddress(), TIMEOUT);
                open.add(c);
                assertThat(seen.add(c.localAddress())).as("a number of its own").isTrue();
                assertThat(listener.accept().remoteAddress()).isEqualTo(c.localAddress());
            }
            Multiaddr taken = open.get(0).localAddress();
            assertThatThrownBy(() -> transport.listen(taken)).isInstanceOf(BindException.class).hasMessageContaining("dialer");
            open.get(0).close();
            transport.listen(taken).close();
            for (RawConnection c : open) {
                c.close();
            }
        }
    }

    @Test
    void closingTheListenerWakesAcceptAndClosesWhatWasNotAccepted() throws Exception {
        Listener listener = transport.listen(Multiaddr.parse("/memory/0"));
        Future<?> blocked = executor.submit(() -> {
            listener.accept(); // takes the first dial
            return listener.accept(); // then waits
        });
        RawConnection accepted = transport.dial(listener.localAddress(), TIMEOUT);
        Thread.sleep(50);
        listener.close();
        assertThatThrownBy(() -> blocked.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(listener::accept).isInstanceOf(IOException.class).hasMessageContaining("closed");
        accepted.close();

        Listener other = transport.listen(Multiaddr.parse("/memory/0"));
        RawConnection queued = transport.dial(other.localAddress(), TIMEOUT);
        other.close();
        assertThat(queued.in().read()).as("a connection never accepted ends").isEqualTo(-1);
        assertThatThrownBy(() -> queued.out().write(1)).isInstanceOf(IOException.class);
        queued.close();
    }

    @Test
    void noThreadIsLeftRunningAfterClose() throws Exception {
        Listener listener = transport.listen(Multiaddr.parse("/memory/0"));
        RawConnection reader = transport.dial(listener.localAddress(), TIMEOUT);
        RawConnection quiet = listener.accept();
        RawConnection writer = transport.dial(listener.localAddress(), TIMEOUT);
        RawConnection deaf = listener.accept();
        // Park a thread in each blocking call; closing the listener and the connections must wake them.
        Future<?> accept = executor.submit(listener::accept);
        Future<?> read = executor.submit(() -> reader.in().read()); // nobody writes
        Future<?> write = executor.submit(() -> {
            writer.out().write(new byte[MemoryNetwork.DEFAULT_BUFFER_SIZE * 2]); // nobody reads
            return null;
        });
        Thread.sleep(50);
        assertThat(ThreadLeakCheck.liveThreads("memtest-")).hasSize(3);
        listener.close();
        reader.close();
        writer.close();
        assertThatThrownBy(() -> accept.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> write.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        quiet.close();
        deaf.close();
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "memtest-")).isEmpty();
        assertThat(net.listenerCount()).isZero();
    }

    /**
     * An unplugged transport's host vanishes without a word: the connection between the two goes
     * silent (writes vanish, reads wait out their timeout, neither end sees the other close), dials to
     * it and from it wait out their timeout, and a third host on the shared network is untouched.
     */
    @Test
    void anUnpluggedTransportsHostVanishesWithoutAWord() throws Exception {
        MemoryTransport gone = net.newTransport();
        MemoryTransport stays = net.newTransport();
        try (Listener goneListener = gone.listen(Multiaddr.parse("/memory/0"));
             Listener staysListener = stays.listen(Multiaddr.parse("/memory/0"));
             Listener otherListener = transport.listen(Multiaddr.parse("/memory/0"))) {
            RawConnection toGone = stays.dial(goneListener.localAddress(), TIMEOUT);
            RawConnection atGone = goneListener.accept();
            toGone.out().write(1);
            assertThat(atGone.in().read()).isEqualTo(1);

            gone.unplug();
            assertThat(gone.isUnplugged()).isTrue();
            assertThat(stays.isUnplugged()).isFalse();
            toGone.out().write(new byte[100_000]); // more than the buffer: dropped, not blocked
            toGone.out().flush();
            atGone.close(); // the far side does not hear this
            toGone.setReadTimeout(Duration.ofMillis(200));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> toGone.in().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(System.nanoTime() - t0).as("the read waited out its timeout").isGreaterThanOrEqualTo(150_000_000L);
            toGone.close();

            Duration dialTimeout = Duration.ofMillis(300);
            for (MemoryTransport from : List.of(stays, gone)) {
                Multiaddr to = from == gone ? staysListener.localAddress() : goneListener.localAddress();
                long d0 = System.nanoTime();
                assertThatThrownBy(() -> from.dial(to, dialTimeout)).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("no answer");
                assertThat(System.nanoTime() - d0).as("the dial waited out its timeout").isGreaterThanOrEqualTo(250_000_000L);
            }

            goneListener.close(); // its host closing does not make it answer: the number stays silent
            long c0 = System.nanoTime();
            assertThatThrownBy(() -> stays.dial(goneListener.localAddress(), dialTimeout)).isInstanceOf(SocketTimeoutException.class);
            assertThat(System.nanoTime() - c0).isGreaterThanOrEqualTo(250_000_000L);
            assertThatThrownBy(() -> transport.listen(goneListener.localAddress())).isInstanceOf(BindException.class);

            RawConnection fine = stays.dial(otherListener.localAddress(), TIMEOUT);
            RawConnection fineServer = otherListener.accept();
            fine.out().write(42);
            assertThat(fineServer.in().read()).isEqualTo(42);
            fineServer.close();
            assertThat(fine.in().read()).as("an ordinary close still arrives").isEqualTo(-1);
            fine.close();
        }
    }
}
