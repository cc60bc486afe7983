package org.jlibp2p.core.host;

/**
 * A subscriber's place on a host's event bus. Closing it stops the deliveries; the host closes every
 * subscription when it closes.
 */
public interface EventSubscription extends AutoCloseable {
    /**
     * {@return how many events were dropped because this subscriber's queue was full}
     * A subscriber that falls behind by more than its queue's capacity loses the newest events, never
     * delays the host or the other subscribers; each drop is counted here and logged.
     */
    long dropped();

    /** Stops delivering; events still queued are discarded. Idempotent. */
    @Override
    void close();
}
