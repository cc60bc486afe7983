package org.jlibp2p.pubsub;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.Peerstore;
import org.jlibp2p.core.record.PeerRecord;

/**
 * What each control message makes the router do: IHAVE and IWANT (gossipsub-v1.0.md, "Control
 * Messages"; gossipsub-v1.1.md, "Spam Protection Measures": bounded per heartbeat, broken promises
 * tracked), GRAFT and PRUNE with backoff and peer exchange (gossipsub-v1.1.md, "PRUNE Backoff and
 * Peer Exchange"), and IDONTWANT (gossipsub-v1.2.md). Called with the router's lock held, except
 * {@link #connectPx}, which dials.
 */
final class ControlHandler {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.pubsub");
    /** Outstanding IWANT promises remembered at once (our bound: go's are bounded by MaxIHaveLength per peer). */
    static final int MAX_PROMISES = 1 << 16;

    private final GossipRouter r;
    private final Semaphore pxConnectors;
    private final AtomicLong pxPending = new AtomicLong();

    ControlHandler(GossipRouter r) {
        this.r = r;
        this.pxConnectors = new Semaphore(Math.max(1, r.p.connectors()));
    }

    void handleControl(PeerLink link, Rpc.Control c) {
        List<Rpc.IWant> iwant;
        List<Message> wanted;
        List<Rpc.Prune> prunes;
        List<PeerRecordCandidate> px = new ArrayList<>();
        r.lock.lock();
        try {
            if (link.removed || !link.isGossipsub() && link.protocol != null) {
                return; // floodsub r.peers r.send no control
            }
            iwant = handleIHave(link, c.ihave());
            wanted = handleIWant(link, c.iwant());
            prunes = handleGraft(link, c.graft());
            handlePrune(link, c.prune(), px);
            handleIDontWant(link, c.idontwant());
            if (!iwant.isEmpty()) {
                r.send(link, Rpc.ofControl(new Rpc.Control(List.of(), iwant, List.of(), List.of(), List.of())).encode(), true, "IWANT");
            }
            for (Message m : wanted) {
                byte[] rpc = Rpc.ofMessages(List.of(m)).encode();
                r.send(link, rpc, true, "IWANT response");
                r.stats.messageBytesSent.addAndGet(rpc.length);
            }
            if (!prunes.isEmpty()) {
                r.send(link, Rpc.ofControl(new Rpc.Control(List.of(), List.of(), List.of(), prunes, List.of())).encode(), false, "PRUNE");
            }
        } finally {
            r.lock.unlock();
        }
        px.forEach(this::connectPx);
    }

    /** gossipsub-v1.1.md, "Spam Protection Measures": IHAVE is bounded per heartbeat, in messages and in ids asked for. */
    private List<Rpc.IWant> handleIHave(PeerLink link, List<Rpc.IHave> ihaves) {
        if (ihaves.isEmpty()) {
            return List.of();
        }
        if (r.score(link.peer) < r.thresholds.gossipThreshold()) {
            return List.of();
        }
        if (++link.ihaveMessages > r.p.maxIHaveMessages()) {
            r.refusals.refused("maxIHaveMessages", () -> "more than " + r.p.maxIHaveMessages() + " IHAVE RPCs in a heartbeat from " + link.peer
                    + ": ignored");
            return List.of();
        }
        if (link.iasked >= r.p.maxIHaveLength()) {
            r.refusals.refused("maxIHaveLength", () -> "asked " + link.peer + " for " + link.iasked + " messages this heartbeat: IHAVE ignored");
            return List.of();
        }
        Set<MessageId> want = new LinkedHashSet<>();
        for (Rpc.IHave ih : ihaves) {
            if (!r.mesh.containsKey(ih.topic())) {
                continue;
            }
            for (MessageId id : ih.ids()) {
                if (!r.seen.contains(id)) {
                    want.add(id);
                }
                if (want.size() >= r.p.maxIHaveLength()) {
                    break;
                }
            }
        }
        if (want.isEmpty()) {
            return List.of();
        }
        List<MessageId> ask = new ArrayList<>(want);
        Collections.shuffle(ask, r.random);
        int n = Math.min(ask.size(), r.p.maxIHaveLength() - link.iasked);
        ask = ask.subList(0, n);
        link.iasked += n;
        // "track the IWANT ... and penalize the peer if it does not deliver": go follows one id picked at r.random
        if (r.promises.size() < MAX_PROMISES) {
            MessageId tracked = ask.get(r.random.nextInt(ask.size()));
            r.promises.computeIfAbsent(tracked, k -> new HashMap<>()).putIfAbsent(link.peer, System.nanoTime() + r.p.iWantFollowupTime().toNanos());
        }
        return List.of(new Rpc.IWant(List.copyOf(ask)));
    }

    private List<Message> handleIWant(PeerLink link, List<Rpc.IWant> iwants) {
        if (iwants.isEmpty() || r.score(link.peer) < r.thresholds.gossipThreshold()) {
            return List.of();
        }
        List<Message> out = new ArrayList<>();
        int n = 0;
        for (Rpc.IWant iw : iwants) {
            for (MessageId id : iw.ids()) {
                if (++n > r.p.maxIHaveLength()) {
                    r.refusals.refused("maxIWantLength", () -> "an IWANT for more than " + r.p.maxIHaveLength() + " messages from " + link.peer
                            + ": the rest ignored");
                    return out;
                }
                Message m = r.mcache.getForPeer(id, link.peer);
                if (m != null) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** gossipsub-v1.1.md, "PRUNE Backoff and Peer Exchange", "Spam Protection Measures": who may join our r.mesh. */
    private List<Rpc.Prune> handleGraft(PeerLink link, List<Rpc.Graft> grafts) {
        List<Rpc.Prune> prune = new ArrayList<>();
        long now = System.nanoTime();
        for (Rpc.Graft g : grafts) {
            Set<PeerId> m = r.mesh.get(g.topic());
            if (m == null) {
                continue; // spam hardening as go: ignore GRAFTs for topics we are not in, and leak no r.peers
            }
            if (m.contains(link.peer)) {
                continue;
            }
            if (r.direct.containsKey(link.peer)) {
                LOG.log(Level.DEBUG, () -> "GRAFT from r.direct peer " + link.peer);
                prune.add(pruneFor(link, g.topic(), false));
                continue;
            }
            Long until = r.backoff.getOrDefault(g.topic(), Map.of()).get(link.peer);
            if (until != null && until - now > 0) {
                // "a GRAFT within the r.backoff period ... is penalized": P7, twice if within the flood threshold
                r.refusals.refused("graftBackoff", () -> "a GRAFT from " + link.peer + " for " + g.topic() + " during its r.backoff");
                r.score.addPenalty(link.peer, 1);
                long pruned = until - r.p.pruneBackoff().toNanos();
                if (now - pruned < r.p.graftFloodThreshold().toNanos()) {
                    r.score.addPenalty(link.peer, 1);
                }
                r.addBackoff(link.peer, g.topic(), r.p.pruneBackoff().toNanos());
                prune.add(pruneFor(link, g.topic(), false));
                continue;
            }
            if (r.score(link.peer) < 0) {
                r.addBackoff(link.peer, g.topic(), r.p.pruneBackoff().toNanos());
                prune.add(pruneFor(link, g.topic(), false));
                continue;
            }
            if (m.size() >= r.p.dhi() && !link.outbound) {
                r.addBackoff(link.peer, g.topic(), r.p.pruneBackoff().toNanos());
                prune.add(pruneFor(link, g.topic(), true));
                continue;
            }
            m.add(link.peer);
            r.score.graft(link.peer, g.topic(), now);
        }
        return prune;
    }

    /** A PRUNE for a peer: with our r.backoff and, to v1.1 r.peers, r.peers of the topic to try instead. */
    Rpc.Prune pruneFor(PeerLink to, String topic, boolean doPx) {
        return pruneFor(to, topic, doPx, r.p.pruneBackoff());
    }

    Rpc.Prune pruneFor(PeerLink to, String topic, boolean doPx, Duration backoffTime) {
        if (!to.supportsPx()) {
            return new Rpc.Prune(topic, List.of(), Optional.empty());
        }
        List<Rpc.PeerInfo> px = new ArrayList<>();
        if (doPx && r.p.prunePeers() > 0) {
            for (PeerLink l : Heartbeat.choose(r, topic, r.p.prunePeers(), l -> !l.peer.equals(to.peer) && r.score(l.peer) >= 0)) {
                px.add(new Rpc.PeerInfo(l.peer.bytes(), l.signedPeerRecord)); // null when identify brought none, as go leaves it out
            }
        }
        return new Rpc.Prune(topic, px, Optional.of(backoffTime.toSeconds()));
    }

    private record PeerRecordCandidate(PeerId peer, byte[] record) {}

    private void handlePrune(PeerLink link, List<Rpc.Prune> prunes, List<PeerRecordCandidate> px) {
        for (Rpc.Prune pr : prunes) {
            Set<PeerId> m = r.mesh.get(pr.topic());
            if (m == null) {
                continue;
            }
            if (m.remove(link.peer)) {
                r.score.prune(link.peer, pr.topic());
            }
            long seconds = Math.min(pr.backoffSeconds().orElse(r.p.pruneBackoff().toSeconds()), GossipRouter.MAX_BACKOFF_SECONDS);
            r.addBackoff(link.peer, pr.topic(), TimeUnit.SECONDS.toNanos(seconds));
            if (!pr.peers().isEmpty()) {
                if (r.score(link.peer) < r.thresholds.acceptPXThreshold()) {
                    continue; // "only accept PX from r.peers with a r.score above the threshold"
                }
                int n = 0;
                for (Rpc.PeerInfo info : pr.peers()) {
                    if (n++ >= r.p.prunePeers()) {
                        break;
                    }
                    try {
                        PeerId id = PeerId.fromBytes(info.peerId());
                        if (!id.equals(r.self) && !r.peers.containsKey(id)) {
                            px.add(new PeerRecordCandidate(id, info.signedPeerRecord()));
                        }
                    } catch (MalformedMessageException | NullPointerException e) {
                        // not a peer id: skip it
                    }
                }
            }
        }
    }

    /** Dials a peer learnt by peer exchange, at most {@code Connectors} at once and {@code MaxPendingConnections} waiting. */
    private void connectPx(PeerRecordCandidate c) {
        if (pxPending.incrementAndGet() > r.p.maxPendingConnections()) {
            pxPending.decrementAndGet();
            r.refusals.refused("maxPendingConnections", () -> r.p.maxPendingConnections() + " peer exchange dials pending: " + c.peer + " dropped");
            return;
        }
        r.ctx.execute("pubsub-px", () -> {
            try {
                pxConnectors.acquire();
                try {
                    if (c.record() != null && !consumeRecord(c)) {
                        return; // go's pxConnect: a peer whose record does not hold is skipped
                    }
                    if (!r.ctx.peerstore().addrs(c.peer()).isEmpty()) {
                        r.ctx.connect(c.peer());
                    }
                } finally {
                    pxConnectors.release();
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, () -> "peer exchange: could not reach " + c.peer() + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                pxPending.decrementAndGet();
            }
        });
    }

    /**
     * Opens the signed peer record offered with a peer (RFC 0003: signature, payload type, signer is
     * the record's peer) and checks that it is about the peer offered; if the peerstore knows no
     * address of that peer, the record's go there as signed ones, for {@link Peerstore#TEMPORARY_TTL}
     * (go's pxConnect: {@code ConsumePeerRecord(envelope, TempAddrTTL)}).
     *
     * @return false if the record does not hold: logged and counted as {@code refused.pxPeerRecord}
     */
    private boolean consumeRecord(PeerRecordCandidate c) {
        PeerRecord record;
        try {
            record = PeerRecord.open(c.record());
        } catch (MalformedMessageException e) {
            r.refusals.refused("pxPeerRecord", () -> "the signed peer record offered with " + c.peer() + " in peer exchange does not hold ("
                    + e.getMessage() + "): the peer is skipped");
            return false;
        }
        if (!record.peerId().equals(c.peer())) {
            r.refusals.refused("pxPeerRecord", () -> "the signed peer record offered with " + c.peer() + " in peer exchange is about "
                    + record.peerId() + ": the peer is skipped");
            return false;
        }
        // Only for a peer we know no address of: a record passed on by a third party must not replace
        // what the application or the peer itself told us (a genuine but old record, relayed by a
        // hostile peer, would otherwise take the place of a bootstrap address).
        if (r.ctx.peerstore().addrs(c.peer()).isEmpty()) {
            r.ctx.peerstore().addSignedAddrs(c.peer(), record.seq(), record.addrs(), Peerstore.TEMPORARY_TTL);
        }
        return true;
    }

    private void handleIDontWant(PeerLink link, List<Rpc.IDontWant> list) {
        if (list.isEmpty()) {
            return;
        }
        if (++link.idontwantMessages > r.p.maxIDontWantMessages()) {
            r.refusals.refused("maxIDontWantMessages", () -> "more than " + r.p.maxIDontWantMessages() + " IDONTWANT in a heartbeat from "
                    + link.peer + ": ignored");
            return;
        }
        int n = 0;
        long until = r.ticks + r.p.iDontWantMessageTTL();
        for (Rpc.IDontWant d : list) {
            for (MessageId id : d.ids()) {
                if (++n > r.p.maxIDontWantLength()) {
                    r.refusals.refused("maxIDontWantLength", () -> "an IDONTWANT with more than " + r.p.maxIDontWantLength() + " ids from "
                            + link.peer + ": the rest ignored");
                    return;
                }
                link.dontSend.put(id, until);
                r.stats.cancelledByIDontWant.addAndGet(link.queue.cancel(id)); // v1.2: a copy still waiting for the wire is not sent either
            }
        }
    }
}
