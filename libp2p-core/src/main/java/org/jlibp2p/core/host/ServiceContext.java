package org.jlibp2p.core.host;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.record.Envelope;

/**
 * What a {@link HostService} may use of its host: a narrow view, and the owner of everything the
 * service starts. When the host closes, each handler the service set is removed, each subscription
 * closed, each thread it started through {@link #execute} interrupted and each task cancelled.
 */
public interface ServiceContext {
    /** {@return the host's peer id} */
    PeerId peerId();

    /** {@return the host's public key} */
    PublicKey publicKey();

    /**
     * Signs with the host's identity key (for signed envelopes: peer records, relay vouchers).
     *
     * @param data what to sign; callers sign domain-separated bytes, never raw network input
     * @return the signature
     */
    byte[] sign(byte[] data);

    /**
     * Seals a payload in a signed envelope (RFC 0002) with the host's identity key: peer records,
     * relay reservation vouchers.
     *
     * @param domain      the signature's domain, such as {@code libp2p-peer-record}
     * @param payloadType the payload's multicodec bytes
     * @param payload     the payload
     * @return the envelope
     */
    Envelope seal(String domain, byte[] payloadType, byte[] payload);

    /** {@return the host's listen addresses} */
    List<Multiaddr> listenAddrs();

    /** {@return the addresses the host tells others (identify, its signed peer record): see {@link Host#advertisedAddrs()}} */
    List<Multiaddr> advertisedAddrs();

    /**
     * Advertises more addresses, such as the circuit addresses a relay reservation gives; identify
     * pushes them and the signed peer record is sealed anew. Removed when the service ends.
     *
     * @param addrs the addresses
     */
    void addAdvertisedAddrs(List<Multiaddr> addrs);

    /**
     * Stops advertising addresses this service added.
     *
     * @param addrs the addresses
     */
    void removeAdvertisedAddrs(List<Multiaddr> addrs);

    /**
     * Keeps a connection from being closed for idleness or trimmed to make room, for as long as the
     * service needs it (a relay client's connection to its relay). Released when the service ends.
     *
     * @param connection the connection
     */
    void protect(Connection connection);

    /**
     * Lets a protected connection be closed for idleness or trimmed again.
     *
     * @param connection the connection
     */
    void unprotect(Connection connection);

    /** {@return the protocols the host serves} */
    List<String> protocols();

    /** {@return the host's limits} */
    Limits limits();

    /**
     * Serves a protocol, with the host's default per-protocol cap.
     *
     * @param protocol the protocol id
     * @param handler  the handler
     */
    void setStreamHandler(String protocol, StreamHandler handler);

    /**
     * Serves a protocol with a cap on its concurrent inbound streams.
     *
     * @param protocol   the protocol id
     * @param handler    the handler
     * @param maxStreams the cap
     */
    void setStreamHandler(String protocol, StreamHandler handler, int maxStreams);

    /**
     * Serves a protocol with caps on its concurrent inbound streams across the host and per peer.
     *
     * @param protocol          the protocol id
     * @param handler           the handler
     * @param maxStreams        the cap across the host
     * @param maxStreamsPerPeer the cap for one peer
     */
    void setStreamHandler(String protocol, StreamHandler handler, int maxStreams, int maxStreamsPerPeer);

    /**
     * Stops serving a protocol.
     *
     * @param protocol the protocol id
     */
    void removeStreamHandler(String protocol);

    /**
     * Lets a protocol run on limited connections (relayed ones), in both directions. Without this,
     * streams of the protocol are refused there.
     *
     * @param protocol the protocol id
     */
    void allowOnLimitedConnections(String protocol);

    /**
     * {@return a connection to the peer an address names}
     *
     * @param address an address ending in {@code /p2p/<peer id>}
     * @throws IOException if no connection can be made
     */
    Connection connect(Multiaddr address) throws IOException;

    /**
     * {@return a connection to a peer at its known addresses}
     *
     * @param peer the peer
     * @throws IOException if no connection can be made
     */
    Connection connect(PeerId peer) throws IOException;

    /**
     * Opens a stream to a peer, connecting first if needed.
     *
     * @param peer      the peer
     * @param protocols the protocols to propose, most preferred first
     * @return the stream
     * @throws IOException if the peer cannot be reached or supports none of the protocols
     */
    ProtocolStream newStream(PeerId peer, String... protocols) throws IOException;

    /** {@return every open connection} */
    List<Connection> connections();

    /**
     * {@return the open connections to one peer}
     *
     * @param peer the peer
     */
    List<Connection> connections(PeerId peer);

    /**
     * Subscribes to one kind of host event, delivered on a virtual thread of the subscriber's own.
     *
     * @param <T>      the kind
     * @param type     the kind's class, such as {@code HostEvent.ConnectionOpened.class}
     * @param consumer what to do with each event
     * @return the subscription
     */
    <T extends HostEvent> EventSubscription subscribe(Class<T> type, Consumer<? super T> consumer);

    /** {@return what the host knows about other peers} */
    Peerstore peerstore();

    /**
     * Runs a task on a new virtual thread of the host, interrupted when the service ends. A task
     * started while the host is being built (from {@link HostService#start}, or from an event or a
     * handler meanwhile) runs once the builder has started every service and listens on its
     * addresses, so that the peers it reaches learn them from identify; if the build fails, it does
     * not run.
     *
     * @param name names the thread
     * @param task the task
     */
    void execute(String name, Runnable task);

    /**
     * Runs a task periodically, each run on a new virtual thread, until the service ends or the
     * returned future is cancelled. When a run is still going as the next is due, that next run is
     * skipped. Like {@link #execute}, no run starts before the host is built.
     *
     * @param name         names the thread
     * @param initialDelay before the first run
     * @param period       between the starts of two runs
     * @param task         the task; an exception it throws is logged and the next run happens as usual
     * @return cancels the task
     */
    Future<?> schedule(String name, Duration initialDelay, Duration period, Runnable task);
}
