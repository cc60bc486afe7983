package org.jlibp2p.pubsub;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jlibp2p.core.host.LimitLog;
import org.jlibp2p.core.host.ServiceContext;

/**
 * The listeners of {@link PubSubEvent}s: each gets the events in order on a virtual thread of its own,
 * from a queue of {@value #QUEUE} events; a listener that falls that far behind loses the newest
 * (counted and logged) and delays nobody, as the host's own event subscribers do.
 */
final class PeerEvents {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.pubsub");
    /** Events waiting for one listener at most. */
    static final int QUEUE = 1024;

    private final ServiceContext ctx;
    private final LimitLog refusals;
    private final BooleanSupplier closed;
    private final List<Consumer<PubSubEvent>> listeners = new CopyOnWriteArrayList<>();

    PeerEvents(ServiceContext ctx, LimitLog refusals, BooleanSupplier closed) {
        this.ctx = ctx;
        this.refusals = refusals;
        this.closed = closed;
    }

    AutoCloseable add(Consumer<PubSubEvent> consumer) {
        BlockingQueue<PubSubEvent> q = new ArrayBlockingQueue<>(QUEUE);
        Consumer<PubSubEvent> offer = e -> {
            if (!q.offer(e)) {
                refusals.refused("eventQueue", () -> "an event listener is " + QUEUE + " events behind: event dropped");
            }
        };
        listeners.add(offer);
        ctx.execute("pubsub-events", () -> {
            try {
                while (!closed.getAsBoolean()) {
                    PubSubEvent e = q.poll(1, TimeUnit.SECONDS);
                    if (e != null) {
                        try {
                            consumer.accept(e);
                        } catch (RuntimeException ex) {
                            LOG.log(Level.WARNING, "a pubsub event listener threw", ex);
                        }
                    } else if (!listeners.contains(offer)) {
                        return;
                    }
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        return () -> listeners.remove(offer);
    }

    void emit(PubSubEvent e) {
        for (Consumer<PubSubEvent> l : listeners) {
            l.accept(e);
        }
    }
}
