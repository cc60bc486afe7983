package org.jlibp2p.core.host;

import java.io.IOException;
import java.util.ArrayList;
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
    private final Limits limits;
    private boolean closed;

    ConnectionRegistry(Limits limits) {
        this.limits = limits;
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
     * Adds a new connection, checking the limit again (other handshakes may have finished meanwhile).
     *
     * @throws IOException if the host is closed or the limit is reached; the caller closes the connection
     */
    void add(HostConnection c) throws IOException {
        lock.lock();
        try {
            checkLimitLocked(c.direction());
            byPeer.computeIfAbsent(c.remotePeer(), p -> new ArrayList<>()).add(c);
        } finally {
            lock.unlock();
        }
    }

    /** {@return true if the connection was registered and is now removed} */
    boolean remove(HostConnection c) {
        lock.lock();
        try {
            List<HostConnection> list = byPeer.get(c.remotePeer());
            if (list == null || !list.remove(c)) {
                return false;
            }
            if (list.isEmpty()) {
                byPeer.remove(c.remotePeer());
            }
            return true;
        } finally {
            lock.unlock();
        }
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
