package org.jlibp2p.examples;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.PeerId;
import org.jlibp2p.core.host.Host;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.StreamHandler;

/**
 * {@code chat [<addr>]}: lines typed in one terminal appear in the other (/chat/1.0.0). Without an
 * address it waits for one peer and prints the command to run on the other side.
 */
final class ChatCommand implements Command {
    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String arguments() {
        return "[<addr>]";
    }

    @Override
    public String summary() {
        return "chat line by line with another terminal";
    }

    @Override
    public String description() {
        return """
                Chat line by line (/chat/1.0.0): with an address, dial it; without, listen, print the command to run
                in the other terminal, and wait for one peer. Incoming lines start with the sender's short peer id.
                Ctrl-D leaves the chat (the other side reads "left"); Ctrl-C ends it.""";
    }

    @Override
    public List<Option> options() {
        return List.of(
                Option.value("--host", "H", "0.0.0.0", "the address or host name to listen on (without <addr>)"),
                Option.value("--port", "P", "0", "the TCP port to listen on (without <addr>); 0 picks a free one"),
                Relaying.OPTION);
    }

    @Override
    public int maxArguments() {
        return 1;
    }

    @Override
    public int run(Context ctx) throws InterruptedException {
        boolean dialing = !ctx.cli.positional.isEmpty();
        Multiaddr target = dialing ? ctx.target() : null;
        String listen = dialing ? null : ctx.listenAddress();
        AtomicBoolean taken = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Map<String, StreamHandler> handlers = Map.of(Chat.PROTOCOL_ID, stream -> {
            if (!taken.compareAndSet(false, true)) {
                throw new IOException("already chatting with someone");
            }
            try {
                converse(ctx, stream, stream.connection().remotePeer() + " joined" + relayedNote(stream) + "; type lines, end with Ctrl-D");
            } finally {
                finished.countDown();
            }
        });
        if (dialing && ctx.cli.has("--relay")) {
            throw new Cli.UsageException("--relay is for the side that waits (without <addr>); to dial through a relay, give its /p2p-circuit address");
        }
        Relaying relaying = Relaying.of(ctx);
        try (Host host = ctx.host(ctx.identity(), listen, dialing ? Map.of() : handlers, b -> Relaying.configure(b, relaying))) {
            try {
                if (dialing) {
                    ProtocolStream stream = ctx.connect(host, target).newStream(Chat.PROTOCOL_ID);
                    converse(ctx, stream, "connected to " + stream.connection().remotePeer() + relayedNote(stream) + "; type lines, end with Ctrl-D");
                    return 0;
                }
                List<String> addrs = Context.dialable(host);
                String command = Context.launcher() + " chat " + Context.localFirst(host.fullAddrs());
                ctx.emit(Json.object("event", "listening", "peerId", host.peerId().toString(), "addrs", addrs, "command", command),
                        "waiting for a chat on\n  " + String.join("\n  ", addrs) + "\nin another terminal, run:\n  " + command);
                Relaying.start(relaying);
                finished.await();
                return 0;
            } finally {
                ctx.stopping();
            }
        } catch (InterruptedException | InterruptedIOException e) {
            ctx.emit(Json.object("event", "ended"), "chat ended");
            return 0;
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                ctx.emit(Json.object("event", "ended"), "chat ended");
                return 0;
            }
            return ctx.fail("chat", e);
        } catch (Exception e) {
            return ctx.fail("chat", e);
        }
    }

    private static String relayedNote(ProtocolStream stream) {
        return Context.isRelayed(stream.connection()) ? " (relayed, through " + stream.connection().remoteAddress() + ")" : "";
    }

    /**
     * Chats on a stream until the peer leaves: it ends its side (Ctrl-D), or its connection is lost
     * (Ctrl-C, a crash). Our own Ctrl-C ends the chat with an exception instead.
     */
    private static void converse(Context ctx, ProtocolStream stream, String greeting) throws Exception {
        PeerId peer = stream.connection().remotePeer();
        String prefix = Chat.shortId(peer) + ": ";
        ctx.emit(Json.object("event", "connected", "peerId", peer.toString(), "relayed", Context.isRelayed(stream.connection())), greeting);
        try {
            Chat.converse(stream, ctx.in, line -> ctx.emit(Json.object("event", "chat", "from", peer.toString(), "text", line), prefix + line));
        } catch (IOException e) {
            if (e instanceof InterruptedIOException || Thread.currentThread().isInterrupted() || ctx.isStopping()) {
                throw e;
            }
            ctx.emit(Json.object("event", "left", "peerId", peer.toString(), "error", String.valueOf(e.getMessage())),
                    Chat.shortId(peer) + " left (the connection was lost: " + e.getMessage() + ")");
            return;
        }
        ctx.emit(Json.object("event", "left", "peerId", peer.toString()), Chat.shortId(peer) + " left");
    }
}
