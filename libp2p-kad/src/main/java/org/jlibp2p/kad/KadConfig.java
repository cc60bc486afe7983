package org.jlibp2p.kad;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jlibp2p.core.Multiaddr;

/**
 * How a {@link KadDht} runs. The defaults are go-libp2p-kad-dht's (v0.3x, {@code internal/config})
 * unless said otherwise.
 *
 * @param protocolPrefix      the protocol id is this plus {@code /kad/1.0.0}: {@code /ipfs} for the
 *                            public network; another prefix makes a private DHT (go's
 *                            {@code ProtocolPrefix})
 * @param mode                server (serve the protocol, be in others' routing tables) or client
 * @param k                   bucket size and replication factor (the spec's k, 20)
 * @param alpha               requests in flight in one lookup (the spec's α, 3; go says 10)
 * @param requestTimeout      for one request: dial, send, and the response (go: 10 s read timeout)
 * @param queryTimeout        for a whole lookup (rust-libp2p: 60 s)
 * @param bootstrap           peers to join through, each address ending in {@code /p2p/<id>}
 * @param refreshInterval     how often the routing table is refreshed: a lookup of this peer's own id,
 *                            and one in each bucket no lookup went through for this long (10 min, as go)
 * @param validators          a {@link Validator} per record namespace (the text between the first
 *                            two slashes of a key); {@code pk} by default
 * @param recordTtl           how long a stored record lives (go's {@code MaxRecordAge}, 36 h)
 * @param providerTtl         how long a provider record lives (go's {@code ProvideValidity}, 48 h)
 * @param republishInterval   how often this peer announces again what it put and provides (go's
 *                            reprovide interval, 22 h, inside both TTLs)
 * @param maxRecords          records stored for others, at most
 * @param maxRecordBytes      bytes of records stored for others, at most
 * @param maxProviderKeys     keys with provider records, at most
 * @param maxProvidersPerKey  providers kept for one key, at most
 * @param maxProviderEntries  provider records in all, at most
 */
public record KadConfig(String protocolPrefix, Mode mode, int k, int alpha, Duration requestTimeout, Duration queryTimeout,
                        List<Multiaddr> bootstrap, Duration refreshInterval, Map<String, Validator> validators,
                        Duration recordTtl, Duration providerTtl, Duration republishInterval,
                        int maxRecords, long maxRecordBytes, int maxProviderKeys, int maxProvidersPerKey, int maxProviderEntries) {
    /** The public network's prefix. */
    public static final String DEFAULT_PREFIX = "/ipfs";

    /** Client or server mode (kad-dht/README.md, "Client and server mode"). */
    public enum Mode {
        /** Serves the protocol: advertises it in identify and answers requests. */
        SERVER,
        /** Only makes requests: does not serve the protocol, so no peer adds it to its table. */
        CLIENT
    }

    /**
     * Checks and copies.
     *
     * @param protocolPrefix     the prefix
     * @param mode               the mode
     * @param k                  k
     * @param alpha              α
     * @param requestTimeout     per request
     * @param queryTimeout       per lookup
     * @param bootstrap          bootstrap peers
     * @param refreshInterval    bucket refresh
     * @param validators         validators by namespace
     * @param recordTtl          record TTL
     * @param providerTtl        provider TTL
     * @param republishInterval  republish interval
     * @param maxRecords         record count bound
     * @param maxRecordBytes     record bytes bound
     * @param maxProviderKeys    provider key bound
     * @param maxProvidersPerKey providers per key bound
     * @param maxProviderEntries provider entries bound
     */
    public KadConfig {
        Objects.requireNonNull(protocolPrefix, "protocolPrefix");
        if (!protocolPrefix.startsWith("/") || protocolPrefix.endsWith("/")) {
            throw new IllegalArgumentException("a protocol prefix starts with / and does not end with one: " + protocolPrefix);
        }
        Objects.requireNonNull(mode, "mode");
        if (k < 1 || alpha < 1) {
            throw new IllegalArgumentException("k and alpha must be positive");
        }
        positive(requestTimeout, "requestTimeout");
        positive(queryTimeout, "queryTimeout");
        positive(refreshInterval, "refreshInterval");
        positive(recordTtl, "recordTtl");
        positive(providerTtl, "providerTtl");
        positive(republishInterval, "republishInterval");
        bootstrap = List.copyOf(bootstrap);
        validators = Map.copyOf(validators);
        if (maxRecords < 0 || maxRecordBytes < 0 || maxProviderKeys < 0 || maxProvidersPerKey < 0 || maxProviderEntries < 0) {
            throw new IllegalArgumentException("store bounds must not be negative");
        }
    }

    private static void positive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /** {@return the defaults: server mode on {@code /ipfs/kad/1.0.0}, no bootstrap peers, the {@code /pk/} validator} */
    public static KadConfig defaults() {
        return new KadConfig(DEFAULT_PREFIX, Mode.SERVER, 20, 3, Duration.ofSeconds(10), Duration.ofSeconds(60), List.of(),
                Duration.ofMinutes(10), Map.of(PublicKeyValidator.NAMESPACE, new PublicKeyValidator()),
                Duration.ofHours(36), Duration.ofHours(48), Duration.ofHours(22),
                16_384, 64L << 20, 16_384, 64, 65_536);
    }

    /** {@return the protocol id: the prefix and {@code /kad/1.0.0}} */
    public String protocol() {
        return protocolPrefix + "/kad/1.0.0";
    }

    /**
     * {@return a copy in another mode}
     *
     * @param mode the mode
     */
    public KadConfig withMode(Mode mode) {
        return new KadConfig(protocolPrefix, mode, k, alpha, requestTimeout, queryTimeout, bootstrap, refreshInterval, validators,
                recordTtl, providerTtl, republishInterval, maxRecords, maxRecordBytes, maxProviderKeys, maxProvidersPerKey, maxProviderEntries);
    }

    /**
     * {@return a copy with bootstrap peers}
     *
     * @param peers addresses ending in {@code /p2p/<id>}
     */
    public KadConfig withBootstrap(List<Multiaddr> peers) {
        return new KadConfig(protocolPrefix, mode, k, alpha, requestTimeout, queryTimeout, peers, refreshInterval, validators,
                recordTtl, providerTtl, republishInterval, maxRecords, maxRecordBytes, maxProviderKeys, maxProvidersPerKey, maxProviderEntries);
    }

    /**
     * {@return a copy with another protocol prefix}
     *
     * @param prefix such as {@code /myapp}
     */
    public KadConfig withProtocolPrefix(String prefix) {
        return new KadConfig(prefix, mode, k, alpha, requestTimeout, queryTimeout, bootstrap, refreshInterval, validators,
                recordTtl, providerTtl, republishInterval, maxRecords, maxRecordBytes, maxProviderKeys, maxProvidersPerKey, maxProviderEntries);
    }

    /**
     * {@return a copy with one more namespace}
     *
     * @param namespace the text between the first two slashes of the keys, such as {@code jlibp2p}
     * @param validator its validator
     */
    public KadConfig withValidator(String namespace, Validator validator) {
        Map<String, Validator> v = new HashMap<>(validators);
        v.put(namespace, validator);
        return new KadConfig(protocolPrefix, mode, k, alpha, requestTimeout, queryTimeout, bootstrap, refreshInterval, v,
                recordTtl, providerTtl, republishInterval, maxRecords, maxRecordBytes, maxProviderKeys, maxProvidersPerKey, maxProviderEntries);
    }

    /**
     * {@return a copy with another bucket size and concurrency}
     *
     * @param k     bucket size and replication factor
     * @param alpha requests in flight in one lookup
     */
    public KadConfig withK(int k, int alpha) {
        return new KadConfig(protocolPrefix, mode, k, alpha, requestTimeout, queryTimeout, bootstrap, refreshInterval, validators,
                recordTtl, providerTtl, republishInterval, maxRecords, maxRecordBytes, maxProviderKeys, maxProvidersPerKey, maxProviderEntries);
    }

    /**
     * {@return a copy with other timeouts}
     *
     * @param request per request
     * @param query   per lookup
     */
    public KadConfig withTimeouts(Duration request, Duration query) {
        return new KadConfig(protocolPrefix, mode, k, alpha, request, query, bootstrap, refreshInterval, validators,
                recordTtl, providerTtl, republishInterval, maxRecords, maxRecordBytes, maxProviderKeys, maxProvidersPerKey, maxProviderEntries);
    }

    /**
     * {@return a copy with another refresh interval}
     *
     * @param interval how often the routing table is refreshed (see {@link KadDht#refresh()}); positive
     */
    public KadConfig withRefreshInterval(Duration interval) {
        return new KadConfig(protocolPrefix, mode, k, alpha, requestTimeout, queryTimeout, bootstrap, interval, validators,
                recordTtl, providerTtl, republishInterval, maxRecords, maxRecordBytes, maxProviderKeys, maxProvidersPerKey, maxProviderEntries);
    }

    /**
     * {@return a copy with other store bounds}
     *
     * @param maxRecords         records
     * @param maxRecordBytes     bytes of records
     * @param maxProviderKeys    provider keys
     * @param maxProvidersPerKey providers per key
     * @param maxProviderEntries provider records in all
     */
    public KadConfig withStoreBounds(int maxRecords, long maxRecordBytes, int maxProviderKeys, int maxProvidersPerKey, int maxProviderEntries) {
        return new KadConfig(protocolPrefix, mode, k, alpha, requestTimeout, queryTimeout, bootstrap, refreshInterval, validators,
                recordTtl, providerTtl, republishInterval, maxRecords, maxRecordBytes, maxProviderKeys, maxProvidersPerKey, maxProviderEntries);
    }
}
