package org.jlibp2p.kad;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.HostService;
import org.jlibp2p.core.host.LimitLog;
import org.jlibp2p.core.host.ServiceContext;

/**
 * The Kademlia DHT as a host service (kad-dht/README.md): serves {@code /ipfs/kad/1.0.0} in server
 * mode, keeps the {@link RoutingTable}, and runs the lookups that find peers, values and providers.
 *
 * <pre>{@code
 * KadDht dht = new KadDht(KadConfig.defaults().withBootstrap(List.of(Multiaddr.parse(bootstrapAddr))));
 * try (Host host = Host.builder().listen("/ip4/0.0.0.0/tcp/4001").service(dht).build()) {
 *     dht.bootstrap();
 *     dht.putValue(key, value);
 *     Optional<byte[]> v = dht.getValue(key, 1).value();
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Routing table</b> ("Kademlia routing table"): a peer enters when identify says it serves
 *       the protocol (so only server-mode peers do), or when it answers a request; it leaves when it
 *       stops serving the protocol or fails a request, and the newest peer waiting for its bucket
 *       takes its place. A full bucket's least recently seen peer is checked with a FIND_NODE.</li>
 *   <li><b>Lookups</b> ("Peer routing"): {@link Lookup}, α requests in flight, ending when the k
 *       closest have answered, with per-request and whole-query deadlines.</li>
 *   <li><b>Values</b> ("Value storage and retrieval"): {@link #putValue} stores on the k closest
 *       peers; {@link #getValue} collects values until a quorum, selects the best with the key's
 *       {@link Validator}, and corrects the peers that returned an older one.</li>
 *   <li><b>Providers</b> ("Content provider advertisement and discovery"): {@link #provide} announces
 *       this peer to the k closest; {@link #findProviders} collects them.</li>
 *   <li><b>Upkeep</b>: {@link #bootstrap} joins through the configured peers; every
 *       {@link KadConfig#refreshInterval()} a lookup of this peer's own id drops the neighbours that
 *       stopped answering, and buckets no lookup went through are refreshed with a lookup of a random
 *       key in their range; stored records expire after their TTLs, and what this peer put or provides is
 *       announced again every {@link KadConfig#republishInterval()}.</li>
 * </ul>
 */
public final class KadDht implements HostService {
    /** Inbound streams served at once across the host. */
    public static final int MAX_INBOUND_STREAMS = 256;
    /** Inbound streams served at once for one peer. */
    public static final int MAX_INBOUND_STREAMS_PER_PEER = 16;
    /** Values put and keys provided by this peer that it keeps announcing, at most each. */
    public static final int MAX_REPUBLISHED = 1024;

    private static final System.Logger LOG = System.getLogger("org.jlibp2p.kad");

    /**
     * The closest peers to a key.
     *
     * @param peers the peers that answered, closest first, at most k
     * @param stats what the lookup cost
     */
    public record ClosestPeers(List<KadPeer> peers, QueryStats stats) {}

    /**
     * What a {@link #putValue} did.
     *
     * @param stored how many of the closest peers stored the record
     * @param stats  what the lookup cost
     */
    public record PutResult(int stored, QueryStats stats) {}

    /**
     * What a {@link #getValue} found.
     *
     * @param value     the best valid value, if any
     * @param received  how many valid copies came back (this peer's own counts as one)
     * @param corrected how many peers were sent the best value because they returned an older one
     * @param stats     what the lookup cost
     */
    public record GetResult(Optional<byte[]> value, int received, int corrected, QueryStats stats) {}

    /**
     * What a {@link #provide} did.
     *
     * @param announced how many of the closest peers took the provider record: ended the stream after it
     * @param stats     what the lookup cost
     */
    public record ProvideResult(int announced, QueryStats stats) {}

    /**
     * What a {@link #findProviders} found.
     *
     * @param providers the providers, with their addresses
     * @param stats     what the lookup cost
     */
    public record Providers(List<KadPeer> providers, QueryStats stats) {}

    /**
     * What a {@link #findPeer} found.
     *
     * @param peer  the peer and its addresses, if found
     * @param stats what the lookup cost
     */
    public record FoundPeer(Optional<KadPeer> peer, QueryStats stats) {}

    private final KadConfig config;
    private final Validators validators;
    private final RecordStore records;
    private final ProviderStore providers;
    private final LimitLog refusals = new LimitLog(LOG);
    private final List<Consumer<? super LookupStep>> traceListeners = new CopyOnWriteArrayList<>();
    private final Republisher republisher = new Republisher(MAX_REPUBLISHED);
    private volatile ServiceContext ctx;
    private volatile RoutingTable table;
    private volatile KadRpc rpc;
    private volatile RequestHandler handler;
    private volatile TableKeeper keeper;

    /** A DHT server with the defaults ({@link KadConfig#defaults()}). */
    public KadDht() {
        this(KadConfig.defaults());
    }

    /**
     * A DHT.
     *
     * @param config how it runs
     */
    public KadDht(KadConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.validators = new Validators(config.validators());
        this.records = new RecordStore(config.maxRecords(), config.maxRecordBytes(), config.recordTtl());
        this.providers = new ProviderStore(config.maxProviderKeys(), config.maxProvidersPerKey(), config.maxProviderEntries(), config.providerTtl());
    }

    @Override
    public String name() {
        return "kad";
    }

    @Override
    public void start(ServiceContext context) {
        this.ctx = context;
        this.table = new RoutingTable(context.peerId(), config.k());
        this.rpc = new KadRpc(context, config.protocol(), config.requestTimeout());
        this.handler = new RequestHandler(this, context, refusals);
        this.keeper = new TableKeeper(context, table, rpc, config);
        String protocol = config.protocol();
        if (config.mode() == KadConfig.Mode.SERVER) {
            context.setStreamHandler(protocol, handler::handle, MAX_INBOUND_STREAMS, MAX_INBOUND_STREAMS_PER_PEER);
        }
        context.subscribe(HostEvent.PeerIdentified.class, e -> {
            List<String> protocols = e.info().protocols();
            if (protocols != null && protocols.contains(protocol)) {
                seen(e.peer());
            }
        });
        context.subscribe(HostEvent.PeerProtocolsChanged.class, e -> {
            if (e.removed().contains(protocol)) {
                table.remove(e.peer());
            } else if (e.added().contains(protocol)) {
                seen(e.peer());
            }
        });
        Duration sweep = config.recordTtl().compareTo(Duration.ofHours(2)) > 0 ? Duration.ofHours(1) : config.recordTtl().dividedBy(2);
        context.schedule("expiry", sweep, sweep, () -> {
            Instant now = Instant.now();
            records.expire(now);
            providers.expire(now);
        });
        context.schedule("refresh", config.refreshInterval(), config.refreshInterval(), () -> {
            try {
                refresh();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        context.schedule("republish", config.republishInterval(), config.republishInterval(), () -> {
            try {
                republish();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (!config.bootstrap().isEmpty()) {
            context.execute("bootstrap", () -> {
                try {
                    bootstrap();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        LOG.log(Level.DEBUG, () -> "kad started in " + config.mode() + " mode on " + protocol);
    }

    /** {@return the configuration} */
    public KadConfig config() {
        return config;
    }

    /** {@return the routing table} @throws IllegalStateException before the host starts the service */
    public RoutingTable routingTable() {
        RoutingTable t = table;
        if (t == null) {
            throw new IllegalStateException("the DHT has not been started by a host");
        }
        return t;
    }

    /**
     * Watches every lookup step (who was asked, what came back, how close), for tracing.
     *
     * @param listener called on the lookup's thread; must return promptly
     */
    public void addTraceListener(Consumer<? super LookupStep> listener) {
        traceListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes a trace listener.
     *
     * @param listener the listener
     */
    public void removeTraceListener(Consumer<? super LookupStep> listener) {
        traceListeners.remove(listener);
    }

    /** {@return the number of records stored for others} */
    public int storedRecords() {
        return records.size();
    }

    /** {@return the number of provider records stored} */
    public int storedProviders() {
        return providers.entries();
    }

    RecordStore records() {
        return records;
    }

    ProviderStore providers() {
        return providers;
    }

    Validators validators() {
        return validators;
    }

    LimitLog refusals() {
        return refusals;
    }

    // ---- routing table upkeep -------------------------------------------------------------

    /** A peer that serves the protocol was seen: it enters the table, or its bucket's oldest is checked. */
    void seen(PeerId peer) {
        TableKeeper k = keeper;
        if (k != null) {
            k.seen(peer);
        }
    }

    /**
     * Joins the network through the configured bootstrap peers ({@link KadConfig#bootstrap()}): see
     * {@link #bootstrap(List)}. The service starts this by itself when the host starts, if there are any.
     *
     * @return the number of peers in the routing table afterwards
     * @throws InterruptedException if interrupted
     */
    public int bootstrap() throws InterruptedException {
        return bootstrap(config.bootstrap());
    }

    /**
     * Joins the network (kad-dht/README.md, "Bootstrap process"): connects to the given peers and
     * puts them in the routing table, then looks up this peer's own id (which fills the table with
     * the peers around it) and refreshes the buckets.
     *
     * @param peers DHT servers, each address ending in {@code /p2p/<id>}
     * @return the number of peers in the routing table afterwards
     * @throws InterruptedException if interrupted
     */
    public int bootstrap(List<Multiaddr> peers) throws InterruptedException {
        ServiceContext c = context();
        for (Multiaddr addr : peers) {
            try {
                PeerId peer = c.connect(addr).remotePeer();
                if (!peer.equals(c.peerId())) {
                    table.add(peer);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.INFO, () -> "kad: bootstrap peer " + addr + " is unreachable: " + e.getMessage());
            }
        }
        refresh();
        return table.size();
    }

    /**
     * Refreshes the routing table as go-libp2p-kad-dht's refresh does: first a lookup of this peer's
     * own id, which asks the peers around it and so drops those that no longer answer (a departed
     * neighbour would otherwise be handed to every lookup that passes by); then a lookup for a random
     * peer id in the range of each bucket no lookup went through for {@link KadConfig#refreshInterval()}.
     * The service runs it every {@link KadConfig#refreshInterval()}.
     *
     * @throws InterruptedException if interrupted
     */
    public void refresh() throws InterruptedException {
        context();
        keeper.refresh(key -> lookup(key, KadMessage.request(KadMessage.Type.FIND_NODE, key), (p, m) -> false));
    }

    // ---- lookups ---------------------------------------------------------------------------

    private ServiceContext context() {
        ServiceContext c = ctx;
        if (c == null) {
            throw new IllegalStateException("the DHT has not been started by a host");
        }
        return c;
    }

    private Lookup.Result lookup(byte[] key, KadMessage request, Lookup.OnResponse onResponse) throws InterruptedException {
        ServiceContext c = context();
        KadKey target = KadKey.of(key);
        table.lookedUp(target, Instant.now());
        List<KadPeer> seeds = new ArrayList<>();
        for (PeerId p : table.closest(target, config.k())) {
            seeds.add(KadPeer.of(p, List.of()));
        }
        Lookup lookup = new Lookup(target, request, c.peerId(), config.k(), config.alpha(), config.requestTimeout(), config.queryTimeout(),
                rpc::request, task -> c.execute("request", task), this::step);
        return lookup.run(seeds, (from, response) -> {
            seen(from.id());
            return onResponse.accept(from, response);
        });
    }

    private void step(LookupStep step) {
        if (step instanceof LookupStep.Failed f) {
            table.remove(f.peer());
        }
        for (Consumer<? super LookupStep> l : traceListeners) {
            l.accept(step);
        }
    }

    /**
     * Finds the k peers closest to a key (a FIND_NODE lookup).
     *
     * @param key the key (for a peer, its id's bytes)
     * @return the peers and the lookup's cost
     * @throws InterruptedException if interrupted
     */
    public ClosestPeers closestPeers(byte[] key) throws InterruptedException {
        Lookup.Result r = lookup(key, KadMessage.request(KadMessage.Type.FIND_NODE, key), (p, m) -> false);
        return new ClosestPeers(r.closest(), r.stats());
    }

    /**
     * Stores a value on the k peers closest to its key, and here.
     *
     * @param key   the key, {@code /<namespace>/<rest>}, with a validator for the namespace
     * @param value the value
     * @return how many peers stored it
     * @throws InvalidRecordException if the key's validator refuses the record
     * @throws InterruptedException   if interrupted
     */
    public PutResult putValue(byte[] key, byte[] value) throws InvalidRecordException, InterruptedException {
        validators.validate(key, value);
        KadRecord record = KadRecord.of(key, value);
        records.put(record, validators, Instant.now());
        republisher.put(key, value);
        return putToClosest(record);
    }

    private PutResult putToClosest(KadRecord record) throws InterruptedException {
        ClosestPeers closest = closestPeers(record.key());
        KadMessage put = new KadMessage(KadMessage.Type.PUT_VALUE, record.key(), Optional.of(record), List.of(), List.of());
        int stored = toEach(closest.peers(), p -> rpc.request(p, put).equals(put));
        return new PutResult(stored, closest.stats());
    }

    /**
     * Finds the value of a key: asks the peers closest to the key until {@code quorum} valid values
     * came back (or the lookup ends), selects the best with the key's validator, and sends it to the
     * peers that returned another.
     *
     * @param key    the key
     * @param quorum valid values wanted before the lookup stops (this peer's own counts); at least 1
     * @return the best value, if any
     * @throws InvalidRecordException if the key has no namespace with a validator
     * @throws InterruptedException   if interrupted
     */
    public GetResult getValue(byte[] key, int quorum) throws InvalidRecordException, InterruptedException {
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be at least 1");
        }
        Validator validator = validators.of(key);
        record Got(PeerId peer, byte[] value) {}
        List<Got> got = new ArrayList<>();
        records.get(key, Instant.now()).ifPresent(s -> got.add(new Got(ctx.peerId(), s.record().value())));
        QueryStats stats;
        if (got.size() >= quorum) {
            stats = new QueryStats(0, 0, Duration.ZERO, false);
        } else {
            Lookup.Result r = lookup(key, KadMessage.request(KadMessage.Type.GET_VALUE, key), (from, response) -> {
                Optional<KadRecord> rec = response.record();
                if (rec.isEmpty() || !Arrays.equals(rec.get().key(), key)) {
                    return false;
                }
                try {
                    validator.validate(key, rec.get().value());
                    got.add(new Got(from.id(), rec.get().value()));
                } catch (InvalidRecordException e) {
                    refusals.refused("invalid record", () -> "kad: " + from.id() + " returned an invalid record: " + e.getMessage());
                }
                return got.size() >= quorum;
            });
            stats = r.stats();
        }
        if (got.isEmpty()) {
            return new GetResult(Optional.empty(), 0, 0, stats);
        }
        byte[] best = got.get(validators.select(key, got.stream().map(Got::value).toList())).value();
        List<KadPeer> stale = got.stream().filter(g -> !Arrays.equals(g.value, best)).map(g -> KadPeer.of(g.peer, List.of())).toList();
        KadRecord record = KadRecord.of(key, best);
        int corrected = 0;
        if (!stale.isEmpty()) {
            KadMessage put = new KadMessage(KadMessage.Type.PUT_VALUE, key, Optional.of(record), List.of(), List.of());
            List<KadPeer> remote = stale.stream().filter(p -> !p.id().equals(ctx.peerId())).toList();
            if (remote.size() < stale.size()) {
                records.put(record, validators, Instant.now());
            }
            corrected = toEach(remote, p -> rpc.request(p, put).equals(put)) + (stale.size() - remote.size());
        }
        return new GetResult(Optional.of(best.clone()), got.size(), corrected, stats);
    }

    /**
     * Announces this peer as a provider of a key to the k peers closest to it, and stores the record here.
     * Returns once each of them has ended the stream, after reading the announcement, or failed.
     *
     * @param key the key: a multihash, such as a CID's (js-libp2p accepts only sha2-256 ones)
     * @return how many peers took the record
     * @throws InterruptedException if interrupted
     */
    public ProvideResult provide(byte[] key) throws InterruptedException {
        if (key.length == 0 || key.length > RequestHandler.MAX_PROVIDER_KEY_BYTES) {
            throw new IllegalArgumentException("a provider key is 1 to " + RequestHandler.MAX_PROVIDER_KEY_BYTES + " bytes");
        }
        ServiceContext c = context();
        KadPeer self = KadPeer.of(c.peerId(), c.advertisedAddrs());
        providers.add(key, self, Instant.now());
        republisher.provide(key);
        ClosestPeers closest = closestPeers(key);
        KadMessage add = new KadMessage(KadMessage.Type.ADD_PROVIDER, key, Optional.empty(), List.of(), List.of(self));
        int sent = toEach(closest.peers(), p -> {
            rpc.send(p, add);
            return true;
        });
        return new ProvideResult(sent, closest.stats());
    }

    /**
     * Finds providers of a key: those stored here, then those the peers closest to the key know.
     *
     * @param key   the key (a multihash)
     * @param count stop once this many are found
     * @return the providers with their addresses
     * @throws InterruptedException if interrupted
     */
    public Providers findProviders(byte[] key, int count) throws InterruptedException {
        Map<PeerId, KadPeer> found = new LinkedHashMap<>();
        for (KadPeer p : providers.get(key, count, Instant.now())) {
            found.put(p.id(), p);
        }
        if (found.size() >= count) {
            return new Providers(List.copyOf(found.values()), new QueryStats(0, 0, Duration.ZERO, false));
        }
        Lookup.Result r = lookup(key, KadMessage.request(KadMessage.Type.GET_PROVIDERS, key), (from, response) -> {
            for (KadPeer p : response.providerPeers()) {
                if (found.size() < count) {
                    found.merge(p.id(), p, (old, neu) -> old.addrs().isEmpty() ? neu : old);
                }
            }
            return found.size() >= count;
        });
        return new Providers(List.copyOf(found.values()), r.stats());
    }

    /**
     * Finds a peer's addresses: from a connection to it if there is one, else by a FIND_NODE lookup
     * for its id that stops when a response names it.
     *
     * @param peer the peer
     * @return the peer with its addresses, if found
     * @throws InterruptedException if interrupted
     */
    public FoundPeer findPeer(PeerId peer) throws InterruptedException {
        ServiceContext c = context();
        if (!c.connections(peer).isEmpty() && !c.peerstore().addrs(peer).isEmpty()) {
            return new FoundPeer(Optional.of(KadPeer.of(peer, c.peerstore().addrs(peer))), new QueryStats(0, 0, Duration.ZERO, false));
        }
        KadPeer[] found = new KadPeer[1];
        Lookup.Result r = lookup(peer.bytes(), KadMessage.request(KadMessage.Type.FIND_NODE, peer.bytes()), (from, response) -> {
            if (from.id().equals(peer)) {
                found[0] = from;
                return true;
            }
            for (KadPeer p : response.closerPeers()) {
                if (p.id().equals(peer) && !p.addrs().isEmpty()) {
                    found[0] = p;
                    return true;
                }
            }
            return false;
        });
        return new FoundPeer(Optional.ofNullable(found[0]), r.stats());
    }

    /** Sends what this peer put and provides again, before the TTLs end. */
    void republish() throws InterruptedException {
        for (KadRecord r : republisher.values()) {
            putToClosest(r);
        }
        for (byte[] key : republisher.keys()) {
            provide(key);
        }
    }

    private int toEach(List<KadPeer> peers, Fanout.PeerRequest request) throws InterruptedException {
        return Fanout.toEach(context(), peers, request, config.requestTimeout());
    }

    /**
     * {@return the key of a peer's public key record: {@code /pk/} and the peer id's bytes}
     *
     * @param peer the peer
     */
    public static byte[] publicKeyKey(PeerId peer) {
        return PublicKeyValidator.keyOf(peer);
    }
}
