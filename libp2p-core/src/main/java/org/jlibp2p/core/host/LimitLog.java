package org.jlibp2p.core.host;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Logs refusals by a limit: one INFO line naming the scope and the limit, and under a flood not one
 * per refusal but one each time the count doubles (the 1st, 2nd, 4th, 8th...), with the count, so
 * an attack cannot fill the disk with our log. Every refusal is also a JFR event
 * ({@code org.jlibp2p.LimitRefusal}). Counted per limit, a small fixed set of keys. The host keeps
 * one for its own limits; a protocol module keeps one on its own logger.
 */
public final class LimitLog {
    private final System.Logger log;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    /** A log of the host's own limits, on the {@code org.jlibp2p.host} logger. */
    LimitLog() {
        this(System.getLogger("org.jlibp2p.host"));
    }

    /**
     * A log of refusals on the given logger.
     *
     * @param log where the INFO lines go, such as the protocol module's own logger
     */
    public LimitLog(System.Logger log) {
        this.log = java.util.Objects.requireNonNull(log, "log");
    }

    /**
     * Counts a refusal and logs it if the count is a power of two.
     *
     * @param limit   names the limit (the key it is counted under)
     * @param message what was refused and why
     */
    public void refused(String limit, Supplier<String> message) {
        long n = counts.computeIfAbsent(limit, k -> new AtomicLong()).incrementAndGet();
        if (FlightEvents.recorderStarted()) {
            FlightEvents.LimitRefusal event = new FlightEvents.LimitRefusal();
            if (event.isEnabled()) { // every refusal, where the log keeps only the doublings
                event.limit = limit;
                event.message = message.get();
                event.commit();
            }
        }
        if (Long.bitCount(n) == 1) {
            log.log(Level.INFO, () -> message.get() + (n > 1 ? " (" + n + " refusals by this limit so far)" : ""));
        } else if (log.isLoggable(Level.DEBUG)) {
            log.log(Level.DEBUG, message);
        }
    }

    /**
     * {@return how often one limit has refused}
     *
     * @param limit the limit's name, as given to {@link #refused}
     */
    public long count(String limit) {
        AtomicLong n = counts.get(limit);
        return n == null ? 0 : n.get();
    }

    /** {@return how often each limit has refused, by limit} */
    public Map<String, Long> counts() {
        Map<String, Long> out = new java.util.TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
