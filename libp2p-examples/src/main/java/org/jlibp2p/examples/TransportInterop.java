package org.jlibp2p.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Ping;
import org.jlibp2p.core.host.ProtocolStream;

/**
 * The program the libp2p interoperability harness runs for every implementation, in both of the
 * harness's generations, configured by environment variables:
 *
 * <ul>
 *   <li>libp2p/test-plans transport-interop: {@code transport}, {@code muxer}, {@code security},
 *       {@code is_dialer}, {@code ip}, {@code redis_addr} (default {@code redis:6379}),
 *       {@code test_timeout_seconds} (180). The listener pushes its address to the Redis list
 *       {@code listenerAddr}; the dialer pops it, dials, pings and prints
 *       {@code {"handshakePlusOneRTTMillis":f,"pingRTTMilllis":f}} (three l's: what the harness parses).</li>
 *   <li>libp2p/unified-testing: {@code IS_DIALER}, {@code REDIS_ADDR} (default
 *       {@code transport-redis:6379}), {@code TEST_KEY}, {@code TRANSPORT}, {@code SECURE_CHANNEL},
 *       {@code MUXER}, {@code LISTENER_IP}; the list is {@code <TEST_KEY>_listener_multiaddr}, and the
 *       dialer prints YAML: {@code latency: {handshake_plus_one_rtt, ping_rtt, unit: ms}}.</li>
 * </ul>
 *
 * Logs go to stderr; a non-zero exit is a failure. This implementation supports TCP + Noise + Yamux.
 */
public final class TransportInterop {
    /**
     * Every environment variable the app reads, under its name in each harness generation (the
     * unified one's is in capitals; {@code IS_DIALER} being set selects it).
     */
    enum Setting {
        TRANSPORT("TRANSPORT", "transport", "tcp", "the transport; only tcp is supported"),
        SECURITY("SECURE_CHANNEL", "security", "noise", "the security protocol; only noise is supported"),
        MUXER("MUXER", "muxer", "yamux", "the stream muxer; only yamux is supported"),
        IS_DIALER("IS_DIALER", "is_dialer", "false", "true to dial, false to listen"),
        IP("LISTENER_IP", "ip", "0.0.0.0", "the address the listener listens on"),
        REDIS_ADDR("REDIS_ADDR", "redis_addr", null, "the Redis server, HOST:PORT (unified: transport-redis:6379; test-plans: redis:6379)"),
        TEST_KEY("TEST_KEY", null, "", "unified only: the prefix of the Redis list, <TEST_KEY>_listener_multiaddr"),
        TIMEOUT("TEST_TIMEOUT_SECONDS", "test_timeout_seconds", "180", "how long the listener stays up and the dialer waits for its address");

        final String unifiedName;
        final String legacyName;
        final String fallback;
        final String help;

        Setting(String unifiedName, String legacyName, String fallback, String help) {
            this.unifiedName = unifiedName;
            this.legacyName = legacyName;
            this.fallback = fallback;
            this.help = help;
        }
    }

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean unified;
    private final PrivateKey identity;

    /**
     * A run with a given environment.
     *
     * @param env the environment variables
     * @param out standard output (results only)
     * @param err standard error (logs)
     */
    public TransportInterop(Map<String, String> env, PrintStream out, PrintStream err) {
        this(env, out, err, null);
    }

    /**
     * A run with a given environment and identity.
     *
     * @param env      the environment variables
     * @param out      standard output (results only)
     * @param err      standard error (logs)
     * @param identity the node's key; null for a fresh one
     */
    TransportInterop(Map<String, String> env, PrintStream out, PrintStream err, PrivateKey identity) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.unified = env.containsKey("IS_DIALER");
        this.identity = identity;
    }

    /** {@return the environment variables the app reads, each with what it means, one per line} */
    static String variables() {
        java.util.List<String[]> rows = new java.util.ArrayList<>();
        for (Setting s : Setting.values()) {
            String names = s.legacyName == null ? s.unifiedName : s.unifiedName + ", " + s.legacyName;
            rows.add(new String[] {names, s.help + (s.fallback == null || s.fallback.isEmpty() ? "" : " (default " + s.fallback + ")")});
        }
        return Help.table(rows);
    }

    /**
     * Runs as listener or dialer.
     *
     * @return the exit code
     */
    public int run() {
        try {
            String transport = get(Setting.TRANSPORT);
            String security = get(Setting.SECURITY);
            String muxer = get(Setting.MUXER);
            if (!transport.equals("tcp") || !security.equals("noise") || !muxer.equals("yamux")) {
                err.println("unsupported combination " + transport + "/" + security + "/" + muxer + ": this implementation speaks tcp/noise/yamux");
                return 1;
            }
            boolean dialer = Boolean.parseBoolean(get(Setting.IS_DIALER));
            String redis = get(Setting.REDIS_ADDR);
            Duration timeout = Duration.ofSeconds(Long.parseLong(get(Setting.TIMEOUT)));
            String key = unified ? get(Setting.TEST_KEY) + "_listener_multiaddr" : "listenerAddr";
            return dialer ? dial(redis, key, timeout) : listen(redis, key, timeout);
        } catch (Exception e) {
            err.println("transport-interop failed: " + e);
            return 1;
        }
    }

    private String get(Setting s) {
        String v = unified ? env.get(s.unifiedName) : s.legacyName == null ? null : env.get(s.legacyName);
        if (v == null || v.isBlank()) {
            if (s == Setting.REDIS_ADDR) {
                return unified ? "transport-redis:6379" : "redis:6379";
            }
            return s.fallback;
        }
        return v.trim();
    }

    private Host.Builder builder() {
        Host.Builder b = Host.builder();
        if (identity != null) {
            b.identity(identity);
        }
        return b;
    }

    private int listen(String redis, String key, Duration timeout) throws Exception {
        String ip = get(Setting.IP);
        try (Host host = builder().listen("/ip4/" + ip + "/tcp/0").build()) {
            // Publish an address the dialer can reach: the configured IP, or a non-loopback interface's.
            Multiaddr addr = host.fullAddrs().stream()
                    .filter(a -> !ip.equals("0.0.0.0") || !a.toString().startsWith("/ip4/127."))
                    .findFirst().orElse(host.fullAddrs().get(0));
            try (RespClient r = new RespClient(redis, Duration.ofSeconds(10))) {
                r.command(Duration.ofSeconds(10), "RPUSH", key, addr.toString());
            }
            err.println("listening on " + addr + ", published to " + key);
            Thread.sleep(timeout.toMillis()); // the harness stops us when the dialer is done
            return 0;
        } catch (InterruptedException e) {
            return 0;
        }
    }

    private int dial(String redis, String key, Duration timeout) throws Exception {
        String addrText;
        try (RespClient r = new RespClient(redis, Duration.ofSeconds(10))) {
            Object reply = r.command(timeout.plusSeconds(5), "BLPOP", key, Long.toString(timeout.toSeconds()));
            if (!(reply instanceof List<?> pair) || pair.size() != 2) {
                err.println("no listener address in " + key + " within " + timeout.toSeconds() + " s");
                return 1;
            }
            addrText = (String) pair.get(1);
        }
        Multiaddr addr = Multiaddr.parse(addrText);
        try (Host host = builder().build()) {
            long start = System.nanoTime();
            Connection c = host.connect(addr);
            double ping;
            try (ProtocolStream s = c.newStream(Ping.PROTOCOL_ID)) {
                ping = Ping.ping(s, 1).get(0).toNanos() / 1e6;
            }
            double handshakePlusOneRtt = (System.nanoTime() - start) / 1e6;
            if (unified) {
                out.printf(Locale.ROOT, "latency:%n  handshake_plus_one_rtt: %.3f%n  ping_rtt: %.3f%n  unit: ms%n", handshakePlusOneRtt, ping);
            } else {
                out.println(Json.write(Json.object("handshakePlusOneRTTMillis", handshakePlusOneRtt, "pingRTTMilllis", ping)));
            }
            out.flush();
            return 0;
        }
    }
}
