package org.jlibp2p.pubsub;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jlibp2p.core.PeerId;

/**
 * The message cache of gossipsub-v1.0.md ("Message Cache"): the messages of the last
 * {@code HistoryLength} heartbeats, kept for IWANT, in windows that {@link #shift()} moves on each
 * heartbeat; the last {@code HistoryGossip} windows are what IHAVE announces. Each peer may ask for a
 * message at most {@code GossipRetransmission} times (gossipsub-v1.1.md, "Spam Protection
 * Measures"). Not thread-safe: the router calls it under its lock.
 */
final class MessageCache {
    private record Entry(MessageId id, String topic) {}

    private final int gossipWindows;
    private final int maxRetransmissions;
    private final ArrayDeque<List<Entry>> windows = new ArrayDeque<>();
    private final Map<MessageId, Message> messages = new HashMap<>();
    private final Map<MessageId, Map<PeerId, Integer>> requests = new HashMap<>();

    MessageCache(int historyLength, int historyGossip, int gossipRetransmission) {
        this.gossipWindows = historyGossip;
        this.maxRetransmissions = gossipRetransmission;
        for (int i = 0; i < historyLength; i++) {
            windows.addLast(new ArrayList<>());
        }
    }

    void put(MessageId id, Message m) {
        if (messages.putIfAbsent(id, m) == null) {
            windows.peekFirst().add(new Entry(id, m.topic()));
        }
    }

    Message get(MessageId id) {
        return messages.get(id);
    }

    /**
     * {@return the message for a peer's IWANT, or null if unknown or asked for too often by this peer}
     */
    Message getForPeer(MessageId id, PeerId peer) {
        Message m = messages.get(id);
        if (m == null) {
            return null;
        }
        int n = requests.computeIfAbsent(id, k -> new HashMap<>()).merge(peer, 1, Integer::sum);
        return n > maxRetransmissions ? null : m;
    }

    /** {@return the ids of the gossip windows in a topic, newest first} */
    List<MessageId> gossipIds(String topic) {
        List<MessageId> out = new ArrayList<>();
        Iterator<List<Entry>> it = windows.iterator();
        for (int i = 0; i < gossipWindows && it.hasNext(); i++) {
            for (Entry e : it.next()) {
                if (e.topic().equals(topic)) {
                    out.add(e.id());
                }
            }
        }
        return out;
    }

    /** Moves to the next heartbeat's window, forgetting the oldest. */
    void shift() {
        for (Entry e : windows.removeLast()) {
            messages.remove(e.id());
            requests.remove(e.id());
        }
        windows.addFirst(new ArrayList<>());
    }

    int size() {
        return messages.size();
    }
}
