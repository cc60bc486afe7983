package org.jlibp2p.core.host;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Logs refusals by a limit: one INFO line naming the scope and the limit, and under a flood not one
 * per refusal but one each time the count doubles (the 1st, 2nd, 4th, 8th...), with the count, so
 * an attack cannot fill the disk with our log. Counted per limit, a small fixed set of keys.
 */
final class LimitLog {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.host");
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    /**
     * Counts a refusal and logs it if the count is a power of two.
     *
     * @param limit   names the limit (the key it is counted under)
     * @param message what was refused and why
     */
    void refused(String limit, Supplier<String> message) {
        long n = counts.computeIfAbsent(limit, k -> new AtomicLong()).incrementAndGet();
        FlightEvents.LimitRefusal event = new FlightEvents.LimitRefusal();
        if (event.isEnabled()) { // every refusal, where the log keeps only the doublings
            event.limit = limit;
            event.message = message.get();
            event.commit();
        }
        if (Long.bitCount(n) == 1) {
            LOG.log(Level.INFO, () -> message.get() + (n > 1 ? " (" + n + " refusals by this limit so far)" : ""));
        }
    }

    /** {@return how often each limit has refused, by limit} */
    Map<String, Long> counts() {
        Map<String, Long> out = new java.util.TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
