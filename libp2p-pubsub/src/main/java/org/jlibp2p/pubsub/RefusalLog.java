package org.jlibp2p.pubsub;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Logs refusals by a limit as the host does its own: one INFO line naming the limit the first time,
 * then one each time the count doubles (the 2nd, 4th, 8th...), with the count, so that a peer that
 * floods cannot flood the log. Keyed by a small fixed set of limit names.
 */
final class RefusalLog {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.pubsub");
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    void refused(String limit, Supplier<String> message) {
        long n = counts.computeIfAbsent(limit, k -> new AtomicLong()).incrementAndGet();
        if (Long.bitCount(n) == 1) {
            LOG.log(Level.INFO, () -> message.get() + " [" + limit + (n > 1 ? ", " + n + " refusals so far" : "") + "]");
        } else if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, message);
        }
    }

    long count(String limit) {
        AtomicLong n = counts.get(limit);
        return n == null ? 0 : n.get();
    }

    Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
