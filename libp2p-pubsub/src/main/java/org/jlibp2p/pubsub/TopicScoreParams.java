package org.jlibp2p.pubsub;

import java.time.Duration;

/**
 * A topic's score parameters (gossipsub-v1.1.md, "Topic Parameter Calculation"), named as go's
 * {@code TopicScoreParams}. The topic's part of a peer's score is {@code topicWeight} times the sum of
 * P1 (time in mesh, in quanta, capped), P2 (first deliveries, decayed and capped), P3 (the square of
 * the mesh delivery deficit once active), P3b (the mesh failure penalty, kept from a prune with a
 * deficit) and P4 (the square of invalid deliveries), each with its weight.
 *
 * @param topicWeight                     the topic's weight
 * @param timeInMeshWeight                P1 weight (positive)
 * @param timeInMeshQuantum               P1 unit of time
 * @param timeInMeshCap                   P1 cap, in quanta
 * @param firstMessageDeliveriesWeight    P2 weight (positive)
 * @param firstMessageDeliveriesDecay     P2 decay per decay interval
 * @param firstMessageDeliveriesCap       P2 cap
 * @param meshMessageDeliveriesWeight     P3 weight (negative; 0 turns P3 off)
 * @param meshMessageDeliveriesDecay      P3 decay
 * @param meshMessageDeliveriesCap        P3 counter cap
 * @param meshMessageDeliveriesThreshold  P3 threshold: fewer deliveries than this is a deficit
 * @param meshMessageDeliveriesWindow     P3 window: a duplicate this soon after the first delivery still counts
 * @param meshMessageDeliveriesActivation P3 activation: time in mesh before the deficit counts
 * @param meshFailurePenaltyWeight        P3b weight (negative)
 * @param meshFailurePenaltyDecay         P3b decay
 * @param invalidMessageDeliveriesWeight  P4 weight (negative)
 * @param invalidMessageDeliveriesDecay   P4 decay
 */
public record TopicScoreParams(double topicWeight, double timeInMeshWeight, Duration timeInMeshQuantum, double timeInMeshCap,
                               double firstMessageDeliveriesWeight, double firstMessageDeliveriesDecay, double firstMessageDeliveriesCap,
                               double meshMessageDeliveriesWeight, double meshMessageDeliveriesDecay, double meshMessageDeliveriesCap,
                               double meshMessageDeliveriesThreshold, Duration meshMessageDeliveriesWindow,
                               Duration meshMessageDeliveriesActivation, double meshFailurePenaltyWeight, double meshFailurePenaltyDecay,
                               double invalidMessageDeliveriesWeight, double invalidMessageDeliveriesDecay) {
    /**
     * Checks signs and ranges as go's {@code validate} does.
     *
     * @param topicWeight                     see the record
     * @param timeInMeshWeight                see the record
     * @param timeInMeshQuantum               see the record
     * @param timeInMeshCap                   see the record
     * @param firstMessageDeliveriesWeight    see the record
     * @param firstMessageDeliveriesDecay     see the record
     * @param firstMessageDeliveriesCap       see the record
     * @param meshMessageDeliveriesWeight     see the record
     * @param meshMessageDeliveriesDecay      see the record
     * @param meshMessageDeliveriesCap        see the record
     * @param meshMessageDeliveriesThreshold  see the record
     * @param meshMessageDeliveriesWindow     see the record
     * @param meshMessageDeliveriesActivation see the record
     * @param meshFailurePenaltyWeight        see the record
     * @param meshFailurePenaltyDecay         see the record
     * @param invalidMessageDeliveriesWeight  see the record
     * @param invalidMessageDeliveriesDecay   see the record
     */
    public TopicScoreParams {
        if (topicWeight < 0 || timeInMeshWeight < 0 || firstMessageDeliveriesWeight < 0 || meshMessageDeliveriesWeight > 0
                || meshFailurePenaltyWeight > 0 || invalidMessageDeliveriesWeight > 0) {
            throw new IllegalArgumentException("P1, P2 and topic weights must not be negative; P3, P3b and P4 weights must not be positive");
        }
        for (double decay : new double[] {firstMessageDeliveriesDecay, meshMessageDeliveriesDecay, meshFailurePenaltyDecay, invalidMessageDeliveriesDecay}) {
            if (!(decay > 0 && decay < 1)) {
                throw new IllegalArgumentException("decays must be in (0, 1)");
            }
        }
        if (timeInMeshQuantum.isZero() || timeInMeshQuantum.isNegative()) {
            throw new IllegalArgumentException("the time in mesh quantum must be positive");
        }
    }

    /**
     * {@return parameters for a topic of unknown rate} P1 0.01 per second up to 100 s; P2 weight 1,
     * decay 0.5, cap 10; P3 and P3b off (they need the topic's message rate to be tuned); P4 weight
     * -20, decay 0.99, so that two invalid messages put a peer below the default graylist threshold.
     */
    public static TopicScoreParams defaults() {
        return new TopicScoreParams(1, 0.01, Duration.ofSeconds(1), 100, 1, 0.5, 10, 0, 0.5, 10, 1, Duration.ofMillis(10),
                Duration.ofSeconds(5), 0, 0.5, -20, 0.99);
    }
}
