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
 * own with a deadline, past which the message is ignored and the validator interrupted, and at most
 * {@link GossipSubConfig#maxValidationsInFlight()} run at once, past which messages are ignored (go's
 * validate throttle). A validator that throws counts as ignore.
 */
final class Validation {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.pubsub");

    private final GossipSubConfig config;
    private final LimitLog refusals;
    private final Map<String, Validator> validators = new ConcurrentHashMap<>();
    private final Semaphore inFlight;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jlibp2p-pubsub-validate-", 0).factory());

    Validation(GossipSubConfig config, LimitLog refusals) {
        this.config = config;
        this.refusals = refusals;
        this.inFlight = new Semaphore(config.maxValidationsInFlight());
    }

    void setValidator(String topic, Validator v) {
        if (v == null) {
            validators.remove(topic);
        } else {
            validators.put(topic, v);
        }
    }

    /** {@return the topic's verdict on a message; accept when the topic has no validator} Called without the router's lock. */
    ValidationResult validate(PeerId from, Message m) {
        Validator v = validators.get(m.topic());
        if (v == null) {
            return ValidationResult.ACCEPT;
        }
        if (!inFlight.tryAcquire()) {
            refusals.refused("maxValidationsInFlight", () -> config.maxValidationsInFlight() + " validations running: a message in "
                    + m.topic() + " ignored");
            return ValidationResult.IGNORE;
        }
        Future<ValidationResult> f = null;
        try {
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
        }
    }

    void close() {
        threads.shutdownNow();
    }
}
