package org.jlibp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-peer outbound queue: bounded, messages before gossip, gossip dropped first. */
class OutboundQueueTest {
    @Test
    void messagesGoBeforeGossip() throws Exception {
        OutboundQueue q = new OutboundQueue(10, 1000);
        q.offer(new byte[] {1}, true);
        q.offer(new byte[] {2}, false);
        assertThat(q.take(1, TimeUnit.SECONDS)).containsExactly(2);
        assertThat(q.take(1, TimeUnit.SECONDS)).containsExactly(1);
        assertThat(q.take(10, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void whenFullGossipIsDroppedFirstThenNewMessages() {
        OutboundQueue q = new OutboundQueue(3, 1000);
        assertThat(q.offer(new byte[] {1}, true)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(q.offer(new byte[] {2}, false)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(q.offer(new byte[] {3}, false)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(q.offer(new byte[] {4}, true)).as("gossip into a full queue").isEqualTo(OutboundQueue.Outcome.DROPPED);
        assertThat(q.offer(new byte[] {5}, false)).as("a message evicts the queued gossip").isEqualTo(OutboundQueue.Outcome.EVICTED_GOSSIP);
        assertThat(q.offer(new byte[] {6}, false)).as("nothing left to evict").isEqualTo(OutboundQueue.Outcome.DROPPED);
        assertThat(q.size()).isEqualTo(3);
        assertThat(q.dropped()).isEqualTo(3);
    }

    /** What was queued for a stream that failed is dropped, and the bounds count from zero again. */
    @Test
    void clearDropsEverythingQueuedAndFreesTheBounds() throws Exception {
        OutboundQueue q = new OutboundQueue(3, 1000);
        q.offer(new byte[] {1}, true);
        q.offer(new byte[] {2}, false, MessageId.of(new byte[] {9}));
        q.offer(new byte[] {3}, false);
        assertThat(q.clear()).isEqualTo(3);
        assertThat(q.size()).isZero();
        assertThat(q.take(10, TimeUnit.MILLISECONDS)).isNull();
        assertThat(q.cancel(MessageId.of(new byte[] {9}))).as("its message ids are forgotten too").isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(q.offer(new byte[] {(byte) i}, false)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        }
    }

    @Test
    void anIDontWantTakesQueuedCopiesOfItsMessageOut() throws Exception {
        OutboundQueue q = new OutboundQueue(10, 1000);
        MessageId wanted = MessageId.of(new byte[] {1});
        MessageId unwanted = MessageId.of(new byte[] {2});
        q.offer(new byte[] {1}, false, wanted);
        q.offer(new byte[] {2}, false, unwanted);
        q.offer(new byte[] {3}, false, null);
        assertThat(q.cancel(unwanted)).isEqualTo(1);
        assertThat(q.cancel(unwanted)).isZero();
        assertThat(q.take(1, TimeUnit.SECONDS)).containsExactly(1);
        assertThat(q.take(1, TimeUnit.SECONDS)).containsExactly(3);
        assertThat(q.bytes()).isZero();
        assertThat(q.cancelled()).isEqualTo(1);
    }

    @Test
    void bytesAreBoundedToo() {
        OutboundQueue q = new OutboundQueue(100, 10);
        assertThat(q.offer(new byte[8], false)).isEqualTo(OutboundQueue.Outcome.QUEUED);
        assertThat(q.offer(new byte[8], false)).isEqualTo(OutboundQueue.Outcome.DROPPED);
        assertThat(q.bytes()).isEqualTo(8);
    }

    @Test
    void closingWakesTheWriter() throws Exception {
        OutboundQueue q = new OutboundQueue(10, 1000);
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                assertThat(q.take(30, TimeUnit.SECONDS)).isNull();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        Thread.sleep(50);
        q.close();
        t.join(5000);
        assertThat(t.isAlive()).isFalse();
        assertThat(q.offer(new byte[1], false)).isEqualTo(OutboundQueue.Outcome.DROPPED);
    }
}
