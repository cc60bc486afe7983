package org.jlibp2p.core.host;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.spi.RawConnection;
import org.jlibp2p.core.spi.Transport;

/**
 * Outbound connections: reuse an open connection to the peer, or share a dial already under way, or
 * dial the addresses one by one until one connects and upgrades to the expected peer.
 */
final class Dialer {
    private final Host host;
    private final Map<PeerId, CompletableFuture<HostConnection>> pending = new ConcurrentHashMap<>();

    Dialer(Host host) {
        this.host = host;
    }

    /**
     * A connection to {@code peer}: an open one, the result of a dial under way, or a new dial to
     * {@code addrs} in order.
     */
    HostConnection connect(PeerId peer, List<Multiaddr> addrs) throws IOException {
        if (peer.equals(host.peerId())) {
            throw new IllegalArgumentException("a host cannot connect to itself");
        }
        Optional<HostConnection> existing = host.registry.live(peer);
        if (existing.isPresent()) {
            return existing.get();
        }
        CompletableFuture<HostConnection> mine = new CompletableFuture<>();
        CompletableFuture<HostConnection> dial = pending.putIfAbsent(peer, mine);
        if (dial != null) {
            return await(dial);
        }
        try {
            HostConnection c = host.registry.live(peer).orElse(null);
            if (c == null) {
                c = dial(peer, addrs);
            }
            mine.complete(c);
            return c;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            pending.remove(peer, mine);
        }
    }

    private HostConnection await(CompletableFuture<HostConnection> dial) throws IOException {
        Limits limits = host.limits();
        try {
            return dial.get(limits.dialTimeout().toMillis() + limits.handshakeTimeout().toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("dial failed", e.getCause());
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("waiting for a concurrent dial timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a dial");
        }
    }

    private HostConnection dial(PeerId peer, List<Multiaddr> addrs) throws IOException {
        if (addrs.isEmpty()) {
            throw new IOException("no known address for " + peer);
        }
        IOException last = null;
        for (Multiaddr addr : addrs) {
            Transport transport = host.transportFor(addr).orElse(null);
            if (transport == null) {
                continue;
            }
            host.registry.checkLimit(Role.INITIATOR);
            RawConnection raw;
            try {
                // the address names the peer: a relayed transport needs it (<relay>/p2p-circuit/p2p/<peer>)
                raw = transport.dial(addr.withoutPeerId().withPeerId(peer), host.limits().dialTimeout());
            } catch (IOException e) {
                last = e;
                continue;
            }
            Upgrader.Upgraded upgraded = host.upgrader.outbound(raw, peer); // a wrong peer ends the dial here
            HostConnection c = host.register(upgraded, Role.INITIATOR);
            // "We are reasonably certain of the peer's address": it answered there.
            host.peerstore().addAddrs(peer, List.of(addr.withoutPeerId()), Peerstore.CONNECTED_TTL);
            return c;
        }
        throw last != null ? last : new IOException("no transport handles any address of " + peer + ": " + addrs);
    }
}
