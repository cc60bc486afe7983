package org.jlibp2p.core.host;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.Role;

/**
 * A host's open connections, by peer, and the connection limits. One lock makes "the host is closed"
 * and "a connection was added" exclusive: a connection registered while the host closes is either in
 * the list that {@link #closeAll()} closes or refused here, never left open and untracked.
 */
final class ConnectionRegistry {
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<PeerId, List<HostConnection>> byPeer = new HashMap<>();
    /** Trimmed connections: out of the table, closing; their close is still announced. */
    private final java.util.Set<HostConnection> trimming = new java.util.HashSet<>();
    private final Limits limits;
    private boolean closed;

    private final LimitLog limitLog;

    ConnectionRegistry(Limits limits, LimitLog limitLog) {
        this.limits = limits;
        this.limitLog = limitLog;
    }

    /**
     * Checks the limit for a new connection in one direction.
     *
     * @throws IOException naming the limit, if it is reached
     */
    void checkLimit(Role direction) throws IOException {
        lock.lock();
        try {
            checkLimitLocked(direction);
        } finally {
            lock.unlock();
        }
    }

    private void checkLimitLocked(Role direction) throws IOException {
        if (closed) {
            throw new IOException("the host is closed");
        }
        long open = byPeer.values().stream().flatMap(List::stream).filter(c -> c.direction() == direction).count();
        int limit = direction == Role.RESPONDER ? limits.maxInboundConnections() : limits.maxOutboundConnections();
        if (open >= limit) {
            throw new IOException("the limit of " + limit + (direction == Role.RESPONDER ? " inbound" : " outbound") + " connections is reached");
        }
    }

    /**
     * Adds a new connection, checking the host's limit again (other handshakes may have finished
     * meanwhile), then the peer's and, for an inbound one, its address's. A full peer or address
     * makes room by closing one of its idle connections (no streams, and older than
     * {@link #TRIM_GRACE}: go's connection manager also keeps the connections in use and spares new
     * ones for a grace period), the oldest first; if none is idle, the new one is refused. A trimmed
     * connection leaves the table at once, so concurrent additions cannot pick the same one and
     * overshoot the limit.
     *
     * @throws IOException naming the scope and the limit, if the host is closed or a limit is
     *                     reached; the caller closes the connection
     */
    void add(HostConnection c) throws IOException {
        List<HostConnection> trimmed = new ArrayList<>();
        lock.lock();
        try {
            checkLimitLocked(c.direction());
            List<HostConnection> peers = byPeer.getOrDefault(c.remotePeer(), List.of());
            if (peers.size() >= limits.maxConnectionsPerPeer()) {
                HostConnection idle = oldestIdle(peers);
                if (idle == null) {
                    throw new IOException("the limit of " + limits.maxConnectionsPerPeer() + " connections with peer " + c.remotePeer()
                            + " is reached, none of them idle");
                }
                trimmed.add(idle);
            }
            if (c.direction() == Role.RESPONDER) {
                String address = PendingHandshakes.addressOf(c.remoteAddress());
                List<HostConnection> fromAddress = byPeer.values().stream().flatMap(List::stream)
                        .filter(x -> x.direction() == Role.RESPONDER && !trimmed.contains(x) && address.equals(x.remoteIp()))
                        .toList();
                if (fromAddress.size() >= limits.maxInboundConnectionsPerAddress()) {
                    HostConnection idle = oldestIdleOfBusiestPeer(fromAddress);
                    if (idle == null) {
                        throw new IOException("the limit of " + limits.maxInboundConnectionsPerAddress() + " inbound connections from "
                                + address + " is reached, none of them idle");
                    }
                    trimmed.add(idle);
                }
            }
            for (HostConnection t : trimmed) {
                removeLocked(t);
                trimming.add(t);
            }
            byPeer.computeIfAbsent(c.remotePeer(), p -> new ArrayList<>()).add(c);
        } finally {
            lock.unlock();
        }
        for (HostConnection t : trimmed) {
            boolean samePeer = t.remotePeer().equals(c.remotePeer());
            limitLog.refused(samePeer ? "trim per peer" : "trim per address", () -> "closing an idle connection with " + t.remotePeer()
                    + " to make room: the limit of " + (samePeer ? limits.maxConnectionsPerPeer() + " connections per peer"
                            : limits.maxInboundConnectionsPerAddress() + " inbound connections per address") + " is reached");
            t.close();
        }
    }

    /** A new connection is not trimmed for this long, even with no stream yet: it may be about to open one. */
    static final java.time.Duration TRIM_GRACE = java.time.Duration.ofSeconds(10);

    private static boolean trimmable(HostConnection c) {
        return c.isIdle() && !c.isProtected() && c.openedAt().isBefore(java.time.Instant.now().minus(TRIM_GRACE));
    }

    private static HostConnection oldestIdle(List<HostConnection> candidates) {
        return candidates.stream().filter(ConnectionRegistry::trimmable).min(Comparator.comparing(HostConnection::openedAt)).orElse(null);
    }

    /** From one address's connections: an idle one of the peer with the most, the oldest. */
    private static HostConnection oldestIdleOfBusiestPeer(List<HostConnection> fromAddress) {
        Map<PeerId, Long> perPeer = new HashMap<>();
        fromAddress.forEach(x -> perPeer.merge(x.remotePeer(), 1L, Long::sum));
        return fromAddress.stream().filter(ConnectionRegistry::trimmable)
                .min(Comparator.<HostConnection, Long>comparing(x -> -perPeer.get(x.remotePeer())).thenComparing(HostConnection::openedAt))
                .orElse(null);
    }

    /** {@return true if the connection was registered (or trimmed and not yet closed) and is now removed} */
    boolean remove(HostConnection c) {
        lock.lock();
        try {
            return removeLocked(c) || trimming.remove(c);
        } finally {
            lock.unlock();
        }
    }

    private boolean removeLocked(HostConnection c) {
        List<HostConnection> list = byPeer.get(c.remotePeer());
        if (list == null || !list.remove(c)) {
            return false;
        }
        if (list.isEmpty()) {
            byPeer.remove(c.remotePeer());
        }
        return true;
    }

    List<Connection> all() {
        lock.lock();
        try {
            List<Connection> out = new ArrayList<>();
            byPeer.values().forEach(out::addAll);
            return out;
        } finally {
            lock.unlock();
        }
    }

    List<Connection> of(PeerId peer) {
        lock.lock();
        try {
            return List.copyOf(byPeer.getOrDefault(peer, List.of()));
        } finally {
            lock.unlock();
        }
    }

    Optional<HostConnection> live(PeerId peer) {
        lock.lock();
        try {
            return byPeer.getOrDefault(peer, List.of()).stream().filter(c -> !c.isClosed()).findFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Marks the registry closed and returns what was open; later additions are refused. */
    List<Connection> closeAll() {
        lock.lock();
        try {
            closed = true;
            List<Connection> out = new ArrayList<>();
            byPeer.values().forEach(out::addAll);
            return out;
        } finally {
            lock.unlock();
        }
    }
}
