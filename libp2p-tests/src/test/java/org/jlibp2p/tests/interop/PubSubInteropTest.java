package org.jlibp2p.tests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.pubsub.GossipSub;
import org.jlibp2p.pubsub.GossipSubConfig;
import org.jlibp2p.pubsub.MessageId;
import org.jlibp2p.pubsub.ReceivedMessage;
import org.jlibp2p.pubsub.SignaturePolicy;
import org.jlibp2p.pubsub.Subscription;
import org.jlibp2p.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Gossipsub between our hosts and js-libp2p 3 nodes ({@code @libp2p/gossipsub} 17.1.1 from npm) over
 * TCP + Noise + Yamux: each direction of publishing, each direction of dialing, both signing
 * policies, the agreed protocol seen from both sides, and a mixed network of three Java and three js
 * nodes where every message reaches every subscriber.
 */
@Timeout(180)
class PubSubInteropTest {
    private static final String TOPIC = "interop";
    private final List<Host> hosts = new ArrayList<>();
    private final List<JsGossipPeer> js = new ArrayList<>();

    @BeforeEach
    void needNode() throws Exception {
        JsPeer.requireNode();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (JsGossipPeer p : js) {
            p.close();
        }
        hosts.forEach(Host::close);
    }

    private record JavaNode(Host host, GossipSub pubsub) {
        String addr() {
            return host.fullAddrs().get(0).toString();
        }
    }

    private JavaNode javaNode(GossipSubConfig config) throws Exception {
        GossipSub ps = new GossipSub(config);
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").service(ps).build();
        hosts.add(h);
        return new JavaNode(h, ps);
    }

    private JsGossipPeer jsNode(boolean strictSign) throws Exception {
        JsGossipPeer p = JsGossipPeer.start(strictSign);
        js.add(p);
        return p;
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(30), Duration.ofMillis(50), condition);
    }

    /** js's default message id under StrictNoSign: the SHA-256 of the data (msgIdFnStrictNoSign). */
    private static MessageId sha256(org.jlibp2p.pubsub.Message m) {
        try {
            return MessageId.of(MessageDigest.getInstance("SHA-256").digest(m.payload()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean jsMeshHas(JsGossipPeer p, PeerId peer) {
        try {
            return p.mesh(TOPIC).contains(peer.toString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void bothWays(boolean javaDials, boolean strictSign) throws Exception {
        GossipSubConfig config = strictSign ? GossipSubConfig.defaults()
                : GossipSubConfig.builder().signaturePolicy(SignaturePolicy.STRICT_NO_SIGN).messageIdFunction(PubSubInteropTest::sha256).build();
        JavaNode j = javaNode(config);
        JsGossipPeer s = jsNode(strictSign);
        Subscription sub = j.pubsub().subscribe(TOPIC);
        s.subscribe(TOPIC);
        PeerId jsId = PeerId.parse(s.peerId);
        if (javaDials) {
            j.host().connect(Multiaddr.parse(s.addr));
        } else {
            s.connect(j.addr());
        }
        awaitTrue("each in the other's mesh", () -> j.pubsub().meshPeers(TOPIC).contains(jsId) && jsMeshHas(s, j.host().peerId()));

        // the agreed version, seen from both sides: our stream to js, and js's streams with us
        assertThat(j.pubsub().protocol(jsId)).contains(GossipSub.MESHSUB_1_2);
        @SuppressWarnings("unchecked")
        Map<String, List<String>> streams = (Map<String, List<String>>) s.peers(TOPIC).get("streams");
        assertThat(streams.get(j.host().peerId().toString())).contains("inbound /meshsub/1.2.0", "outbound /meshsub/1.2.0");

        j.pubsub().publish(TOPIC, "from java".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> atJs = s.message(30);
        assertThat(atJs.get("data")).isEqualTo("from java");
        assertThat(atJs.get("signed")).isEqualTo(strictSign);
        assertThat(atJs.get("from")).isEqualTo(strictSign ? j.host().peerId().toString() : null);

        s.publish(TOPIC, "from js");
        ReceivedMessage atJava;
        do {
            atJava = sub.next(Duration.ofSeconds(30));
            assertThat(atJava).as("the js message").isNotNull();
        } while (!new String(atJava.data(), StandardCharsets.UTF_8).equals("from js"));
        assertThat(atJava.receivedFrom()).isEqualTo(jsId);
        if (strictSign) {
            assertThat(atJava.from()).contains(jsId);
            assertThat(atJava.message().key()).as("js always sends the key").isNotNull();
            assertThat(atJava.message().seqno()).hasSize(8);
        } else {
            assertThat(atJava.message().from()).isNull();
            assertThat(atJava.message().signature()).isNull();
            assertThat(atJava.id()).isEqualTo(sha256(atJava.message()));
        }
    }

    @Test
    void javaDialsStrictSign() throws Exception {
        bothWays(true, true);
    }

    @Test
    void jsDialsStrictSign() throws Exception {
        bothWays(false, true);
    }

    @Test
    void javaDialsStrictNoSign() throws Exception {
        bothWays(true, false);
    }

    @Test
    void jsDialsStrictNoSign() throws Exception {
        bothWays(false, false);
    }

    @Test
    void aMixedNetworkOfThreeJavaAndThreeJsNodesDeliversEveryMessageToEverySubscriber() throws Exception {
        mixedNetwork(true);
    }

    @Test
    void aMixedNetworkWithoutSignaturesDeliversEveryMessageToEverySubscriber() throws Exception {
        mixedNetwork(false);
    }

    private void mixedNetwork(boolean strictSign) throws Exception {
        GossipSubConfig config = strictSign ? GossipSubConfig.defaults()
                : GossipSubConfig.builder().signaturePolicy(SignaturePolicy.STRICT_NO_SIGN).messageIdFunction(PubSubInteropTest::sha256).build();
        List<JavaNode> javas = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        List<JsGossipPeer> jss = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JavaNode j = javaNode(config);
            javas.add(j);
            subs.add(j.pubsub().subscribe(TOPIC));
            JsGossipPeer s = jsNode(strictSign);
            s.subscribe(TOPIC);
            jss.add(s);
        }
        // a ring J0 - S0 - J1 - S1 - J2 - S2 - J0: every message must cross both implementations, some twice
        for (int i = 0; i < 3; i++) {
            javas.get(i).host().connect(Multiaddr.parse(jss.get(i).addr));
            jss.get(i).connect(javas.get((i + 1) % 3).addr());
        }
        for (int i = 0; i < 3; i++) {
            JavaNode j = javas.get(i);
            awaitTrue("java node " + i + " meshed with its two js neighbours", () -> j.pubsub().meshPeers(TOPIC).size() == 2);
        }
        for (JsGossipPeer s : jss) {
            awaitTrue("js node meshed with its two java neighbours", () -> {
                try {
                    return s.mesh(TOPIC).size() == 2;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String fromJava = "java-" + i;
            javas.get(i).pubsub().publish(TOPIC, fromJava.getBytes(StandardCharsets.UTF_8));
            String fromJs = "js-" + i;
            jss.get(i).publish(TOPIC, fromJs);
            sent.add(fromJava);
            sent.add(fromJs);
        }
        for (int i = 0; i < 3; i++) {
            Set<String> got = new HashSet<>();
            while (got.size() < 6) {
                ReceivedMessage m = subs.get(i).next(Duration.ofSeconds(30));
                assertThat(m).as("java node %d has %s of 6", i, got).isNotNull();
                assertThat(got.add(new String(m.data(), StandardCharsets.UTF_8))).as("no duplicate").isTrue();
            }
            assertThat(got).isEqualTo(sent); // a Java subscription also gets the node's own message, as go's does
        }
        for (int i = 0; i < 3; i++) {
            Map<String, String> got = new HashMap<>();
            while (got.size() < 5) {
                Map<String, Object> m = jss.get(i).message(30);
                assertThat(got).as("no duplicate").doesNotContainKey((String) m.get("data"));
                got.put((String) m.get("data"), (String) m.get("from"));
            }
            Set<String> expected = new HashSet<>(sent);
            expected.remove("js-" + i); // js does not deliver its own messages (emitSelf off)
            assertThat(got.keySet()).isEqualTo(expected);
            assertThat(got.get("java-0")).isEqualTo(strictSign ? javas.get(0).host().peerId().toString() : null);
        }
    }
}
