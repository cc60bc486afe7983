package org.jlibp2p.kad;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.ServiceContext;

/**
 * Keeps a {@link RoutingTable} true to the network (kad-dht/README.md, "Kademlia routing table"):
 * peers that serve the protocol enter it; a full bucket's least recently seen peer is asked whether
 * it is still there before a newcomer is turned away (the Kademlia paper's preference for old,
 * proven peers); and the refresh looks up this peer's own id and a random id in each bucket that no
 * lookup went through, as go-libp2p-kad-dht's refresh does.
 */
final class TableKeeper {
    /** Full buckets' oldest peers checked at once. */
    static final int MAX_CHECKS = 16;
    /** The deepest bucket refreshed (go-libp2p-kad-dht: {@code maxCplForRefresh}, 15). */
    static final int MAX_REFRESH_CPL = 15;

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.kad");

    /** Runs a FIND_NODE lookup for a key, for the refresh. */
    @FunctionalInterface
    interface FindNode {
        void lookup(byte[] key) throws InterruptedException;
    }

    private final ServiceContext ctx;
    private final RoutingTable table;
    private final KadRpc rpc;
    private final KadConfig config;
    private final Set<PeerId> checking = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();

    TableKeeper(ServiceContext ctx, RoutingTable table, KadRpc rpc, KadConfig config) {
        this.ctx = ctx;
        this.table = table;
        this.rpc = rpc;
        this.config = config;
    }

    /** A peer that serves the protocol was seen: it enters the table, or its bucket's oldest is checked. */
    void seen(PeerId peer) {
        if (peer.equals(ctx.peerId())) {
            return;
        }
        if (table.add(peer) instanceof RoutingTable.Added.BucketFull full && checking.size() < MAX_CHECKS && checking.add(full.leastRecentlySeen())) {
            PeerId oldest = full.leastRecentlySeen();
            ctx.execute("check", () -> {
                try {
                    rpc.request(KadPeer.of(oldest, List.of()), KadMessage.request(KadMessage.Type.FIND_NODE, ctx.peerId().bytes()));
                    table.add(oldest); // it answered: it stays, as the most recently seen
                } catch (IOException | RuntimeException e) {
                    table.remove(oldest).ifPresent(next -> LOG.log(Level.DEBUG, () -> "kad: " + oldest + " did not answer; " + next + " took its place"));
                } finally {
                    checking.remove(oldest);
                }
            });
        }
    }

    /**
     * The refresh: a lookup of this peer's own id, then one for a random id in the range of each
     * bucket (up to {@link #MAX_REFRESH_CPL}) that no lookup went through for the refresh interval.
     */
    void refresh(FindNode findNode) throws InterruptedException {
        findNode.lookup(ctx.peerId().bytes());
        Instant since = Instant.now().minus(config.refreshInterval());
        for (int cpl : table.due(since, MAX_REFRESH_CPL)) {
            findNode.lookup(table.randomPeerIdInBucket(cpl, random));
        }
    }
}
