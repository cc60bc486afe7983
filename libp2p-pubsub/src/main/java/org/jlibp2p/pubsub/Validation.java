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
import java.util.function.Consumer;
import org.jlibp2p.core.PeerId;

/**
 * Topic validators (gossipsub-v1.1.md, "Extended Validators"): each runs on a virtual thread of its
 * own with a deadline, past which the message is ignored and the validator interrupted. Two bounds,
 * as go's validation pipeline has: at most {@link GossipSubConfig#maxValidationsInFlight()} run at
 * once across topics (go's validate throttle), and at most the topic's concurrency in one topic (go's
 * {@code WithValidatorConcurrency}, default {@link GossipSubConfig#validatorConcurrency()}), so that a
 * topic whose validator is slow cannot take every slot from the others, once its bound is set below
 * the total (with the defaults both are 1,024 and only the total binds). Past either, the message is
 * ignored. A validator that throws counts as ignore. A received message's verdict comes back on a
 * thread of the validation, so that a slow validator holds up no peer's later messages.
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

    /**
     * {@return the topic's verdict on a message; accept when the topic has no validator} Waits for the
     * validator, up to its deadline: for our own messages, which the publisher waits for. Called
     * without the router's lock.
     */
    ValidationResult validate(PeerId from, Message m) {
        TopicValidator tv = validators.get(m.topic());
        if (tv == null) {
            return ValidationResult.ACCEPT;
        }
        return admit(tv, m) ? verdict(tv, from, m) : ValidationResult.IGNORE;
    }

    /**
     * Validates a received message without holding up the thread that read it, as go's validation
     * pipeline does: that thread goes on with the peer's next messages and control messages while a
     * validator runs. {@code then} gets the verdict: on the calling thread when it is known at once
     * (the topic has no validator, or no slot is free), else on a thread of this validation when the
     * validator answers or its deadline passes. Called without the router's lock. A verdict that
     * comes as the validation closes may still be passed on: the router drops it once it is closed.
     */
    void validate(PeerId from, Message m, Consumer<ValidationResult> then) {
        TopicValidator tv = validators.get(m.topic());
        if (tv == null) {
            then.accept(ValidationResult.ACCEPT);
            return;
        }
        if (!admit(tv, m)) {
            then.accept(ValidationResult.IGNORE);
            return;
        }
        try {
            threads.execute(() -> {
                ValidationResult r = verdict(tv, from, m);
                if (!threads.isShutdown()) {
                    try {
                        then.accept(r);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "handling a message of " + m.topic() + " after its validation failed", e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            release(tv); // closing
        }
    }

    /** Takes a slot of the topic and one of all topics; false (and a refusal logged) when either has none. */
    private boolean admit(TopicValidator tv, Message m) {
        if (!tv.slots().tryAcquire()) {
            refusals.refused("validatorConcurrency", () -> tv.concurrency() + " validations of " + m.topic()
                    + " running (its validator concurrency): a message ignored");
            return false;
        }
        if (!inFlight.tryAcquire()) {
            tv.slots().release();
            refusals.refused("maxValidationsInFlight", () -> config.maxValidationsInFlight() + " validations running: a message in "
                    + m.topic() + " ignored");
            return false;
        }
        return true;
    }

    private void release(TopicValidator tv) {
        inFlight.release();
        tv.slots().release();
    }

    /** Runs the validator of an admitted message on a thread of its own, up to the deadline, and frees its slots. */
    private ValidationResult verdict(TopicValidator tv, PeerId from, Message m) {
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
            release(tv);
        }
    }

    void close() {
        threads.shutdownNow();
    }
}
