package org.jlibp2p.kad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.codec.Multihash;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.HostService;
import org.jlibp2p.core.host.ServiceContext;
import org.jlibp2p.core.host.StreamHandler;
import org.junit.jupiter.api.Test;

/**
 * ADD_PROVIDER has no response (kad-dht/README.md, "Content provider advertisement"): the sender
 * waits for the peer to close the stream instead, so that an announcement is not lost with a
 * connection the sender closes at once, and that wait has the request's deadline.
 */
class KadRpcTest {
    private static final String KAD = "/ipfs/kad/1.0.0";

    /** A service that only hands over its context, to build a {@link KadRpc} on. */
    private static final class ContextHolder implements HostService {
        volatile ServiceContext context;

        @Override
        public void start(ServiceContext context) {
            this.context = context;
        }
    }

    private static Host server(KadNet net, StreamHandler handler) throws Exception {
        Host h = net.builder().listen("/memory/0").handler(KAD, handler).build();
        net.hosts.add(h);
        return h;
    }

    private static KadRpc rpc(KadNet net, Duration timeout, AtomicReference<Host> client) throws Exception {
        ContextHolder holder = new ContextHolder();
        Host h = net.builder().listen("/memory/0").service(holder).build();
        net.hosts.add(h);
        client.set(h);
        return new KadRpc(holder.context, KAD, timeout);
    }

    private static KadMessage addProvider(Host provider) {
        byte[] key = Multihash.sha256("a block".getBytes(StandardCharsets.UTF_8)).bytes();
        return new KadMessage(KadMessage.Type.ADD_PROVIDER, key, Optional.empty(), List.of(),
                List.of(KadPeer.of(provider.peerId(), provider.listenAddrs())));
    }

    private static KadPeer peer(Host h) {
        return KadPeer.of(h.peerId(), h.listenAddrs());
    }

    @Test
    void anAddProviderReturnsOnceThePeerHasReadItSoAConnectionClosedAtOnceLosesNothing() throws Exception {
        try (KadNet net = new KadNet()) {
            CountDownLatch read = new CountDownLatch(1);
            AtomicReference<KadMessage> received = new AtomicReference<>();
            Host server = server(net, s -> {
                Thread.sleep(300); // a busy peer: the message waits in the stream until its handler reads
                received.set(KadMessage.read(new BufferedInputStream(s.in())));
                read.countDown();
            });
            AtomicReference<Host> client = new AtomicReference<>();
            KadRpc rpc = rpc(net, Duration.ofSeconds(3), client);
            KadMessage add = addProvider(client.get());

            rpc.send(peer(server), add);
            assertThat(read.getCount()).as("the peer had read the message when send returned").isZero();
            client.get().close(); // as a command that provides and exits
            assertThat(read.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(received.get().type()).isEqualTo(KadMessage.Type.ADD_PROVIDER);
            assertThat(received.get().key()).isEqualTo(add.key());
            assertThat(received.get().providerPeers()).extracting(KadPeer::id).containsExactly(client.get().peerId());
        }
    }

    @Test
    void aPeerThatResetsTheStreamAfterReadingHasTakenTheMessage() throws Exception {
        try (KadNet net = new KadNet()) {
            CountDownLatch read = new CountDownLatch(1);
            Host server = server(net, s -> {
                Thread.sleep(200);
                KadMessage.read(new BufferedInputStream(s.in()));
                read.countDown();
                s.reset(); // as js-libp2p does when its next read meets our close
            });
            AtomicReference<Host> client = new AtomicReference<>();
            KadRpc rpc = rpc(net, Duration.ofSeconds(3), client);

            rpc.send(peer(server), addProvider(client.get()));
            assertThat(read.getCount()).as("the peer had read the message when send returned").isZero();
        }
    }

    @Test
    void aPeerThatNeverClosesCostsTheRequestTimeout() throws Exception {
        try (KadNet net = new KadNet()) {
            CountDownLatch read = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Host server = server(net, s -> {
                KadMessage.read(new BufferedInputStream(s.in()));
                read.countDown();
                release.await(10, TimeUnit.SECONDS); // holds the stream open: no close, no answer
            });
            AtomicReference<Host> client = new AtomicReference<>();
            KadRpc rpc = rpc(net, Duration.ofMillis(500), client);
            try {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> rpc.send(peer(server), addProvider(client.get())))
                        .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("ADD_PROVIDER");
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(read.getCount()).as("the peer did read the message").isZero();
                assertThat(took).as("the request timeout of 500 ms, not the peer's 10 s").isBetween(Duration.ofMillis(450), Duration.ofSeconds(3));
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void anAnswerToAnAddProviderIsRefused() throws Exception {
        try (KadNet net = new KadNet()) {
            Host server = server(net, s -> {
                KadMessage request = KadMessage.read(new BufferedInputStream(s.in()));
                request.write(s.out()); // ADD_PROVIDER has no response
            });
            AtomicReference<Host> client = new AtomicReference<>();
            KadRpc rpc = rpc(net, Duration.ofSeconds(3), client);

            assertThatThrownBy(() -> rpc.send(peer(server), addProvider(client.get())))
                    .isInstanceOf(MalformedMessageException.class).hasMessageContaining("which has none");
        }
    }
}
