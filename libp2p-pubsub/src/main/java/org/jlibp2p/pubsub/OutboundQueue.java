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

    record Item(byte[] rpc, boolean gossip) {}

    private final int maxItems;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<byte[]> priority = new ArrayDeque<>();
    private final ArrayDeque<byte[]> gossip = new ArrayDeque<>();
    private long bytes;
    private boolean closed;
    private long dropped;

    OutboundQueue(int maxItems, long maxBytes) {
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
    }

    Outcome offer(byte[] rpc, boolean isGossip) {
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
            (isGossip ? gossip : priority).addLast(rpc);
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
            byte[] next = priority.isEmpty() ? gossip.removeFirst() : priority.removeFirst();
            bytes -= next.length;
            return next;
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
