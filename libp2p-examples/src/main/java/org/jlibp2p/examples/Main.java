package org.jlibp2p.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.codec.Multibase;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.ConnectionListener;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Limits;
import org.jlibp2p.core.host.Peerstore;
import org.jlibp2p.core.host.EventSubscription;
import org.jlibp2p.core.host.HostEvent;
import org.jlibp2p.core.host.Ping;
import org.jlibp2p.core.host.ProtocolStream;

/**
 * The jlibp2p command-line tool: {@code java -jar libp2p-examples/target/jlibp2p.jar <command> ...}.
 *
 * <p>Every command builds a host with the default stack (TCP + Noise + Yamux), does one thing, and
 * prints what happened: short lines for people, or with {@code --json} one JSON object per line and
 * nothing else on stdout. {@code --trace} narrates every layer on stderr as it happens. Exit codes:
 * 0 success, 1 failure (with an error object under {@code --json}), 2 bad arguments.
 */
public final class Main {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration PERF_TIMEOUT = Duration.ofSeconds(600);
    /** How long a served stream may stay silent before its handler gives up (chat, being typed, has none). */
    static final Duration STREAM_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private boolean json;
    private final java.util.concurrent.locks.ReentrantLock outputLock = new java.util.concurrent.locks.ReentrantLock();

    private Main(PrintStream out, PrintStream err, InputStream in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    /**
     * Runs the tool.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Thread main = Thread.currentThread();
        CountDownLatch done = new CountDownLatch(1);
        // Ctrl-C: interrupt the command, which closes its host cleanly, and wait for it.
        Thread hook = new Thread(() -> {
            main.interrupt();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                // exiting anyway
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        int code = run(args, System.out, System.err, System.in);
        done.countDown();
        System.exit(code);
    }

    /**
     * Runs one command with given streams (what tests call).
     *
     * @param args the command line
     * @param out  standard output
     * @param err  standard error
     * @param in   standard input
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, InputStream in) {
        return new Main(out, err, in).dispatch(List.of(args));
    }

    private record Command(String name, String synopsis, String description, Set<String> options, Set<String> flags) {}

    private static final List<Command> COMMANDS = List.of(
            new Command("listen", "listen [--host H] [--port P] [--receive-dir DIR] [--usage-every S]",
                    "Run a node that serves ping, identify, /echo/1.0.0, /perf/1.0.0, /chat/1.0.0, /file-transfer/1.0.0 and /kv/1.0.0.\n"
                            + "Prints its addresses, then one line per inbound connection, until interrupted; with --usage-every,\n"
                            + "also what it holds (connections, pending handshakes, streams by protocol) every S seconds.",
                    Set.of("--host", "--port", "--receive-dir", "--usage-every"), Set.of()),
            new Command("ping", "ping <addr> [--count N] [--repeat K]",
                    "Ping a peer N times on one stream; with --repeat, make K fresh connections one after another,\n"
                            + "each a dial and a first ping, and report their median, min and max.",
                    Set.of("--count", "--repeat"), Set.of()),
            new Command("identify", "identify <addr>", "Ask a peer who it is: its id, agent, protocols and addresses.", Set.of(), Set.of()),
            new Command("echo", "echo <addr> [--bytes N] [--streams K]",
                    "Send N random bytes on each of K concurrent streams of one connection and check they come back.",
                    Set.of("--bytes", "--streams"), Set.of()),
            new Command("perf", "perf <addr> [--upload N] [--download N]",
                    "Measure throughput with /perf/1.0.0 (perf/perf.md). Sizes take KiB, MiB, GiB suffixes.",
                    Set.of("--upload", "--download"), Set.of()),
            new Command("rates", "rates <addr> [--seconds S] [--dialers N] [--openers K]",
                    "Measure against one peer, S seconds each (default 3): connections per second made by N concurrent\n"
                            + "dialers (default 4), each a host of its own dialing, pinging once and hanging up in a loop; then\n"
                            + "/echo/1.0.0 streams opened and closed per second on one connection by K concurrent openers (default 64).",
                    Set.of("--seconds", "--dialers", "--openers"), Set.of()),
            new Command("chat", "chat [<addr>] [--host H] [--port P]",
                    "Chat line by line: with an address, dial it; without, listen and wait for one peer.",
                    Set.of("--host", "--port"), Set.of()),
            new Command("send-file", "send-file <addr> <path>",
                    "Send a file with /file-transfer/1.0.0; checked by size and SHA-256 on arrival.", Set.of(), Set.of()),
            new Command("kv", "kv <addr> put <key> <value> | kv <addr> get <key>",
                    "Store or fetch a value with /kv/1.0.0.", Set.of(), Set.of()));

    private static final String COMMON_HELP = """
            Options of every command:
              --key ed25519|secp256k1|ecdsa|rsa   the type of a fresh identity (default ed25519)
              --seed HEX                          a 32-byte Ed25519 seed: the same identity as go and js derive from it
              --json                              one JSON object per line on stdout; logs on stderr
              --trace                             narrate every layer (TCP, multistream, Noise, Yamux, streams) on stderr
              --timeout SECONDS                   give up on the action after this long (default 30; perf 600)
              --dial-timeout SECONDS              give up connecting after this long (default 30)
            Addresses to dial end in /p2p/<peer id>, as `listen` prints them.""";

    private int dispatch(List<String> args) {
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help")) {
            if (args.size() > 1) {
                return help(args.get(1));
            }
            usage(out);
            return args.isEmpty() ? 2 : 0;
        }
        String name = args.get(0);
        if (name.equals("transport-interop")) {
            // Configured by environment variables, as the libp2p interop harness does it.
            return new TransportInterop(System.getenv(), out, err).run();
        }
        Command command = COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (command == null) {
            err.println("unknown command '" + name + "'; try: help");
            return 2;
        }
        Cli cli;
        try {
            cli = new Cli(args.subList(1, args.size()), command.options(), command.flags());
        } catch (Cli.UsageException e) {
            err.println(name + ": " + e.getMessage() + "\nusage: " + command.synopsis());
            return 2;
        }
        if (cli.flag("--help")) {
            return help(name);
        }
        json = cli.flag("--json");
        ConsoleLoggerFinder.configure(cli.flag("--trace"), err);
        try {
            return switch (name) {
                case "listen" -> listen(cli);
                case "chat" -> chat(cli);
                default -> client(name, cli);
            };
        } catch (Cli.UsageException e) {
            err.println(name + ": " + e.getMessage() + "\nusage: " + command.synopsis());
            return 2;
        }
    }

    private int help(String name) {
        Command c = COMMANDS.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
        if (c == null) {
            err.println("unknown command '" + name + "'");
            return 2;
        }
        out.println("usage: jlibp2p " + c.synopsis() + "\n\n" + c.description() + "\n\n" + COMMON_HELP);
        return 0;
    }

    private static void usage(PrintStream out) {
        out.println("jlibp2p: a libp2p node in pure Java (TCP + Noise + Yamux)\n\nusage: java -jar jlibp2p.jar <command> [options]\n\ncommands:");
        for (Command c : COMMANDS) {
            out.printf("  %-60s%n", c.synopsis());
        }
        out.println("  transport-interop   (the libp2p interop harness's test app; configured by environment variables)");
        out.println("  help [command]\n\n" + COMMON_HELP);
    }

    // ---- building hosts ----------------------------------------------------------------------

    private Host host(Cli cli, String listen, Map<String, org.jlibp2p.core.host.StreamHandler> handlers) throws IOException {
        Duration dial = Duration.ofSeconds(cli.intOption("--dial-timeout", 30, 1, 3600));
        Host.Builder b = Host.builder()
                .identity(identity(cli))
                .limits(Limits.defaults().withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), dial));
        if (listen != null) {
            b.listen(listen);
        }
        handlers.forEach(b::handler);
        return b.build();
    }

    static PrivateKey identity(Cli cli) {
        String seed = cli.option("--seed", null);
        if (seed != null) {
            byte[] bytes;
            try {
                bytes = Multibase.fromHex(seed);
            } catch (IllegalArgumentException e) {
                throw new Cli.UsageException("--seed must be 64 hex digits");
            }
            if (bytes.length != 32) {
                throw new Cli.UsageException("--seed must be 32 bytes (64 hex digits), not " + bytes.length);
            }
            return PrivateKey.ed25519FromSeed(bytes);
        }
        String type = cli.option("--key", "ed25519");
        return switch (type) {
            case "ed25519" -> PrivateKey.generate(KeyType.ED25519);
            case "secp256k1" -> PrivateKey.generate(KeyType.SECP256K1);
            case "ecdsa" -> PrivateKey.generate(KeyType.ECDSA);
            case "rsa" -> PrivateKey.generate(KeyType.RSA);
            default -> throw new Cli.UsageException("--key must be ed25519, secp256k1, ecdsa or rsa, not '" + type + "'");
        };
    }

    private static String listenAddress(Cli cli) {
        String host = cli.option("--host", "0.0.0.0");
        int port = cli.intOption("--port", 0, 0, 65535);
        return (host.contains(":") ? "/ip6/" : "/ip4/") + host + "/tcp/" + port;
    }

    private static Multiaddr target(Cli cli) {
        String text = cli.positional(0, "the address to dial");
        Multiaddr addr;
        try {
            addr = Multiaddr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
        if (addr.peerId().isEmpty()) {
            throw new Cli.UsageException("the address must end in /p2p/<peer id>: " + text);
        }
        return addr;
    }

    // ---- listen ------------------------------------------------------------------------------

    private int listen(Cli cli) {
        Path receiveDir = cli.option("--receive-dir", null) == null ? null : Path.of(cli.option("--receive-dir", null));
        Map<String, org.jlibp2p.core.host.StreamHandler> handlers = new LinkedHashMap<>();
        handlers.put(Echo.PROTOCOL_ID, Echo.HANDLER);
        handlers.put(Perf.PROTOCOL_ID, Perf.HANDLER);
        handlers.put(KeyValue.PROTOCOL_ID, new KeyValue().handler());
        handlers.put(FileTransfer.PROTOCOL_ID, FileTransfer.handler(receiveDir, size -> { }));
        handlers.put(Chat.PROTOCOL_ID, stream -> Chat.converse(stream, InputStream.nullInputStream(),
                line -> emit(Map.of("event", "chat", "from", stream.connection().remotePeer().toString(), "text", line),
                        stream.connection().remotePeer().toBase58().substring(0, 12) + ": " + line)));
        try (Host host = host(cli, listenAddress(cli), handlers)) {
            if (receiveDir != null) {
                Files.createDirectories(receiveDir);
            }
            host.addConnectionListener(new ConnectionListener() {
                @Override
                public void opened(Connection c) {
                    if (c.direction() == org.jlibp2p.core.Role.RESPONDER) {
                        emit(ordered("event", "connection", "peerId", c.remotePeer().toString(), "remoteAddr", c.remoteAddress().toString(),
                                "security", c.securityProtocol(), "muxer", c.muxerProtocol()),
                                "connection from " + c.remotePeer() + " at " + c.remoteAddress());
                    }
                }
            });
            List<String> addrs = host.fullAddrs().stream().map(Multiaddr::toString).toList();
            emit(ordered("event", "listening", "peerId", host.peerId().toString(), "addrs", addrs),
                    "peer id " + host.peerId() + "\nlistening on\n  " + String.join("\n  ", addrs));
            int usageEvery = cli.intOption("--usage-every", 0, 0, 86_400);
            if (usageEvery == 0) {
                new CountDownLatch(1).await(); // until interrupted
            }
            while (usageEvery > 0) {
                Thread.sleep(Duration.ofSeconds(usageEvery));
                org.jlibp2p.core.host.ResourceUsage u = host.resourceUsage();
                Limits l = host.limits();
                emit(ordered("event", "usage", "inboundConnections", u.inboundConnections(), "outboundConnections", u.outboundConnections(),
                                "pendingHandshakes", u.pendingHandshakes(), "peers", u.peers(), "streams", u.streams(),
                                "streamsByProtocol", u.streamsByProtocol(), "bufferedBytes", u.bufferedBytes()),
                        "usage: connections " + u.inboundConnections() + "/" + l.maxInboundConnections() + " in, " + u.outboundConnections()
                                + "/" + l.maxOutboundConnections() + " out; pending handshakes " + u.pendingHandshakes() + "/" + l.maxPendingInbound()
                                + "; peers " + u.peers() + "; streams " + u.streams() + " " + u.streamsByProtocol() + "; unread bytes " + u.bufferedBytes());
            }
            return 0;
        } catch (InterruptedException e) {
            return 0;
        } catch (IOException e) {
            return fail("listen", e);
        }
    }

    // ---- chat --------------------------------------------------------------------------------

    private int chat(Cli cli) {
        java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Map<String, org.jlibp2p.core.host.StreamHandler> handlers = Map.of(Chat.PROTOCOL_ID, stream -> {
            if (!taken.compareAndSet(false, true)) {
                throw new IOException("already chatting with someone");
            }
            emit(Map.of("event", "connected", "peerId", stream.connection().remotePeer().toString()),
                    stream.connection().remotePeer() + " joined; type lines, end with Ctrl-D");
            try {
                Chat.converse(stream, in, line -> emit(Map.of("event", "chat", "text", line), line));
            } finally {
                finished.countDown();
            }
        });
        boolean dialing = !cli.positional.isEmpty();
        try (Host host = host(cli, dialing ? null : listenAddress(cli), dialing ? Map.of() : handlers)) {
            if (dialing) {
                ProtocolStream stream = host.newStream(target(cli), Chat.PROTOCOL_ID);
                emit(Map.of("event", "connected", "peerId", stream.connection().remotePeer().toString()),
                        "connected to " + stream.connection().remotePeer() + "; type lines, end with Ctrl-D");
                Chat.converse(stream, in, line -> emit(Map.of("event", "chat", "text", line), line));
                return 0;
            }
            List<String> addrs = host.fullAddrs().stream().map(Multiaddr::toString).toList();
            emit(ordered("event", "listening", "peerId", host.peerId().toString(), "addrs", addrs),
                    "waiting for a chat on\n  " + String.join("\n  ", addrs));
            finished.await();
            return 0;
        } catch (InterruptedException e) {
            return 0;
        } catch (Exception e) {
            return fail("chat", e);
        }
    }

    // ---- client commands ---------------------------------------------------------------------

    private int client(String action, Cli cli) {
        Multiaddr addr = target(cli);
        Duration defaultTimeout = switch (action) {
            case "perf" -> PERF_TIMEOUT;
            case "rates" -> DEFAULT_TIMEOUT.plusSeconds(2L * cli.intOption("--seconds", 3, 1, 3600)); // two measurements
            default -> DEFAULT_TIMEOUT;
        };
        Duration timeout = Duration.ofSeconds(cli.intOption("--timeout", (int) defaultTimeout.toSeconds(), 1, 86_400));
        validate(action, cli);
        try (Host host = host(cli, null, Map.of()); ExecutorService worker = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Map<String, Object>> result = worker.submit(() -> switch (action) {
                case "ping" -> ping(host, addr, cli);
                case "identify" -> identify(host, addr);
                case "echo" -> echo(host, addr, cli);
                case "perf" -> perf(host, addr, cli);
                case "rates" -> rates(host, addr, cli);
                case "send-file" -> sendFile(host, addr, cli);
                case "kv" -> kv(host, addr, cli);
                default -> throw new IllegalStateException(action);
            });
            try {
                Map<String, Object> r = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                emit(r, human(r));
                return Boolean.FALSE.equals(r.get("ok")) ? 1 : 0;
            } catch (TimeoutException e) {
                result.cancel(true);
                return fail(action, new java.net.SocketTimeoutException(action + " did not finish within " + timeout.toSeconds() + " s"));
            } catch (ExecutionException e) {
                return fail(action, e.getCause());
            }
        } catch (InterruptedException e) {
            return 1;
        } catch (IOException e) {
            return fail(action, e);
        }
    }

    /** Checks a command's arguments before anything is dialed, so bad arguments exit 2. */
    private static void validate(String action, Cli cli) {
        switch (action) {
            case "ping" -> {
                cli.intOption("--count", 1, 1, 1_000_000);
                cli.intOption("--repeat", 0, 0, 1_000_000);
            }
            case "echo" -> {
                cli.sizeOption("--bytes", 1024);
                cli.intOption("--streams", 1, 1, 10_000);
            }
            case "perf" -> {
                cli.sizeOption("--upload", 0);
                cli.sizeOption("--download", 0);
            }
            case "rates" -> {
                cli.intOption("--seconds", 3, 1, 3600);
                cli.intOption("--dialers", 4, 1, 64);
                cli.intOption("--openers", 64, 1, 1024);
            }
            case "send-file" -> {
                Path file = Path.of(cli.positional(1, "the file to send"));
                if (!Files.isRegularFile(file)) {
                    throw new Cli.UsageException("no such file: " + file);
                }
            }
            case "kv" -> {
                String op = cli.positional(1, "put or get");
                if (op.equals("put")) {
                    cli.positional(3, "the value");
                } else if (op.equals("get")) {
                    cli.positional(2, "the key");
                } else {
                    throw new Cli.UsageException("kv takes put or get, not '" + op + "'");
                }
            }
            default -> { }
        }
    }

    private Map<String, Object> ping(Host host, Multiaddr addr, Cli cli) throws IOException {
        int count = cli.intOption("--count", 1, 1, 1_000_000);
        int repeat = cli.intOption("--repeat", 0, 0, 1_000_000);
        if (repeat > 0) {
            List<Double> perConnection = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                long start = System.nanoTime();
                Connection c = host.connect(addr);
                try (ProtocolStream s = c.newStream(Ping.PROTOCOL_ID)) {
                    Ping.ping(s, 1);
                }
                perConnection.add((System.nanoTime() - start) / 1e6);
                c.close();
            }
            List<Double> sorted = perConnection.stream().sorted().toList();
            double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
            return ordered("action", "ping", "ok", true, "repeat", repeat, "medianMs", median, "minMs", sorted.get(0),
                    "maxMs", sorted.get(sorted.size() - 1), "connectionsMs", perConnection);
        }
        List<Double> rtts;
        try (ProtocolStream s = host.newStream(addr, Ping.PROTOCOL_ID)) {
            rtts = Ping.ping(s, count).stream().map(d -> d.toNanos() / 1e6).toList();
        }
        return ordered("action", "ping", "ok", true, "rttMs", rtts.get(0), "count", count, "rttsMs", rtts);
    }

    private Map<String, Object> identify(Host host, Multiaddr addr) throws Exception {
        PeerId target = addr.peerId().orElseThrow();
        CompletableFuture<HostEvent.PeerIdentified> identified = new CompletableFuture<>();
        try (EventSubscription s = host.subscribe(HostEvent.PeerIdentified.class, e -> {
            if (e.peer().equals(target)) {
                identified.complete(e);
            }
        })) {
            Connection c = host.connect(addr);
            HostEvent.PeerIdentified e;
            try {
                e = identified.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException timeout) {
                throw new IOException("the peer did not answer identify");
            }
            Peerstore.PeerInfo info = host.peerstore().get(c.remotePeer()).orElseThrow();
            return ordered("action", "identify", "ok", true, "peerId", c.remotePeer().toString(),
                    "agentVersion", info.agentVersion().orElse(""), "protocolVersion", info.protocolVersion().orElse(""),
                    "protocols", info.protocols(), "listenAddrs", info.addrs().stream().map(Multiaddr::toString).toList(),
                    "observedAddr", info.observedAddr().map(Multiaddr::toString).orElse(""),
                    "security", c.securityProtocol(), "muxer", c.muxerProtocol(), "signedPeerRecord", e.signedPeerRecord());
        }
    }

    private Map<String, Object> echo(Host host, Multiaddr addr, Cli cli) throws Exception {
        long bytes = cli.sizeOption("--bytes", 1024);
        int streams = cli.intOption("--streams", 1, 1, 10_000);
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new Cli.UsageException("--bytes must be under 2 GiB");
        }
        Connection c = host.connect(addr);
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                int seed = i;
                results.add(pool.submit(() -> {
                    byte[] data = new byte[(int) bytes];
                    new Random(seed).nextBytes(data);
                    try (ProtocolStream s = c.newStream(Echo.PROTOCOL_ID)) {
                        Future<byte[]> back = pool.submit(() -> s.in().readAllBytes());
                        s.out().write(data);
                        s.closeWrite();
                        return Arrays.equals(back.get(), data);
                    }
                }));
            }
            boolean ok = true;
            for (Future<Boolean> r : results) {
                ok &= r.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return ordered("action", "echo", "ok", ok, "bytes", bytes, "streams", streams, "seconds", seconds);
        }
    }

    /**
     * Connections per second from concurrent dialers, then streams opened and closed per second on one
     * connection from concurrent openers. Each dialer is a host of its own, since a host keeps one
     * connection per peer.
     */
    private Map<String, Object> rates(Host host, Multiaddr addr, Cli cli) throws Exception {
        int seconds = cli.intOption("--seconds", 3, 1, 3600);
        int dialers = cli.intOption("--dialers", 4, 1, 64);
        int openers = cli.intOption("--openers", 64, 1, 1024);
        List<Host> hosts = new ArrayList<>(List.of(host));
        try {
            for (int i = 1; i < dialers; i++) {
                hosts.add(host(cli, null, Map.of()));
            }
            double connectionsPerSecond = perSecond(hosts.size(), seconds, i -> {
                Connection c = hosts.get(i).connect(addr);
                try (ProtocolStream s = c.newStream(Ping.PROTOCOL_ID)) {
                    Ping.ping(s, 1);
                }
                c.close();
            });
            Connection c = host.connect(addr);
            double streamsPerSecond = perSecond(openers, seconds, i -> {
                try (ProtocolStream s = c.newStream(Echo.PROTOCOL_ID)) {
                    s.closeWrite();
                    if (s.in().read() != -1) {
                        throw new IOException("the echo stream sent data it was not given");
                    }
                }
            });
            return ordered("action", "rates", "ok", true, "seconds", seconds, "dialers", dialers,
                    "connectionsPerSecond", connectionsPerSecond, "openers", openers, "streamsPerSecond", streamsPerSecond);
        } finally {
            for (Host h : hosts.subList(1, hosts.size())) {
                h.close();
            }
        }
    }

    /** One step of a rate measurement, run by worker {@code i} again and again. */
    private interface Step {
        void run(int i) throws Exception;
    }

    /** How many steps per second {@code workers} concurrent loops complete in {@code seconds}. */
    private static double perSecond(int workers, int seconds, Step step) throws Exception {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        AtomicLong done = new AtomicLong();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> loops = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int i = w;
                loops.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        step.run(i);
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                loop.get();
            }
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private Map<String, Object> perf(Host host, Multiaddr addr, Cli cli) throws IOException {
        long upload = cli.sizeOption("--upload", 0);
        long download = cli.sizeOption("--download", 0);
        try (ProtocolStream s = host.newStream(addr, Perf.PROTOCOL_ID)) {
            Perf.Result r = Perf.run(s, upload, download);
            boolean ok = r.downloaded() == download;
            return ordered("action", "perf", "ok", ok, "uploadBytes", r.uploaded(), "downloadBytes", r.downloaded(),
                    "seconds", r.seconds(), "uploadMBps", mbps(r.uploaded(), r.uploadSeconds()),
                    "downloadMBps", mbps(r.downloaded(), r.downloadSeconds()));
        }
    }

    private static double mbps(long bytes, double seconds) {
        return seconds <= 0 ? 0 : bytes / seconds / 1e6;
    }

    private Map<String, Object> sendFile(Host host, Multiaddr addr, Cli cli) throws IOException {
        Path file = Path.of(cli.positional(1, "the file to send"));
        long size = Files.size(file);
        Progress progress = new Progress(size, json ? null : System.console() != null ? err : null);
        long start = System.nanoTime();
        try (ProtocolStream s = host.newStream(addr, FileTransfer.PROTOCOL_ID)) {
            boolean ok = FileTransfer.send(s, file, progress::update);
            progress.finish();
            double seconds = (System.nanoTime() - start) / 1e9;
            return ordered("action", "send-file", "ok", ok, "file", file.getFileName().toString(), "bytes", size,
                    "seconds", seconds, "MBps", mbps(size, seconds));
        }
    }

    private Map<String, Object> kv(Host host, Multiaddr addr, Cli cli) throws IOException {
        String op = cli.positional(1, "put or get");
        String key = cli.positional(2, "the key");
        try (ProtocolStream s = host.newStream(addr, KeyValue.PROTOCOL_ID)) {
            if (op.equals("put")) {
                int status = KeyValue.put(s, key, cli.positional(3, "the value").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return ordered("action", "kv", "ok", status == KeyValue.OK, "op", "put", "key", key);
            }
            byte[] value = KeyValue.get(s, key);
            return value == null ? ordered("action", "kv", "ok", false, "op", "get", "key", key, "error", "not found", "errorType", "NotFound")
                    : ordered("action", "kv", "ok", true, "op", "get", "key", key, "value", new String(value, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    // ---- output ------------------------------------------------------------------------------

    private void emit(Map<String, Object> object, String forPeople) {
        String line = json ? Json.write(object) : forPeople;
        outputLock.lock();
        try {
            out.println(line);
            out.flush();
        } finally {
            outputLock.unlock();
        }
    }

    private int fail(String action, Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        emit(ordered("action", action, "ok", false, "error", message, "errorType", e.getClass().getSimpleName()),
                action + " failed: " + message);
        return 1;
    }

    private static String human(Map<String, Object> r) {
        if (Boolean.FALSE.equals(r.get("ok"))) {
            return r.get("action") + " failed" + (r.containsKey("error") ? ": " + r.get("error") : "");
        }
        return switch ((String) r.get("action")) {
            case "ping" -> r.containsKey("repeat")
                    ? String.format("%d connections: median %.2f ms, min %.2f ms, max %.2f ms (dial + handshake + first ping)",
                            r.get("repeat"), r.get("medianMs"), r.get("minMs"), r.get("maxMs"))
                    : "ping " + ((List<?>) r.get("rttsMs")).stream().map(x -> String.format("%.2f ms", (Double) x)).toList();
            case "identify" -> "peer " + r.get("peerId") + "\n  agent     " + r.get("agentVersion") + "\n  protocols " + r.get("protocols")
                    + "\n  addrs     " + r.get("listenAddrs") + "\n  sees us at " + r.get("observedAddr");
            case "echo" -> String.format("echo ok: %d streams x %d bytes in %.3f s", r.get("streams"), r.get("bytes"), r.get("seconds"));
            case "perf" -> String.format("perf: up %d bytes at %.1f MB/s, down %d bytes at %.1f MB/s, %.3f s",
                    r.get("uploadBytes"), r.get("uploadMBps"), r.get("downloadBytes"), r.get("downloadMBps"), r.get("seconds"));
            case "rates" -> String.format("%.0f connections/s (%d dialers), %.0f streams/s on one connection (%d openers)",
                    r.get("connectionsPerSecond"), r.get("dialers"), r.get("streamsPerSecond"), r.get("openers"));
            case "send-file" -> String.format("sent %s, %d bytes, %.1f MB/s, SHA-256 verified", r.get("file"), r.get("bytes"), r.get("MBps"));
            case "kv" -> r.get("op").equals("put") ? "stored " + r.get("key") : r.get("key") + " = " + r.get("value");
            default -> Json.write(r);
        };
    }

    static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** A progress bar on a terminal; nothing otherwise. */
    private static final class Progress {
        private final long total;
        private final PrintStream terminal;
        private long lastDrawn = -1;

        Progress(long total, PrintStream terminal) {
            this.total = total;
            this.terminal = terminal;
        }

        void update(long done) {
            if (terminal == null || total == 0) {
                return;
            }
            long percent = done * 100 / total;
            if (percent != lastDrawn) {
                lastDrawn = percent;
                int filled = (int) (percent / 5);
                terminal.print("\r[" + "#".repeat(filled) + " ".repeat(20 - filled) + "] " + percent + "%");
            }
        }

        void finish() {
            if (terminal != null) {
                terminal.println();
            }
        }
    }
}
