package org.jlibp2p.core.host;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.PublicKey;

/**
 * What a host knows about other peers: their addresses, public keys, protocols and agent versions,
 * learned from dialing and from identify. Bounded: at most {@link #MAX_PEERS} peers (later peers are
 * not recorded), {@link #MAX_ADDRS} addresses and {@link #MAX_PROTOCOLS} protocols each.
 */
public final class Peerstore {
    /** Peers recorded at most. */
    public static final int MAX_PEERS = 10_000;
    /** Addresses kept per peer. */
    public static final int MAX_ADDRS = 64;
    /** Protocols kept per peer. */
    public static final int MAX_PROTOCOLS = 256;

    /**
     * One peer's record.
     *
     * @param peer            the peer
     * @param addrs           its known addresses (without /p2p)
     * @param publicKey       its public key, once known
     * @param protocols       the protocols it said it supports
     * @param agentVersion    its implementation, as it reported it
     * @param protocolVersion its protocol family, as it reported it
     * @param observedAddr    the address at which it last said it sees us
     */
    public record PeerInfo(PeerId peer, List<Multiaddr> addrs, Optional<PublicKey> publicKey, List<String> protocols,
                           Optional<String> agentVersion, Optional<String> protocolVersion, Optional<Multiaddr> observedAddr) {}

    private static final class Entry {
        final Set<Multiaddr> addrs = new LinkedHashSet<>();
        PublicKey publicKey;
        List<String> protocols = List.of();
        String agentVersion;
        String protocolVersion;
        Multiaddr observedAddr;
    }

    private final Map<PeerId, Entry> peers = new ConcurrentHashMap<>();

    Peerstore() {}

    /**
     * Records addresses of a peer.
     *
     * @param peer  the peer
     * @param addrs its addresses (a trailing /p2p is removed)
     */
    public void addAddrs(PeerId peer, Collection<Multiaddr> addrs) {
        Entry e = entry(peer);
        if (e == null) {
            return;
        }
        synchronized (e) {
            for (Multiaddr a : addrs) {
                if (e.addrs.size() >= MAX_ADDRS) {
                    break;
                }
                e.addrs.add(a.withoutPeerId());
            }
        }
    }

    void recordKey(PeerId peer, PublicKey key) {
        Entry e = entry(peer);
        if (e != null) {
            synchronized (e) {
                e.publicKey = key;
            }
        }
    }

    void recordIdentify(PeerId peer, IdentifyInfo info) {
        Entry e = entry(peer);
        if (e == null) {
            return;
        }
        synchronized (e) {
            info.publicKey().ifPresent(k -> e.publicKey = k);
            if (info.protocols() != null) {
                e.protocols = List.copyOf(info.protocols().subList(0, Math.min(MAX_PROTOCOLS, info.protocols().size())));
            }
            info.agentVersion().ifPresent(v -> e.agentVersion = v);
            info.protocolVersion().ifPresent(v -> e.protocolVersion = v);
            info.observedAddr().ifPresent(a -> e.observedAddr = a);
        }
        addAddrs(peer, info.listenAddrs());
    }

    /**
     * What is known about a peer.
     *
     * @param peer the peer
     * @return its record, or empty if nothing is known
     */
    public Optional<PeerInfo> get(PeerId peer) {
        Entry e = peers.get(peer);
        if (e == null) {
            return Optional.empty();
        }
        synchronized (e) {
            return Optional.of(new PeerInfo(peer, List.copyOf(e.addrs), Optional.ofNullable(e.publicKey), e.protocols,
                    Optional.ofNullable(e.agentVersion), Optional.ofNullable(e.protocolVersion), Optional.ofNullable(e.observedAddr)));
        }
    }

    /**
     * A peer's known addresses.
     *
     * @param peer the peer
     * @return its addresses, possibly none
     */
    public List<Multiaddr> addrs(PeerId peer) {
        return get(peer).map(PeerInfo::addrs).orElse(List.of());
    }

    /** {@return every peer with a record} */
    public List<PeerId> peers() {
        return new ArrayList<>(peers.keySet());
    }

    private Entry entry(PeerId peer) {
        Entry e = peers.get(peer);
        if (e == null && peers.size() < MAX_PEERS) {
            e = peers.computeIfAbsent(peer, p -> new Entry());
        }
        return e;
    }
}
