package org.jlibp2p.pubsub;

import java.time.Duration;

/**
 * The router's parameters, named as go-libp2p-pubsub's {@code GossipSubParams} names them and with
 * its defaults ({@code gossipsub.go}, {@code DefaultGossipSubParams}); gossipsub-v1.0.md
 * ("Parameters"), gossipsub-v1.1.md ("Parameters", "Explicit peering agreements", "PRUNE backoff",
 * "Opportunistic grafting") and gossipsub-v1.2.md say what each means. Change some with
 * {@link #builder()}:
 *
 * <pre>{@code
 * GossipSubParams p = GossipSubParams.builder().d(8).dlo(6).dhi(12).heartbeatInterval(Duration.ofMillis(700)).build();
 * }</pre>
 *
 * @param d D: the mesh degree, the number of peers each topic's mesh aims for (default 6)
 * @param dlo Dlo: below this many mesh peers the heartbeat grafts more (default 5)
 * @param dhi Dhi: above this many mesh peers the heartbeat prunes down to D (default 12)
 * @param dscore Dscore: when pruning, this many peers are kept by score, the rest at random (default 4)
 * @param dout Dout: the mesh keeps at least this many outbound peers (those we dialed) (default 2)
 * @param historyLength HistoryLength: heartbeats of messages the message cache keeps, for IWANT (default 5)
 * @param historyGossip HistoryGossip: heartbeats of messages gossiped in IHAVE (default 3)
 * @param dlazy Dlazy: the least number of peers gossip goes to (default 6)
 * @param gossipFactor GossipFactor: the share of eligible peers gossip goes to, when more than Dlazy (default 0.25)
 * @param gossipRetransmission GossipRetransmission: how often one peer may ask for one message by IWANT (default 3)
 * @param heartbeatInitialDelay HeartbeatInitialDelay: before the first heartbeat (default 100 ms)
 * @param heartbeatInterval HeartbeatInterval: between heartbeats (default 1 s)
 * @param slowHeartbeatWarning SlowHeartbeatWarning: a heartbeat longer than this share of the interval is logged (default 0.1)
 * @param fanoutTTL FanoutTTL: how long the fanout of a topic we publish to without subscribing is kept (default 60 s)
 * @param prunePeers PrunePeers: peers offered in a PRUNE's peer exchange (default 16)
 * @param pruneBackoff PruneBackoff: the backoff after a PRUNE, during which the peer must not graft again (default 1 min)
 * @param unsubscribeBackoff UnsubscribeBackoff: the backoff sent in the PRUNEs of an unsubscribe (default 10 s)
 * @param connectors Connectors: concurrent dials to peers learnt by peer exchange (default 8)
 * @param maxPendingConnections MaxPendingConnections: peers from peer exchange waiting to be dialed; more are dropped (default 128)
 * @param connectionTimeout ConnectionTimeout: the deadline of a dial to a peer from peer exchange (default 30 s)
 * @param directConnectTicks DirectConnectTicks: every this many heartbeats, direct peers we are not connected to are dialed (default 300)
 * @param directConnectInitialDelay DirectConnectInitialDelay: before direct peers are first dialed (default 1 s)
 * @param opportunisticGraftTicks OpportunisticGraftTicks: every this many heartbeats, opportunistic grafting runs (with scoring on) (default 60)
 * @param opportunisticGraftPeers OpportunisticGraftPeers: peers grafted by one opportunistic graft (default 2)
 * @param graftFloodThreshold GraftFloodThreshold: a GRAFT this soon after our PRUNE counts double against its sender (default 10 s)
 * @param maxIHaveLength MaxIHaveLength: message ids we ask for by IWANT from one peer per heartbeat, and the most we put in one IHAVE (default 5000)
 * @param maxIHaveMessages MaxIHaveMessages: IHAVE messages from one peer we heed per heartbeat (default 10)
 * @param maxIDontWantLength MaxIDontWantLength: the most ids we heed in one IDONTWANT message (default 10)
 * @param maxIDontWantMessages MaxIDontWantMessages: IDONTWANT messages from one peer we heed per heartbeat (default 1000)
 * @param iWantFollowupTime IWantFollowupTime: how long a peer has to deliver what it offered by IHAVE once we ask by IWANT (default 3 s)
 * @param iDontWantMessageThreshold IDontWantMessageThreshold: messages of at least this many bytes make us send IDONTWANT to our mesh (default 1024)
 * @param iDontWantMessageTTL IDontWantMessageTTL: heartbeats an IDONTWANT is remembered (default 3)
 */
public record GossipSubParams(int d,
                              int dlo,
                              int dhi,
                              int dscore,
                              int dout,
                              int historyLength,
                              int historyGossip,
                              int dlazy,
                              double gossipFactor,
                              int gossipRetransmission,
                              Duration heartbeatInitialDelay,
                              Duration heartbeatInterval,
                              double slowHeartbeatWarning,
                              Duration fanoutTTL,
                              int prunePeers,
                              Duration pruneBackoff,
                              Duration unsubscribeBackoff,
                              int connectors,
                              int maxPendingConnections,
                              Duration connectionTimeout,
                              int directConnectTicks,
                              Duration directConnectInitialDelay,
                              int opportunisticGraftTicks,
                              int opportunisticGraftPeers,
                              Duration graftFloodThreshold,
                              int maxIHaveLength,
                              int maxIHaveMessages,
                              int maxIDontWantLength,
                              int maxIDontWantMessages,
                              Duration iWantFollowupTime,
                              int iDontWantMessageThreshold,
                              int iDontWantMessageTTL) {

    /**
     * Checks the parameters as go's {@code validate} does: {@code Dout < Dlo}, {@code Dout <= D / 2}, {@code Dlo <= D <= Dhi},
     * positive intervals, and {@code HistoryGossip <= HistoryLength}.
     *
     * @param d see the record
     * @param dlo see the record
     * @param dhi see the record
     * @param dscore see the record
     * @param dout see the record
     * @param historyLength see the record
     * @param historyGossip see the record
     * @param dlazy see the record
     * @param gossipFactor see the record
     * @param gossipRetransmission see the record
     * @param heartbeatInitialDelay see the record
     * @param heartbeatInterval see the record
     * @param slowHeartbeatWarning see the record
     * @param fanoutTTL see the record
     * @param prunePeers see the record
     * @param pruneBackoff see the record
     * @param unsubscribeBackoff see the record
     * @param connectors see the record
     * @param maxPendingConnections see the record
     * @param connectionTimeout see the record
     * @param directConnectTicks see the record
     * @param directConnectInitialDelay see the record
     * @param opportunisticGraftTicks see the record
     * @param opportunisticGraftPeers see the record
     * @param graftFloodThreshold see the record
     * @param maxIHaveLength see the record
     * @param maxIHaveMessages see the record
     * @param maxIDontWantLength see the record
     * @param maxIDontWantMessages see the record
     * @param iWantFollowupTime see the record
     * @param iDontWantMessageThreshold see the record
     * @param iDontWantMessageTTL see the record
     */
    public GossipSubParams {
        if (d < 0 || dlo < 0 || dhi < 0 || dscore < 0 || dout < 0 || dlazy < 0 || !(dlo <= d && d <= dhi)) {
            throw new IllegalArgumentException("need 0 <= Dlo <= D <= Dhi, got Dlo " + dlo + ", D " + d + ", Dhi " + dhi);
        }
        if (dout >= dlo && dlo > 0 || dout > d / 2) {
            throw new IllegalArgumentException("need Dout < Dlo and Dout <= D/2, got Dout " + dout);
        }
        if (historyLength < 1 || historyGossip < 0 || historyGossip > historyLength) {
            throw new IllegalArgumentException("need 0 <= HistoryGossip <= HistoryLength, HistoryLength >= 1");
        }
        if (!(gossipFactor >= 0 && gossipFactor <= 1)) {
            throw new IllegalArgumentException("GossipFactor must be in [0, 1]");
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero() || heartbeatInitialDelay.isNegative()) {
            throw new IllegalArgumentException("the heartbeat interval must be positive");
        }
        if (maxIHaveLength < 0 || maxIHaveMessages < 0 || maxIDontWantLength < 0 || maxIDontWantMessages < 0 || prunePeers < 0
                || gossipRetransmission < 0 || iDontWantMessageTTL < 0 || connectors < 0 || maxPendingConnections < 0
                || directConnectTicks < 1 || opportunisticGraftTicks < 1 || opportunisticGraftPeers < 0) {
            throw new IllegalArgumentException("counts must not be negative, tick counts must be positive");
        }
    }

    /** {@return go-libp2p-pubsub's defaults} */
    public static GossipSubParams defaults() {
        return builder().build();
    }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder starting from these parameters} */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.d = d;
        b.dlo = dlo;
        b.dhi = dhi;
        b.dscore = dscore;
        b.dout = dout;
        b.historyLength = historyLength;
        b.historyGossip = historyGossip;
        b.dlazy = dlazy;
        b.gossipFactor = gossipFactor;
        b.gossipRetransmission = gossipRetransmission;
        b.heartbeatInitialDelay = heartbeatInitialDelay;
        b.heartbeatInterval = heartbeatInterval;
        b.slowHeartbeatWarning = slowHeartbeatWarning;
        b.fanoutTTL = fanoutTTL;
        b.prunePeers = prunePeers;
        b.pruneBackoff = pruneBackoff;
        b.unsubscribeBackoff = unsubscribeBackoff;
        b.connectors = connectors;
        b.maxPendingConnections = maxPendingConnections;
        b.connectionTimeout = connectionTimeout;
        b.directConnectTicks = directConnectTicks;
        b.directConnectInitialDelay = directConnectInitialDelay;
        b.opportunisticGraftTicks = opportunisticGraftTicks;
        b.opportunisticGraftPeers = opportunisticGraftPeers;
        b.graftFloodThreshold = graftFloodThreshold;
        b.maxIHaveLength = maxIHaveLength;
        b.maxIHaveMessages = maxIHaveMessages;
        b.maxIDontWantLength = maxIDontWantLength;
        b.maxIDontWantMessages = maxIDontWantMessages;
        b.iWantFollowupTime = iWantFollowupTime;
        b.iDontWantMessageThreshold = iDontWantMessageThreshold;
        b.iDontWantMessageTTL = iDontWantMessageTTL;
        return b;
    }

    /** Builds parameters; each setter is named after its record component, which is go's name. */
    public static final class Builder {
        private int d = 6;
        private int dlo = 5;
        private int dhi = 12;
        private int dscore = 4;
        private int dout = 2;
        private int historyLength = 5;
        private int historyGossip = 3;
        private int dlazy = 6;
        private double gossipFactor = 0.25;
        private int gossipRetransmission = 3;
        private Duration heartbeatInitialDelay = Duration.ofMillis(100);
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private double slowHeartbeatWarning = 0.1;
        private Duration fanoutTTL = Duration.ofSeconds(60);
        private int prunePeers = 16;
        private Duration pruneBackoff = Duration.ofMinutes(1);
        private Duration unsubscribeBackoff = Duration.ofSeconds(10);
        private int connectors = 8;
        private int maxPendingConnections = 128;
        private Duration connectionTimeout = Duration.ofSeconds(30);
        private int directConnectTicks = 300;
        private Duration directConnectInitialDelay = Duration.ofSeconds(1);
        private int opportunisticGraftTicks = 60;
        private int opportunisticGraftPeers = 2;
        private Duration graftFloodThreshold = Duration.ofSeconds(10);
        private int maxIHaveLength = 5000;
        private int maxIHaveMessages = 10;
        private int maxIDontWantLength = 10;
        private int maxIDontWantMessages = 1000;
        private Duration iWantFollowupTime = Duration.ofSeconds(3);
        private int iDontWantMessageThreshold = 1024;
        private int iDontWantMessageTTL = 3;

        private Builder() {}

        /**
         * Sets D.
         *
         * @param value the value
         * @return this builder
         */
        public Builder d(int value) {
            this.d = value;
            return this;
        }

        /**
         * Sets Dlo.
         *
         * @param value the value
         * @return this builder
         */
        public Builder dlo(int value) {
            this.dlo = value;
            return this;
        }

        /**
         * Sets Dhi.
         *
         * @param value the value
         * @return this builder
         */
        public Builder dhi(int value) {
            this.dhi = value;
            return this;
        }

        /**
         * Sets Dscore.
         *
         * @param value the value
         * @return this builder
         */
        public Builder dscore(int value) {
            this.dscore = value;
            return this;
        }

        /**
         * Sets Dout.
         *
         * @param value the value
         * @return this builder
         */
        public Builder dout(int value) {
            this.dout = value;
            return this;
        }

        /**
         * Sets HistoryLength.
         *
         * @param value the value
         * @return this builder
         */
        public Builder historyLength(int value) {
            this.historyLength = value;
            return this;
        }

        /**
         * Sets HistoryGossip.
         *
         * @param value the value
         * @return this builder
         */
        public Builder historyGossip(int value) {
            this.historyGossip = value;
            return this;
        }

        /**
         * Sets Dlazy.
         *
         * @param value the value
         * @return this builder
         */
        public Builder dlazy(int value) {
            this.dlazy = value;
            return this;
        }

        /**
         * Sets GossipFactor.
         *
         * @param value the value
         * @return this builder
         */
        public Builder gossipFactor(double value) {
            this.gossipFactor = value;
            return this;
        }

        /**
         * Sets GossipRetransmission.
         *
         * @param value the value
         * @return this builder
         */
        public Builder gossipRetransmission(int value) {
            this.gossipRetransmission = value;
            return this;
        }

        /**
         * Sets HeartbeatInitialDelay.
         *
         * @param value the value
         * @return this builder
         */
        public Builder heartbeatInitialDelay(Duration value) {
            this.heartbeatInitialDelay = value;
            return this;
        }

        /**
         * Sets HeartbeatInterval.
         *
         * @param value the value
         * @return this builder
         */
        public Builder heartbeatInterval(Duration value) {
            this.heartbeatInterval = value;
            return this;
        }

        /**
         * Sets SlowHeartbeatWarning.
         *
         * @param value the value
         * @return this builder
         */
        public Builder slowHeartbeatWarning(double value) {
            this.slowHeartbeatWarning = value;
            return this;
        }

        /**
         * Sets FanoutTTL.
         *
         * @param value the value
         * @return this builder
         */
        public Builder fanoutTTL(Duration value) {
            this.fanoutTTL = value;
            return this;
        }

        /**
         * Sets PrunePeers.
         *
         * @param value the value
         * @return this builder
         */
        public Builder prunePeers(int value) {
            this.prunePeers = value;
            return this;
        }

        /**
         * Sets PruneBackoff.
         *
         * @param value the value
         * @return this builder
         */
        public Builder pruneBackoff(Duration value) {
            this.pruneBackoff = value;
            return this;
        }

        /**
         * Sets UnsubscribeBackoff.
         *
         * @param value the value
         * @return this builder
         */
        public Builder unsubscribeBackoff(Duration value) {
            this.unsubscribeBackoff = value;
            return this;
        }

        /**
         * Sets Connectors.
         *
         * @param value the value
         * @return this builder
         */
        public Builder connectors(int value) {
            this.connectors = value;
            return this;
        }

        /**
         * Sets MaxPendingConnections.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxPendingConnections(int value) {
            this.maxPendingConnections = value;
            return this;
        }

        /**
         * Sets ConnectionTimeout.
         *
         * @param value the value
         * @return this builder
         */
        public Builder connectionTimeout(Duration value) {
            this.connectionTimeout = value;
            return this;
        }

        /**
         * Sets DirectConnectTicks.
         *
         * @param value the value
         * @return this builder
         */
        public Builder directConnectTicks(int value) {
            this.directConnectTicks = value;
            return this;
        }

        /**
         * Sets DirectConnectInitialDelay.
         *
         * @param value the value
         * @return this builder
         */
        public Builder directConnectInitialDelay(Duration value) {
            this.directConnectInitialDelay = value;
            return this;
        }

        /**
         * Sets OpportunisticGraftTicks.
         *
         * @param value the value
         * @return this builder
         */
        public Builder opportunisticGraftTicks(int value) {
            this.opportunisticGraftTicks = value;
            return this;
        }

        /**
         * Sets OpportunisticGraftPeers.
         *
         * @param value the value
         * @return this builder
         */
        public Builder opportunisticGraftPeers(int value) {
            this.opportunisticGraftPeers = value;
            return this;
        }

        /**
         * Sets GraftFloodThreshold.
         *
         * @param value the value
         * @return this builder
         */
        public Builder graftFloodThreshold(Duration value) {
            this.graftFloodThreshold = value;
            return this;
        }

        /**
         * Sets MaxIHaveLength.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxIHaveLength(int value) {
            this.maxIHaveLength = value;
            return this;
        }

        /**
         * Sets MaxIHaveMessages.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxIHaveMessages(int value) {
            this.maxIHaveMessages = value;
            return this;
        }

        /**
         * Sets MaxIDontWantLength.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxIDontWantLength(int value) {
            this.maxIDontWantLength = value;
            return this;
        }

        /**
         * Sets MaxIDontWantMessages.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxIDontWantMessages(int value) {
            this.maxIDontWantMessages = value;
            return this;
        }

        /**
         * Sets IWantFollowupTime.
         *
         * @param value the value
         * @return this builder
         */
        public Builder iWantFollowupTime(Duration value) {
            this.iWantFollowupTime = value;
            return this;
        }

        /**
         * Sets IDontWantMessageThreshold.
         *
         * @param value the value
         * @return this builder
         */
        public Builder iDontWantMessageThreshold(int value) {
            this.iDontWantMessageThreshold = value;
            return this;
        }

        /**
         * Sets IDontWantMessageTTL.
         *
         * @param value the value
         * @return this builder
         */
        public Builder iDontWantMessageTTL(int value) {
            this.iDontWantMessageTTL = value;
            return this;
        }

        /** {@return the parameters} */
        public GossipSubParams build() {
            return new GossipSubParams(d, dlo, dhi, dscore, dout, historyLength, historyGossip, dlazy, gossipFactor, gossipRetransmission, heartbeatInitialDelay, heartbeatInterval, slowHeartbeatWarning, fanoutTTL, prunePeers, pruneBackoff, unsubscribeBackoff, connectors, maxPendingConnections, connectionTimeout, directConnectTicks, directConnectInitialDelay, opportunisticGraftTicks, opportunisticGraftPeers, graftFloodThreshold, maxIHaveLength, maxIHaveMessages, maxIDontWantLength, maxIDontWantMessages, iWantFollowupTime, iDontWantMessageThreshold, iDontWantMessageTTL);
        }
    }
}
