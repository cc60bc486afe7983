package org.jlibp2p.kad;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Logs refusals by a limit as the host does its own: one INFO line naming the limit the first time,
 * then one each time the count doubles, with the count, so a flood cannot flood the log. Keyed by a
 * small fixed set of names.
 */
final class RefusalLog {
    private final System.Logger log;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    RefusalLog(System.Logger log) {
        this.log = log;
    }

    void refused(String limit, Supplier<String> message) {
        long n = counts.computeIfAbsent(limit, k -> new AtomicLong()).incrementAndGet();
        if (Long.bitCount(n) == 1) {
            log.log(Level.INFO, () -> message.get() + (n > 1 ? " (" + n + " refusals by " + limit + " so far)" : ""));
        } else {
            log.log(Level.DEBUG, message);
        }
    }

    long count(String limit) {
        AtomicLong n = counts.get(limit);
        return n == null ? 0 : n.get();
    }
}
