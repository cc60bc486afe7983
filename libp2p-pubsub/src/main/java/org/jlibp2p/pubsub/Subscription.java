package org.jlibp2p.pubsub;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A subscription to a topic: read it with {@link #next(Duration)}, or have it handed to a handler
 * ({@link GossipSub#subscribe(String, java.util.function.Consumer)}). Messages wait in a bounded
 * buffer; when the reader falls behind by {@link GossipSubConfig#subscriptionBufferSize()} messages,
 * new ones are dropped for this subscription (counted and logged), and nobody else waits. Closing it
 * unsubscribes when it was the topic's last subscription.
 */
public final class Subscription implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.pubsub");
    private static final ReceivedMessage END = new ReceivedMessage(null, null, null);

    private final String topic;
    private final GossipSub owner;
    private final BlockingQueue<ReceivedMessage> queue;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    Subscription(String topic, GossipSub owner, int capacity) {
        this.topic = topic;
        this.owner = owner;
        this.queue = new ArrayBlockingQueue<>(capacity + 1); // room for the end marker
    }

    /** {@return the topic} */
    public String topic() {
        return topic;
    }

    /**
     * Waits for the next message.
     *
     * @param timeout how long to wait
     * @return the message, or null if none came in time or the subscription is closed
     * @throws InterruptedException if interrupted while waiting
     */
    public ReceivedMessage next(Duration timeout) throws InterruptedException {
        if (closed && queue.isEmpty()) {
            return null;
        }
        ReceivedMessage m = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (m == END) {
            queue.offer(END);
            return null;
        }
        return m;
    }

    /** {@return the messages dropped because the reader was behind} */
    public long dropped() {
        return dropped.get();
    }

    /** {@return true once closed} */
    public boolean isClosed() {
        return closed;
    }

    void deliver(ReceivedMessage m) {
        if (closed) {
            return;
        }
        if (queue.remainingCapacity() <= 1 || !queue.offer(m)) {
            long n = dropped.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                LOG.log(Level.INFO, "subscription to " + topic + " is " + (queue.size()) + " messages behind: dropped " + n + " so far");
            }
        }
    }

    /** Ends the subscription; a reader waiting in {@link #next} returns null. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.offer(END);
        owner.unsubscribe(this);
    }

    void endByHost() {
        closed = true;
        queue.offer(END);
    }
}
