package org.jlibp2p.core.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jlibp2p.core.PeerId;

/**
 * The protocols a host serves: each protocol's handler and the cap on its concurrent inbound
 * streams, and which protocols may run on limited connections. Every change while the host is open
 * is announced as a {@link HostEvent.LocalProtocolsChanged}, which identify push turns into a message
 * to every peer.
 */
final class Handlers {
    /** A handler, the cap on its concurrent inbound streams, and the cap per peer. */
    record Registration(StreamHandler handler, int limit, int perPeer, Semaphore slots) {
        Registration(StreamHandler handler, int limit, int perPeer) {
            this(handler, limit, perPeer, new Semaphore(limit));
        }
    }

    private final Map<String, Registration> handlers = new ConcurrentHashMap<>();
    /** Inbound streams per (peer, protocol) now; an entry leaves when its count is back to zero. */
    private final Map<PeerProtocol, Integer> perPeer = new HashMap<>();
    private final ReentrantLock perPeerLock = new ReentrantLock();

    /**
     * A key of {@link #perPeer}. Its {@code equals} and {@code hashCode} are written out: a record's
     * own are linked at their first call by {@code java.lang.runtime.ObjectMethods}, which spins
     * method-handle classes that the ahead-of-time cache does not keep: 20-30 ms of a fresh
     * process's first inbound stream.
     */
    private record PeerProtocol(PeerId peer, String protocol) {
        @Override
        public boolean equals(Object o) {
            return o instanceof PeerProtocol other && peer.equals(other.peer) && protocol.equals(other.protocol);
        }

        @Override
        public int hashCode() {
            return 31 * peer.hashCode() + protocol.hashCode();
        }
    }

    private final Set<String> allowedOnLimited = ConcurrentHashMap.newKeySet();
    private final Consumer<HostEvent> events;

    Handlers(Consumer<HostEvent> events) {
        this.events = events;
    }

    void set(String protocol, StreamHandler handler, int maxStreams, int maxPerPeer) {
        if (maxStreams < 1 || maxPerPeer < 1) {
            throw new IllegalArgumentException("stream limits must be positive");
        }
        handlers.put(protocol, new Registration(handler, maxStreams, maxPerPeer));
        events.accept(new HostEvent.LocalProtocolsChanged(protocols()));
    }

    void remove(String protocol) {
        if (handlers.remove(protocol) != null) {
            events.accept(new HostEvent.LocalProtocolsChanged(protocols()));
        }
    }

    /** Removes a protocol only if {@code handler} still serves it (a service must not remove its successor's). */
    void remove(String protocol, StreamHandler handler) {
        Registration r = handlers.get(protocol);
        if (r != null && r.handler() == handler && handlers.remove(protocol, r)) {
            events.accept(new HostEvent.LocalProtocolsChanged(protocols()));
        }
    }

    /**
     * Takes one of a peer's slots for a protocol.
     *
     * @return false if the peer has {@code registration.perPeer()} streams of it open already
     */
    boolean tryAcquire(PeerId peer, String protocol, Registration registration) {
        perPeerLock.lock();
        try {
            PeerProtocol key = new PeerProtocol(peer, protocol);
            int n = perPeer.getOrDefault(key, 0);
            if (n >= registration.perPeer()) {
                return false;
            }
            perPeer.put(key, n + 1);
            return true;
        } finally {
            perPeerLock.unlock();
        }
    }

    void release(PeerId peer, String protocol) {
        perPeerLock.lock();
        try {
            perPeer.computeIfPresent(new PeerProtocol(peer, protocol), (k, n) -> n <= 1 ? null : n - 1);
        } finally {
            perPeerLock.unlock();
        }
    }

    boolean has(String protocol) {
        return handlers.containsKey(protocol);
    }

    Registration get(String protocol) {
        return handlers.get(protocol);
    }

    List<String> protocols() {
        List<String> all = new ArrayList<>(handlers.keySet());
        Collections.sort(all);
        return all;
    }

    void allowOnLimited(String protocol) {
        allowedOnLimited.add(protocol);
    }

    boolean allowedOnLimited(String protocol) {
        return allowedOnLimited.contains(protocol);
    }
}
