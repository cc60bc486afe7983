package org.jlibp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jlibp2p.pubsub.PubSubNet.awaitTrue;
import static org.jlibp2p.pubsub.PubSubNet.connect;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The signing policies (pubsub/README.md, "Message Signing") and validators (gossipsub-v1.1.md, "Extended Validators"). */
@Timeout(60)
class SigningAndValidationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String T = "t";

    private static MessageId sha256(Message m) {
        try {
            return MessageId.of(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(m.payload()), 20));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void strictSignMessagesCarryFromSeqnoAndAVerifyingSignature() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node a = net.node();
            PubSubNet.Node b = net.node();
            Subscription sb = b.pubsub().subscribe(T);
            a.pubsub().subscribe(T);
            connect(a, b);
            awaitTrue("mesh", () -> a.pubsub().meshPeers(T).contains(b.host().peerId()));
            a.pubsub().publish(T, "signed".getBytes(StandardCharsets.UTF_8));
            Message m = sb.next(WAIT).message();
            assertThat(m.from()).isEqualTo(a.host().peerId().bytes());
            assertThat(m.seqno()).hasSize(8);
            assertThat(m.key()).as("an Ed25519 peer id inlines its key").isNull();
            assertThat(a.host().identity().publicKey().verify(m.signedBytes(), m.signature())).isTrue();
            assertThat(Signing.check(m, SignaturePolicy.STRICT_SIGN)).isNull();
            Message tampered = new Message(m.from(), "other".getBytes(StandardCharsets.UTF_8), m.seqno(), m.topic(), m.signature(), m.key());
            assertThat(Signing.check(tampered, SignaturePolicy.STRICT_SIGN)).contains("does not verify");
            assertThat(Signing.check(m, SignaturePolicy.STRICT_NO_SIGN)).isNotNull();
        }
    }

    @Test
    void strictNoSignNetworksUseTheirOwnIds() throws Exception {
        GossipSubConfig noSign = GossipSubConfig.builder().params(PubSubNet.FAST).signaturePolicy(SignaturePolicy.STRICT_NO_SIGN)
                .messageIdFunction(SigningAndValidationTest::sha256).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node a = net.node(noSign);
            PubSubNet.Node b = net.node(noSign);
            PubSubNet.Node c = net.node(noSign);
            Subscription sc = c.pubsub().subscribe(T);
            b.pubsub().subscribe(T);
            a.pubsub().subscribe(T);
            connect(a, b);
            connect(b, c);
            awaitTrue("mesh", () -> b.pubsub().meshPeers(T).size() == 2);
            MessageId id = a.pubsub().publish(T, "anonymous".getBytes(StandardCharsets.UTF_8));
            ReceivedMessage m = sc.next(WAIT);
            assertThat(m.id()).isEqualTo(id);
            assertThat(m.message().from()).isNull();
            assertThat(m.message().seqno()).isNull();
            assertThat(m.message().signature()).isNull();
            assertThat(m.from()).isEmpty();
            // the same data again has the same id: seen, so not delivered twice
            assertThatThrownBy(() -> a.pubsub().publish(T, "anonymous".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void unsignedBadlySignedAndForeignPolicyMessagesAreRejected() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node();
            Subscription s = node.pubsub().subscribe(T);
            RawPeer raw = new RawPeer(net).connect(node);
            awaitTrue("ready", () -> node.pubsub().protocol(raw.peerId()).isPresent());
            Message good = raw.signed(T, "good".getBytes(StandardCharsets.UTF_8));
            Message unsigned = new Message(null, "unsigned".getBytes(StandardCharsets.UTF_8), null, T, null, null);
            Message forged = new Message(good.from(), "forged".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 0, 0, 0, 0, 9}, T,
                    good.signature(), null);
            raw.send(Rpc.ofMessages(List.of(unsigned, forged, good)));
            ReceivedMessage m = s.next(WAIT);
            assertThat(new String(m.data(), StandardCharsets.UTF_8)).isEqualTo("good");
            assertThat(s.next(Duration.ofMillis(300))).isNull();
            assertThat(node.pubsub().stats().get("rejected")).isEqualTo(2);
        }
    }

    @Test
    void rejectedAndIgnoredMessagesAreNeitherDeliveredNorForwarded() throws Exception {
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node a = net.node();
            PubSubNet.Node b = net.node();
            PubSubNet.Node c = net.node();
            Subscription sb = b.pubsub().subscribe(T);
            Subscription sc = c.pubsub().subscribe(T);
            a.pubsub().subscribe(T);
            b.pubsub().setValidator(T, (from, m) -> switch (new String(m.payload(), StandardCharsets.UTF_8)) {
                case "bad" -> ValidationResult.REJECT;
                case "meh" -> ValidationResult.IGNORE;
                default -> ValidationResult.ACCEPT;
            });
            connect(a, b);
            connect(b, c);
            awaitTrue("mesh", () -> b.pubsub().meshPeers(T).size() == 2 && a.pubsub().meshPeers(T).size() == 1);
            for (String text : List.of("bad", "meh", "fine")) {
                a.pubsub().publish(T, text.getBytes(StandardCharsets.UTF_8));
            }
            assertThat(new String(sb.next(WAIT).data(), StandardCharsets.UTF_8)).isEqualTo("fine");
            assertThat(new String(sc.next(WAIT).data(), StandardCharsets.UTF_8)).as("c only hears through b").isEqualTo("fine");
            assertThat(sc.next(Duration.ofMillis(300))).isNull();
            // each verdict is handled on a thread of its own: wait for both
            awaitTrue("the bad and meh verdicts counted", () -> b.pubsub().stats().getOrDefault("rejected", 0L) == 1L
                    && b.pubsub().stats().getOrDefault("ignored", 0L) == 1L);
            assertThat(b.pubsub().stats()).containsEntry("rejected", 1L).containsEntry("ignored", 1L);
        }
    }

    @Test
    void aSlowValidatorIsCutOffAtItsDeadlineAndCountsAsIgnore() throws Exception {
        GossipSubConfig config = GossipSubConfig.builder().params(PubSubNet.FAST).validationTimeout(Duration.ofMillis(200)).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(config);
            Subscription s = node.pubsub().subscribe(T);
            AtomicInteger interrupted = new AtomicInteger();
            node.pubsub().setValidator(T, (from, m) -> {
                if (new String(m.payload(), StandardCharsets.UTF_8).equals("slow")) {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        throw e;
                    }
                }
                return ValidationResult.ACCEPT;
            });
            RawPeer raw = new RawPeer(net).connect(node);
            awaitTrue("ready", () -> node.pubsub().protocol(raw.peerId()).isPresent());
            long start = System.nanoTime();
            raw.send(Rpc.ofMessages(List.of(raw.signed(T, "slow".getBytes(StandardCharsets.UTF_8)), raw.signed(T, "quick".getBytes(StandardCharsets.UTF_8)))));
            ReceivedMessage m = s.next(WAIT);
            assertThat(new String(m.data(), StandardCharsets.UTF_8)).isEqualTo("quick");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            awaitTrue("the slow validator interrupted", () -> interrupted.get() == 1);
            // the verdict is handled after the validator is interrupted, on the validation's thread
            awaitTrue("the slow message ignored", () -> node.pubsub().stats().getOrDefault("ignored", 0L) == 1L);
            assertThat(node.pubsub().stats()).containsEntry("ignored", 1L).containsEntry("refused.validationTimeout", 1L);
        }
    }

    /**
     * A validator that takes its time holds up none of the peer's later messages: they are read,
     * validated and delivered meanwhile, as go's asynchronous validation does.
     */
    @Test
    void aSlowValidationHoldsUpNoneOfThePeersLaterMessages() throws Exception {
        GossipSubConfig config = GossipSubConfig.builder().params(PubSubNet.FAST).validationTimeout(Duration.ofMinutes(2)).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(config);
            Subscription s = node.pubsub().subscribe(T);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            AtomicInteger slowStarted = new AtomicInteger();
            node.pubsub().setValidator(T, (from, m) -> {
                if (new String(m.payload(), StandardCharsets.UTF_8).equals("slow")) {
                    slowStarted.incrementAndGet();
                    release.await();
                }
                return ValidationResult.ACCEPT;
            });
            RawPeer raw = new RawPeer(net).connect(node);
            awaitTrue("ready", () -> node.pubsub().protocol(raw.peerId()).isPresent());
            try {
                raw.send(Rpc.ofMessages(List.of(raw.signed(T, "slow".getBytes(StandardCharsets.UTF_8)))));
                awaitTrue("the slow validation running", () -> slowStarted.get() == 1);
                raw.send(Rpc.ofMessages(List.of(raw.signed(T, "quick".getBytes(StandardCharsets.UTF_8)))));
                ReceivedMessage m = s.next(WAIT);
                assertThat(m).as("delivered while the slow validation still runs").isNotNull();
                assertThat(new String(m.data(), StandardCharsets.UTF_8)).isEqualTo("quick");
            } finally {
                release.countDown();
            }
            ReceivedMessage late = s.next(WAIT);
            assertThat(late).as("the slow one, once accepted").isNotNull();
            assertThat(new String(late.data(), StandardCharsets.UTF_8)).isEqualTo("slow");
        }
    }

    /**
     * One peer has at most 64 messages waiting for verdicts: past that its stream waits, so that it
     * cannot take the validation slots every peer shares; the rest of its messages come through once
     * verdicts free room, and another peer's message is validated meanwhile.
     */
    @Test
    void onePeersPendingValidationsAreBounded() throws Exception {
        GossipSubConfig config = GossipSubConfig.builder().params(PubSubNet.FAST).validationTimeout(Duration.ofMinutes(2)).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(config);
            Subscription s = node.pubsub().subscribe(T);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            node.pubsub().setValidator(T, (from, m) -> {
                if (new String(m.payload(), StandardCharsets.UTF_8).startsWith("flood")) {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    release.await();
                    running.decrementAndGet();
                }
                return ValidationResult.ACCEPT;
            });
            RawPeer flooder = new RawPeer(net).connect(node);
            RawPeer other = new RawPeer(net).connect(node);
            awaitTrue("ready", () -> node.pubsub().protocol(flooder.peerId()).isPresent() && node.pubsub().protocol(other.peerId()).isPresent());
            try {
                for (int i = 0; i < 100; i++) {
                    flooder.send(Rpc.ofMessages(List.of(flooder.signed(T, ("flood " + i).getBytes(StandardCharsets.UTF_8)))));
                }
                awaitTrue("64 of the flooder's messages in validation", () -> running.get() == 64);
                Thread.sleep(300); // no more may start
                assertThat(running.get()).isEqualTo(64);
                other.send(Rpc.ofMessages(List.of(other.signed(T, "other".getBytes(StandardCharsets.UTF_8)))));
                ReceivedMessage m = s.next(WAIT);
                assertThat(m).as("another peer's message validated meanwhile").isNotNull();
                assertThat(new String(m.data(), StandardCharsets.UTF_8)).isEqualTo("other");
            } finally {
                release.countDown();
            }
            for (int i = 0; i < 100; i++) {
                assertThat(s.next(WAIT)).as("flood message %d of 100", i + 1).isNotNull();
            }
            assertThat(most.get()).isEqualTo(64);
            assertThat(node.pubsub().stats()).doesNotContainKey("refused.maxValidationsInFlight");
        }
    }

    @Test
    void validationsInFlightAreBounded() throws Exception {
        GossipSubConfig config = GossipSubConfig.builder().params(PubSubNet.FAST).maxValidationsInFlight(2).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(config);
            node.pubsub().subscribe(T);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            node.pubsub().setValidator(T, (from, m) -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                release.await();
                running.decrementAndGet();
                return ValidationResult.ACCEPT;
            });
            RawPeer[] raws = new RawPeer[4];
            for (int i = 0; i < raws.length; i++) {
                raws[i] = new RawPeer(net).connect(node);
            }
            for (RawPeer r : raws) {
                r.send(Rpc.ofMessages(List.of(r.signed(T, "x".getBytes(StandardCharsets.UTF_8)))));
            }
            awaitTrue("two ignored for want of room", () -> node.pubsub().stats().getOrDefault("refused.maxValidationsInFlight", 0L) == 2);
            awaitTrue("the two admitted running", () -> running.get() == 2); // admitted before their threads start
            release.countDown();
            // Read the peak once both have finished: the second to start may not have recorded it yet
            // when the count reached two.
            awaitTrue("the two admitted finished", () -> running.get() == 0);
            assertThat(most.get()).isEqualTo(2);
        }
    }

    @Test
    void aTopicsSlowValidatorCannotTakeTheSlotsOfAnother() throws Exception {
        // three slots across topics; the slow topic may take two of them (go's WithValidatorConcurrency), so one is left for the other
        // a long validation deadline: the slow validations must hold their slots, not time out and free them
        GossipSubConfig config = GossipSubConfig.builder().params(PubSubNet.FAST).maxValidationsInFlight(3)
                .validationTimeout(java.time.Duration.ofMinutes(2)).build();
        try (PubSubNet net = new PubSubNet()) {
            PubSubNet.Node node = net.node(config);
            node.pubsub().subscribe("slow");
            Subscription quick = node.pubsub().subscribe("quick");
            AtomicInteger running = new AtomicInteger();
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            node.pubsub().setValidator("slow", (from, m) -> {
                running.incrementAndGet();
                release.await();
                return ValidationResult.ACCEPT;
            }, 2);
            node.pubsub().setValidator("quick", (from, m) -> ValidationResult.ACCEPT);
            RawPeer[] raws = new RawPeer[4];
            try {
                for (int i = 0; i < raws.length; i++) {
                    raws[i] = new RawPeer(net).connect(node);
                }
                for (int i = 0; i < 3; i++) {
                    raws[i].send(Rpc.ofMessages(List.of(raws[i].signed("slow", "x".getBytes(StandardCharsets.UTF_8)))));
                }
                awaitTrue("the third slow message ignored at the topic's bound",
                        () -> node.pubsub().stats().getOrDefault("refused.validatorConcurrency", 0L) == 1);
                awaitTrue("two slow validations running", () -> running.get() == 2);
                raws[3].send(Rpc.ofMessages(List.of(raws[3].signed("quick", "through".getBytes(StandardCharsets.UTF_8)))));
                ReceivedMessage m = quick.next(WAIT);
                assertThat(m).as("the other topic's message validated while the slow topic holds its two slots").isNotNull();
                assertThat(new String(m.data(), StandardCharsets.UTF_8)).isEqualTo("through");
                assertThat(node.pubsub().stats()).doesNotContainKey("refused.maxValidationsInFlight").doesNotContainKey("refused.validationTimeout");
            } finally {
                release.countDown();
            }
            assertThatThrownBy(() -> node.pubsub().setValidator("slow", (from, m) -> ValidationResult.ACCEPT, 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
