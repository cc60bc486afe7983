package org.jlibp2p.pubsub;

import org.jlibp2p.core.host.LimitLog;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jlibp2p.core.PeerId;

/**
 * Topic validators (gossipsub-v1.1.md, "Extended Validators"): each runs on a virtual thread of its
 * own with a deadline, past which the message is ignored and the validator interrupted. Two bounds,
 * as go's validation pipeline has: at most {@link GossipSubConfig#maxValidationsInFlight()} run at
 * once across topics (go's validate throttle), and at most the topic's concurrency in one topic (go's
 * {@code WithValidatorConcurrency}, default {@link GossipSubConfig#validatorConcurrency()}), so that a
 * topic whose validator is slow cannot take every slot from the others, once its bound is set below
 * the total (with the defaults both are 1,024 and only the total binds). Past either, the message is
 * ignored. A validator that throws counts as ignore.
 */
final class Validation {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.pubsub");

    private final GossipSubConfig config;
    private final LimitLog refusals;
    /** A topic's validator and the slots of its concurrency. */
    private record TopicValidator(Validator validator, int concurrency, Semaphore slots) {}

    private final Map<String, TopicValidator> validators = new ConcurrentHashMap<>();
    private final Semaphore inFlight;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jlibp2p-pubsub-validate-", 0).factory());

    Validation(GossipSubConfig config, LimitLog refusals) {
        this.config = config;
        this.refusals = refusals;
        this.inFlight = new Semaphore(config.maxValidationsInFlight());
    }

    void setValidator(String topic, Validator v, int concurrency) {
        if (v == null) {
            validators.remove(topic);
        } else {
            if (concurrency < 1) {
                throw new IllegalArgumentException("a validator's concurrency must be positive: " + concurrency);
            }
            validators.put(topic, new TopicValidator(v, concurrency, new Semaphore(concurrency)));
        }
    }

    /** {@return the topic's verdict on a message; accept when the topic has no validator} Called without the router's lock. */
    ValidationResult validate(PeerId from, Message m) {
        TopicValidator tv = validators.get(m.topic());
        if (tv == null) {
            return ValidationResult.ACCEPT;
        }
        if (!tv.slots().tryAcquire()) {
            refusals.refused("validatorConcurrency", () -> tv.concurrency() + " validations of " + m.topic()
                    + " running (its validator concurrency): a message ignored");
            return ValidationResult.IGNORE;
        }
        if (!inFlight.tryAcquire()) {
            tv.slots().release();
            refusals.refused("maxValidationsInFlight", () -> config.maxValidationsInFlight() + " validations running: a message in "
                    + m.topic() + " ignored");
            return ValidationResult.IGNORE;
        }
        Future<ValidationResult> f = null;
        try {
            Validator v = tv.validator();
            f = threads.submit(() -> v.validate(from, m));
            ValidationResult r = f.get(config.validationTimeout().toNanos(), TimeUnit.NANOSECONDS);
            return r == null ? ValidationResult.IGNORE : r;
        } catch (TimeoutException e) {
            refusals.refused("validationTimeout", () -> "a validator of " + m.topic() + " took longer than " + config.validationTimeout()
                    + ": message ignored");
            return ValidationResult.IGNORE;
        } catch (ExecutionException e) {
            LOG.log(Level.DEBUG, () -> "a validator of " + m.topic() + " threw " + e.getCause());
            return ValidationResult.IGNORE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ValidationResult.IGNORE;
        } catch (RejectedExecutionException e) {
            return ValidationResult.IGNORE; // closing
        } finally {
            if (f != null) {
                f.cancel(true);
            }
            inFlight.release();
            tv.slots().release();
        }
    }

    void close() {
        threads.shutdownNow();
    }
}
