package org.jlibp2p.core.host;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.MultiaddrProtocol;
import org.jlibp2p.core.spi.RawConnection;

/**
 * The inbound connections still in their handshake, by remote address. A new connection is always
 * admitted: when its address holds {@link Limits#maxPendingInboundPerAddress()} pending handshakes,
 * one of that address's is closed; when the whole table holds {@link Limits#maxPendingInbound()},
 * one of the busiest address's. The one closed is the oldest that has sent nothing yet, or else the
 * oldest. So an address that floods us with silent sockets pushes out its own, a peer from another
 * address always gets its turn, and a peer that is really handshaking keeps its place even behind a
 * flooding address it shares, as on loopback (go-libp2p caps pending upgrades per IPv4 address at 8
 * and refuses past it; we evict instead, which also lets the newest connection of a flooding address
 * through).
 */
final class PendingHandshakes {

    /** One pending handshake. */
    static final class Entry {
        final RawConnection raw;
        final String address;
        final BooleanSupplier heard;
        volatile boolean done;

        Entry(RawConnection raw, String address, BooleanSupplier heard) {
            this.raw = raw;
            this.address = address;
            this.heard = heard;
        }
    }

    private final int maxTotal;
    private final int maxPerAddress;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ArrayDeque<Entry>> byAddress = new HashMap<>();
    private int total;

    private final LimitLog limitLog;

    PendingHandshakes(Limits limits, LimitLog limitLog) {
        this.maxTotal = limits.maxPendingInbound();
        this.maxPerAddress = limits.maxPendingInboundPerAddress();
        this.limitLog = limitLog;
    }

    /** The IP address a connection comes from (the whole multiaddr where it has none, as /memory). */
    static String addressOf(Multiaddr remote) {
        for (Multiaddr.Component c : remote.components()) {
            if (c.protocol() == MultiaddrProtocol.IP4 || c.protocol() == MultiaddrProtocol.IP6) {
                try {
                    return InetAddress.getByAddress(c.value()).getHostAddress();
                } catch (java.net.UnknownHostException e) {
                    break;
                }
            }
        }
        return remote.toString();
    }

    /**
     * Admits a new inbound connection, closing another pending one first if a table is full.
     *
     * @param raw   the connection
     * @param heard whether its first byte has arrived
     */
    Entry admit(RawConnection raw, BooleanSupplier heard) {
        Entry entry = new Entry(raw, addressOf(raw.remoteAddress()), heard);
        Entry evicted = null;
        String why = null;
        lock.lock();
        try {
            ArrayDeque<Entry> mine = byAddress.computeIfAbsent(entry.address, a -> new ArrayDeque<>());
            if (mine.size() >= maxPerAddress) {
                evicted = takeVictim(mine);
                total--;
                why = "the limit of " + maxPerAddress + " pending handshakes from " + entry.address + " is reached";
            } else if (total >= maxTotal) {
                ArrayDeque<Entry> busiest = mine;
                for (ArrayDeque<Entry> q : byAddress.values()) {
                    if (q.size() > busiest.size()) {
                        busiest = q;
                    }
                }
                evicted = takeVictim(busiest);
                if (evicted != null) {
                    total--;
                    if (busiest.isEmpty()) {
                        byAddress.remove(evicted.address);
                    }
                }
                why = "the limit of " + maxTotal + " pending handshakes is reached";
            }
            mine.addLast(entry);
            byAddress.putIfAbsent(entry.address, mine);
            total++;
        } finally {
            lock.unlock();
        }
        if (evicted != null) {
            close(evicted, why);
        }
        return entry;
    }

    /** Removes and returns the oldest entry that has sent nothing, or else the oldest. */
    private static Entry takeVictim(ArrayDeque<Entry> queue) {
        for (Iterator<Entry> it = queue.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (!e.heard.getAsBoolean()) {
                it.remove();
                return e;
            }
        }
        return queue.pollFirst();
    }

    private void close(Entry evicted, String why) {
        limitLog.refused(why.contains("from") ? "pending handshakes per address" : "pending handshakes",
                () -> why + ": closed the oldest pending handshake from " + evicted.address);
        try {
            evicted.raw.close();
        } catch (IOException e) {
            // closed already
        }
    }

    /** The handshake ended (upgraded, failed or evicted). */
    void finished(Entry entry) {
        lock.lock();
        try {
            if (entry.done) {
                return;
            }
            entry.done = true;
            ArrayDeque<Entry> q = byAddress.get(entry.address);
            if (q != null && q.remove(entry)) {
                total--;
                if (q.isEmpty()) {
                    byAddress.remove(entry.address);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@return the pending handshakes now} */
    int size() {
        lock.lock();
        try {
            return total;
        } finally {
            lock.unlock();
        }
    }
}
