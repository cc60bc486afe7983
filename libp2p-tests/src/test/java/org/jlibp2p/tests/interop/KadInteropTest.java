package org.jlibp2p.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.Cid;
import org.jlibp2p.core.codec.Multihash;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.kad.GreatestValueValidator;
import org.jlibp2p.kad.KadConfig;
import org.jlibp2p.kad.KadDht;
import org.jlibp2p.kad.KadPeer;
import org.jlibp2p.tcp.TcpTransport;
import org.jlibp2p.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Kademlia DHT between our hosts and js-libp2p 3 nodes (@libp2p/kad-dht 16.4.5, from npm) over
 * loopback TCP + Noise + Yamux, in a network of 3 js and 3 Java servers, each connected to all the
 * others (js follows only peers strictly closer than the one that answered, so a sparse 6-node
 * network would leave lookups short). Then in both roles: a Java client that knows only the js
 * servers, and a js client that knows only the Java servers; each does put/get, provide/find-providers
 * and find-peer, and the other side checks the result.
 *
 * <p>Both sides run the {@code /jlibp2p/} namespace as the tool does (any value up to 64 KiB, the
 * bytewise greater wins); js keeps loopback addresses (its stock DHT drops private addresses).
 */
@Timeout(240)
class KadInteropTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final KadConfig CONFIG = KadConfig.defaults()
            .withValidator(GreatestValueValidator.JLIBP2P_NAMESPACE, new GreatestValueValidator());

    private final List<Host> hosts = new ArrayList<>();
    private final List<KadDht> dhts = new ArrayList<>();
    private final List<JsPeer> js = new ArrayList<>();
    private final List<Multiaddr> jsAddrs = new ArrayList<>();
    private final List<PeerId> jsIds = new ArrayList<>();

    @BeforeEach
    void network() throws Exception {
        JsPeer.requireNode();
        for (int i = 0; i < 3; i++) {
            JsPeer p = JsPeer.kad(false);
            js.add(p);
            Map<String, Object> listening = p.next(60);
            Multiaddr a = Multiaddr.parse((String) ((List<?>) listening.get("addrs")).get(0));
            jsAddrs.add(a);
            jsIds.add(a.peerId().orElseThrow());
        }
        for (int i = 0; i < 3; i++) {
            javaNode(CONFIG);
        }
        // everyone connected to everyone: Java dials all; js dials the js after it
        for (int i = 0; i < 3; i++) {
            for (Multiaddr a : jsAddrs) {
                hosts.get(i).connect(a);
            }
            for (int j = i + 1; j < 3; j++) {
                hosts.get(i).connect(hosts.get(j).fullAddrs().get(0));
                ok(js.get(i).command(30, "cmd", "connect", "addr", jsAddrs.get(j).toString()));
            }
        }
        // identify tells each side the other serves the DHT: wait for full routing tables
        for (KadDht d : dhts) {
            awaitTrue(() -> d.routingTable().size() == 5);
        }
        for (JsPeer p : js) {
            awaitTrue(() -> {
                try {
                    return ((Number) ok(p.command(10, "cmd", "table")).get("size")).intValue() == 5;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (JsPeer p : js) {
            p.close();
        }
        hosts.forEach(Host::close);
    }

    private Host javaNode(KadConfig config) throws IOException {
        KadDht dht = new KadDht(config);
        Host h = Host.builder().transport(new TcpTransport()).listen("/ip4/127.0.0.1/tcp/0").service(dht).build();
        hosts.add(h);
        dhts.add(dht);
        return h;
    }

    private static Map<String, Object> ok(Map<String, Object> result) {
        assertThat(result.get("ok")).as("js result " + result).isEqualTo(true);
        return result;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Await.until("the condition", Duration.ofSeconds(30), Duration.ofMillis(50), condition);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void javaClientAgainstJsServers() throws Exception {
        Host client = javaNode(CONFIG.withMode(KadConfig.Mode.CLIENT).withBootstrap(jsAddrs));
        KadDht dht = dhts.getLast();
        assertThat(dht.bootstrap()).as("the js servers, then the Java servers they named").isEqualTo(6);
        for (Host h : hosts.subList(0, 3)) { // the Java client knows the Java servers only through js answers
            // closed again while waiting: the client's lookups may still be dialing what the js servers named
            awaitTrue(() -> {
                h.connections(client.peerId()).forEach(c -> c.close());
                return client.connections(h.peerId()).isEmpty();
            });
        }

        // put from Java, get from js; put from js, get from Java
        KadDht.PutResult put = dht.putValue(bytes("/jlibp2p/from-java"), bytes("java value"));
        assertThat(put.stored()).isEqualTo(6);
        for (JsPeer p : js) {
            assertThat(ok(p.command(60, "cmd", "get", "key", "/jlibp2p/from-java")).get("value")).isEqualTo(HEX.formatHex(bytes("java value")));
        }
        ok(js.get(1).command(60, "cmd", "put", "key", "/jlibp2p/from-js", "value", HEX.formatHex(bytes("js value"))));
        assertThat(dht.getValue(bytes("/jlibp2p/from-js"), 3).value()).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("js value")));

        // provide from Java, find from js; provide from js, find from Java
        Cid cid = new Cid(0x55, Multihash.sha256(bytes("a block from java")));
        assertThat(dht.provide(cid.multihash().bytes()).announced()).isEqualTo(6);
        Map<String, Object> found = ok(js.get(2).command(60, "cmd", "find-providers", "cid", cid.toString()));
        assertThat(found.get("providers").toString()).contains(client.peerId().toString());
        Cid jsCid = new Cid(0x55, Multihash.sha256(bytes("a block from js")));
        ok(js.get(0).command(60, "cmd", "provide", "cid", jsCid.toString()));
        KadDht.Providers providers = dht.findProviders(jsCid.multihash().bytes(), 1);
        assertThat(providers.providers()).extracting(KadPeer::id).containsExactly(jsIds.get(0));
        // js writes its addresses with a /p2p/ suffix in provider records
        assertThat(providers.providers().get(0).addrs()).extracting(Multiaddr::withoutPeerId).contains(jsAddrs.get(0).withoutPeerId());

        // find a Java server through the js servers
        awaitTrue(() -> {
            client.connections(hosts.get(2).peerId()).forEach(c -> c.close());
            return client.connections(hosts.get(2).peerId()).isEmpty();
        });
        client.peerstore().remove(hosts.get(2).peerId());
        KadDht.FoundPeer peer = dht.findPeer(hosts.get(2).peerId());
        assertThat(peer.peer()).hasValueSatisfying(p -> assertThat(p.addrs()).containsAll(hosts.get(2).listenAddrs()));
    }

    @Test
    void jsClientAgainstJavaServers() throws Exception {
        JsPeer client = JsPeer.kad(true);
        js.add(client);
        Map<String, Object> listening = client.next(60);
        PeerId clientId = Multiaddr.parse((String) ((List<?>) listening.get("addrs")).get(0)).peerId().orElseThrow();
        for (Host h : hosts.subList(0, 3)) {
            ok(client.command(30, "cmd", "connect", "addr", h.fullAddrs().get(0).toString()));
        }
        awaitTrue(() -> {
            try {
                return ((Number) ok(client.command(10, "cmd", "table")).get("size")).intValue() == 3;
            } catch (Exception e) {
                return false;
            }
        });
        for (KadDht d : dhts) {
            assertThat(d.routingTable().contains(clientId)).as("a js client is not in a Java table").isFalse();
        }

        // put from js, get from Java; put from Java, get from js
        ok(client.command(60, "cmd", "put", "key", "/jlibp2p/from-js-client", "value", HEX.formatHex(bytes("v1"))));
        assertThat(dhts.stream().mapToInt(KadDht::storedRecords).sum()).as("the Java servers stored it").isPositive();
        assertThat(dhts.get(2).getValue(bytes("/jlibp2p/from-js-client"), 3).value()).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("v1")));
        dhts.get(0).putValue(bytes("/jlibp2p/from-java-server"), bytes("v2"));
        assertThat(ok(client.command(60, "cmd", "get", "key", "/jlibp2p/from-java-server")).get("value")).isEqualTo(HEX.formatHex(bytes("v2")));

        // provide from js, find from Java; provide from Java, find from js
        Cid cid = new Cid(0x55, Multihash.sha256(bytes("a block from the js client")));
        ok(client.command(60, "cmd", "provide", "cid", cid.toString()));
        KadDht.Providers providers = dhts.get(1).findProviders(cid.multihash().bytes(), 1);
        assertThat(providers.providers()).extracting(KadPeer::id).containsExactly(clientId);
        Cid javaCid = new Cid(0x55, Multihash.sha256(bytes("a block from a java server")));
        dhts.get(2).provide(javaCid.multihash().bytes());
        Map<String, Object> found = ok(client.command(60, "cmd", "find-providers", "cid", javaCid.toString()));
        assertThat(found.get("providers").toString()).contains(hosts.get(2).peerId().toString());

        // find a js server through the Java servers
        Map<String, Object> peer = ok(client.command(60, "cmd", "find-peer", "peer", jsIds.get(1).toString()));
        assertThat(peer.get("addrs").toString()).contains(jsAddrs.get(1).withoutPeerId().toString());
    }
}
