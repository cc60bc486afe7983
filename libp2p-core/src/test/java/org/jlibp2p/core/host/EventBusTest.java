package org.jlibp2p.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Multiaddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class EventBusTest {
    private static HostEvent.LocalAddressesChanged event(int n) {
        return new HostEvent.LocalAddressesChanged(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/" + n)));
    }

    private static int port(HostEvent e) {
        return Integer.parseInt(((HostEvent.LocalAddressesChanged) e).addrs().get(0).valueOf(org.jlibp2p.core.MultiaddrProtocol.TCP).orElseThrow());
    }

    @Test
    void eachSubscriberGetsEveryEventInOrder() throws Exception {
        EventBus bus = new EventBus();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(500);
        bus.subscribe(HostEvent.class, e -> {
            seen.add(port(e));
            all.countDown();
        }, 1024);
        for (int i = 1; i <= 500; i++) {
            bus.publish(event(i));
        }
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).hasSize(500).isSorted();
        bus.close(Duration.ofSeconds(1));
    }

    @Test
    void onlyTheRequestedKindIsDelivered() throws Exception {
        EventBus bus = new EventBus();
        List<HostEvent> seen = new CopyOnWriteArrayList<>();
        bus.subscribe(HostEvent.LocalProtocolsChanged.class, seen::add, 16);
        bus.publish(event(1));
        bus.publish(new HostEvent.LocalProtocolsChanged(List.of("/a")));
        bus.close(Duration.ofSeconds(1)); // drains what is queued
        assertThat(seen).containsExactly(new HostEvent.LocalProtocolsChanged(List.of("/a")));
    }

    /**
     * A subscriber that wants only some events of its type queues only those: the others neither take
     * places in its queue nor count as dropped. Nine events into a queue of four: the odd ones would
     * have filled it.
     */
    @Test
    void aSubscriberQueuesOnlyTheEventsItWants() throws Exception {
        EventBus bus = new EventBus();
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        EventSubscription s = bus.subscribe("even", HostEvent.class, e -> port(e) % 2 == 0, e -> {
            seen.add(port(e));
            try {
                release.await(10, TimeUnit.SECONDS); // busy while the rest is published
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, 4);
        for (int i = 1; i <= 9; i++) {
            bus.publish(event(i));
        }
        release.countDown();
        bus.close(Duration.ofSeconds(5)); // drains what is queued
        assertThat(seen).containsExactly(2, 4, 6, 8);
        assertThat(s.dropped()).isZero();
    }

    /**
     * A subscriber stuck in its consumer delays nobody: publish never blocks, the stuck one loses the
     * newest events beyond its queue (counted), and another subscriber gets them all.
     */
    @Test
    void aSlowSubscriberLosesTheNewestEventsAndDelaysNobody() throws Exception {
        EventBus bus = new EventBus();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstTaken = new CountDownLatch(1);
        List<Integer> slowSeen = new CopyOnWriteArrayList<>();
        EventSubscription slow = bus.subscribe(HostEvent.class, e -> {
            slowSeen.add(port(e));
            firstTaken.countDown();
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }, 4);
        List<Integer> fastSeen = new CopyOnWriteArrayList<>();
        CountDownLatch fastAll = new CountDownLatch(100);
        bus.subscribe(HostEvent.class, e -> {
            fastSeen.add(port(e));
            fastAll.countDown();
        }, 1024);
        bus.publish(event(1));
        assertThat(firstTaken.await(5, TimeUnit.SECONDS)).isTrue(); // the slow one holds event 1
        long start = System.nanoTime();
        for (int i = 2; i <= 100; i++) {
            bus.publish(event(i));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("publish never waits").isLessThan(Duration.ofSeconds(1));
        assertThat(fastAll.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(fastSeen).hasSize(100).isSorted();
        assertThat(slow.dropped()).isEqualTo(100 - 1 - 4);
        release.countDown();
        bus.close(Duration.ofSeconds(2));
        assertThat(slowSeen).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void aThrowingSubscriberIsIsolated() throws Exception {
        EventBus bus = new EventBus();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        bus.subscribe(HostEvent.class, e -> {
            seen.add(port(e));
            three.countDown();
            if (port(e) == 1) {
                throw new IllegalStateException("subscriber bug");
            }
        }, 16);
        for (int i = 1; i <= 3; i++) {
            bus.publish(event(i));
        }
        assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).containsExactly(1, 2, 3);
        bus.close(Duration.ofSeconds(1));
    }

    @Test
    void closingASubscriptionEndsItsThread() throws Exception {
        EventBus bus = new EventBus();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        List<Thread> deliverer = new CopyOnWriteArrayList<>();
        CountDownLatch first = new CountDownLatch(1);
        EventSubscription s = bus.subscribe(HostEvent.class, e -> {
            deliverer.add(Thread.currentThread());
            seen.add(port(e));
            first.countDown();
        }, 16);
        bus.publish(event(1));
        assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
        s.close();
        assertThat(deliverer.get(0).join(Duration.ofSeconds(5))).as("the subscriber's thread ended").isTrue();
        bus.publish(event(2));
        assertThat(seen).containsExactly(1);
        bus.close(Duration.ofSeconds(1));
    }
}
