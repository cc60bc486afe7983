package org.jlibp2p.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The parameters: go-libp2p-pubsub's defaults (gossipsub.go, DefaultGossipSubParams) and its checks. */
class GossipSubParamsTest {
    @Test
    void theDefaultsAreGos() {
        GossipSubParams p = GossipSubParams.defaults();
        assertThat(new int[] {p.d(), p.dlo(), p.dhi(), p.dscore(), p.dout(), p.historyLength(), p.historyGossip(), p.dlazy()})
                .containsExactly(6, 5, 12, 4, 2, 5, 3, 6);
        assertThat(p.gossipFactor()).isEqualTo(0.25);
        assertThat(p.gossipRetransmission()).isEqualTo(3);
        assertThat(p.heartbeatInitialDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(p.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.slowHeartbeatWarning()).isEqualTo(0.1);
        assertThat(p.fanoutTTL()).isEqualTo(Duration.ofSeconds(60));
        assertThat(p.prunePeers()).isEqualTo(16);
        assertThat(p.pruneBackoff()).isEqualTo(Duration.ofMinutes(1));
        assertThat(p.unsubscribeBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(new int[] {p.connectors(), p.maxPendingConnections()}).containsExactly(8, 128);
        assertThat(p.connectionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(new int[] {p.directConnectTicks(), p.opportunisticGraftTicks(), p.opportunisticGraftPeers()}).containsExactly(300, 60, 2);
        assertThat(p.directConnectInitialDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.graftFloodThreshold()).isEqualTo(Duration.ofSeconds(10));
        assertThat(new int[] {p.maxIHaveLength(), p.maxIHaveMessages(), p.maxIDontWantLength(), p.maxIDontWantMessages()})
                .containsExactly(5000, 10, 10, 1000);
        assertThat(p.iWantFollowupTime()).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.iDontWantMessageThreshold()).isEqualTo(1024);
        assertThat(p.iDontWantMessageTTL()).isEqualTo(3);
        assertThat(GossipSubConfig.defaults().maxMessageSize()).as("go's DefaultMaxMessageSize").isEqualTo(1 << 20);
        assertThat(GossipSubConfig.defaults().seenTTL()).as("go's TimeCacheDuration").isEqualTo(Duration.ofMinutes(2));
        assertThat(GossipSubConfig.defaults().floodPublish()).isTrue();
        assertThat(GossipSubConfig.defaults().scoringEnabled()).as("scoring off by default, as in go").isFalse();
    }

    @Test
    void theSeedsMeshIsAccepted() {
        GossipSubParams p = GossipSubParams.builder().d(6).dlo(4).dhi(12).build();
        assertThat(p.toBuilder().build()).isEqualTo(p);
    }

    @Test
    void inconsistentDegreesAreRefusedAsGoRefusesThem() {
        assertThatThrownBy(() -> GossipSubParams.builder().dlo(7).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GossipSubParams.builder().dhi(5).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GossipSubParams.builder().dout(5).build()).as("Dout < Dlo").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GossipSubParams.builder().d(8).dlo(6).dout(5).build()).as("Dout <= D/2").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GossipSubParams.builder().historyGossip(6).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GossipSubParams.builder().heartbeatInterval(Duration.ZERO).build()).isInstanceOf(IllegalArgumentException.class);
    }
}
