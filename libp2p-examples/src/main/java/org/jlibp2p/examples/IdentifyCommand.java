package org.jlibp2p.examples;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.EventSubscription;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.Peerstore;

/** {@code identify <addr>}: what a peer says about itself over /ipfs/id/1.0.0. */
final class IdentifyCommand extends ClientCommand {
    /** How long the peer has to answer identify once connected. */
    private static final long IDENTIFY_SECONDS = 10;

    @Override
    public String name() {
        return "identify";
    }

    @Override
    public String arguments() {
        return "<addr>";
    }

    @Override
    public String summary() {
        return "ask a peer who it is: id, agent, protocols, addresses";
    }

    @Override
    public String description() {
        return "Ask a peer who it is (/ipfs/id/1.0.0): its id, agent, protocols and addresses, and where it sees us.";
    }

    @Override
    public List<Option> options() {
        return List.of();
    }

    @Override
    void validate(Context ctx) {
        // nothing beyond the address
    }

    @Override
    Result call(Context ctx, Host host, Multiaddr addr) throws Exception {
        PeerId target = addr.peerId().orElseThrow();
        CompletableFuture<HostEvent.PeerIdentified> identified = new CompletableFuture<>();
        try (EventSubscription s = host.subscribe(HostEvent.PeerIdentified.class, e -> {
            if (e.peer().equals(target)) {
                identified.complete(e);
            }
        })) {
            Connection c = ctx.connect(host, addr);
            HostEvent.PeerIdentified e;
            try {
                e = identified.get(IDENTIFY_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException timeout) {
                throw new IOException("the peer did not answer identify");
            }
            Peerstore.PeerInfo info = host.peerstore().get(c.remotePeer()).orElseThrow();
            return new Identified(c.remotePeer().toString(), info.agentVersion().orElse(""), info.protocolVersion().orElse(""),
                    info.protocols(), info.addrs().stream().map(Multiaddr::toString).toList(),
                    info.observedAddr().map(Multiaddr::toString).orElse(""), c.securityProtocol(), c.muxerProtocol(), e.signedPeerRecord());
        }
    }

    /** What the peer said, and how the connection to it was secured and multiplexed. */
    record Identified(String peerId, String agentVersion, String protocolVersion, List<String> protocols, List<String> listenAddrs,
                      String observedAddr, String security, String muxer, boolean signedPeerRecord) implements Result {
        Identified {
            protocols = List.copyOf(protocols);
            listenAddrs = List.copyOf(listenAddrs);
        }

        @Override
        public boolean ok() {
            return true;
        }

        @Override
        public Map<String, Object> json() {
            return Json.object("action", "identify", "ok", true, "peerId", peerId, "agentVersion", agentVersion,
                    "protocolVersion", protocolVersion, "protocols", protocols, "listenAddrs", listenAddrs, "observedAddr", observedAddr,
                    "security", security, "muxer", muxer, "signedPeerRecord", signedPeerRecord);
        }

        @Override
        public String human() {
            return "peer " + peerId + "\n  agent     " + agentVersion + "\n  protocols " + protocols
                    + "\n  addrs     " + listenAddrs + "\n  sees us at " + observedAddr;
        }
    }
}
