package org.jlibp2p.relay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;

/**
 * The reservations of a relay and their caps (go-libp2p's {@code relay/constraints.go}): at most
 * {@code max} in all and {@code perIp} from one IP address; one per peer, which a new RESERVE renews.
 * Expired entries are dropped whenever the table is consulted. Thread-safe.
 */
final class ReservationTable {
    /** One reservation. */
    record Entry(PeerId peer, String ip, Multiaddr address, Instant expire) {}

    /** The outcome of a RESERVE. */
    enum Outcome {
        NEW, RENEWED, FULL, IP_FULL
    }

    private final int max;
    private final int perIp;
    private final Map<PeerId, Entry> byPeer = new HashMap<>();
    private final Map<String, Integer> byIp = new HashMap<>();

    ReservationTable(int max, int perIp) {
        this.max = max;
        this.perIp = perIp;
    }

    synchronized Outcome reserve(PeerId peer, String ip, Multiaddr address, Instant expire, Instant now) {
        expire(now);
        Entry old = byPeer.remove(peer);
        if (old != null) {
            uncount(old.ip());
        }
        Outcome refusal = byPeer.size() >= max ? Outcome.FULL : byIp.getOrDefault(ip, 0) >= perIp ? Outcome.IP_FULL : null;
        if (refusal != null) {
            if (old != null) { // a refused renewal keeps what it had
                byPeer.put(peer, old);
                byIp.merge(old.ip(), 1, Integer::sum);
            }
            return refusal;
        }
        byPeer.put(peer, new Entry(peer, ip, address, expire));
        byIp.merge(ip, 1, Integer::sum);
        return old == null ? Outcome.NEW : Outcome.RENEWED;
    }

    synchronized boolean holds(PeerId peer, Instant now) {
        Entry e = byPeer.get(peer);
        return e != null && e.expire().isAfter(now);
    }

    /** Removes a peer's reservation. */
    synchronized boolean remove(PeerId peer) {
        Entry e = byPeer.remove(peer);
        if (e != null) {
            uncount(e.ip());
        }
        return e != null;
    }

    /** Removes a peer's reservation if it is still the one that expires then (a retraction that a renewal did not overtake). */
    synchronized void retract(PeerId peer, Instant expire) {
        Entry e = byPeer.get(peer);
        if (e != null && e.expire().equals(expire)) {
            remove(peer);
        }
    }

    synchronized int expire(Instant now) {
        List<PeerId> gone = new ArrayList<>();
        byPeer.forEach((p, e) -> {
            if (!e.expire().isAfter(now)) {
                gone.add(p);
            }
        });
        gone.forEach(this::remove);
        return gone.size();
    }

    synchronized List<Entry> entries(Instant now) {
        expire(now);
        return List.copyOf(byPeer.values());
    }

    synchronized int size() {
        return byPeer.size();
    }

    synchronized void clear() {
        byPeer.clear();
        byIp.clear();
    }

    private void uncount(String ip) {
        byIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }
}
