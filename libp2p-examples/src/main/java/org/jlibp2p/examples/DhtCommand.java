package org.jlibp2p.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.Cid;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.kad.GreatestValueValidator;
import org.jlibp2p.kad.KadConfig;
import org.jlibp2p.kad.KadDht;
import org.jlibp2p.kad.KadPeer;
import org.jlibp2p.kad.LookupStep;
import org.jlibp2p.kad.QueryStats;

/**
 * {@code dht}: a node of the Kademlia DHT ({@code /ipfs/kad/1.0.0}, libp2p-kad): {@code serve} runs
 * a DHT server; {@code put}, {@code get}, {@code provide}, {@code find-providers} and
 * {@code find-peer} join through {@code --bootstrap} peers as a client, do one lookup, and print
 * the result with the lookup's path length and time. Records live in the {@code /jlibp2p/}
 * namespace (any value up to 64 KiB; of two values, the bytewise greater wins).
 */
final class DhtCommand implements Command {
    private static final List<String> OPS = List.of("serve", "put", "get", "provide", "find-providers", "find-peer");

    @Override
    public String name() {
        return "dht";
    }

    @Override
    public String arguments() {
        return "serve | put <key> <value> | get <key> | provide <cid> | find-providers <cid> | find-peer <peer id>";
    }

    @Override
    public String summary() {
        return "the Kademlia DHT: serve a node, or put, get, provide, find providers or a peer";
    }

    @Override
    public String description() {
        return """
                The Kademlia DHT of the libp2p network (/ipfs/kad/1.0.0). serve runs a DHT server until Ctrl-C, joining
                through the --bootstrap peers; it prints its addresses as listen does. The other operations join through
                the --bootstrap peers as a client, do one lookup and print the result, the lookup's path length (hops),
                the requests it sent and its time: put stores a value on the 20 peers closest to its key, get finds it,
                provide announces this node as a provider of a CID, find-providers finds them, find-peer finds a peer's
                addresses. A key without a leading / goes in the /jlibp2p/ namespace, which accepts any value up to
                64 KiB (of two values, the bytewise greater wins); every node run this way accepts it. --trace also
                narrates each lookup step on stderr: who was asked, what came back, how close (bits shared with the key).""";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.repeatable("--bootstrap", "ADDR", "none", "a DHT peer to join through, ending in /p2p/<id>; repeatable"),
                Option.value("--host", "H", "0.0.0.0", "the address or host name to listen on (a provider must be dialable)"),
                Option.value("--port", "P", "0", "the TCP port; 0 picks a free one"),
                Option.value("--quorum", "N", "1", "get: stop after N valid values, then pick the best"));
    }

    @Override
    public int maxArguments() {
        return 3;
    }

    @Override
    public int run(Context ctx) throws InterruptedException {
        String op = ctx.cli.positional(0, "an operation: " + String.join(", ", OPS));
        int args = switch (op) {
            case "serve" -> 0;
            case "put" -> 2;
            case "get", "provide", "find-providers", "find-peer" -> 1;
            default -> throw new Cli.UsageException("dht takes " + String.join(", ", OPS) + ", not '" + op + "'");
        };
        for (int i = 1; i <= args; i++) {
            ctx.cli.positional(i, i == 1 ? "the " + (op.equals("find-peer") ? "peer id" : op.contains("provide") ? "CID" : "key") : "the value");
        }
        if (ctx.cli.positional.size() > args + 1) {
            throw new Cli.UsageException("unexpected argument '" + ctx.cli.positional.get(args + 1) + "'");
        }
        List<Multiaddr> bootstrap = new ArrayList<>();
        for (String b : ctx.cli.values("--bootstrap")) {
            bootstrap.add(Context.parseTarget(b));
        }
        int quorum = ctx.cli.intOption("--quorum", 1, 20);
        KadConfig config = KadConfig.defaults().withValidator(GreatestValueValidator.JLIBP2P_NAMESPACE, new GreatestValueValidator());
        if (op.equals("serve")) {
            return serve(ctx, new KadDht(config.withBootstrap(bootstrap))); // joins by itself once started
        }
        if (bootstrap.isEmpty()) {
            throw new Cli.UsageException("dht " + op + " needs at least one --bootstrap ADDR");
        }
        String arg = ctx.cli.positional(1, "");
        // parsed here, so that a mistake exits 2 before anything is dialed
        Operation operation = switch (op) {
            case "put" -> {
                String value = ctx.cli.positional(2, "");
                yield dht -> put(dht, key(arg), value);
            }
            case "get" -> dht -> get(dht, key(arg), quorum);
            case "provide" -> {
                Cid cid = cid(arg);
                yield dht -> provide(dht, cid);
            }
            case "find-providers" -> {
                Cid cid = cid(arg);
                yield dht -> findProviders(dht, cid);
            }
            default -> {
                PeerId peer = peer(arg);
                yield dht -> findPeer(dht, peer);
            }
        };
        return once(ctx, new KadDht(config.withMode(KadConfig.Mode.CLIENT)), bootstrap, operation);
    }

    /** A key as typed: one without a leading slash goes in the /jlibp2p/ namespace. */
    static String key(String typed) {
        return typed.startsWith("/") ? typed : "/" + GreatestValueValidator.JLIBP2P_NAMESPACE + "/" + typed;
    }

    private static Cid cid(String text) {
        try {
            return Cid.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException("not a CID: '" + text + "' (" + e.getMessage() + ")");
        }
    }

    private static PeerId peer(String text) {
        try {
            return PeerId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException("not a peer id: '" + text + "' (" + e.getMessage() + ")");
        }
    }

    private int serve(Context ctx, KadDht dht) throws InterruptedException {
        traceTo(ctx, dht);
        try (Host host = ctx.host(ctx.identity(), ctx.listenAddress(), Map.of(), b -> b.service(dht))) {
            List<String> addrs = Context.dialable(host);
            ctx.emit(Json.object("event", "listening", "peerId", host.peerId().toString(), "addrs", addrs, "dht", true),
                    "peer id " + host.peerId() + "\nDHT server listening on\n  " + String.join("\n  ", addrs)
                            + "\nothers join with: " + Context.launcher() + " dht get KEY --bootstrap " + Context.localFirst(host.fullAddrs()));
            try {
                new CountDownLatch(1).await(); // until interrupted; the service bootstraps and refreshes by itself
                return 0;
            } finally {
                ctx.stopping();
            }
        } catch (InterruptedException e) {
            return 0;
        } catch (IOException e) {
            return ctx.fail("dht", e);
        }
    }

    @FunctionalInterface
    private interface Operation {
        Result run(KadDht dht) throws Exception;
    }

    private int once(Context ctx, KadDht dht, List<Multiaddr> bootstrap, Operation operation) {
        Duration timeout = Duration.ofSeconds(ctx.cli.intOption("--timeout", (int) Context.DEFAULT_TIMEOUT.toSeconds(), 1, 86_400));
        traceTo(ctx, dht);
        try (Host host = ctx.host(ctx.identity(), ctx.listenAddress(), Map.of(), b -> b.service(dht));
             ExecutorService worker = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Result> result = worker.submit(() -> {
                if (dht.bootstrap(bootstrap) == 0) {
                    return new Result.Failure("dht", "no bootstrap peer answered as a DHT server", "NoPeers");
                }
                return operation.run(dht);
            });
            try {
                return ctx.emit(result.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                result.cancel(true);
                return ctx.fail("dht", new SocketTimeoutException("dht did not finish within " + timeout.toSeconds() + " s"));
            } catch (ExecutionException e) {
                return ctx.fail("dht", e.getCause());
            } finally {
                ctx.stopping();
            }
        } catch (InterruptedException e) {
            return 1;
        } catch (IOException e) {
            return ctx.fail("dht", e);
        }
    }

    /** With {@code --trace}, each lookup step as one line on stderr. */
    private static void traceTo(Context ctx, KadDht dht) {
        if (!ctx.cli.flag("--trace")) {
            return;
        }
        PrintStream err = ctx.err;
        dht.addTraceListener(step -> err.println(switch (step) {
            case LookupStep.Asked a -> "dht asked " + a.peer() + " " + a.type() + " (depth " + a.depth() + ", " + a.commonPrefixLength() + " bits shared with the key)";
            case LookupStep.Answered a -> "dht " + a.peer() + " answered in " + a.took().toMillis() + " ms: " + a.closerPeers() + " closer peers ("
                    + a.newPeers() + " new)" + (a.providers() > 0 ? ", " + a.providers() + " providers" : "") + (a.record() ? ", a record" : "");
            case LookupStep.Failed f -> "dht " + f.peer() + " failed: " + f.reason();
        }));
    }

    private static Result put(KadDht dht, String key, String value) throws Exception {
        KadDht.PutResult r = dht.putValue(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
        return new Done("put", r.stored() > 0, r.stats(), fields("key", key, "stored", r.stored()),
                r.stored() > 0 ? "stored " + key + " on " + r.stored() + " peers" : "no peer stored " + key);
    }

    private static Result get(KadDht dht, String key, int quorum) throws Exception {
        KadDht.GetResult r = dht.getValue(key.getBytes(StandardCharsets.UTF_8), quorum);
        String value = r.value().map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null);
        return new Done("get", value != null, r.stats(), fields("key", key, "value", value, "copies", r.received(), "corrected", r.corrected()),
                value != null ? key + " = " + value : "no value found for " + key);
    }

    private static Result provide(KadDht dht, Cid cid) throws Exception {
        KadDht.ProvideResult r = dht.provide(cid.multihash().bytes());
        return new Done("provide", r.announced() > 0, r.stats(), fields("cid", cid.toString(), "announced", r.announced()),
                "announced this node as a provider of " + cid + " to " + r.announced() + " peers");
    }

    private static Result findProviders(KadDht dht, Cid cid) throws Exception {
        KadDht.Providers r = dht.findProviders(cid.multihash().bytes(), 20);
        List<Map<String, Object>> providers = r.providers().stream().map(DhtCommand::peerJson).toList();
        StringBuilder text = new StringBuilder(r.providers().size() + " providers of " + cid);
        r.providers().forEach(p -> text.append("\n  ").append(p.id()).append(' ').append(p.addrs()));
        return new Done("find-providers", !providers.isEmpty(), r.stats(), fields("cid", cid.toString(), "providers", providers), text.toString());
    }

    private static Result findPeer(KadDht dht, PeerId peer) throws Exception {
        KadDht.FoundPeer r = dht.findPeer(peer);
        List<String> addrs = r.peer().map(p -> p.addrs().stream().map(Multiaddr::toString).toList()).orElse(null);
        return new Done("find-peer", addrs != null, r.stats(), fields("peerId", peer.toString(), "addrs", addrs),
                addrs != null ? peer + " is at\n  " + String.join("\n  ", addrs) : "peer " + peer + " not found");
    }

    private static Map<String, Object> peerJson(KadPeer p) {
        return Json.object("peerId", p.id().toString(), "addrs", p.addrs().stream().map(Multiaddr::toString).toList());
    }

    private static Map<String, Object> fields(Object... keyValues) {
        return Json.object(keyValues);
    }

    /** One operation's result, with the lookup's cost. */
    record Done(String op, boolean ok, QueryStats stats, Map<String, Object> fields, String text) implements Result {
        @Override
        public Map<String, Object> json() {
            Map<String, Object> j = new LinkedHashMap<>(Json.object("action", "dht", "ok", ok, "op", op));
            j.putAll(fields);
            j.put("hops", stats.hops());
            j.put("messages", stats.messages());
            j.put("ms", stats.elapsed().toNanos() / 1e6);
            if (!ok) {
                j.put("error", text);
                j.put("errorType", "NotFound");
            }
            return j;
        }

        @Override
        public String human() {
            return text + "\n(lookup: " + stats.hops() + " hops, " + stats.messages() + " requests, " + stats.elapsed().toMillis() + " ms)";
        }
    }
}
