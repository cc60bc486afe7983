package org.jlibp2p.pubsub;

import org.jlibp2p.core.PeerId;

/**
 * Decides whether a message of a topic is delivered and forwarded (gossipsub-v1.1.md, "Extended
 * Validators"). A message is forwarded only once accepted. Validators run on virtual threads with a
 * deadline ({@link GossipSubConfig#validationTimeout()}; past it the message is ignored and the
 * validator interrupted), at most {@link GossipSubConfig#maxValidationsInFlight()} at once across
 * topics and at most the topic's concurrency in one topic ({@link GossipSub#setValidator(String,
 * Validator, int)}, else {@link GossipSubConfig#validatorConcurrency()}); one that throws counts as
 * {@link ValidationResult#IGNORE}.
 */
@FunctionalInterface
public interface Validator {
    /**
     * Validates a message. Its signature (with strict signing) has already been checked.
     *
     * @param receivedFrom the peer that sent it to us (ourselves for our own messages)
     * @param message      the message
     * @return accept, reject or ignore
     * @throws Exception counts as ignore
     */
    ValidationResult validate(PeerId receivedFrom, Message message) throws Exception;
}
