package org.jlibp2p.pubsub;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jlibp2p.core.Multiaddr;

/**
 * Everything a {@link GossipSub} is configured with: the router's {@link GossipSubParams}, the
 * signing policy and message ids, scoring, and the bounds on what peers may cost. Start from
 * {@link #defaults()} or {@link #builder()}:
 *
 * <pre>{@code
 * GossipSubConfig c = GossipSubConfig.builder()
 *         .params(GossipSubParams.builder().d(6).dlo(4).dhi(12).build())
 *         .signaturePolicy(SignaturePolicy.STRICT_NO_SIGN).messageIdFunction(m -> MessageId.of(sha256(m.payload())))
 *         .scoring(PeerScoreParams.defaults(), PeerScoreThresholds.defaults())   // scoring on, in one call
 *         .build();
 * }</pre>
 *
 * @param params the router's parameters, with go's names and defaults
 * @param signaturePolicy how messages are signed, and which are accepted
 * @param messageIdFunction how message ids are computed
 * @param floodPublish publish our own messages to every peer of the topic above the publish threshold, not only the mesh (go's WithFloodPublish, on by default)
 * @param maxMessageSize the largest message payload accepted or published, in bytes (go's default 1 MiB)
 * @param maxRpcSize the largest RPC read from a peer, in bytes: a message of the largest size and its envelope; a longer one closes the stream
 * @param outboundQueueLength RPCs waiting to go to one peer; past it gossip is dropped first, then new messages
 * @param outboundQueueBytes bytes waiting to go to one peer; past it gossip is dropped first, then new messages
 * @param seenTTL how long a message id is remembered as seen (go's TimeCacheDuration)
 * @param seenCapacity the most message ids remembered as seen; past it the oldest are forgotten early
 * @param maxTopicsPerPeer topics one peer may be subscribed to in our view; more subscriptions are ignored
 * @param maxSubscriptionsPerRpc subscription changes heeded in one RPC; the rest are ignored
 * @param maxMessagesPerRpc messages processed from one RPC; the rest are ignored
 * @param validationTimeout how long a validator may take; past it the message is ignored
 * @param maxValidationsInFlight validations running at once across topics; past it messages are ignored (go's validate throttle)
 * @param validatorConcurrency validations of one topic running at once, for a validator set without a bound of its own; past it the topic's messages are ignored (go's WithValidatorConcurrency, default 1024)
 * @param subscriptionBufferSize messages waiting in one subscription; past it new ones are dropped for that subscription
 * @param rpcReadTimeout how long the rest of an RPC may take once its first byte arrived
 * @param directPeers peers always sent every message and kept connected, never in the mesh (gossipsub-v1.1.md, "Explicit Peering Agreements"); addresses end in {@code /p2p/<id>}
 * @param protocols the protocols spoken, most preferred first
 * @param scoreParams peer scoring (gossipsub-v1.1.md, "Peer Scoring"), or null for none (the default, as in go)
 * @param scoreThresholds the score thresholds; they matter only with scoring on
 */
public record GossipSubConfig(GossipSubParams params,
                              SignaturePolicy signaturePolicy,
                              MessageIdFunction messageIdFunction,
                              boolean floodPublish,
                              int maxMessageSize,
                              int maxRpcSize,
                              int outboundQueueLength,
                              long outboundQueueBytes,
                              Duration seenTTL,
                              int seenCapacity,
                              int maxTopicsPerPeer,
                              int maxSubscriptionsPerRpc,
                              int maxMessagesPerRpc,
                              Duration validationTimeout,
                              int maxValidationsInFlight,
                              int validatorConcurrency,
                              int subscriptionBufferSize,
                              Duration rpcReadTimeout,
                              List<Multiaddr> directPeers,
                              List<String> protocols,
                              PeerScoreParams scoreParams,
                              PeerScoreThresholds scoreThresholds) {
    /**
     * Checks the configuration.
     *
     * @param params see the record
     * @param signaturePolicy see the record
     * @param messageIdFunction see the record
     * @param floodPublish see the record
     * @param maxMessageSize see the record
     * @param maxRpcSize see the record
     * @param outboundQueueLength see the record
     * @param outboundQueueBytes see the record
     * @param seenTTL see the record
     * @param seenCapacity see the record
     * @param maxTopicsPerPeer see the record
     * @param maxSubscriptionsPerRpc see the record
     * @param maxMessagesPerRpc see the record
     * @param validationTimeout see the record
     * @param maxValidationsInFlight see the record
     * @param validatorConcurrency see the record
     * @param subscriptionBufferSize see the record
     * @param rpcReadTimeout see the record
     * @param directPeers see the record
     * @param protocols see the record
     * @param scoreParams see the record
     * @param scoreThresholds see the record
     */
    public GossipSubConfig {
        Objects.requireNonNull(params);
        Objects.requireNonNull(signaturePolicy);
        Objects.requireNonNull(messageIdFunction);
        Objects.requireNonNull(scoreThresholds);
        directPeers = List.copyOf(directPeers);
        protocols = List.copyOf(protocols);
        if (maxMessageSize < 1 || maxRpcSize < maxMessageSize || outboundQueueLength < 1 || outboundQueueBytes < maxRpcSize
                || seenCapacity < 1 || maxTopicsPerPeer < 1 || maxSubscriptionsPerRpc < 1 || maxMessagesPerRpc < 1
                || maxValidationsInFlight < 1 || validatorConcurrency < 1 || subscriptionBufferSize < 1) {
            throw new IllegalArgumentException("bounds must be positive, the RPC size at least the message size, the queue's bytes at least the RPC size");
        }
        if (protocols.isEmpty() || !GossipSub.DEFAULT_PROTOCOLS.containsAll(protocols)) {
            throw new IllegalArgumentException("protocols must be some of " + GossipSub.DEFAULT_PROTOCOLS);
        }
        for (Duration d : List.of(seenTTL, validationTimeout, rpcReadTimeout)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive");
            }
        }
    }

    /**
     * A configuration with go's per-topic validator concurrency, 1024 (the record's form before
     * {@code validatorConcurrency}).
     *
     * @param params see the record
     * @param signaturePolicy see the record
     * @param messageIdFunction see the record
     * @param floodPublish see the record
     * @param maxMessageSize see the record
     * @param maxRpcSize see the record
     * @param outboundQueueLength see the record
     * @param outboundQueueBytes see the record
     * @param seenTTL see the record
     * @param seenCapacity see the record
     * @param maxTopicsPerPeer see the record
     * @param maxSubscriptionsPerRpc see the record
     * @param maxMessagesPerRpc see the record
     * @param validationTimeout see the record
     * @param maxValidationsInFlight see the record
     * @param subscriptionBufferSize see the record
     * @param rpcReadTimeout see the record
     * @param directPeers see the record
     * @param protocols see the record
     * @param scoreParams see the record
     * @param scoreThresholds see the record
     */
    public GossipSubConfig(GossipSubParams params, SignaturePolicy signaturePolicy, MessageIdFunction messageIdFunction, boolean floodPublish,
                           int maxMessageSize, int maxRpcSize, int outboundQueueLength, long outboundQueueBytes, Duration seenTTL,
                           int seenCapacity, int maxTopicsPerPeer, int maxSubscriptionsPerRpc, int maxMessagesPerRpc,
                           Duration validationTimeout, int maxValidationsInFlight, int subscriptionBufferSize, Duration rpcReadTimeout,
                           List<Multiaddr> directPeers, List<String> protocols, PeerScoreParams scoreParams,
                           PeerScoreThresholds scoreThresholds) {
        this(params, signaturePolicy, messageIdFunction, floodPublish, maxMessageSize, maxRpcSize, outboundQueueLength, outboundQueueBytes,
                seenTTL, seenCapacity, maxTopicsPerPeer, maxSubscriptionsPerRpc, maxMessagesPerRpc, validationTimeout, maxValidationsInFlight,
                Builder.DEFAULT_VALIDATOR_CONCURRENCY, subscriptionBufferSize, rpcReadTimeout, directPeers, protocols, scoreParams,
                scoreThresholds);
    }

    /** {@return the defaults: go's parameters, strict signing, default ids, no scoring} */
    public static GossipSubConfig defaults() {
        return builder().build();
    }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return true if peer scoring is on} */
    public boolean scoringEnabled() {
        return scoreParams != null;
    }

    /** {@return a builder starting from this configuration} */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.params = params;
        b.signaturePolicy = signaturePolicy;
        b.messageIdFunction = messageIdFunction;
        b.floodPublish = floodPublish;
        b.maxMessageSize = maxMessageSize;
        b.maxRpcSize = maxRpcSize;
        b.outboundQueueLength = outboundQueueLength;
        b.outboundQueueBytes = outboundQueueBytes;
        b.seenTTL = seenTTL;
        b.seenCapacity = seenCapacity;
        b.maxTopicsPerPeer = maxTopicsPerPeer;
        b.maxSubscriptionsPerRpc = maxSubscriptionsPerRpc;
        b.maxMessagesPerRpc = maxMessagesPerRpc;
        b.validationTimeout = validationTimeout;
        b.maxValidationsInFlight = maxValidationsInFlight;
        b.validatorConcurrency = validatorConcurrency;
        b.subscriptionBufferSize = subscriptionBufferSize;
        b.rpcReadTimeout = rpcReadTimeout;
        b.directPeers = directPeers;
        b.protocols = protocols;
        b.scoreParams = scoreParams;
        b.scoreThresholds = scoreThresholds;
        return b;
    }

    /** Builds a configuration; each setter is named after its record component. */
    public static final class Builder {
        /** go-libp2p-pubsub's defaultValidateConcurrency (validation.go). */
        static final int DEFAULT_VALIDATOR_CONCURRENCY = 1024;
        private GossipSubParams params = GossipSubParams.defaults();
        private SignaturePolicy signaturePolicy = SignaturePolicy.STRICT_SIGN;
        private MessageIdFunction messageIdFunction = MessageIdFunction.FROM_AND_SEQNO;
        private boolean floodPublish = true;
        private int maxMessageSize = 1 << 20;
        private int maxRpcSize = (1 << 20) + 64 * 1024;
        private int outboundQueueLength = 1024;
        private long outboundQueueBytes = 32L << 20;
        private Duration seenTTL = Duration.ofMinutes(2);
        private int seenCapacity = 1 << 18;
        private int maxTopicsPerPeer = 1024;
        private int maxSubscriptionsPerRpc = 1024;
        private int maxMessagesPerRpc = 1024;
        private Duration validationTimeout = Duration.ofSeconds(5);
        private int maxValidationsInFlight = 1024;
        private int validatorConcurrency = DEFAULT_VALIDATOR_CONCURRENCY;
        private int subscriptionBufferSize = 1024;
        private Duration rpcReadTimeout = Duration.ofSeconds(30);
        private List<Multiaddr> directPeers = List.of();
        private List<String> protocols = GossipSub.DEFAULT_PROTOCOLS;
        private PeerScoreParams scoreParams = null;
        private PeerScoreThresholds scoreThresholds = PeerScoreThresholds.NONE;

        private Builder() {}

        /**
         * Sets the router's parameters, with go's names and defaults.
         *
         * @param value the value
         * @return this builder
         */
        public Builder params(GossipSubParams value) {
            this.params = value;
            return this;
        }

        /**
         * Sets how messages are signed, and which are accepted.
         *
         * @param value the value
         * @return this builder
         */
        public Builder signaturePolicy(SignaturePolicy value) {
            this.signaturePolicy = value;
            return this;
        }

        /**
         * Sets how message ids are computed.
         *
         * @param value the value
         * @return this builder
         */
        public Builder messageIdFunction(MessageIdFunction value) {
            this.messageIdFunction = value;
            return this;
        }

        /**
         * Sets publish our own messages to every peer of the topic above the publish threshold, not only the mesh.
         *
         * @param value the value
         * @return this builder
         */
        public Builder floodPublish(boolean value) {
            this.floodPublish = value;
            return this;
        }

        /**
         * Sets the largest message payload accepted or published, in bytes.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxMessageSize(int value) {
            this.maxMessageSize = value;
            return this;
        }

        /**
         * Sets the largest RPC read from a peer, in bytes: a message of the largest size and its envelope.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxRpcSize(int value) {
            this.maxRpcSize = value;
            return this;
        }

        /**
         * Sets RPCs waiting to go to one peer.
         *
         * @param value the value
         * @return this builder
         */
        public Builder outboundQueueLength(int value) {
            this.outboundQueueLength = value;
            return this;
        }

        /**
         * Sets bytes waiting to go to one peer.
         *
         * @param value the value
         * @return this builder
         */
        public Builder outboundQueueBytes(long value) {
            this.outboundQueueBytes = value;
            return this;
        }

        /**
         * Sets how long a message id is remembered as seen.
         *
         * @param value the value
         * @return this builder
         */
        public Builder seenTTL(Duration value) {
            this.seenTTL = value;
            return this;
        }

        /**
         * Sets the most message ids remembered as seen.
         *
         * @param value the value
         * @return this builder
         */
        public Builder seenCapacity(int value) {
            this.seenCapacity = value;
            return this;
        }

        /**
         * Sets topics one peer may be subscribed to in our view.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxTopicsPerPeer(int value) {
            this.maxTopicsPerPeer = value;
            return this;
        }

        /**
         * Sets subscription changes heeded in one RPC.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxSubscriptionsPerRpc(int value) {
            this.maxSubscriptionsPerRpc = value;
            return this;
        }

        /**
         * Sets messages processed from one RPC.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxMessagesPerRpc(int value) {
            this.maxMessagesPerRpc = value;
            return this;
        }

        /**
         * Sets how long a validator may take.
         *
         * @param value the value
         * @return this builder
         */
        public Builder validationTimeout(Duration value) {
            this.validationTimeout = value;
            return this;
        }

        /**
         * Sets validations running at once across topics.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxValidationsInFlight(int value) {
            this.maxValidationsInFlight = value;
            return this;
        }

        /**
         * Sets validations of one topic running at once, for validators set without a bound of their
         * own (go's {@code WithValidatorConcurrency}).
         *
         * @param value the value
         * @return this builder
         */
        public Builder validatorConcurrency(int value) {
            this.validatorConcurrency = value;
            return this;
        }

        /**
         * Sets messages waiting in one subscription.
         *
         * @param value the value
         * @return this builder
         */
        public Builder subscriptionBufferSize(int value) {
            this.subscriptionBufferSize = value;
            return this;
        }

        /**
         * Sets how long the rest of an RPC may take once its first byte arrived.
         *
         * @param value the value
         * @return this builder
         */
        public Builder rpcReadTimeout(Duration value) {
            this.rpcReadTimeout = value;
            return this;
        }

        /**
         * Sets peers always sent every message and kept connected, never in the mesh.
         *
         * @param value the value
         * @return this builder
         */
        public Builder directPeers(List<Multiaddr> value) {
            this.directPeers = value;
            return this;
        }

        /**
         * Sets the protocols spoken, most preferred first.
         *
         * @param value the value
         * @return this builder
         */
        public Builder protocols(List<String> value) {
            this.protocols = value;
            return this;
        }

        /**
         * Sets peer scoring.
         *
         * @param value the value
         * @return this builder
         */
        public Builder scoreParams(PeerScoreParams value) {
            this.scoreParams = value;
            return this;
        }

        /**
         * Sets the score thresholds.
         *
         * @param value the value
         * @return this builder
         */
        public Builder scoreThresholds(PeerScoreThresholds value) {
            this.scoreThresholds = value;
            return this;
        }

        /**
         * Turns peer scoring on, in one call.
         *
         * @param params     the score parameters, such as {@link PeerScoreParams#defaults()}
         * @param thresholds the thresholds, such as {@link PeerScoreThresholds#defaults()}
         * @return this builder
         */
        public Builder scoring(PeerScoreParams params, PeerScoreThresholds thresholds) {
            this.scoreParams = Objects.requireNonNull(params);
            this.scoreThresholds = Objects.requireNonNull(thresholds);
            return this;
        }

        /** {@return the configuration} */
        public GossipSubConfig build() {
            return new GossipSubConfig(params, signaturePolicy, messageIdFunction, floodPublish, maxMessageSize, maxRpcSize, outboundQueueLength, outboundQueueBytes, seenTTL, seenCapacity, maxTopicsPerPeer, maxSubscriptionsPerRpc, maxMessagesPerRpc, validationTimeout, maxValidationsInFlight, validatorConcurrency, subscriptionBufferSize, rpcReadTimeout, directPeers, protocols, scoreParams, scoreThresholds);
        }
    }
}
