package org.jlibp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.memory.MemoryNetwork;
import org.jlibp2p.testing.ReadmeExample;
import org.jlibp2p.testing.ThreadLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The example of this module's README, kept running; and the README kept showing it. */
@Timeout(60)
class ReadmeExampleTest {
    @Test
    void theReadmeExampleWorks() throws Exception {
        String text;
        String publisher;
        String aliceId;
        // --- README begins
        MemoryNetwork net = new MemoryNetwork();  // hosts in one JVM; over TCP, leave out transport(net.transport())
        GossipSub alice = new GossipSub();        // go's parameters, strict signing, no scoring
        GossipSub bob = new GossipSub();
        GossipSub carol = new GossipSub(GossipSubConfig.builder()
                .scoring(PeerScoreParams.defaults(), PeerScoreThresholds.defaults())   // scoring on, in one call
                .build());
        try (Host a = Host.builder().transport(net.transport()).listen("/memory/0").service(alice).build();
             Host b = Host.builder().transport(net.transport()).listen("/memory/0").service(bob).build();
             Host c = Host.builder().transport(net.transport()).listen("/memory/0").service(carol).build()) {
            Subscription news = carol.subscribe("news");
            bob.subscribe("news");
            alice.subscribe("news");
            b.connect(a.fullAddrs().get(0));      // a line: alice - bob - carol
            c.connect(b.fullAddrs().get(0));
            carol.setValidator("news", (from, m) -> m.payload().length > 0 ? ValidationResult.ACCEPT : ValidationResult.REJECT);
            while (bob.meshPeers("news").size() < 2) {
                Thread.sleep(50);                 // bob grafts both at its next heartbeat (1 s)
            }
            alice.publish("news", "hello, gossip".getBytes());
            ReceivedMessage m = news.next(Duration.ofSeconds(10));   // through bob's mesh
            text = new String(m.data());          // hello, gossip
            publisher = m.from().orElseThrow().toString();           // alice's peer id: the message is signed
            aliceId = a.peerId().toString();
            System.out.println(text + " from " + publisher + " via " + m.receivedFrom()
                    + " over " + carol.protocol(b.peerId()).orElseThrow());              // ... over /meshsub/1.2.0
        }
        // --- README ends
        assertThat(text).isEqualTo("hello, gossip");
        assertThat(publisher).isEqualTo(aliceId);
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(5), "jlibp2p-", "yamux-")).isEmpty();
    }

    @Test
    void theReadmeShowsThisExample() throws Exception {
        ReadmeExample.assertReadmeShows(ReadmeExampleTest.class);
    }
}
