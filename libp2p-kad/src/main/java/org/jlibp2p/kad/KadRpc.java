package org.jlibp2p.kad;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.time.Duration;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.ReadDeadline;
import org.jlibp2p.core.StreamResetException;
import org.jlibp2p.core.host.Peerstore;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.ServiceContext;

/**
 * The requesting side of the protocol (kad-dht/README.md, "RPC messages"): one stream per request,
 * as js-libp2p does (go keeps a stream per peer; both serve many requests on one stream). A request
 * writes one length-prefixed message and reads one response within the request timeout; ADD_PROVIDER,
 * which has no response, waits for the peer's end of the stream instead.
 */
final class KadRpc {
    /** How long addresses learned from a lookup stay in the peerstore (go-libp2p-kad-dht: {@code peerstore.TempAddrTTL}). */
    static final Duration LEARNED_ADDR_TTL = Peerstore.TEMPORARY_TTL;

    private final ServiceContext ctx;
    private final String protocol;
    private final Duration timeout;

    KadRpc(ServiceContext ctx, String protocol, Duration timeout) {
        this.ctx = ctx;
        this.protocol = protocol;
        this.timeout = timeout;
    }

    /**
     * Sends a request and reads its response.
     *
     * @param peer    the peer, with addresses to dial if there is no connection
     * @param request the request
     * @return the response, of the request's type
     * @throws IOException if the peer cannot be reached, fails, or answers late or wrongly
     */
    KadMessage request(KadPeer peer, KadMessage request) throws IOException {
        try (ProtocolStream s = open(peer)) {
            ReadDeadline deadline = new ReadDeadline(s, timeout, protocol + " " + request.type() + " response");
            request.write(s.out());
            KadMessage response = KadMessage.read(deadline.guard(new BufferedInputStream(s.in(), 512)));
            if (response.type() != request.type()) {
                throw new MalformedMessageException("a " + response.type() + " response to a " + request.type() + " request");
            }
            return response;
        }
    }

    /**
     * Sends a message that has no response (ADD_PROVIDER), closes our side of the stream, and waits,
     * within the request timeout, for the peer to end its side. Servers end the stream once they have
     * read every message on it: go-libp2p-kad-dht ({@code handleNewStream}) and {@link RequestHandler}
     * close it; js-libp2p (kad-dht 16.4.5, {@code onIncomingStream}) reads again after each message,
     * fails on our close and resets the stream, which therefore counts as the peer's end too. So when
     * this returns the peer has had the message. Without the wait, a sender that closes its
     * connection right after (a command that provides, then exits) could end the session before the
     * peer's handler had read the message, and the message went with the session.
     *
     * @param peer    the peer
     * @param message the message
     * @throws IOException if the peer cannot be reached, refuses the protocol, sends an answer, or
     *     does not end the stream within the request timeout
     */
    void send(KadPeer peer, KadMessage message) throws IOException {
        try (ProtocolStream s = open(peer)) {
            message.write(s.out());
            s.closeWrite();
            ReadDeadline deadline = new ReadDeadline(s, timeout, protocol + " " + message.type() + ": the peer's end of the stream");
            try {
                if (deadline.guard(s.in()).read() != -1) {
                    throw new MalformedMessageException("an answer to " + message.type() + ", which has none");
                }
            } catch (StreamResetException e) {
                // the peer ended the stream the way js-libp2p does (above)
            }
        }
    }

    private ProtocolStream open(KadPeer peer) throws IOException {
        PeerId id = peer.id();
        if (!peer.addrs().isEmpty() && ctx.connections(id).isEmpty()) {
            ctx.peerstore().addAddrs(id, peer.addrs(), LEARNED_ADDR_TTL);
        }
        return ctx.newStream(id, protocol);
    }
}
