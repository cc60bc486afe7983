package org.jlibp2p.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jlibp2p.core.Role;
import org.jlibp2p.core.host.Connection;
import org.jlibp2p.core.host.ConnectionListener;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.Limits;
import org.jlibp2p.core.host.ResourceUsage;
import org.jlibp2p.core.host.StreamHandler;

/** {@code listen}: a node serving every protocol of the tool until interrupted. */
final class ListenCommand implements Command {
    @Override
    public String name() {
        return "listen";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "run a node that serves every protocol here, until Ctrl-C";
    }

    @Override
    public String description() {
        return """
                Run a node that serves ping, identify, /echo/1.0.0, /perf/1.0.0, /chat/1.0.0, /file-transfer/1.0.0
                and /kv/1.0.0. Prints its addresses, whether it takes files, then one line per inbound connection and
                per file, until interrupted; with --usage-every, also what it holds (connections, pending handshakes,
                streams by protocol) every S seconds. With --relay, it also reserves a slot on that relay, prints the
                /p2p-circuit addresses others dial to reach it through the relay, and renews the slot until stopped. A handler that fails is logged as a WARNING on stderr.""";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--host", "H", "0.0.0.0", "the address or host name to listen on"),
                Option.value("--port", "P", "0", "the TCP port; 0 picks a free one"),
                Option.value("--receive-dir", "DIR", "none: files are refused", "store files sent with send-file in DIR"),
                Option.value("--usage-every", "S", "0", "print what the host holds every S seconds (0: never)"),
                Relaying.OPTION);
    }

    @Override
    public int maxArguments() {
        return 0;
    }

    @Override
    public int run(Context ctx) throws InterruptedException {
        String dirOption = ctx.cli.option("--receive-dir", null);
        Path receiveDir = dirOption == null ? null : Path.of(dirOption);
        int usageEvery = ctx.cli.intOption("--usage-every", 0, 86_400);
        String listen = ctx.listenAddress();
        Map<String, StreamHandler> handlers = new LinkedHashMap<>();
        handlers.put(Echo.PROTOCOL_ID, Echo.HANDLER);
        handlers.put(Perf.PROTOCOL_ID, Perf.HANDLER);
        handlers.put(KeyValue.PROTOCOL_ID, new KeyValue().handler());
        handlers.put(FileTransfer.PROTOCOL_ID, FileTransfer.handler(receiveDir, r -> reportFile(ctx, r)));
        handlers.put(Chat.PROTOCOL_ID, stream -> Chat.converse(stream, InputStream.nullInputStream(),
                line -> ctx.emit(Json.object("event", "chat", "from", stream.connection().remotePeer().toString(), "text", line),
                        Chat.shortId(stream.connection().remotePeer()) + ": " + line)));
        Relaying relaying = Relaying.of(ctx);
        try (Host host = ctx.host(ctx.identity(), listen, handlers, b -> Relaying.configure(b, relaying))) {
            if (receiveDir != null) {
                Files.createDirectories(receiveDir);
            }
            host.addConnectionListener(new ConnectionListener() {
                @Override
                public void opened(Connection c) {
                    if (c.direction() == Role.RESPONDER) {
                        ctx.emit(Json.object("event", "connection", "peerId", c.remotePeer().toString(), "remoteAddr", c.remoteAddress().toString(),
                                        "security", c.securityProtocol(), "muxer", c.muxerProtocol()),
                                "connection from " + c.remotePeer() + " at " + c.remoteAddress());
                    }
                }
            });
            List<String> addrs = Context.dialable(host);
            String files = receiveDir == null ? "files: refused (start with --receive-dir DIR to accept them)"
                    : "files: stored in " + receiveDir.toAbsolutePath() + " (never overwriting one)";
            ctx.emit(Json.object("event", "listening", "peerId", host.peerId().toString(), "addrs", addrs,
                            "receiveDir", receiveDir == null ? null : receiveDir.toAbsolutePath().toString()),
                    "peer id " + host.peerId() + "\nlistening on\n  " + String.join("\n  ", addrs) + "\n" + files);
            Relaying.start(relaying);
            try {
                if (usageEvery == 0) {
                    new CountDownLatch(1).await(); // until interrupted
                }
                while (true) {
                    Thread.sleep(Duration.ofSeconds(usageEvery));
                    reportUsage(ctx, host);
                }
            } finally {
                ctx.stopping();
            }
        } catch (InterruptedException e) {
            return 0;
        } catch (IOException e) {
            return ctx.fail("listen", e);
        }
    }

    private static void reportFile(Context ctx, FileTransfer.Receipt r) {
        if (r.status() == FileTransfer.STORED) {
            ctx.emit(Json.object("event", "file", "peerId", r.from().toString(), "name", r.name(), "bytes", r.bytes(), "path", r.path().toString()),
                    "stored " + r.name() + " (" + r.bytes() + " bytes) from " + Chat.shortId(r.from()) + " in " + r.path());
        } else {
            ctx.emit(Json.object("event", "file-refused", "peerId", r.from().toString(), "name", r.name(), "bytes", r.bytes(),
                            "reason", FileTransfer.reason(r.status())),
                    "refused " + r.name() + " (" + r.bytes() + " bytes) from " + Chat.shortId(r.from()) + ": " + FileTransfer.reason(r.status()));
        }
    }

    private static void reportUsage(Context ctx, Host host) {
        ResourceUsage u = host.resourceUsage();
        Limits l = host.limits();
        ctx.emit(Json.object("event", "usage", "inboundConnections", u.inboundConnections(), "outboundConnections", u.outboundConnections(),
                        "pendingHandshakes", u.pendingHandshakes(), "peers", u.peers(), "streams", u.streams(),
                        "streamsByProtocol", u.streamsByProtocol(), "bufferedBytes", u.bufferedBytes()),
                "usage: connections " + u.inboundConnections() + "/" + l.maxInboundConnections() + " in, " + u.outboundConnections()
                        + "/" + l.maxOutboundConnections() + " out; pending handshakes " + u.pendingHandshakes() + "/" + l.maxPendingInbound()
                        + "; peers " + u.peers() + "; streams " + u.streams() + " " + u.streamsByProtocol() + "; unread bytes " + u.bufferedBytes());
    }
}
