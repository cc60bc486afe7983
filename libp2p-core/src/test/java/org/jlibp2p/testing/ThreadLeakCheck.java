package org.jlibp2p.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds live threads by name, virtual ones included (which {@link Thread#getAllStackTraces()} does
 * not see): the JSON thread dump of the JDK lists every thread.
 */
public final class ThreadLeakCheck {
    private static final Pattern NAME = Pattern.compile("\"name\": \"([^\"]*)\"");

    private ThreadLeakCheck() {}

    /**
     * The live threads whose names start with one of the prefixes.
     *
     * @param prefixes name prefixes, such as {@code "yamux-"}
     * @return their names
     */
    public static List<String> liveThreads(String... prefixes) {
        try {
            Path dir = Files.createTempDirectory("threads");
            Path file = dir.resolve("dump.json");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String dump = Files.readString(file);
            Files.delete(file);
            Files.delete(dir);
            List<String> found = new ArrayList<>();
            Matcher m = NAME.matcher(dump);
            while (m.find()) {
                for (String p : prefixes) {
                    if (m.group(1).startsWith(p)) {
                        found.add(m.group(1));
                    }
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until no thread with those prefixes is alive.
     *
     * @param timeout  how long to wait
     * @param prefixes name prefixes
     * @return the threads still alive at the timeout (empty when none leaked)
     * @throws InterruptedException if interrupted
     */
    public static List<String> awaitNone(Duration timeout, String... prefixes) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> live = liveThreads(prefixes);
        while (!live.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            live = liveThreads(prefixes);
        }
        return live;
    }
}
