package org.jlibp2p.core.host;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The protocols a host serves: each protocol's handler and the cap on its concurrent inbound
 * streams, and which protocols may run on limited connections. Every change is announced as a
 * {@link HostEvent.LocalProtocolsChanged}, which identify push turns into a message to every peer.
 */
final class Handlers {
    /** A handler and the cap on its concurrent inbound streams. */
    record Registration(StreamHandler handler, int limit, Semaphore slots) {
        Registration(StreamHandler handler, int limit) {
            this(handler, limit, new Semaphore(limit));
        }
    }

    private final Map<String, Registration> handlers = new ConcurrentHashMap<>();
    private final Set<String> allowedOnLimited = ConcurrentHashMap.newKeySet();
    private final Consumer<HostEvent> events;

    Handlers(Consumer<HostEvent> events) {
        this.events = events;
    }

    void set(String protocol, StreamHandler handler, int maxStreams) {
        if (maxStreams < 1) {
            throw new IllegalArgumentException("maxStreams must be positive");
        }
        handlers.put(protocol, new Registration(handler, maxStreams));
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
