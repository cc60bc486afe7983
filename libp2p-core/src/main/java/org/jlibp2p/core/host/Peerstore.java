package org.jlibp2p.core.host;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.PublicKey;

/**
 * What a host knows about other peers: their addresses (each with a time to live), public keys,
 * protocols and metadata, learned from dialing, from identify and from signed peer records.
 *
 * <p>Addresses. Each address expires after its TTL; {@link #addrs(PeerId)} returns only live ones,
 * those from a signed peer record first, then the most recently confirmed. The TTLs are go-libp2p's
 * (core/peerstore/peerstore.go): {@link #CONNECTED_TTL} while a connection is open, lowered to
 * {@link #RECENTLY_CONNECTED_TTL} when the last one closes; {@link #TEMPORARY_TTL} for addresses
 * that a newer report replaced; {@link #PERMANENT_TTL} for what the application gave. Once a peer has
 * sent a signed peer record (RFC 0003), its addresses replace the unsigned ones, and unsigned
 * addresses are no longer added for that peer (as go's address book does).
 *
 * <p>Bounds. Implementations are bounded in peers, addresses per peer and protocols per peer, and
 * never refuse a new peer: the default, {@link BoundedPeerstore}, evicts the least recently used
 * peer that has no open connection.
 */
public interface Peerstore {
    /** Peers kept by the default implementation before the least recently used are evicted. */
    int MAX_PEERS = 10_000;
    /** Addresses kept per peer. */
    int MAX_ADDRS = 64;
    /** Protocols kept per peer. */
    int MAX_PROTOCOLS = 256;

    /** For addresses the application gave: they never expire. */
    Duration PERMANENT_TTL = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    /** For addresses of a peer we are connected to: they live until the last connection closes. */
    Duration CONNECTED_TTL = Duration.ofSeconds(Long.MAX_VALUE, 999_999_998);
    /** What {@link #CONNECTED_TTL} addresses become when the last connection closes (go: 15 minutes). */
    Duration RECENTLY_CONNECTED_TTL = Duration.ofMinutes(15);
    /** For addresses replaced by a newer report, and for short-lived ones (go: 2 minutes). */
    Duration TEMPORARY_TTL = Duration.ofMinutes(2);

    /** Metadata key of the peer's implementation, as identify reported it (go uses the same key). */
    String AGENT_VERSION = "AgentVersion";
    /** Metadata key of the peer's protocol family, as identify reported it. */
    String PROTOCOL_VERSION = "ProtocolVersion";
    /** Metadata key of the address at which the peer last said it sees us. */
    String OBSERVED_ADDR = "ObservedAddr";

    /**
     * One peer's record.
     *
     * @param peer            the peer
     * @param addrs           its live addresses (without /p2p)
     * @param publicKey       its public key, once known
     * @param protocols       the protocols it said it supports
     * @param agentVersion    its implementation, as it reported it
     * @param protocolVersion its protocol family, as it reported it
     * @param observedAddr    the address at which it last said it sees us
     */
    record PeerInfo(PeerId peer, List<Multiaddr> addrs, Optional<PublicKey> publicKey, List<String> protocols,
                    Optional<String> agentVersion, Optional<String> protocolVersion, Optional<Multiaddr> observedAddr) {}

    /**
     * Adds addresses that never expire (for addresses the application gives).
     *
     * @param peer  the peer
     * @param addrs its addresses (a trailing /p2p is removed)
     */
    default void addAddrs(PeerId peer, Collection<Multiaddr> addrs) {
        addAddrs(peer, addrs, PERMANENT_TTL);
    }

    /**
     * Adds addresses; an address already known keeps the longer of its TTLs. Unsigned addresses are
     * ignored for a peer whose signed peer record is known.
     *
     * @param peer  the peer
     * @param addrs its addresses (a trailing /p2p is removed)
     * @param ttl   how long they stay
     */
    void addAddrs(PeerId peer, Collection<Multiaddr> addrs, Duration ttl);

    /**
     * Replaces a peer's unsigned addresses: the given ones get {@code ttl}, the others that would
     * live longer than {@link #TEMPORARY_TTL} are lowered to it (a newer report wins, the old
     * addresses fade). Identify does this with each report.
     *
     * @param peer  the peer
     * @param addrs its current addresses
     * @param ttl   how long they stay
     */
    void replaceAddrs(PeerId peer, Collection<Multiaddr> addrs, Duration ttl);

    /**
     * Records the addresses of a verified signed peer record (RFC 0003). A record older than the one
     * known is ignored; the same one again keeps its addresses alive (each TTL only grows); a newer
     * one replaces all of the peer's addresses.
     *
     * @param peer  the peer the record is about, already checked against its signer
     * @param seq   the record's sequence number
     * @param addrs its addresses
     * @param ttl   how long they stay
     * @return true if the record was not older than the one known, and its addresses were taken
     */
    boolean addSignedAddrs(PeerId peer, long seq, Collection<Multiaddr> addrs, Duration ttl);

    /**
     * {@return a peer's live addresses, signed first, then the most recently confirmed}
     *
     * @param peer the peer
     */
    List<Multiaddr> addrs(PeerId peer);

    /**
     * Records a peer's public key.
     *
     * @param peer the peer
     * @param key  its key, which must match the peer id
     * @throws IllegalArgumentException if the key is not the peer's
     */
    void addPublicKey(PeerId peer, PublicKey key);

    /**
     * {@return a peer's public key, if known}
     *
     * @param peer the peer
     */
    Optional<PublicKey> publicKey(PeerId peer);

    /**
     * Replaces a peer's protocols.
     *
     * @param peer      the peer
     * @param protocols what it says it speaks (at most {@link #MAX_PROTOCOLS} are kept)
     */
    void setProtocols(PeerId peer, Collection<String> protocols);

    /**
     * {@return the protocols a peer says it speaks}
     *
     * @param peer the peer
     */
    List<String> protocols(PeerId peer);

    /**
     * {@return every known peer that says it speaks {@code protocol}}
     *
     * @param protocol the protocol id
     */
    List<PeerId> peersSupporting(String protocol);

    /**
     * Sets a metadata value, such as {@link #AGENT_VERSION}.
     *
     * @param peer  the peer
     * @param key   the key
     * @param value the value (at most 1 KiB of text is kept)
     */
    void putMetadata(PeerId peer, String key, String value);

    /**
     * {@return a metadata value}
     *
     * @param peer the peer
     * @param key  the key
     */
    Optional<String> metadata(PeerId peer, String key);

    /**
     * Tells the peerstore that a peer's connection count changed: a connected peer is never evicted,
     * and when the last connection closes its {@link #CONNECTED_TTL} addresses become
     * {@link #RECENTLY_CONNECTED_TTL} ones. The host calls this.
     *
     * @param peer      the peer
     * @param connected true when a connection opened, false when one closed
     */
    void connectionChanged(PeerId peer, boolean connected);

    /**
     * What is known about a peer.
     *
     * @param peer the peer
     * @return its record, or empty if nothing is known
     */
    Optional<PeerInfo> get(PeerId peer);

    /** {@return every peer with a record} */
    List<PeerId> peers();

    /**
     * Forgets a peer.
     *
     * @param peer the peer
     */
    void remove(PeerId peer);
}
