package org.jlibp2p.pubsub;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.PushbackInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.MessageTooLargeException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.ProtocolStream;

/**
 * The router's streams (pubsub/README.md, "Stream management"; gossipsub-v1.0.md, "Protocol
 * Selection"): which peers speak pubsub with us, from their first stream or identify until their
 * last connection closes; for each, one long-lived outbound stream opened by us, on which the
 * protocol is agreed and our RPCs go, written by {@link PeerWriter} on a virtual thread of the
 * peer's own; and the peer's inbound streams, each read on its handler's thread, one
 * length-prefixed RPC after another, with a deadline once an RPC has begun.
 */
final class PeerStreams {
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.pubsub");
    private final GossipRouter r;
    private final PeerWriter writer;

    PeerStreams(GossipRouter r) {
        this.r = r;
        this.writer = new PeerWriter(r, this);
    }

    /** A peer that speaks pubsub is connected: open our stream to it (once). */
    void addPeer(Connection c) {
        if (r.isClosed() || c.isLimited()) {
            return; // js and go never run pubsub on limited (relayed) connections either
        }
        PeerLink link;
        r.lock.lock();
        try {
            if (r.peers.containsKey(c.remotePeer())) {
                return;
            }
            link = new PeerLink(c.remotePeer(), c.direction() == org.jlibp2p.core.Role.INITIATOR, ipOf(c.remoteAddress()),
                    new OutboundQueue(r.config.outboundQueueLength(), r.config.outboundQueueBytes()));
            r.peers.put(link.peer, link);
            r.score.addPeer(link.peer, link.ip);
        } finally {
            r.lock.unlock();
        }
        r.ctx.execute("pubsub-out-" + link.peer.toBase58(), () -> writer.run(link));
    }

    private static String ipOf(Multiaddr a) {
        return a.valueOf(MultiaddrProtocol.IP4).or(() -> a.valueOf(MultiaddrProtocol.IP6)).orElse(null);
    }

    /**
     * Keeps a peer's verified signed peer record for peer exchange (gossipsub-v1.1.md, "PRUNE Backoff
     * and Peer Exchange": "the signed peer record ... so that the receiving peer can connect"), if we
     * speak pubsub with it. At most {@link org.jlibp2p.core.record.Envelope#MAX_BYTES} bytes, one per peer.
     */
    void peerRecord(PeerId peer, byte[] envelope) {
        if (envelope.length > org.jlibp2p.core.record.Envelope.MAX_BYTES) {
            return; // identify bounds it already; a record we could not offer whole is not offered
        }
        r.lock.lock();
        try {
            PeerLink link = r.peers.get(peer);
            if (link != null) {
                link.signedPeerRecord = envelope.clone();
            }
        } finally {
            r.lock.unlock();
        }
    }

    /** The peer's last connection closed. */
    void connectionClosed(PeerId peer) {
        if (r.ctx.connections(peer).stream().noneMatch(c -> !c.isClosed())) {
            PeerLink link;
            r.lock.lock();
            try {
                link = r.peers.get(peer);
            } finally {
                r.lock.unlock();
            }
            if (link != null) {
                removePeer(link);
            }
        }
    }

    void removePeer(PeerLink link) {
        List<PubSubEvent> events = new ArrayList<>();
        r.lock.lock();
        try {
            if (link.removed || r.peers.get(link.peer) != link) {
                return;
            }
            link.removed = true;
            r.peers.remove(link.peer);
            for (String topic : link.topics) {
                Set<PeerId> s = r.topicPeers.get(topic);
                if (s != null) {
                    s.remove(link.peer);
                    if (s.isEmpty()) {
                        r.topicPeers.remove(topic);
                    }
                }
                events.add(new PubSubEvent.PeerLeft(topic, link.peer));
            }
            for (Set<PeerId> m : r.mesh.values()) {
                m.remove(link.peer);
            }
            for (Set<PeerId> f : r.fanout.values()) {
                f.remove(link.peer);
            }
            r.score.removePeer(link.peer, System.nanoTime());
        } finally {
            r.lock.unlock();
        }
        link.queue.close();
        events.forEach(r::emit);
    }

    /** Reads a peer's inbound stream, one RPC after another, until it ends. */
    void handleStream(ProtocolStream s) throws IOException {
        addPeer(s.connection());
        PeerId from = s.connection().remotePeer();
        PushbackInputStream in = new PushbackInputStream(new BufferedInputStream(s.in(), 64 * 1024), 1);
        while (!r.isClosed()) {
            s.setReadTimeout(Duration.ZERO); // a quiet topic is no fault: wait for the next RPC as long as the connection lives
            int first = in.read();
            if (first < 0) {
                return;
            }
            in.unread(first);
            s.setReadTimeout(r.config.rpcReadTimeout()); // once an RPC has begun, the rest must come in time
            byte[] bytes;
            try {
                bytes = LengthPrefixed.read(in, r.config.maxRpcSize());
            } catch (MessageTooLargeException e) {
                r.refusals.refused("maxRpcSize", () -> "an RPC over " + r.config.maxRpcSize() + " bytes from " + from + ": stream closed");
                return;
            }
            Rpc rpc;
            try {
                rpc = Rpc.decode(bytes, r.config.maxMessageSize());
            } catch (MalformedMessageException e) {
                r.refusals.refused("malformedRpc", () -> "a malformed RPC from " + from + ": " + e.getMessage());
                continue; // go drops the RPC and goes on reading
            }
            // a peer whose stream from us failed while its connection lives is taken back as soon as it speaks again
            // (go reopens the stream in that case too); one link at a time, so at most one stream open in flight
            addPeer(s.connection());
            r.handleRpc(from, rpc);
        }
    }
}
