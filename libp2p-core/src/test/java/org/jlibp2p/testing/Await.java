package org.jlibp2p.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that other threads make true, with a deadline: the way tests here wait for
 * what a host does in the background, instead of sleeping a fixed time and hoping.
 */
public final class Await {
    private Await() {}

    /**
     * Polls a condition until it holds, failing the test with {@code what} if it does not within the time.
     *
     * @param what      the condition, for the failure message
     * @param within    how long it may take
     * @param every     how long to sleep between polls
     * @param condition the condition
     * @throws InterruptedException if interrupted
     */
    public static void until(String what, Duration within, Duration every, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + within.toSeconds() + " s").isLessThan(deadline);
            Thread.sleep(every);
        }
    }
}
