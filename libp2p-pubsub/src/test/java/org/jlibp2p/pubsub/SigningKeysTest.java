package org.jlibp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jlibp2p.pubsub.PubSubNet.awaitTrue;
import static org.jlibp2p.pubsub.PubSubNet.connect;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Strict signing with every key type of peer-ids/peer-ids.md (pubsub/README.md, "Message Signing"):
 * the key is taken from {@code from} when the peer id inlines it (Ed25519, secp256k1), else from the
 * {@code key} field, which must hash to {@code from} (ECDSA, RSA).
 */
@Timeout(60)
class SigningKeysTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String T = "t";

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void aHostOfEachKeyTypePublishesSignedMessagesThatTheOtherSideVerifies(KeyType type) throws Exception {
        PrivateKey identity = PrivateKey.generate(type);
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node publisher = net.node(GossipSubConfig.builder().params(PubSubNet.FAST).build(), identity);
            PubSubNet.Node receiver = net.node();
            Subscription s = receiver.pubsub().subscribe(T);
            publisher.pubsub().subscribe(T);
            connect(publisher, receiver);
            awaitTrue("mesh", () -> publisher.pubsub().meshPeers(T).contains(receiver.host().peerId()));
            publisher.pubsub().publish(T, ("signed with " + type).getBytes(StandardCharsets.UTF_8));
            ReceivedMessage got = s.next(WAIT);
            assertThat(got).as("delivered: the receiver verified the signature").isNotNull();
            Message m = got.message();
            assertThat(got.from()).contains(PeerId.fromPublicKey(identity.publicKey()));
            boolean inlined = type == KeyType.ED25519 || type == KeyType.SECP256K1;
            if (inlined) {
                assertThat(m.key()).as("a peer id that inlines its key: no key field").isNull();
            } else {
                assertThat(m.key()).as("a peer id that hashes its key: the key field carries it").isEqualTo(identity.publicKey().marshal());
            }
            assertThat(identity.publicKey().verify(m.signedBytes(), m.signature())).isTrue();
            assertThat(receiver.pubsub().stats()).containsEntry("rejected", 0L);
        }
    }

    @Test
    void aKeyThatDoesNotHashToFromIsRejected() throws Exception {
        PrivateKey rsa = PrivateKey.generate(KeyType.RSA);
        PrivateKey other = PrivateKey.generate(KeyType.RSA);
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node();
            Subscription s = node.pubsub().subscribe(T);
            RawPeer raw = new RawPeer(net, GossipSub.MESHSUB_1_2, true, rsa).connect(node);
            awaitTrue("ready", () -> node.pubsub().protocol(raw.peerId()).isPresent());
            // from names the raw peer; key and signature are another RSA key's: the signature holds for that key, but it is not from's
            Message forged = signed(raw.peerId(), other, 1, "forged");
            Message noKey = new Message(raw.peerId().bytes(), "no key".getBytes(StandardCharsets.UTF_8), seq(2), T,
                    rsa.sign(new Message(raw.peerId().bytes(), "no key".getBytes(StandardCharsets.UTF_8), seq(2), T, null, null).signedBytes()),
                    null);
            Message good = signed(raw.peerId(), rsa, 3, "good");
            assertThat(Signing.check(forged, SignaturePolicy.STRICT_SIGN)).contains("does not match from");
            assertThat(Signing.check(noKey, SignaturePolicy.STRICT_SIGN)).contains("no key");
            raw.send(Rpc.ofMessages(List.of(forged, noKey, good)));
            ReceivedMessage m = s.next(WAIT);
            assertThat(m).isNotNull();
            assertThat(new String(m.data(), StandardCharsets.UTF_8)).as("only the message whose key is from's").isEqualTo("good");
            assertThat(node.pubsub().stats()).containsEntry("rejected", 2L);
            assertThat(s.next(Duration.ofMillis(300))).isNull();
        }
    }

    private static byte[] seq(long n) {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    private static Message signed(PeerId from, PrivateKey key, long n, String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        Message unsigned = new Message(from.bytes(), data, seq(n), T, null, null);
        return new Message(from.bytes(), data, seq(n), T, key.sign(unsigned.signedBytes()), key.publicKey().marshal());
    }
}
