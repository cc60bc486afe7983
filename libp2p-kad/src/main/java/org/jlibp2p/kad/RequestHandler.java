package org.jlibp2p.kad;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.MalformedMessageException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.ReadDeadline;
import org.jlibp2p.core.codec.LengthPrefixed;
import org.jlibp2p.core.host.LimitLog;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.ServiceContext;

/**
 * The serving side of the protocol (kad-dht/README.md, "RPC messages"), in server mode: reads
 * requests from a stream one after another and answers each.
 *
 * <ul>
 *   <li>FIND_NODE: the k closest peers in the routing table (the target itself first when connected
 *       to it; ourselves when it is us), never the requester.</li>
 *   <li>GET_VALUE: the stored record, if any, and closer peers.</li>
 *   <li>PUT_VALUE: the record is validated, stored if it is better than the one kept, and the
 *       request echoed back ("the receiver should respond with the same message").</li>
 *   <li>GET_PROVIDERS: the stored providers and closer peers.</li>
 *   <li>ADD_PROVIDER: each provider entry that names the sender itself and has addresses is stored;
 *       others are ignored, as go does. No response.</li>
 *   <li>PING: echoed, as go does.</li>
 * </ul>
 *
 * A request that is malformed, has an invalid record, or a key over the bounds resets the stream
 * (what go and js do), logged by {@link LimitLog}. A stream silent for {@value #IDLE_SECONDS} s is
 * closed (go's {@code dhtStreamIdleTimeout}).
 */
final class RequestHandler {
    static final int IDLE_SECONDS = 60;
    /** go-libp2p-kad-dht refuses provider keys over 80 bytes ({@code handlers.go}); a multihash is far shorter. */
    static final int MAX_PROVIDER_KEY_BYTES = 80;
    /** Providers returned in one GET_PROVIDERS response. */
    static final int MAX_PROVIDERS_RETURNED = 64;

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.kad");

    private final KadDht dht;
    private final ServiceContext ctx;
    private final LimitLog refusals;

    RequestHandler(KadDht dht, ServiceContext ctx, LimitLog refusals) {
        this.dht = dht;
        this.ctx = ctx;
        this.refusals = refusals;
    }

    void handle(ProtocolStream s) throws IOException {
        PeerId from = s.connection().remotePeer();
        InputStream in = new BufferedInputStream(s.in(), 4096);
        while (true) {
            ReadDeadline idle = new ReadDeadline(s, Duration.ofSeconds(IDLE_SECONDS), "kad request");
            byte[] frame;
            KadMessage request;
            try {
                frame = LengthPrefixed.readIfPresent(idle.guard(in), KadMessage.MAX_MESSAGE_BYTES);
                if (frame == null) {
                    return;
                }
                request = KadMessage.decode(frame);
            } catch (MalformedMessageException e) {
                refusals.refused("malformed", () -> "kad: reset a stream from " + from + ": " + e.getMessage());
                throw e;
            }
            Optional<KadMessage> response;
            try {
                response = answer(from, request);
            } catch (InvalidRecordException e) {
                refusals.refused("invalid record", () -> "kad: refused a record from " + from + ": " + e.getMessage());
                throw e;
            }
            if (response.isPresent()) {
                response.get().write(s.out());
            }
        }
    }

    Optional<KadMessage> answer(PeerId from, KadMessage request) throws IOException {
        byte[] key = request.key();
        Instant now = Instant.now();
        return switch (request.type()) {
            case FIND_NODE -> Optional.of(new KadMessage(request.type(), key, Optional.empty(), closerPeers(from, key, true), List.of()));
            case GET_VALUE -> {
                Validators.namespace(key);
                Optional<KadRecord> record = dht.records().get(key, now).map(RecordStore.Stored::record);
                yield Optional.of(new KadMessage(request.type(), key, record, closerPeers(from, key, false), List.of()));
            }
            case PUT_VALUE -> {
                KadRecord r = request.record().orElseThrow(() -> new InvalidRecordException("PUT_VALUE without a record"));
                if (!java.util.Arrays.equals(r.key(), key)) {
                    throw new InvalidRecordException("PUT_VALUE whose record key is not the message key");
                }
                dht.validators().validate(key, r.value());
                RecordStore.Outcome o = dht.records().put(r, dht.validators(), now);
                if (o == RecordStore.Outcome.FULL) {
                    refusals.refused("record store full", () -> "kad: the record store is full (" + dht.config().maxRecords() + " records, "
                            + dht.config().maxRecordBytes() + " bytes): refused a record from " + from);
                    throw new IOException("record store full");
                }
                yield Optional.of(request);
            }
            case GET_PROVIDERS -> {
                providerKey(key);
                List<KadPeer> providers = dht.providers().get(key, MAX_PROVIDERS_RETURNED, now);
                yield Optional.of(new KadMessage(request.type(), key, Optional.empty(), closerPeers(from, key, false), providers));
            }
            case ADD_PROVIDER -> {
                providerKey(key);
                for (KadPeer p : request.providerPeers()) {
                    if (!p.id().equals(from)) {
                        LOG.log(Level.DEBUG, () -> "kad: ignored a provider record for " + p.id() + " sent by " + from);
                    } else if (!p.addrs().isEmpty()) {
                        if (dht.providers().add(key, p, now) != ProviderStore.Outcome.ADDED) {
                            refusals.refused("provider store bound", () -> "kad: a provider record from " + from
                                    + " met a bound of the provider store (" + dht.config().maxProvidersPerKey() + " per key, "
                                    + dht.config().maxProviderKeys() + " keys, " + dht.config().maxProviderEntries() + " records)");
                        }
                    }
                }
                yield Optional.empty();
            }
            case PING -> Optional.of(request);
        };
    }

    private static void providerKey(byte[] key) throws MalformedMessageException {
        if (key.length == 0 || key.length > MAX_PROVIDER_KEY_BYTES) {
            throw new MalformedMessageException("a provider key of " + key.length + " bytes (1 to " + MAX_PROVIDER_KEY_BYTES + ")");
        }
    }

    /** The k closest peers we know to a key, with their addresses, never the requester. */
    List<KadPeer> closerPeers(PeerId requester, byte[] key, boolean findNode) {
        List<KadPeer> out = new ArrayList<>();
        int k = dht.config().k();
        if (findNode) {
            try {
                PeerId target = PeerId.fromBytes(key);
                if (target.equals(ctx.peerId())) {
                    return List.of(KadPeer.of(ctx.peerId(), ctx.advertisedAddrs()));
                }
                if (!target.equals(requester) && !ctx.connections(target).isEmpty()) {
                    entry(target).ifPresent(out::add);
                }
            } catch (MalformedMessageException notAPeerId) {
                // FIND_NODE for any key: the closest peers to its point
            }
        }
        for (PeerId p : dht.routingTable().closest(KadKey.of(key), k + 1)) {
            if (out.size() >= k) {
                break;
            }
            if (!p.equals(requester) && out.stream().noneMatch(e -> e.id().equals(p))) {
                entry(p).ifPresent(out::add);
            }
        }
        return out;
    }

    private Optional<KadPeer> entry(PeerId p) {
        List<Multiaddr> addrs = ctx.peerstore().addrs(p);
        if (addrs.isEmpty()) {
            return Optional.empty(); // useless to the requester; js drops such entries
        }
        List<Multiaddr> some = addrs.size() > KadPeer.MAX_ADDRS ? addrs.subList(0, KadPeer.MAX_ADDRS) : addrs;
        return Optional.of(new KadPeer(p, some, ctx.connections(p).isEmpty() ? KadPeer.ConnectionType.NOT_CONNECTED : KadPeer.ConnectionType.CONNECTED));
    }
}
