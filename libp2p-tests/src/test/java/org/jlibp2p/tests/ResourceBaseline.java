package org.jlibp2p.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.testing.ThreadLeakCheck;

/**
 * What a test process holds before an attack test, to check after it that the hosts gave it all
 * back: no thread of the stack left, and the open file descriptors back to where they were.
 *
 * @param fileDescriptors open file descriptors, or -1 where /proc/self/fd does not exist
 */
record ResourceBaseline(long fileDescriptors) {
    /** Descriptors the JVM itself may open meanwhile (class files, a log). */
    private static final long SLACK = 8;

    static ResourceBaseline take() throws IOException {
        return new ResourceBaseline(openFileDescriptors());
    }

    /** Waits up to 10 s for the stack's threads to end and the descriptors to come back. */
    void assertRestored() throws IOException, InterruptedException {
        assertThat(ThreadLeakCheck.awaitNone(Duration.ofSeconds(10), "jlibp2p-", "yamux-")).as("threads left by the test").isEmpty();
        if (fileDescriptors < 0) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (openFileDescriptors() > fileDescriptors + SLACK) {
            assertThat(System.nanoTime()).as("file descriptors back to " + fileDescriptors + ", now " + openFileDescriptors()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static long openFileDescriptors() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (var list = Files.list(fds)) {
            return list.count();
        }
    }
}
