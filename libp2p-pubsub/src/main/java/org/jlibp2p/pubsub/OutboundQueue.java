package org.jlibp2p.pubsub;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The RPCs waiting to go to one peer, bounded in count and in bytes, in two lanes: published and
 * forwarded messages and mesh control (GRAFT, PRUNE, IDONTWANT) in the first, gossip (IHAVE, IWANT,
 * and the messages IWANT asked for) in the second. The writer drains the first lane before the
 * second. When full, gossip goes first: a message evicts queued gossip to make room, and only when
 * no gossip is left is the new message dropped. Offers never block, so a peer that reads slowly or
 * not at all costs the others nothing (go-libp2p-pubsub drops too, at 32 RPCs per peer).
 */
final class OutboundQueue {
    /** What {@link #offer} did. */
    enum Outcome { QUEUED, DROPPED, EVICTED_GOSSIP }

    /** An RPC, and the id of the message it carries, if it carries one a later IDONTWANT may cancel. */
    private record Item(byte[] rpc, MessageId id) {}

    private final int maxItems;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<Item> priority = new ArrayDeque<>();
    private final ArrayDeque<byte[]> gossip = new ArrayDeque<>();
    private final java.util.Map<MessageId, Integer> queuedIds = new java.util.HashMap<>();
    private long cancelled;
    private long bytes;
    private boolean closed;
    private long dropped;

    OutboundQueue(int maxItems, long maxBytes) {
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
    }

    Outcome offer(byte[] rpc, boolean isGossip) {
        return offer(rpc, isGossip, null);
    }

    Outcome offer(byte[] rpc, boolean isGossip, MessageId id) {
        lock.lock();
        try {
            if (closed) {
                return Outcome.DROPPED;
            }
            boolean evicted = false;
            while (isFull(rpc.length)) {
                if (isGossip || gossip.isEmpty()) {
                    dropped++;
                    return Outcome.DROPPED;
                }
                bytes -= gossip.removeLast().length; // the newest gossip goes first: the oldest is nearer the wire
                dropped++;
                evicted = true;
            }
            if (isGossip) {
                gossip.addLast(rpc);
            } else {
                priority.addLast(new Item(rpc, id));
                if (id != null) {
                    queuedIds.merge(id, 1, Integer::sum);
                }
            }
            bytes += rpc.length;
            nonEmpty.signal();
            return evicted ? Outcome.EVICTED_GOSSIP : Outcome.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    private boolean isFull(int more) {
        int n = priority.size() + gossip.size();
        return n >= maxItems || (n > 0 && bytes + more > maxBytes);
    }

    /** {@return the next RPC, or null on timeout or once closed} */
    byte[] take(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (!closed && priority.isEmpty() && gossip.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = nonEmpty.awaitNanos(nanos);
            }
            if (closed) {
                return null;
            }
            byte[] next;
            if (priority.isEmpty()) {
                next = gossip.removeFirst();
            } else {
                Item item = priority.removeFirst();
                next = item.rpc();
                if (item.id() != null) {
                    queuedIds.computeIfPresent(item.id(), (k, v) -> v == 1 ? null : v - 1);
                }
            }
            bytes -= next.length;
            return next;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops everything queued, as when the stream it was meant for failed: control messages written
     * for the old stream (a GRAFT for a mesh we since left) would be wrong on a new one, and go starts
     * a new stream with a new queue.
     *
     * @return how many RPCs were dropped
     */
    int clear() {
        lock.lock();
        try {
            int n = priority.size() + gossip.size();
            priority.clear();
            gossip.clear();
            queuedIds.clear();
            bytes = 0;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes out the queued RPCs that carry a message the peer said it does not want.
     *
     * @return how many were taken out
     */
    int cancel(MessageId id) {
        lock.lock();
        try {
            if (!queuedIds.containsKey(id)) {
                return 0;
            }
            int n = 0;
            for (java.util.Iterator<Item> it = priority.iterator(); it.hasNext(); ) {
                Item item = it.next();
                if (id.equals(item.id())) {
                    it.remove();
                    bytes -= item.rpc().length;
                    n++;
                }
            }
            queuedIds.remove(id);
            cancelled += n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    long cancelled() {
        lock.lock();
        try {
            return cancelled;
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            priority.clear();
            gossip.clear();
            queuedIds.clear();
            bytes = 0;
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return priority.size() + gossip.size();
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}
