package org.jlibp2p.pubsub;

/**
 * The score thresholds of gossipsub-v1.1.md ("Score Thresholds"), named as go's
 * {@code PeerScoreThresholds}: below {@code gossipThreshold} a peer gets no gossip and its IHAVE and
 * IWANT are ignored; below {@code publishThreshold} it is left out of flood publishing; below
 * {@code graylistThreshold} every RPC it sends is ignored; only from peers at or above
 * {@code acceptPXThreshold} is peer exchange followed; when the median score of a mesh falls below
 * {@code opportunisticGraftThreshold}, better peers are grafted.
 *
 * @param gossipThreshold             at most 0
 * @param publishThreshold            at most {@code gossipThreshold}
 * @param graylistThreshold           below {@code publishThreshold}
 * @param acceptPXThreshold           at least 0
 * @param opportunisticGraftThreshold at least 0
 */
public record PeerScoreThresholds(double gossipThreshold, double publishThreshold, double graylistThreshold, double acceptPXThreshold,
                                  double opportunisticGraftThreshold) {
    /** No thresholds: what applies with scoring off, where every score is 0. */
    public static final PeerScoreThresholds NONE = new PeerScoreThresholds(0, 0, -1, 0, 0);

    /**
     * Checks the order go's {@code validate} checks.
     *
     * @param gossipThreshold             see the record
     * @param publishThreshold            see the record
     * @param graylistThreshold           see the record
     * @param acceptPXThreshold           see the record
     * @param opportunisticGraftThreshold see the record
     */
    public PeerScoreThresholds {
        if (gossipThreshold > 0 || publishThreshold > gossipThreshold || graylistThreshold >= publishThreshold
                || acceptPXThreshold < 0 || opportunisticGraftThreshold < 0) {
            throw new IllegalArgumentException("need graylist < publish <= gossip <= 0 <= acceptPX, opportunisticGraft >= 0");
        }
    }

    /** {@return thresholds for small networks: gossip -10, publish -50, graylist -80, accept PX 10, opportunistic graft 1} */
    public static PeerScoreThresholds defaults() {
        return new PeerScoreThresholds(-10, -50, -80, 10, 1);
    }
}
