package org.jlibp2p.examples;

import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.text.MessageFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Where the library's {@link System.Logger} output goes when it runs inside the tool: to stderr,
 * at levels set per area. An area is the last part of a logger's name: {@code host}, {@code tcp},
 * {@code multistream}, {@code noise}, {@code yamux}, {@code memory}, {@code examples}. The default
 * is INFO and above (refusals by a limit, protocol violations, failures); {@code --log-level} and the
 * {@value #ENV} environment variable change it, in the spirit of {@code RUST_LOG} and
 * {@code GOLOG_LOG_LEVEL}: {@code JLIBP2P_LOG=noise=trace,yamux=debug} or {@code --log-level debug}.
 * {@code --trace} is TRACE everywhere: every layer's narration.
 *
 * <p>The layers log at TRACE and DEBUG only after asking {@code isLoggable}, so with those levels off
 * they build no strings at all. Lines are printed one at a time, each stamped under the same lock
 * that prints it, so their timestamps never go backwards.
 *
 * <p>Logging is one per process, so the levels are static state of this tool (not of the library,
 * which has no static mutable state).
 */
public final class ConsoleLoggerFinder extends System.LoggerFinder {
    /** The environment variable with log levels: {@code [LEVEL][,AREA=LEVEL]...}. */
    public static final String ENV = "JLIBP2P_LOG";
    /** The level names accepted, lowest first. */
    static final String LEVEL_NAMES = "off, error, warning, info, debug, trace";

    private static volatile Levels levels = Levels.DEFAULT;
    private static volatile PrintStream sink = System.err;
    private static final long START = System.nanoTime();
    /** One line at a time: the timestamp is taken and the line printed while holding it. */
    private static final ReentrantLock PRINTING = new ReentrantLock();

    /** For the service loader. */
    public ConsoleLoggerFinder() {}

    /**
     * Sets where log lines go and whether TRACE is shown everywhere (otherwise INFO and above).
     *
     * @param traceOn true to print every layer's TRACE narration
     * @param err     the stream for log lines
     */
    public static void configure(boolean traceOn, PrintStream err) {
        configure(traceOn ? new Levels(Level.TRACE, Map.of()) : Levels.DEFAULT, err);
    }

    static void configure(Levels newLevels, PrintStream err) {
        levels = newLevels;
        sink = err;
    }

    /**
     * The threshold of each area. Loggers outside {@code org.jlibp2p} (the JDK's own) stay at INFO
     * or above unless named.
     *
     * @param fallback the level of every area not named
     * @param areas    levels by area ({@code noise}) or by logger name or prefix ({@code org.jlibp2p.noise})
     */
    record Levels(Level fallback, Map<String, Level> areas) {
        static final Levels DEFAULT = new Levels(Level.INFO, Map.of());

        Levels {
            areas = Map.copyOf(areas);
        }

        /**
         * Applies a specification such as {@code debug}, {@code noise=trace,yamux=debug} or
         * {@code warning,host=debug} on top of these levels.
         *
         * @throws IllegalArgumentException naming the part that is not understood
         */
        Levels with(String spec) {
            Level newFallback = fallback;
            Map<String, Level> newAreas = new LinkedHashMap<>(areas);
            for (String part : spec.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                if (eq < 0) {
                    newFallback = level(p);
                } else if (eq == 0) {
                    throw new IllegalArgumentException("'" + p + "' names no area");
                } else {
                    newAreas.put(p.substring(0, eq).trim(), level(p.substring(eq + 1)));
                }
            }
            return new Levels(newFallback, newAreas);
        }

        static Level level(String name) {
            return switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "off", "none" -> Level.OFF;
                case "error" -> Level.ERROR;
                case "warning", "warn" -> Level.WARNING;
                case "info" -> Level.INFO;
                case "debug" -> Level.DEBUG;
                case "trace", "all" -> Level.TRACE;
                default -> throw new IllegalArgumentException("unknown log level '" + name.trim() + "' (one of " + LEVEL_NAMES + ")");
            };
        }

        /** {@return the lowest level a logger prints} */
        Level threshold(String loggerName, String area) {
            String best = null;
            for (String key : areas.keySet()) {
                boolean matches = key.equals(area) || loggerName.equals(key) || loggerName.startsWith(key + ".");
                if (matches && (best == null || key.length() > best.length())) {
                    best = key;
                }
            }
            if (best != null) {
                return areas.get(best);
            }
            if (loggerName.startsWith("org.jlibp2p")) {
                return fallback;
            }
            return fallback.getSeverity() > Level.INFO.getSeverity() ? fallback : Level.INFO;
        }
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new ConsoleLogger(name);
    }

    private static final class ConsoleLogger implements System.Logger {
        /** A threshold computed for one set of levels; recomputed when the levels change. */
        private record Cached(Levels levels, Level threshold) {}

        private final String name;
        private final String area;
        private volatile Cached cached = new Cached(null, Level.INFO);

        ConsoleLogger(String name) {
            this.name = name;
            this.area = name.startsWith("org.jlibp2p.") ? name.substring(name.lastIndexOf('.') + 1) : name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            Levels now = levels;
            Cached c = cached;
            if (c.levels() != now) {
                c = new Cached(now, now.threshold(name, area));
                cached = c;
            }
            return level != Level.OFF && c.threshold() != Level.OFF && level.getSeverity() >= c.threshold().getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            if (!isLoggable(level)) {
                return;
            }
            String text = message + (thrown != null ? " (" + thrown + ")" : "");
            PRINTING.lock();
            try {
                // Trace lines already start with their layer's name ("noise -> message 1 (e)").
                String prefix = level == Level.TRACE ? String.format(Locale.ROOT, "[%9.3f ms] ", (System.nanoTime() - START) / 1e6)
                        : "[" + level + "] " + area + ": ";
                sink.println(prefix + text);
            } finally {
                PRINTING.unlock();
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                log(level, bundle, params == null || params.length == 0 ? format : MessageFormat.format(format, params), (Throwable) null);
            }
        }

        @Override
        public void log(Level level, Supplier<String> supplier) {
            if (isLoggable(level)) {
                log(level, null, supplier.get(), (Throwable) null);
            }
        }
    }
}
