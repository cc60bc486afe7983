package org.jlibp2p.noise;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EphemeralKeysTest {

    @Test
    @Timeout(10)
    void aHandshakeTakesThePairMadeAheadAndItIsNeverHandedOutAgain() throws Exception {
        List<X25519> made = Collections.synchronizedList(new ArrayList<>());
        EphemeralKeys keys = new EphemeralKeys(() -> {
            X25519 pair = X25519.generate();
            made.add(pair);
            return pair;
        });

        X25519 first = keys.get(); // nothing ready yet: made on the spot, and the next one is begun
        while (!keys.hasReady()) {
            Thread.sleep(1);
        }
        List<X25519> before = List.copyOf(made);
        assertThat(before).as("the one taken and the one made ahead").hasSize(2).contains(first);
        X25519 ahead = before.get(0) == first ? before.get(1) : before.get(0);
        X25519 second = keys.get();
        assertThat(second).as("the pair made ahead").isSameAs(ahead);

        while (!keys.hasReady()) {
            Thread.sleep(1);
        }
        X25519 third = keys.get();
        assertThat(third).isSameAs(made.get(2));
        assertThat(List.of(first.publicKey(), second.publicKey(), third.publicKey()))
                .extracting(Arrays::toString).doesNotHaveDuplicates();
    }

    @Test
    @Timeout(20)
    void concurrentHandshakesEachGetAPairOfTheirOwn() throws Exception {
        AtomicInteger makingAhead = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        EphemeralKeys keys = new EphemeralKeys(() -> {
            if (!Thread.currentThread().getName().equals("noise-ephemeral")) {
                return X25519.generate();
            }
            mostAtOnce.accumulateAndGet(makingAhead.incrementAndGet(), Math::max);
            try {
                return X25519.generate();
            } finally {
                makingAhead.decrementAndGet();
            }
        });
        ConcurrentLinkedQueue<X25519> taken = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 25; i++) {
                    taken.add(keys.get());
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        // The handshakes may all have ended before the thread making a pair ahead first ran (they
        // keep both carriers busy); the last get() began one, which leaves its pair ready.
        while (!keys.hasReady()) {
            Thread.sleep(1);
        }
        Set<X25519> identities = Collections.newSetFromMap(new IdentityHashMap<>());
        identities.addAll(taken);
        Set<String> publicKeys = new HashSet<>();
        taken.forEach(k -> publicKeys.add(Arrays.toString(k.publicKey())));
        assertThat(taken).hasSize(200);
        assertThat(identities).as("no pair handed out twice").hasSize(200);
        assertThat(publicKeys).hasSize(200);
        assertThat(mostAtOnce.get()).as("pairs made ahead at once").isEqualTo(1);
    }

    @Test
    @Timeout(10)
    void aFailureToMakeAPairAheadLeavesTheHandshakeToMakeItsOwnAndTheNextAttemptMakesOne() throws Exception {
        AtomicInteger attemptsAhead = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e)); // the failure must not escape its thread
        try {
            makesAPairAheadAfterAFailure(attemptsAhead);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
        assertThat(uncaught).isEmpty();
    }

    private static void makesAPairAheadAfterAFailure(AtomicInteger attemptsAhead) throws Exception {
        EphemeralKeys keys = new EphemeralKeys(() -> {
            if (Thread.currentThread().getName().equals("noise-ephemeral") && attemptsAhead.incrementAndGet() == 1) {
                throw new IllegalStateException("the JDK lacks X25519");
            }
            return X25519.generate();
        });
        X25519 first = keys.get(); // made on the spot; the attempt ahead fails
        while (attemptsAhead.get() == 0) {
            Thread.sleep(1);
        }
        X25519 second = null;
        while (!keys.hasReady()) { // each get() made on the spot until an attempt ahead has succeeded
            second = keys.get();
            Thread.sleep(1);
        }
        X25519 ahead = keys.get();
        assertThat(attemptsAhead.get()).as("attempts ahead after the failed one").isGreaterThanOrEqualTo(2);
        assertThat(ahead).isNotNull().isNotSameAs(first).isNotSameAs(second);
    }
}
