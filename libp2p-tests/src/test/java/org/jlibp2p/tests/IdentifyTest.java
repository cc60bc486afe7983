package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.codec.ProtobufReader;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.noise.NoiseSecureChannel;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.jlibp2p.yamux.YamuxMuxer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a host says of itself in identify (identify/README.md), over the in-memory transport:
 * <ul>
 *   <li>a host that advertises many addresses still identifies itself in messages every
 *       implementation reads: at most 4 KiB in the first (rust-libp2p reads one such message), the
 *       signed peer record in a second, and that record within the 8 KiB go, js and we accept;</li>
 *   <li>identify push ("Identify Push") tells peers of changes in rounds, so that a burst of changes
 *       costs each peer a push or two, the last one carrying the final state.</li>
 * </ul>
 */
@Timeout(60)
class IdentifyTest {
    private final List<Host> hosts = new ArrayList<>();
    private final MemoryNetwork net = new MemoryNetwork();

    private Host host() throws IOException {
        return host(List.of());
    }

    private Host host(List<Multiaddr> advertised) throws IOException {
        Host h = Host.builder().transport(net.transport()).security(NoiseSecureChannel::new).muxer(new YamuxMuxer())
                .listen("/memory/0").service(ctx -> ctx.addAdvertisedAddrs(advertised)).build();
        hosts.add(h);
        return h;
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        hosts.forEach(Host::close);
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    private static List<Multiaddr> addrs(String prefix, int count) {
        List<Multiaddr> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add(Multiaddr.parse("/ip6/" + prefix + Integer.toHexString(i) + "/tcp/4001"));
        }
        return out;
    }

    /** The field numbers of one identify message, in order. */
    private static List<Integer> fields(byte[] message) throws IOException {
        List<Integer> out = new ArrayList<>();
        ProtobufReader r = new ProtobufReader(message);
        while (r.next()) {
            out.add(r.fieldNumber());
            r.skip();
        }
        return out;
    }

    /** Reads an identify answer the way go and js do: length-prefixed parts until the sender closes. */
    private static List<byte[]> parts(Connection c) throws IOException {
        List<byte[]> parts = new ArrayList<>();
        try (ProtocolStream s = c.newStream(Host.IDENTIFY)) {
            InputStream in = s.in();
            for (byte[] m; (m = LengthPrefixed.readIfPresent(in, 64 * 1024)) != null; ) {
                parts.add(m);
            }
        }
        return parts;
    }

    /** {@return what {@code a} learns when identify with {@code b} completes} */
    private static CompletableFuture<HostEvent.PeerIdentified> identifiedBy(Host a, Host b) {
        CompletableFuture<HostEvent.PeerIdentified> identified = new CompletableFuture<>();
        a.subscribe(HostEvent.PeerIdentified.class, e -> {
            if (e.connection().remotePeer().equals(b.peerId())) {
                identified.complete(e);
            }
        });
        return identified;
    }

    /** The protocols one push names: its parts read until the sender closes. */
    private static List<String> protocols(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        for (byte[] part; (part = LengthPrefixed.readIfPresent(in, 8192)) != null; ) {
            ProtobufReader r = new ProtobufReader(part);
            while (r.next()) {
                if (r.fieldNumber() == 3) {
                    out.add(r.readString(1024));
                } else {
                    r.skip();
                }
            }
        }
        return out;
    }

    /** A peer whose pushes are recorded instead of taken. */
    private Host recordingPeer(List<List<String>> pushes) throws IOException {
        Host peer = host();
        peer.setStreamHandler(Host.IDENTIFY_PUSH, s -> pushes.add(protocols(s.in())));
        return peer;
    }

    /** Waits until no push has come for 400 ms (at most 10 s), then forgets those that came. */
    private static void settle(List<List<String>> pushes) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int seen = -1;
        while (seen != pushes.size() && System.nanoTime() < end) {
            seen = pushes.size();
            Thread.sleep(400);
        }
        pushes.clear();
    }

    // ---- sizes ----------------------------------------------------------------------------------

    @Test
    void aLargeIdentifyGoesOutInTwoPartsThatAPeerMerges() throws Exception {
        List<Multiaddr> publics = addrs("2001:db8::", 100);
        List<Multiaddr> privates = addrs("fd00::", 100);
        List<Multiaddr> advertised = new ArrayList<>(privates); // the private ones first: a prefix would keep them
        advertised.addAll(publics);
        Host b = host(advertised);
        Host a = host();
        CompletableFuture<HostEvent.PeerIdentified> identified = identifiedBy(a, b);
        Connection c = a.connect(b.fullAddrs().get(0));

        List<byte[]> parts = parts(c);
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).length).isLessThanOrEqualTo(4096);
        assertThat(fields(parts.get(0))).contains(1, 2, 3, 4, 5, 6).doesNotContain(8);
        assertThat(fields(parts.get(1))).containsExactly(8);

        HostEvent.PeerIdentified e = identified.get(10, TimeUnit.SECONDS);
        assertThat(e.signedPeerRecord()).as("the record of the second part verified").isTrue();
        assertThat(e.info().listenAddrs()).containsAll(publics).hasSizeLessThan(advertised.size() + 1);
        assertThat(e.info().protocols()).contains(Host.IDENTIFY, Host.IDENTIFY_PUSH);
        // the record holds at most 64 addresses, the public ones first; the peerstore keeps 64 a peer
        // (the address dialed may take one place), the signed ones first
        assertThat(a.peerstore().addrs(b.peerId()).subList(0, 60)).allMatch(publics::contains);
        assertThat(c.isClosed()).isFalse();
    }

    /**
     * 64 addresses of 200 bytes each would make a record of 13 KiB, which no peer reads: the host
     * seals as many as fit in 6 KiB, and a peer takes its identify, record and all.
     */
    @Test
    void aRecordOfLongAddressesStaysWithinWhatPeersRead() throws Exception {
        List<Multiaddr> longNames = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            longNames.add(Multiaddr.parse("/dns4/" + "a".repeat(180) + i + ".example.com/tcp/4001"));
        }
        Host b = host(longNames);
        Host a = host();
        CompletableFuture<HostEvent.PeerIdentified> identified = identifiedBy(a, b);
        Connection c = a.connect(b.fullAddrs().get(0));

        List<byte[]> parts = parts(c);
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).length).isLessThanOrEqualTo(4096);
        assertThat(parts.get(1).length).isLessThanOrEqualTo(8192);

        HostEvent.PeerIdentified e = identified.get(10, TimeUnit.SECONDS);
        assertThat(e.signedPeerRecord()).isTrue();
        List<Multiaddr> signed = a.peerstore().addrs(b.peerId()).stream().filter(longNames::contains).toList();
        assertThat(signed).hasSizeBetween(20, 40);
        assertThat(c.isClosed()).isFalse();
    }

    /**
     * Our loopback addresses are for peers on this machine: a peer that reached us another way (here
     * the in-memory transport) is not told them, as go-libp2p does. Over loopback TCP they are told
     * (JsInteropTest, HostTest).
     */
    @Test
    void aPeerThatCameAnotherWayIsNotToldOurLoopbackAddresses() throws Exception {
        Multiaddr loopback = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
        Multiaddr reachable = Multiaddr.parse("/ip4/192.0.2.7/tcp/4001");
        Host b = host(List.of(loopback, reachable));
        Host a = host();
        CompletableFuture<HostEvent.PeerIdentified> identified = identifiedBy(a, b);
        a.connect(b.fullAddrs().get(0));
        HostEvent.PeerIdentified e = identified.get(10, TimeUnit.SECONDS);
        assertThat(e.info().listenAddrs()).contains(reachable).doesNotContain(loopback);
        assertThat(e.signedPeerRecord()).isTrue();
    }

    // ---- push -------------------------------------------------------------------------------------

    @Test
    void aBurstOfChangesReachesAPeerInAFewPushesEndingWithTheLastState() throws Exception {
        List<List<String>> pushes = new CopyOnWriteArrayList<>();
        Host peer = recordingPeer(pushes);
        Host h = host();
        h.connect(peer.fullAddrs().get(0));
        settle(pushes);

        List<String> added = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            added.add("/burst/" + i);
            h.setStreamHandler("/burst/" + i, s -> { });
        }
        long burstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        awaitTrue(() -> !pushes.isEmpty() && pushes.get(pushes.size() - 1).containsAll(added));
        Thread.sleep(500); // a round that might still follow
        // a round at most every 100 ms while the burst lasts, and one after it
        assertThat(pushes.size()).as("pushes for 200 changes made in %d ms", burstMillis).isBetween(1, (int) (burstMillis / 100) + 2);
        assertThat(pushes.get(pushes.size() - 1)).containsAll(added).contains(Host.IDENTIFY, Host.IDENTIFY_PUSH);
    }

    /** More peers than pushes in flight at once (32): each gets the change. */
    @Test
    void aChangeReachesEveryPeerBeyondThePushesInFlightAtOnce() throws Exception {
        List<List<List<String>>> perPeer = new ArrayList<>();
        Host h = host();
        for (int i = 0; i < 40; i++) {
            List<List<String>> pushes = new CopyOnWriteArrayList<>();
            perPeer.add(pushes);
            h.connect(recordingPeer(pushes).fullAddrs().get(0));
        }
        h.setStreamHandler("/news/1.0.0", s -> { });
        awaitTrue(() -> perPeer.stream().allMatch(p -> p.stream().anyMatch(protocols -> protocols.contains("/news/1.0.0"))));
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("condition not met in 20 s").isNegative();
            Thread.sleep(20);
        }
    }
}
