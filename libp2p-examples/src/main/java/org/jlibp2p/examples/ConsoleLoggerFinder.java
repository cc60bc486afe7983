package org.jlibp2p.examples;

import java.io.PrintStream;
import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * Where the library's {@link System.Logger} output goes when it runs inside the tool: to stderr,
 * INFO and above (refusals by a limit, protocol violations, failures), plus every layer's TRACE
 * narration when {@code --trace} is given. The
 * layers log at TRACE only after asking {@code isLoggable}, so with tracing off they build no
 * strings at all.
 *
 * <p>Logging is one per process, so the trace switch is a static flag of this tool (not of the
 * library, which has no static mutable state).
 */
public final class ConsoleLoggerFinder extends System.LoggerFinder {
    private static volatile boolean trace;
    private static volatile PrintStream sink = System.err;
    private static final long START = System.nanoTime();

    /** For the service loader. */
    public ConsoleLoggerFinder() {}

    /**
     * Sets where log lines go and whether TRACE is shown.
     *
     * @param traceOn true to print every layer's TRACE narration
     * @param err     the stream for log lines
     */
    public static void configure(boolean traceOn, PrintStream err) {
        trace = traceOn;
        sink = err;
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new ConsoleLogger(name);
    }

    private static final class ConsoleLogger implements System.Logger {
        private final String name;
        private final String layer;

        ConsoleLogger(String name) {
            this.name = name;
            String last = name.substring(name.lastIndexOf('.') + 1);
            this.layer = name.startsWith("org.jlibp2p.") ? last : name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            if (level.getSeverity() >= Level.INFO.getSeverity()) {
                return true;
            }
            return trace && level == Level.TRACE && name.startsWith("org.jlibp2p");
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            if (!isLoggable(level)) {
                return;
            }
            double ms = (System.nanoTime() - START) / 1e6;
            // Trace lines already start with their layer's name ("noise -> message 1 (e)").
            String prefix = level == Level.TRACE ? String.format("[%9.3f ms] ", ms) : "[" + level + "] " + layer + ": ";
            sink.println(prefix + message + (thrown != null ? " (" + thrown + ")" : ""));
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
