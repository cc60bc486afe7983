package org.jlibp2p.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.crypto.KeyType;
import org.jlibp2p.core.crypto.PrivateKey;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Limits;
import org.jlibp2p.core.host.StreamHandler;
import org.jlibp2p.relay.CircuitRelay;
import org.jlibp2p.relay.RelayTransport;
import org.jlibp2p.tcp.TcpTransport;

/**
 * What every command gets: its parsed command line, its streams and environment, the output
 * (JSON or text, one line at a time), and how the tool builds hosts and connects.
 */
final class Context {
    /** How long a command may take unless {@code --timeout} says otherwise. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The longest security and muxer handshake the tool's hosts allow (shorter with a short dial timeout). */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** The tool's own protocols, allowed on limited (relayed) connections. */
    static final List<String> TOOL_PROTOCOLS = List.of(Echo.PROTOCOL_ID, Perf.PROTOCOL_ID, Chat.PROTOCOL_ID, FileTransfer.PROTOCOL_ID,
            KeyValue.PROTOCOL_ID);
    private static final System.Logger LOG = System.getLogger("org.jlibp2p.examples");

    final Cli cli;
    final PrintStream out;
    final PrintStream err;
    final InputStream in;
    final Map<String, String> env;
    final boolean json;
    private final ReentrantLock outputLock = new ReentrantLock();
    private PrivateKey identity;
    private volatile boolean stopping;
    private volatile boolean relayed;

    Context(Cli cli, PrintStream out, PrintStream err, InputStream in, Map<String, String> env) {
        this.cli = cli;
        this.out = out;
        this.err = err;
        this.in = in;
        this.env = env;
        this.json = cli.flag("--json");
    }

    // ---- output ------------------------------------------------------------------------------

    /** Prints one JSON object with {@code --json}, else the text for people. */
    void emit(Map<String, Object> object, String forPeople) {
        String line = json ? Json.write(object) : forPeople;
        outputLock.lock();
        try {
            out.println(line);
            out.flush();
        } finally {
            outputLock.unlock();
        }
    }

    /** Prints a result; {@return its exit code} */
    int emit(Result r) {
        emit(r.json(), r.human());
        return r.ok() ? 0 : 1;
    }

    /** Prints a failure; {@return 1} */
    int fail(String action, Throwable e) {
        return emit(Result.Failure.of(action, e));
    }

    /** {@return stderr if it is a terminal and the output is for people (for progress lines), else null} */
    PrintStream terminal() {
        return json || System.console() == null ? null : err;
    }

    // ---- identity, hosts, connections ----------------------------------------------------------

    /** {@return the node's key: see {@link Identity}; the same for the whole command} */
    PrivateKey identity() {
        if (identity == null) {
            identity = Identity.of(cli, env);
        }
        return identity;
    }

    KeyType keyType() {
        return Identity.keyType(cli);
    }

    /** {@return the bound of a whole connection setup: TCP connect, security handshake and muxer} */
    Duration dialTimeout() {
        return Duration.ofSeconds(cli.intOption("--dial-timeout", 1, 3600));
    }

    /** A host with the node's identity; see {@link #host(PrivateKey, String, Map)}. */
    Host host(String listen, Map<String, StreamHandler> handlers) throws IOException {
        return host(identity(), listen, handlers);
    }

    /**
     * A host with the default stack (TCP + Noise + Yamux). Its handlers report a failure as a
     * WARNING naming the protocol and the peer, since the host itself logs it at DEBUG only.
     *
     * @param key      its identity
     * @param listen   the address to listen on, or null
     * @param handlers the protocols it serves
     */
    Host host(PrivateKey key, String listen, Map<String, StreamHandler> handlers) throws IOException {
        return host(key, listen, handlers, b -> {});
    }

    /**
     * A host with the default stack (TCP + Noise + Yamux) that can also dial {@code /p2p-circuit}
     * addresses ({@link RelayTransport}). The tool's protocols may run on limited (relayed) connections.
     *
     * @param key      its identity
     * @param listen   the address to listen on, or null
     * @param handlers the protocols it serves
     * @param extra    more configuration: a relay service, a relay client
     */
    Host host(PrivateKey key, String listen, Map<String, StreamHandler> handlers, Consumer<Host.Builder> extra) throws IOException {
        Duration dial = dialTimeout();
        // The whole connect is cut at the dial timeout (connect()); an attempt abandoned then ends soon after.
        Duration handshake = dial.plusSeconds(1).compareTo(HANDSHAKE_TIMEOUT) < 0 ? dial.plusSeconds(1) : HANDSHAKE_TIMEOUT;
        Host.Builder b = Host.builder()
                .identity(key)
                .limits(Limits.defaults().withTimeouts(handshake, Duration.ofSeconds(10), dial));
        // Naming a transport replaces the default ones: TCP is named too.
        b.transport(new TcpTransport()).transport(RelayTransport::new);
        if (listen != null) {
            b.listen(listen);
        }
        handlers.forEach((protocol, handler) -> b.handler(protocol, reported(protocol, handler)).allowOnLimitedConnections(protocol));
        // both ends must allow a protocol on a limited connection: the dialer's too
        TOOL_PROTOCOLS.forEach(b::allowOnLimitedConnections);
        extra.accept(b);
        return b.build();
    }

    /** Says that the command is ending: handler failures from now on are the host closing, not news. */
    void stopping() {
        stopping = true;
    }

    /** {@return true once the command is ending} */
    boolean isStopping() {
        return stopping;
    }

    private StreamHandler reported(String protocol, StreamHandler handler) {
        return stream -> {
            try {
                handler.handle(stream);
            } catch (Exception | Error e) {
                if (!stopping) {
                    LOG.log(Level.WARNING, () -> protocol + " handler failed for " + stream.connection().remotePeer()
                            + " at " + stream.connection().remoteAddress() + ": " + e);
                }
                throw e;
            }
        };
    }

    /**
     * Connects to the peer an address names, the whole setup (TCP connect, security handshake,
     * muxer) bounded by {@code --dial-timeout}.
     */
    Connection connect(Host host, Multiaddr addr) throws IOException, InterruptedException {
        Duration limit = dialTimeout();
        FutureTask<Connection> task = new FutureTask<>(() -> {
            Connection c = host.connect(addr);
            relayed = relayed || isRelayed(c);
            return c;
        });
        Thread.ofVirtual().name("jlibp2p-connect").start(task);
        try {
            return task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new SocketTimeoutException("no connection to " + addr + " within the dial timeout of " + limit.toSeconds()
                    + " s (TCP connect, security handshake and muxer)");
        } catch (InterruptedException e) {
            task.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error error -> throw error;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    /** {@return true if a connection this command made with {@link #connect} goes through a relay} */
    boolean relayed() {
        return relayed;
    }

    /** {@return true if a connection goes through a relay: a circuit, limited or not} */
    static boolean isRelayed(Connection c) {
        return CircuitRelay.isRelayed(c) || c.isLimited();
    }

    /** {@return the addresses to print as where a host listens: without the bare {@code /p2p-circuit}, which nobody can dial} */
    static List<String> dialable(Host host) {
        return host.fullAddrs().stream().filter(a -> !a.toString().startsWith("/p2p-circuit")).map(Multiaddr::toString).toList();
    }

    // ---- addresses ---------------------------------------------------------------------------

    /** {@return the first positional argument as an address to dial} */
    Multiaddr target() {
        return parseTarget(cli.positional(0, "the address to dial"));
    }

    /** Parses an address to dial; bad text is a {@link Cli.UsageException} saying what is wrong. */
    static Multiaddr parseTarget(String text) {
        Multiaddr addr;
        try {
            addr = Multiaddr.parse(text);
        } catch (IllegalArgumentException e) {
            int p2p = text.lastIndexOf("/p2p/");
            if (p2p >= 0) {
                String id = text.substring(p2p + "/p2p/".length());
                id = id.indexOf('/') < 0 ? id : id.substring(0, id.indexOf('/'));
                try {
                    PeerId.parse(id);
                } catch (IllegalArgumentException notAnId) {
                    throw new Cli.UsageException("'" + id + "' is not a peer id. A peer id is what `listen` prints after /p2p/, "
                            + "such as 12D3KooW... or Qm... (base58btc), or a CIDv1 such as bafz...");
                }
            }
            throw new Cli.UsageException(e.getMessage());
        }
        if (addr.peerId().isEmpty()) {
            throw new Cli.UsageException("the address must end in /p2p/<peer id>: " + text);
        }
        return addr;
    }

    /** {@return the address to listen on, from --host (an IP address or a host name) and --port} */
    String listenAddress() {
        return listenAddress(cli.option("--host", "0.0.0.0"), cli.intOption("--port", 0, 0, 65535));
    }

    /** {@return {@code /ip4/A/tcp/P} or {@code /ip6/A/tcp/P}; a host name is resolved to its first address} */
    static String listenAddress(String host, int port) {
        InetAddress a;
        try {
            a = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new Cli.UsageException("cannot resolve the host name '" + host + "'");
        }
        String ip = a.getHostAddress();
        if (ip.indexOf('%') >= 0) {
            ip = ip.substring(0, ip.indexOf('%')); // the scope of a link-local address
        }
        return (a instanceof Inet6Address ? "/ip6/" : "/ip4/") + ip + "/tcp/" + port;
    }

    /** {@return the address people on this machine would dial: a loopback one if there is one} */
    static Multiaddr localFirst(List<Multiaddr> addrs) {
        return addrs.stream().filter(a -> a.toString().startsWith("/ip4/127.") || a.toString().startsWith("/ip6/::1/"))
                .findFirst().orElse(addrs.get(0));
    }

    /**
     * {@return the command that runs this tool, as the user typed it: the launcher's path (it sets
     * the {@code jlibp2p.command} system property), else {@code java -jar} and this jar}
     */
    static String launcher() {
        String launcher = System.getProperty("jlibp2p.command");
        if (launcher != null && !launcher.isBlank()) {
            return launcher.contains(" ") ? "'" + launcher + "'" : launcher;
        }
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (jar.toString().endsWith(".jar")) {
                return "java -jar " + (jar.toString().contains(" ") ? "'" + jar + "'" : jar);
            }
        } catch (Exception e) {
            // no code source: say the tool's name
        }
        return "jlibp2p";
    }
}
