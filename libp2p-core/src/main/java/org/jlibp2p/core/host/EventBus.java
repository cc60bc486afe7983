package org.jlibp2p.core.host;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Delivers a host's {@link HostEvent}s. Each subscriber has a bounded queue and a virtual thread of
 * its own, so a slow or failing subscriber delays nobody: {@link #publish} never blocks; when a
 * subscriber's queue is full the new event is dropped for that subscriber, counted and logged; an
 * exception thrown by a subscriber is logged and the next event is delivered as usual.
 */
final class EventBus {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.host");
    /** Events queued per subscriber by default, before the newest are dropped. */
    static final int DEFAULT_QUEUE_CAPACITY = 1024;

    private final List<Subscriber<?>> subscribers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Publishes an event to every subscriber that wants it (its type, and its filter if it has one); never blocks. */
    void publish(HostEvent event) {
        for (Subscriber<?> s : subscribers) {
            s.offer(event);
        }
    }

    <T extends HostEvent> EventSubscription subscribe(Class<T> type, Consumer<? super T> consumer, int capacity) {
        return subscribe(type.getSimpleName(), type, e -> true, consumer, capacity);
    }

    /**
     * Subscribes to the events of {@code type} that {@code wanted} accepts: only those take a place
     * in the subscriber's queue and wake its thread.
     *
     * @param name   names the subscriber's thread, {@code jlibp2p-events-<name>}
     * @param wanted the events to deliver, each an instance of {@code type}
     */
    <T extends HostEvent> EventSubscription subscribe(String name, Class<T> type, Predicate<? super HostEvent> wanted, Consumer<? super T> consumer,
            int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the queue capacity must be positive");
        }
        Subscriber<T> s = new Subscriber<>(name, type, wanted, consumer, capacity);
        subscribers.add(s);
        if (closed) {
            s.close();
            return s;
        }
        s.start();
        return s;
    }

    /**
     * Ends every subscription. Each subscriber first gets up to {@code drain} to take what is already
     * queued (the last connections' closed events), then its thread is interrupted.
     */
    void close(Duration drain) {
        closed = true;
        long deadline = System.nanoTime() + drain.toNanos();
        for (Subscriber<?> s : subscribers) {
            s.finish(deadline);
        }
        subscribers.clear();
    }

    /** Queued after a subscriber's last event: its thread ends when it takes it. */
    private static final Object END = new Object();

    private final class Subscriber<T extends HostEvent> implements EventSubscription {
        private final Class<T> type;
        private final Predicate<? super HostEvent> wanted;
        private final Consumer<? super T> consumer;
        /** Wanted events of type T, then END; one more place than the capacity, so that END always fits. */
        private final BlockingQueue<Object> queue;
        private final int capacity;
        private final AtomicLong dropped = new AtomicLong();
        private final Thread thread;
        private volatile boolean ended;

        Subscriber(String name, Class<T> type, Predicate<? super HostEvent> wanted, Consumer<? super T> consumer, int capacity) {
            this.type = type;
            this.wanted = wanted;
            this.consumer = consumer;
            this.capacity = capacity;
            this.queue = new ArrayBlockingQueue<>(capacity + 1);
            this.thread = Thread.ofVirtual().name("jlibp2p-events-" + name).unstarted(this::deliver);
        }

        void start() {
            thread.start();
        }

        void offer(HostEvent event) {
            if (ended || !type.isInstance(event) || !wanted.test(event)) {
                return;
            }
            // at most `capacity` events: the last place is END's
            boolean queued = queue.size() < capacity && queue.offer(event);
            if (!queued) {
                long n = dropped.incrementAndGet();
                if (Long.bitCount(n) == 1) { // the 1st, 2nd, 4th, 8th... drop: one line per doubling
                    LOG.log(Level.WARNING, () -> "event subscriber " + consumer + " is slow: its queue of " + capacity
                            + " events is full, " + n + " dropped so far");
                }
            }
        }

        /** Takes events in order until END; an idle subscriber's thread sleeps in take(), it never polls. */
        private void deliver() {
            try {
                while (true) {
                    Object next = queue.take();
                    if (next == END) {
                        return;
                    }
                    T event = type.cast(next);
                    try {
                        consumer.accept(event);
                    } catch (RuntimeException | Error e) {
                        LOG.log(Level.WARNING, "event subscriber " + consumer + " failed on " + event.getClass().getSimpleName(), e);
                        if (e instanceof VirtualMachineError vm) {
                            throw vm;
                        }
                    }
                }
            } catch (InterruptedException e) {
                // closed
            }
        }

        /** Lets the thread take what is queued until the deadline, then stops it. */
        void finish(long deadlineNanos) {
            ended = true;
            queue.offer(END);
            long left = deadlineNanos - System.nanoTime();
            try {
                if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                    thread.interrupt();
                    thread.join(Duration.ofSeconds(1));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public long dropped() {
            return dropped.get();
        }

        @Override
        public void close() {
            ended = true;
            subscribers.remove(this);
            queue.clear();
            queue.offer(END);
            thread.interrupt();
        }
    }
}
