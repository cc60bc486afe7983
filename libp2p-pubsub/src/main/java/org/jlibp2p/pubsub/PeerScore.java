package org.jlibp2p.pubsub;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jlibp2p.core.PeerId;

/**
 * The score function of gossipsub-v1.1.md ("The Score Function"): per peer and topic the counters of
 * P1 (time in mesh), P2 (first message deliveries), P3 (mesh message deliveries) and P3b (mesh failure
 * penalty), P4 (invalid messages); per peer P5 (the application's score), P6 (IP colocation) and P7
 * (behaviour penalty); and their decay ("Parameter Decay"). With scoring off every score is 0.
 * Not thread-safe: the router calls it under its lock.
 */
final class PeerScore {
    /** Deliveries remembered for P3's window and for duplicates of invalid messages (bounded). */
    private static final int MAX_DELIVERY_RECORDS = 1 << 16;
    /** The most peers one delivery record remembers (those that sent the message while it was validated, or counted since). */
    private static final int MAX_PEERS_PER_DELIVERY = 64;

    private static final class TopicStats {
        boolean inMesh;
        long graftTime;
        double meshTimeNanos;
        double firstMessageDeliveries;
        double meshMessageDeliveries;
        boolean meshMessageDeliveriesActive;
        double meshFailurePenalty;
        double invalidMessageDeliveries;
    }

    private static final class PeerStats {
        boolean connected = true;
        long expire;
        final Map<String, TopicStats> topics = new HashMap<>();
        final Set<String> ips = new HashSet<>();
        double behaviourPenalty;
    }

    private enum Status { PENDING, VALID, INVALID, IGNORED }

    private static final class Delivery {
        Status status = Status.PENDING;
        long firstSeen;
        final Set<PeerId> peers = new HashSet<>();
    }

    private final PeerScoreParams params;
    /** P6 exemptions, read once from {@link PeerScoreParams#ipColocationFactorWhitelist()}. */
    private final List<IpNetwork> ipWhitelist;
    private final Map<PeerId, PeerStats> peers = new HashMap<>();
    private final Map<String, Set<PeerId>> peerIps = new HashMap<>();
    private final LinkedHashMap<MessageId, Delivery> deliveries = new LinkedHashMap<>();
    private long lastDecay;

    PeerScore(PeerScoreParams params, long now) {
        this.params = params;
        this.ipWhitelist = params == null ? List.of() : params.ipColocationFactorWhitelist().stream().map(IpNetwork::parse).toList();
        this.lastDecay = now;
    }

    boolean enabled() {
        return params != null;
    }

    double score(PeerId peer, long now) {
        if (params == null) {
            return 0;
        }
        PeerStats ps = peers.get(peer);
        if (ps == null) {
            return 0;
        }
        double score = 0;
        for (Map.Entry<String, TopicStats> e : ps.topics.entrySet()) {
            TopicScoreParams tp = params.topic(e.getKey());
            if (tp == null) {
                continue;
            }
            TopicStats ts = e.getValue();
            double topicScore = 0;
            if (ts.inMesh) {
                double p1 = Math.min((now - ts.graftTime) / (double) tp.timeInMeshQuantum().toNanos(), tp.timeInMeshCap());
                topicScore += p1 * tp.timeInMeshWeight();
            }
            topicScore += ts.firstMessageDeliveries * tp.firstMessageDeliveriesWeight();
            if (ts.meshMessageDeliveriesActive && ts.meshMessageDeliveries < tp.meshMessageDeliveriesThreshold()) {
                double deficit = tp.meshMessageDeliveriesThreshold() - ts.meshMessageDeliveries;
                topicScore += deficit * deficit * tp.meshMessageDeliveriesWeight();
            }
            topicScore += ts.meshFailurePenalty * tp.meshFailurePenaltyWeight();
            topicScore += ts.invalidMessageDeliveries * ts.invalidMessageDeliveries * tp.invalidMessageDeliveriesWeight();
            score += topicScore * tp.topicWeight();
        }
        if (params.topicScoreCap() > 0 && score > params.topicScoreCap()) {
            score = params.topicScoreCap();
        }
        score += params.appSpecificScore().applyAsDouble(peer) * params.appSpecificWeight();
        for (String ip : ps.ips) {
            int n = peerIps.getOrDefault(ip, Set.of()).size();
            if (n > params.ipColocationFactorThreshold()) {
                double surplus = n - params.ipColocationFactorThreshold();
                score += surplus * surplus * params.ipColocationFactorWeight();
            }
        }
        if (ps.behaviourPenalty > params.behaviourPenaltyThreshold()) {
            double excess = ps.behaviourPenalty - params.behaviourPenaltyThreshold();
            score += excess * excess * params.behaviourPenaltyWeight();
        }
        return score;
    }

    void addPeer(PeerId peer, String ip) {
        if (params == null) {
            return;
        }
        PeerStats ps = peers.computeIfAbsent(peer, k -> new PeerStats());
        ps.connected = true;
        // P6: an address in a whitelisted network is not tracked, so it never counts towards colocation (go skips it when scoring)
        if (ip != null && !whitelisted(ip) && ps.ips.add(ip)) {
            peerIps.computeIfAbsent(ip, k -> new HashSet<>()).add(peer);
        }
    }

    private boolean whitelisted(String ip) {
        for (IpNetwork n : ipWhitelist) {
            if (n.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** A peer left: its score is kept for {@code retainScore} when negative, so that leaving does not launder it. */
    void removePeer(PeerId peer, long now) {
        if (params == null) {
            return;
        }
        PeerStats ps = peers.get(peer);
        if (ps == null) {
            return;
        }
        if (score(peer, now) > 0) {
            forget(peer, ps);
            return;
        }
        for (Map.Entry<String, TopicStats> e : ps.topics.entrySet()) {
            TopicStats ts = e.getValue();
            ts.firstMessageDeliveries = 0; // "the peer's positive contributions are reset" (go: RemovePeer)
            if (ts.inMesh) {
                applyMeshFailure(ts, params.topic(e.getKey()));
            }
            ts.inMesh = false;
            ts.meshMessageDeliveriesActive = false;
        }
        ps.connected = false;
        ps.expire = now + params.retainScore().toNanos();
    }

    private void forget(PeerId peer, PeerStats ps) {
        for (String ip : ps.ips) {
            Set<PeerId> s = peerIps.get(ip);
            if (s != null && s.remove(peer) && s.isEmpty()) {
                peerIps.remove(ip);
            }
        }
        peers.remove(peer);
    }

    private TopicStats topic(PeerId peer, String topic) {
        PeerStats ps = peers.get(peer);
        if (ps == null || params.topic(topic) == null) {
            return null;
        }
        return ps.topics.computeIfAbsent(topic, k -> new TopicStats());
    }

    void graft(PeerId peer, String topic, long now) {
        if (params == null) {
            return;
        }
        TopicStats ts = topic(peer, topic);
        if (ts != null) {
            ts.inMesh = true;
            ts.graftTime = now;
            ts.meshMessageDeliveriesActive = false;
        }
    }

    void prune(PeerId peer, String topic) {
        if (params == null) {
            return;
        }
        TopicStats ts = topic(peer, topic);
        if (ts != null) {
            applyMeshFailure(ts, params.topic(topic));
            ts.inMesh = false;
        }
    }

    /** P3b: a peer pruned (or gone) while its mesh deliveries fell short keeps the deficit, squared. */
    private static void applyMeshFailure(TopicStats ts, TopicScoreParams tp) {
        if (tp != null && ts.meshMessageDeliveriesActive && ts.meshMessageDeliveries < tp.meshMessageDeliveriesThreshold()) {
            double deficit = tp.meshMessageDeliveriesThreshold() - ts.meshMessageDeliveries;
            ts.meshFailurePenalty += deficit * deficit;
        }
    }

    /** A message arrived for the first time and is being validated. */
    void validating(MessageId id, long now) {
        if (params == null) {
            return;
        }
        Delivery d = delivery(id);
        d.firstSeen = now;
    }

    private Delivery delivery(MessageId id) {
        Delivery d = deliveries.get(id);
        if (d == null) {
            if (deliveries.size() >= MAX_DELIVERY_RECORDS) {
                Iterator<MessageId> it = deliveries.keySet().iterator();
                it.next();
                it.remove();
            }
            d = new Delivery();
            deliveries.put(id, d);
        }
        return d;
    }

    /** P2 and P3: the first delivery of a valid message, and the duplicates that came while it was validated. */
    void deliverMessage(PeerId from, MessageId id, String topic, long now) {
        if (params == null) {
            return;
        }
        TopicScoreParams tp = params.topic(topic);
        Delivery d = delivery(id);
        d.status = Status.VALID;
        TopicStats ts = topic(from, topic);
        if (ts != null && tp != null) {
            ts.firstMessageDeliveries = Math.min(ts.firstMessageDeliveries + 1, tp.firstMessageDeliveriesCap());
            if (ts.inMesh) {
                ts.meshMessageDeliveries = Math.min(ts.meshMessageDeliveries + 1, tp.meshMessageDeliveriesCap());
            }
        }
        for (PeerId p : d.peers) {
            if (!p.equals(from)) { // as go: a peer cannot send a message twice and be counted twice
                markDuplicateDelivery(p, topic, tp);
            }
        }
        // who has been counted for it, so that each peer counts once within the window
        d.peers.clear();
        d.peers.add(from);
    }

    private void markDuplicateDelivery(PeerId p, String topic, TopicScoreParams tp) {
        TopicStats ts = topic(p, topic);
        if (ts != null && tp != null && ts.inMesh) {
            ts.meshMessageDeliveries = Math.min(ts.meshMessageDeliveries + 1, tp.meshMessageDeliveriesCap());
        }
    }

    /** P4: a message the validators rejected counts against who sent it, and against who sent it again. */
    void rejectMessage(PeerId from, MessageId id, String topic) {
        if (params == null) {
            return;
        }
        Delivery d = id == null ? null : delivery(id);
        markInvalid(from, topic);
        if (d != null) {
            d.status = Status.INVALID;
            d.peers.forEach(p -> markInvalid(p, topic));
            d.peers.clear();
        }
    }

    /** A message ignored by the validators: no penalty, and duplicates of it count for nothing. */
    void ignoreMessage(MessageId id) {
        if (params == null) {
            return;
        }
        Delivery d = delivery(id);
        d.status = Status.IGNORED;
        d.peers.clear();
    }

    private void markInvalid(PeerId peer, String topic) {
        TopicStats ts = topic(peer, topic);
        if (ts != null) {
            ts.invalidMessageDeliveries += 1;
        }
    }

    /** A message seen before: counts for P3 within the window, against the sender if it was invalid. */
    void duplicateMessage(PeerId from, MessageId id, String topic, long now) {
        if (params == null) {
            return;
        }
        Delivery d = deliveries.get(id);
        if (d == null) {
            return;
        }
        TopicScoreParams tp = params.topic(topic);
        switch (d.status) {
            case PENDING -> {
                if (d.peers.size() < MAX_PEERS_PER_DELIVERY) {
                    d.peers.add(from);
                }
            }
            case VALID -> {
                if (tp != null && now - d.firstSeen <= tp.meshMessageDeliveriesWindow().toNanos()
                        && d.peers.size() < MAX_PEERS_PER_DELIVERY && d.peers.add(from)) {
                    markDuplicateDelivery(from, topic, tp);
                }
            }
            case INVALID -> markInvalid(from, topic);
            case IGNORED -> { }
        }
    }

    /** P7: misbehaviour (broken IWANT promises, GRAFT during backoff). */
    void addPenalty(PeerId peer, int count) {
        if (params == null) {
            return;
        }
        PeerStats ps = peers.get(peer);
        if (ps != null) {
            ps.behaviourPenalty += count;
        }
    }

    /** Decays the counters once per decay interval and forgets peers whose retention ended ("Parameter Decay"). */
    void refresh(long now) {
        if (params == null || now - lastDecay < params.decayInterval().toNanos()) {
            return;
        }
        lastDecay = now;
        double zero = params.decayToZero();
        Iterator<Map.Entry<PeerId, PeerStats>> it = peers.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<PeerId, PeerStats> e = it.next();
            PeerStats ps = e.getValue();
            if (!ps.connected && now - ps.expire > 0) {
                it.remove();
                for (String ip : ps.ips) {
                    Set<PeerId> s = peerIps.get(ip);
                    if (s != null && s.remove(e.getKey()) && s.isEmpty()) {
                        peerIps.remove(ip);
                    }
                }
                continue;
            }
            for (Map.Entry<String, TopicStats> te : ps.topics.entrySet()) {
                TopicScoreParams tp = params.topic(te.getKey());
                if (tp == null) {
                    continue;
                }
                TopicStats ts = te.getValue();
                ts.firstMessageDeliveries = decay(ts.firstMessageDeliveries, tp.firstMessageDeliveriesDecay(), zero);
                ts.meshMessageDeliveries = decay(ts.meshMessageDeliveries, tp.meshMessageDeliveriesDecay(), zero);
                ts.meshFailurePenalty = decay(ts.meshFailurePenalty, tp.meshFailurePenaltyDecay(), zero);
                ts.invalidMessageDeliveries = decay(ts.invalidMessageDeliveries, tp.invalidMessageDeliveriesDecay(), zero);
                if (ts.inMesh && now - ts.graftTime > tp.meshMessageDeliveriesActivation().toNanos()) {
                    ts.meshMessageDeliveriesActive = true;
                }
            }
            ps.behaviourPenalty = decay(ps.behaviourPenalty, params.behaviourPenaltyDecay(), zero);
        }
        // deliveries older than the longest P3 window matter no more, except to catch duplicates of invalid messages
        Iterator<Delivery> dit = deliveries.values().iterator();
        while (dit.hasNext() && deliveries.size() > MAX_DELIVERY_RECORDS / 2) {
            dit.next();
            dit.remove();
        }
    }

    private static double decay(double v, double factor, double zero) {
        v *= factor;
        return v < zero ? 0 : v;
    }

    int trackedPeers() {
        return peers.size();
    }
}
