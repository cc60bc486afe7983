package org.jlibp2p.pubsub;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;

/**
 * The heartbeat of gossipsub-v1.0.md ("Heartbeat": mesh maintenance, fanout maintenance, gossip
 * emission) with gossipsub-v1.1.md's changes (negative-score peers leave the mesh, Dscore and Dout
 * when pruning, outbound quotas, opportunistic grafting, backoff, broken IWANT promises as P7): run
 * every {@code HeartbeatInterval}, under the router's lock, it decides and queues; the writers send.
 */
final class Heartbeat implements Runnable {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.pubsub");
    private final GossipRouter r;
    private final GossipSubParams p;

    Heartbeat(GossipRouter r) {
        this.r = r;
        this.p = r.p;
    }

    /**
     * Picks up to {@code n} ready gossipsub peers of a topic, at random, that pass a filter.
     */
    static List<PeerLink> choose(GossipRouter r, String topic, int n, Predicate<PeerLink> filter) {
        List<PeerLink> out = new ArrayList<>();
        for (PeerId peer : r.topicPeers.getOrDefault(topic, Set.of())) {
            PeerLink l = r.peers.get(peer);
            if (l != null && l.ready && l.isGossipsub() && filter.test(l)) {
                out.add(l);
            }
        }
        Collections.shuffle(out, r.random);
        return out.size() > n ? out.subList(0, n) : out;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        Map<PeerId, List<Rpc.Graft>> grafts = new HashMap<>();
        Map<PeerId, List<Rpc.Prune>> prunes = new HashMap<>();
        Map<PeerId, List<Rpc.IHave>> gossip = new HashMap<>();
        List<Multiaddr> dialDirect = new ArrayList<>();
        r.lock.lock();
        try {
            if (r.isClosed()) {
                return;
            }
            long now = System.nanoTime();
            r.ticks++;
            for (PeerLink l : r.peers.values()) {
                l.ihaveMessages = 0;
                l.iasked = 0;
                l.idontwantMessages = 0;
                l.dontSend.values().removeIf(until -> until < r.ticks);
            }
            r.score.refresh(now);
            applyIWantPenalties(now);
            for (Map<PeerId, Long> b : r.backoff.values()) {
                b.values().removeIf(until -> until - now < 0);
            }
            r.backoff.values().removeIf(Map::isEmpty);
            for (Map.Entry<String, Set<PeerId>> e : r.mesh.entrySet()) {
                maintainMesh(e.getKey(), e.getValue(), now, grafts, prunes);
                emitGossip(e.getKey(), e.getValue(), gossip);
            }
            maintainFanout(now, gossip);
            flush(grafts, prunes, gossip);
            r.mcache.shift();
            r.seen.expire(now);
            if (!r.direct.isEmpty() && (r.ticks == 1 || r.ticks % p.directConnectTicks() == 0)) {
                for (Map.Entry<PeerId, Multiaddr> d : r.direct.entrySet()) {
                    if (r.ctx.connections(d.getKey()).isEmpty()) {
                        dialDirect.add(d.getValue());
                    }
                }
            }
        } finally {
            r.lock.unlock();
        }
        for (Multiaddr a : dialDirect) {
            r.ctx.execute("pubsub-direct", () -> {
                try {
                    r.ctx.connect(a);
                } catch (java.io.IOException e) {
                    LOG.log(Level.DEBUG, () -> "direct peer " + a + " unreachable: " + e);
                }
            });
        }
        long took = System.nanoTime() - start;
        if (took > p.heartbeatInterval().toNanos() * p.slowHeartbeatWarning()) {
            LOG.log(Level.DEBUG, () -> "slow heartbeat: " + took / 1_000_000 + " ms");
        }
    }

    /** gossipsub-v1.1.md, "Spam Protection Measures": an IHAVE whose IWANT went unanswered within IWantFollowupTime is a broken promise (P7). */
    private void applyIWantPenalties(long now) {
        Map<PeerId, Integer> broken = new HashMap<>();
        Iterator<Map.Entry<MessageId, Map<PeerId, Long>>> it = r.promises.entrySet().iterator();
        while (it.hasNext()) {
            Map<PeerId, Long> byPeer = it.next().getValue();
            byPeer.entrySet().removeIf(e -> {
                if (e.getValue() - now < 0) {
                    broken.merge(e.getKey(), 1, Integer::sum);
                    return true;
                }
                return false;
            });
            if (byPeer.isEmpty()) {
                it.remove();
            }
        }
        broken.forEach((peer, n) -> {
            r.refusals.refused("brokenPromise", () -> peer + " did not deliver " + n + " message(s) it offered by IHAVE");
            r.score.addPenalty(peer, n);
        });
    }

    private void maintainMesh(String topic, Set<PeerId> m, long now, Map<PeerId, List<Rpc.Graft>> grafts, Map<PeerId, List<Rpc.Prune>> prunes) {
        for (PeerId peer : new ArrayList<>(m)) {
            if (r.score(peer) < 0) {
                m.remove(peer);
                r.score.prune(peer, topic);
                r.addBackoff(peer, topic, p.pruneBackoff().toNanos());
                prune(peer, topic, false, prunes);
            }
        }
        if (m.size() < p.dlo()) {
            for (PeerLink l : choose(r, topic, p.d() - m.size(), l -> !m.contains(l.peer) && !r.direct.containsKey(l.peer)
                    && !r.inBackoff(l.peer, topic, now) && r.score(l.peer) >= 0)) {
                graft(l.peer, topic, m, now, grafts);
            }
        }
        if (m.size() > p.dhi()) {
            List<PeerId> list = new ArrayList<>(m);
            Collections.shuffle(list, r.random);
            list.sort(Comparator.comparingDouble((PeerId x) -> r.score(x)).reversed());
            List<PeerId> rest = new ArrayList<>(list.subList(p.dscore(), list.size()));
            Collections.shuffle(rest, r.random);
            List<PeerId> keep = new ArrayList<>(list.subList(0, p.dscore()));
            keep.addAll(rest);
            // keep Dout outbound peers among the first D: move outbound peers from beyond D in place of inbound ones
            int outbound = (int) keep.subList(0, p.d()).stream().filter(this::isOutbound).count();
            for (int i = p.d(); i < keep.size() && outbound < p.dout(); i++) {
                if (isOutbound(keep.get(i))) {
                    for (int j = p.d() - 1; j >= 0; j--) {
                        if (!isOutbound(keep.get(j))) {
                            Collections.swap(keep, i, j);
                            outbound++;
                            break;
                        }
                    }
                }
            }
            for (PeerId peer : keep.subList(p.d(), keep.size())) {
                m.remove(peer);
                r.score.prune(peer, topic);
                r.addBackoff(peer, topic, p.pruneBackoff().toNanos());
                prune(peer, topic, true, prunes);
            }
        }
        if (m.size() >= p.dlo()) {
            int outbound = (int) m.stream().filter(this::isOutbound).count();
            if (outbound < p.dout()) {
                for (PeerLink l : choose(r, topic, p.dout() - outbound, l -> l.outbound && !m.contains(l.peer)
                        && !r.direct.containsKey(l.peer) && !r.inBackoff(l.peer, topic, now) && r.score(l.peer) >= 0)) {
                    graft(l.peer, topic, m, now, grafts);
                }
            }
        }
        // gossipsub-v1.1.md, "Opportunistic Grafting"
        if (r.score.enabled() && r.ticks % p.opportunisticGraftTicks() == 0 && m.size() > 1) {
            List<Double> scores = new ArrayList<>(m.stream().map(r::score).sorted().toList());
            double median = scores.get(scores.size() / 2);
            if (median < r.thresholds.opportunisticGraftThreshold()) {
                for (PeerLink l : choose(r, topic, p.opportunisticGraftPeers(), l -> !m.contains(l.peer) && !r.direct.containsKey(l.peer)
                        && !r.inBackoff(l.peer, topic, now) && r.score(l.peer) > median)) {
                    graft(l.peer, topic, m, now, grafts);
                }
            }
        }
    }

    private boolean isOutbound(PeerId peer) {
        PeerLink l = r.peers.get(peer);
        return l != null && l.outbound;
    }

    private void graft(PeerId peer, String topic, Set<PeerId> m, long now, Map<PeerId, List<Rpc.Graft>> grafts) {
        m.add(peer);
        r.score.graft(peer, topic, now);
        grafts.computeIfAbsent(peer, k -> new ArrayList<>()).add(new Rpc.Graft(topic));
    }

    private void prune(PeerId peer, String topic, boolean px, Map<PeerId, List<Rpc.Prune>> prunes) {
        PeerLink l = r.peers.get(peer);
        if (l != null) {
            prunes.computeIfAbsent(peer, k -> new ArrayList<>()).add(r.control.pruneFor(l, topic, px));
        }
    }

    private void maintainFanout(long now, Map<PeerId, List<Rpc.IHave>> gossip) {
        Iterator<Map.Entry<String, Set<PeerId>>> it = r.fanout.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Set<PeerId>> e = it.next();
            String topic = e.getKey();
            Long last = r.lastPublished.get(topic);
            if (last == null || now - last > p.fanoutTTL().toNanos()) {
                it.remove();
                r.lastPublished.remove(topic);
                continue;
            }
            Set<PeerId> f = e.getValue();
            Set<PeerId> inTopic = r.topicPeers.getOrDefault(topic, Set.of());
            f.removeIf(peer -> !inTopic.contains(peer) || r.score(peer) < r.thresholds.publishThreshold());
            if (f.size() < p.d()) {
                for (PeerLink l : choose(r, topic, p.d() - f.size(), l -> !f.contains(l.peer) && !r.direct.containsKey(l.peer)
                        && r.score(l.peer) >= r.thresholds.publishThreshold())) {
                    f.add(l.peer);
                }
            }
            emitGossip(topic, f, gossip);
        }
    }

    /** gossipsub-v1.0.md, "Gossip emission"; v1.1 "Adaptive Gossip Dissemination": max(Dlazy, GossipFactor x eligible) peers. */
    private void emitGossip(String topic, Set<PeerId> exclude, Map<PeerId, List<Rpc.IHave>> gossip) {
        List<MessageId> ids = r.mcache.gossipIds(topic);
        if (ids.isEmpty()) {
            return;
        }
        List<PeerLink> candidates = choose(r, topic, Integer.MAX_VALUE, l -> !exclude.contains(l.peer) && !r.direct.containsKey(l.peer)
                && r.score(l.peer) >= r.thresholds.gossipThreshold());
        int target = Math.max(p.dlazy(), (int) (p.gossipFactor() * candidates.size()));
        for (PeerLink l : candidates.subList(0, Math.min(target, candidates.size()))) {
            List<MessageId> offer = ids;
            if (ids.size() > p.maxIHaveLength()) {
                offer = new ArrayList<>(ids);
                Collections.shuffle(offer, r.random);
                offer = offer.subList(0, p.maxIHaveLength());
            }
            gossip.computeIfAbsent(l.peer, k -> new ArrayList<>()).add(new Rpc.IHave(topic, List.copyOf(offer)));
        }
    }

    /** One control RPC per peer; gossip alone goes in the gossip lane, anything with GRAFT or PRUNE in the first. */
    private void flush(Map<PeerId, List<Rpc.Graft>> grafts, Map<PeerId, List<Rpc.Prune>> prunes, Map<PeerId, List<Rpc.IHave>> gossip) {
        Set<PeerId> all = new java.util.HashSet<>(grafts.keySet());
        all.addAll(prunes.keySet());
        all.addAll(gossip.keySet());
        for (PeerId peer : all) {
            PeerLink l = r.peers.get(peer);
            if (l == null) {
                continue;
            }
            List<Rpc.Graft> g = grafts.getOrDefault(peer, List.of());
            List<Rpc.Prune> pr = prunes.getOrDefault(peer, List.of());
            Rpc.Control c = new Rpc.Control(gossip.getOrDefault(peer, List.of()), List.of(), g, pr, List.of());
            r.send(l, Rpc.ofControl(c).encode(), g.isEmpty() && pr.isEmpty(), g.isEmpty() && pr.isEmpty() ? "IHAVE" : "GRAFT/PRUNE");
        }
    }
}
