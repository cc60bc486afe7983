package org.jlibp2p.pubsub;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.jlibp2p.core.PeerId;

/**
 * Peer scoring (gossipsub-v1.1.md, "Peer Scoring"), named as go's {@code PeerScoreParams}: the topic
 * parameters (P1-P4), the application's score P5, IP colocation P6, the behaviour penalty P7 (broken
 * IWANT promises, GRAFT during backoff), and how counters decay.
 *
 * @param topics                      parameters by topic
 * @param defaultTopicParams          parameters for a topic not in {@code topics}, or null to score only those
 * @param topicScoreCap               cap on the positive part of the topic scores (0: none)
 * @param appSpecificScore            P5: the application's score of a peer
 * @param appSpecificWeight           P5 weight
 * @param ipColocationFactorWeight    P6 weight (negative)
 * @param ipColocationFactorThreshold P6 threshold: peers on one IP beyond this many count
 * @param ipColocationFactorWhitelist P6 exemptions: IP networks in CIDR notation ({@code "10.0.0.0/8"},
 *                                    {@code "2001:db8::/32"}) whose peers never count towards colocation
 *                                    (go's {@code IPColocationFactorWhitelist})
 * @param behaviourPenaltyWeight      P7 weight (negative)
 * @param behaviourPenaltyThreshold   P7 threshold: penalties above it count, squared
 * @param behaviourPenaltyDecay       P7 decay
 * @param decayInterval               how often counters decay
 * @param decayToZero                 a decayed counter below this becomes 0
 * @param retainScore                 how long a disconnected peer's score is kept
 */
public record PeerScoreParams(Map<String, TopicScoreParams> topics, TopicScoreParams defaultTopicParams, double topicScoreCap,
                              ToDoubleFunction<PeerId> appSpecificScore, double appSpecificWeight, double ipColocationFactorWeight,
                              int ipColocationFactorThreshold, List<String> ipColocationFactorWhitelist, double behaviourPenaltyWeight, double behaviourPenaltyThreshold,
                              double behaviourPenaltyDecay, Duration decayInterval, double decayToZero, Duration retainScore) {
    /**
     * Checks signs and ranges.
     *
     * @param topics                      see the record
     * @param defaultTopicParams          see the record
     * @param topicScoreCap               see the record
     * @param appSpecificScore            see the record
     * @param appSpecificWeight           see the record
     * @param ipColocationFactorWeight    see the record
     * @param ipColocationFactorThreshold see the record
     * @param ipColocationFactorWhitelist see the record
     * @param behaviourPenaltyWeight      see the record
     * @param behaviourPenaltyThreshold   see the record
     * @param behaviourPenaltyDecay       see the record
     * @param decayInterval               see the record
     * @param decayToZero                 see the record
     * @param retainScore                 see the record
     * @throws IllegalArgumentException if a value is out of range or a whitelist entry is no CIDR network
     */
    public PeerScoreParams {
        topics = Map.copyOf(topics);
        Objects.requireNonNull(appSpecificScore);
        ipColocationFactorWhitelist = List.copyOf(ipColocationFactorWhitelist);
        ipColocationFactorWhitelist.forEach(IpNetwork::parse);
        if (topicScoreCap < 0 || ipColocationFactorWeight > 0 || ipColocationFactorThreshold < 1 || behaviourPenaltyWeight > 0
                || behaviourPenaltyThreshold < 0 || !(behaviourPenaltyDecay > 0 && behaviourPenaltyDecay < 1)
                || !(decayToZero > 0 && decayToZero < 1) || decayInterval.toMillis() < 1 || retainScore.isNegative()) {
            throw new IllegalArgumentException("invalid peer score parameters");
        }
    }

    /**
     * The parameters without a P6 whitelist (the record's form before {@code ipColocationFactorWhitelist}).
     *
     * @param topics                      see the record
     * @param defaultTopicParams          see the record
     * @param topicScoreCap               see the record
     * @param appSpecificScore            see the record
     * @param appSpecificWeight           see the record
     * @param ipColocationFactorWeight    see the record
     * @param ipColocationFactorThreshold see the record
     * @param behaviourPenaltyWeight      see the record
     * @param behaviourPenaltyThreshold   see the record
     * @param behaviourPenaltyDecay       see the record
     * @param decayInterval               see the record
     * @param decayToZero                 see the record
     * @param retainScore                 see the record
     */
    public PeerScoreParams(Map<String, TopicScoreParams> topics, TopicScoreParams defaultTopicParams, double topicScoreCap,
                           ToDoubleFunction<PeerId> appSpecificScore, double appSpecificWeight, double ipColocationFactorWeight,
                           int ipColocationFactorThreshold, double behaviourPenaltyWeight, double behaviourPenaltyThreshold,
                           double behaviourPenaltyDecay, Duration decayInterval, double decayToZero, Duration retainScore) {
        this(topics, defaultTopicParams, topicScoreCap, appSpecificScore, appSpecificWeight, ipColocationFactorWeight,
                ipColocationFactorThreshold, List.of(), behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay,
                decayInterval, decayToZero, retainScore);
    }

    /**
     * {@return scoring for every topic with {@link TopicScoreParams#defaults()}} No application score;
     * P6 weight -10 beyond 10 peers on one IP; P7 weight -10 beyond 1 penalty, decay 0.9; counters
     * decay every second, to zero below 0.01; a disconnected peer's score is kept for 10 minutes.
     */
    public static PeerScoreParams defaults() {
        return new PeerScoreParams(Map.of(), TopicScoreParams.defaults(), 0, p -> 0, 1, -10, 10, -10, 1, 0.9, Duration.ofSeconds(1), 0.01,
                Duration.ofMinutes(10));
    }

    /**
     * A copy with an application score (P5).
     *
     * @param score  the score of a peer
     * @param weight its weight
     * @return the new parameters
     */
    public PeerScoreParams withAppSpecificScore(ToDoubleFunction<PeerId> score, double weight) {
        return new PeerScoreParams(topics, defaultTopicParams, topicScoreCap, score, weight, ipColocationFactorWeight,
                ipColocationFactorThreshold, ipColocationFactorWhitelist, behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay, decayInterval,
                decayToZero, retainScore);
    }

    /**
     * A copy with parameters for one more topic.
     *
     * @param topic  the topic
     * @param params its parameters
     * @return the new parameters
     */
    public PeerScoreParams withTopic(String topic, TopicScoreParams params) {
        Map<String, TopicScoreParams> m = new java.util.HashMap<>(topics);
        m.put(topic, params);
        return new PeerScoreParams(m, defaultTopicParams, topicScoreCap, appSpecificScore, appSpecificWeight, ipColocationFactorWeight,
                ipColocationFactorThreshold, ipColocationFactorWhitelist, behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay, decayInterval,
                decayToZero, retainScore);
    }

    /**
     * A copy whose P6 penalty spares peers in the given networks (go's {@code IPColocationFactorWhitelist}):
     * a data centre of one's own, a NAT that many honest peers share.
     *
     * @param networks IP networks in CIDR notation, such as {@code "10.0.0.0/8"} or {@code "fd00::/8"}
     * @return the new parameters
     * @throws IllegalArgumentException if an entry is no CIDR network
     */
    public PeerScoreParams withIPColocationFactorWhitelist(List<String> networks) {
        return new PeerScoreParams(topics, defaultTopicParams, topicScoreCap, appSpecificScore, appSpecificWeight, ipColocationFactorWeight,
                ipColocationFactorThreshold, networks, behaviourPenaltyWeight, behaviourPenaltyThreshold, behaviourPenaltyDecay,
                decayInterval, decayToZero, retainScore);
    }

    TopicScoreParams topic(String topic) {
        TopicScoreParams p = topics.get(topic);
        return p != null ? p : defaultTopicParams;
    }
}
